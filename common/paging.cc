#include "common/paging.h"

#include <algorithm>
#include <charconv>

#include "common/encoding.h"

namespace gongkai::common {
namespace {

constexpr std::string_view kMagic = "gk2:";
constexpr std::size_t kMaxTokenBytes = 4096;

}  // namespace

std::string EncodePageToken(const PagePosition& position) {
  std::string plain(kMagic);
  for (const auto& field : position) plain += std::to_string(field.size()) + ":" + field;
  return Base64Encode(plain, Base64::kUrl);
}

std::optional<PagePosition> DecodePageToken(const std::string& token, std::size_t fields) {
  if (token.empty() || token.size() % 4 != 0 || token.size() > kMaxTokenBytes) return std::nullopt;
  auto decoded = Base64Decode(token);
  if (!decoded) return std::nullopt;
  const std::string& plain = *decoded;
  if (!plain.starts_with(kMagic)) return std::nullopt;
  PagePosition out;
  std::size_t at = kMagic.size();
  while (at < plain.size()) {
    std::size_t length = 0;
    auto [end, error] = std::from_chars(plain.data() + at, plain.data() + plain.size(), length);
    if (error != std::errc() || end == plain.data() + plain.size() || *end != ':') return std::nullopt;
    at = static_cast<std::size_t>(end - plain.data()) + 1;
    if (length > plain.size() - at) return std::nullopt;
    out.push_back(plain.substr(at, length));
    at += length;
  }
  if (out.size() != fields) return std::nullopt;
  return out;
}

int ReadPageSize(Violations& out, const std::string& field, int64_t requested, PageLimits limits) {
  if (requested < 0) {
    out.push_back({field, "must not be negative"});
    return limits.fallback;
  }
  if (requested == 0) return limits.fallback;
  return static_cast<int>(std::min<int64_t>(requested, limits.max));
}

Page ReadPage(Violations& out, int64_t page_size, const std::string& page_token, std::size_t fields,
              PageLimits limits) {
  Page page;
  page.size = ReadPageSize(out, "page_size", page_size, limits);
  if (!page_token.empty()) {
    auto position = DecodePageToken(page_token, fields);
    if (position) {
      page.after = std::move(*position);
    } else {
      out.push_back({"page_token", "not a token this service issued"});
    }
  }
  return page;
}

int64_t SeqPageStart(Violations& out, const Page& page) {
  if (page.after.empty()) return 0;
  int64_t seq = 0;
  const std::string& text = page.after[0];
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seq);
  if (error != std::errc() || end != text.data() + text.size() || seq <= 0) {
    out.push_back({"page_token", "not a token this service issued"});
    return 0;
  }
  return seq;
}

}  // namespace gongkai::common
