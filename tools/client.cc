#include "tools/client.h"

#include <google/protobuf/util/json_util.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/tls.h"

namespace gongkai::tools {

Gateway ReadGateway(common::Config& config) {
  Gateway gateway;
  gateway.address = config.Address("GONGKAI_GATEWAY", "127.0.0.1:7100", "gateway address");
  const std::string ca_file =
      config.String("GONGKAI_GATEWAY_CA_FILE", "", "PEM CA of the gateway's TLS certificate (calls over TLS when set)");
  if (!ca_file.empty()) {
    std::ifstream in(ca_file);
    std::stringstream text;
    text << in.rdbuf();
    gateway.root_certificates = text.str();
    if (!in || !common::EarliestExpiry(ca_file)) {
      config.Fail("GONGKAI_GATEWAY_CA_FILE", ca_file + " does not read as a PEM certificate");
    }
  }
  return gateway;
}

std::shared_ptr<grpc::Channel> GatewayChannel(const Gateway& gateway) {
  if (gateway.root_certificates.empty()) {
    return grpc::CreateChannel(gateway.address, grpc::InsecureChannelCredentials());
  }
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = gateway.root_certificates;
  return grpc::CreateChannel(gateway.address, grpc::SslCredentials(tls));
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
