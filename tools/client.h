#pragma once

// What the command-line tools share: the gateway they call, calls as a
// principal, and messages read from proto JSON.

#include <google/protobuf/message.h>
#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "common/config.h"

namespace gongkai::tools {

// Where the gateway is: its address, and the PEM certificates its TLS
// certificate is checked against (empty: plaintext).
struct Gateway {
  std::string address;
  std::string root_certificates;
};

// GONGKAI_GATEWAY (--gateway), 127.0.0.1:7100 by default, and
// GONGKAI_GATEWAY_CA_FILE (--gateway-ca-file): with it, the calls go over
// TLS to a gateway whose certificate that CA signed.
Gateway ReadGateway(common::Config& config);

// A channel to `gateway`.
std::shared_ptr<grpc::Channel> GatewayChannel(const Gateway& gateway);

// Puts on `ctx` the bearer `token` (none when empty: the call is the
// public's) and a deadline of 30 s.
void Authorize(grpc::ClientContext& ctx, const std::string& token);

// Fills `out` from proto JSON; throws std::runtime_error naming `source`.
void ParseJson(const std::string& json, google::protobuf::Message* out, const std::string& source);

}  // namespace gongkai::tools
