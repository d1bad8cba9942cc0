#include "common/paging.h"

#include <openssl/evp.h>

#include <algorithm>

namespace gongkai::common {
namespace {

constexpr char kMagic[] = "gk1:";

}  // namespace

std::string EncodePageToken(const std::string& position) {
  std::string plain = kMagic + position;
  std::string out(4 * ((plain.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(plain.data()), static_cast<int>(plain.size()));
  out.resize(n);
  for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return out;
}

std::optional<std::string> DecodePageToken(const std::string& token) {
  if (token.empty() || token.size() % 4 != 0 || token.size() > 4096) return std::nullopt;
  std::string b64 = token;
  for (char& c : b64) c = c == '-' ? '+' : c == '_' ? '/' : c;
  std::string out(3 * b64.size() / 4 + 1, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(b64.data()), static_cast<int>(b64.size()));
  if (n < 0) return std::nullopt;
  std::size_t padding = std::count(token.end() - std::min<std::size_t>(2, token.size()), token.end(), '=');
  out.resize(static_cast<std::size_t>(n) - padding);
  if (!out.starts_with(kMagic)) return std::nullopt;
  return out.substr(sizeof(kMagic) - 1);
}

int PageSize(int32_t requested, int fallback, int max) {
  if (requested <= 0) return fallback;
  return std::min<int>(requested, max);
}

}  // namespace gongkai::common
