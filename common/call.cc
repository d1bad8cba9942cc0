#include "common/call.h"

namespace gongkai::common {

std::string RequestIdOf(const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(kRequestIdHeader);
  if (it == metadata.end()) return {};
  // Bounded and printable: it ends up in every log line of the call.
  std::string id(it->second.data(), std::min<std::size_t>(it->second.size(), 64));
  for (char& c : id) {
    if (c < 0x21 || c > 0x7e) c = '_';
  }
  return id;
}

}  // namespace gongkai::common
