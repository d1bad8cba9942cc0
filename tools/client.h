#pragma once

// What the command-line tools share: the gateway they call, calls as a
// principal, and messages read from proto JSON.

#include <google/protobuf/message.h>
#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "common/config.h"

namespace gongkai::tools {

// The gateway's address: GONGKAI_GATEWAY (--gateway), 127.0.0.1:7100 by default.
std::string ReadGatewayAddress(common::Config& config);

// A channel to the gateway at `address`.
std::shared_ptr<grpc::Channel> GatewayChannel(const std::string& address);

// Puts on `ctx` the bearer `token` (none when empty: the call is the
// public's) and a deadline of 30 s.
void Authorize(grpc::ClientContext& ctx, const std::string& token);

// Fills `out` from proto JSON; throws std::runtime_error naming `source`.
void ParseJson(const std::string& json, google::protobuf::Message* out, const std::string& source);

}  // namespace gongkai::tools
