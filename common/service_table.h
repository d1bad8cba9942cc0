#pragma once

#include <string>
#include <utility>
#include <vector>

namespace google::protobuf {
class ServiceDescriptor;
}

namespace gongkai::common {

// One line of services/services.table.
struct ServiceEntry {
  std::string name;
  int grpc_port = 0;     // under scripts/up
  int metrics_port = 0;  // under scripts/up
  // Settings it needs besides those every service reads; in values, {run}
  // is the folder of the platform's secrets and {<service>} that service's
  // gRPC address.
  std::vector<std::pair<std::string, std::string>> settings;
  // Its proto's generated descriptor table: naming it links the descriptors in.
  const void* descriptors = nullptr;

  std::string package() const { return "gongkai." + name + ".v1"; }
  std::string proto_file() const { return "gongkai/" + name + "/v1/" + name + ".proto"; }
  std::string binary() const { return "services/" + name + "/gongkai-" + name; }  // in the build folder
  // The gRPC services its proto declares.
  std::vector<const google::protobuf::ServiceDescriptor*> Services() const;
};

// Every service of the platform, in table order (a service comes after those
// it needs). Generated from services/services.table at build time.
const std::vector<ServiceEntry>& ServiceTable();

// A setting's value with {run} and {<service>} replaced: `run` is the
// secrets folder, `address(name)` a service's gRPC address.
template <typename Address>
std::string ExpandSetting(std::string value, const std::string& run, Address&& address) {
  for (std::size_t open = value.find('{'); open != std::string::npos; open = value.find('{', open)) {
    std::size_t close = value.find('}', open);
    if (close == std::string::npos) break;
    const std::string key = value.substr(open + 1, close - open - 1);
    const std::string with = key == "run" ? run : address(key);
    value.replace(open, close - open + 1, with);
    open += with.size();
  }
  return value;
}

}  // namespace gongkai::common
