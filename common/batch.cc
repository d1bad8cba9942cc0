#include "common/batch.h"

#include <google/protobuf/util/json_util.h>

#include <malloc.h>

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
                           const std::string& page_token, int32_t page_size,
                           google::protobuf::RepeatedPtrField<v1::Rejection>* out) {
  int64_t before = 0;
  if (!page_token.empty()) {
    auto position = DecodePageToken(page_token);
    if (!position) {
      throw ServiceError::InvalidArgument("bad page token", {{"page_token", "not a token this service issued"}});
    }
    before = std::strtoll(position->c_str(), nullptr, 10);
  }
  const int page = PageSize(page_size);
  auto rows = list(before, page + 1);
  const bool more = static_cast<int>(rows.size()) > page;
  if (more) rows.resize(page);
  for (const auto& r : rows) {
    auto* p = out->Add();
    p->set_kind(r.kind);
    p->set_key(r.key);
    p->set_source_version(r.source_version);
    p->set_raw_json(r.raw_json);
    p->set_received_at(r.received_at);
    for (const auto& v : r.violations) {
      auto* fv = p->add_violations();
      fv->set_field(v.field);
      fv->set_description(v.description);
    }
  }
  return more ? EncodePageToken(std::to_string(rows.back().id)) : "";
}

}  // namespace gongkai::common
