#include "common/batch.h"

#include <google/protobuf/util/json_util.h>

namespace gongkai::common {

std::string RecordJson(const google::protobuf::Message& record) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(record, &out, options);
  return out;
}

}  // namespace gongkai::common
