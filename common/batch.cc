#include "common/batch.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdlib>

#include "common/errors.h"
#include "common/paging.h"

namespace gongkai::common {

std::string RecordJson(const google::protobuf::Message& record) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(record, &out, options);
  return out;
}

void CheckBatchSize(int count, int max, const char* field) {
  if (count == 0) throw ServiceError::InvalidArgument("empty batch", {{field, "at least one record"}});
  if (count > max) {
    throw ServiceError::InvalidArgument("batch too large",
                                        {{field, "at most " + std::to_string(max) + " records per call"}});
  }
}

Violations CappedViolations(Violations violations, const std::string& record_path) {
  if (violations.size() <= kMaxRecordViolations) return violations;
  const std::size_t more = violations.size() - (kMaxRecordViolations - 1);
  violations.resize(kMaxRecordViolations - 1);
  violations.push_back({record_path, "and " + std::to_string(more) + " more violations (at most " +
                                         std::to_string(kMaxRecordViolations) + " are listed per record)"});
  return violations;
}

namespace {

// A violation's serialised size in a list: its two strings and its own tag
// and length.
std::size_t ViolationBytes(const FieldViolation& v) { return v.field.size() + v.description.size() + 15; }

// A rejection as a page lists it (RejectionsPage's bounds).
v1::Rejection Listed(const Rejection& r) {
  v1::Rejection p;
  p.set_kind(r.kind);
  p.set_key(std::string(Utf8Prefix(r.key, kListedKeyBytes)));
  p.set_source_version(r.source_version);
  const std::string_view raw = Utf8Prefix(r.raw_json, kListedRawBytes);
  const int64_t raw_bytes = std::max(r.raw_bytes, static_cast<int64_t>(r.raw_json.size()));
  p.set_raw_json(std::string(raw));
  p.set_raw_bytes(raw_bytes);
  p.set_raw_truncated(static_cast<int64_t>(raw.size()) < raw_bytes);
  p.set_received_at(r.received_at);
  std::size_t listed = 0;
  std::size_t bytes = 0;
  while (listed < r.violations.size() && bytes + ViolationBytes(r.violations[listed]) <= kListedViolationsBytes) {
    bytes += ViolationBytes(r.violations[listed]);
    ++listed;
  }
  WriteViolations(Violations(r.violations.begin(), r.violations.begin() + static_cast<std::ptrdiff_t>(listed)),
                  p.mutable_violations());
  p.set_unlisted_violations(static_cast<int32_t>(r.violations.size() - listed));
  return p;
}

}  // namespace

std::string RejectionsPage(const std::function<std::vector<Rejection>(int64_t, int)>& list,
                           const std::string& page_token, int64_t page_size,
                           google::protobuf::RepeatedPtrField<v1::Rejection>* out) {
  Violations violations;
  Page page = ReadPage(violations, page_size, page_token, 1);
  int64_t before = 0;
  if (!page.after.empty()) {
    auto [end, error] = std::from_chars(page.after[0].data(), page.after[0].data() + page.after[0].size(), before);
    if (error != std::errc() || end != page.after[0].data() + page.after[0].size() || before <= 0) {
      violations.push_back({"page_token", "not a token this service issued"});
    }
  }
  ThrowIfAny(violations, "bad list request");
  auto rows = list(before, page.size + 1);
  const auto position = [](const Rejection& r) { return PagePosition{std::to_string(r.id)}; };
  std::string next = TakePage(rows, page.size, position);
  std::size_t page_bytes = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    v1::Rejection listed = Listed(rows[i]);
    // The rejection's bytes in the page: itself, and its tag and length.
    const std::size_t bytes = listed.ByteSizeLong() + 5;
    if (i > 0 && page_bytes + bytes > kRejectionsPageBytes) return EncodePageToken(position(rows[i - 1]));
    page_bytes += bytes;
    *out->Add() = std::move(listed);
  }
  return next;
}

}  // namespace gongkai::common
