#include "tools/client.h"

#include <google/protobuf/util/json_util.h>

#include <chrono>
#include <stdexcept>

namespace gongkai::tools {

std::string ReadGatewayAddress(common::Config& config) {
  return config.Address("GONGKAI_GATEWAY", "127.0.0.1:7100", "gateway address");
}

std::shared_ptr<grpc::Channel> GatewayChannel(const std::string& address) {
  return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
}

void Authorize(grpc::ClientContext& ctx, const std::string& token) {
  if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
}

void ParseJson(const std::string& json, google::protobuf::Message* out, const std::string& source) {
  auto status = google::protobuf::util::JsonStringToMessage(json, out);
  if (!status.ok()) throw std::runtime_error(source + ": " + status.ToString());
}

}  // namespace gongkai::tools
