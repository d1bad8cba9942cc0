#include "common/batch.h"

#include <google/protobuf/util/json_util.h>
#include <malloc.h>

#include <charconv>
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

void ReleaseFreedMemory() { malloc_trim(0); }

void CheckBatchSize(int count, int max, const char* field) {
  if (count == 0) throw ServiceError::InvalidArgument("empty batch", {{field, "at least one record"}});
  if (count > max) {
    throw ServiceError::InvalidArgument("batch too large",
                                        {{field, "at most " + std::to_string(max) + " records per call"}});
  }
}

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
  std::string next = TakePage(rows, page.size, [](const Rejection& r) { return PagePosition{std::to_string(r.id)}; });
  for (const auto& r : rows) {
    auto* p = out->Add();
    p->set_kind(r.kind);
    p->set_key(r.key);
    p->set_source_version(r.source_version);
    p->set_raw_json(r.raw_json);
    p->set_received_at(r.received_at);
    WriteViolations(r.violations, p->mutable_violations());
  }
  return next;
}

}  // namespace gongkai::common
