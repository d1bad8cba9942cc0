#include "common/service_table.h"

#include <google/protobuf/descriptor.h>

#include <stdexcept>

namespace gongkai::common {

std::vector<const google::protobuf::ServiceDescriptor*> ServiceEntry::Services() const {
  const auto* file = google::protobuf::DescriptorPool::generated_pool()->FindFileByName(proto_file());
  if (file == nullptr) throw std::logic_error("no descriptors of " + proto_file() + " are linked in");
  std::vector<const google::protobuf::ServiceDescriptor*> out;
  for (int i = 0; i < file->service_count(); ++i) out.push_back(file->service(i));
  return out;
}

}  // namespace gongkai::common
