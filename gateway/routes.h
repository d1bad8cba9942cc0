#pragma once

#include <google/protobuf/descriptor.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "common/identity.h"
#include "common/tls.h"

namespace gongkai::gateway {

// What the API itself says about a method: its streaming shape and who may
// call it (the gongkai.common.v1.access option), read from the compiled
// descriptors, so a new RPC needs no gateway code.
struct MethodInfo {
  std::string service;    // gongkai.registry.v1.RegistryService
  std::string package;    // gongkai.registry.v1
  std::string grpc_type;  // unary | client_stream | server_stream | bidi_stream
  std::vector<common::Role> allowed;
  bool rate_limited = false;
  // Marked idempotency_level = NO_SIDE_EFFECTS: a read, which the HTTP door
  // also takes as a GET.
  bool no_side_effects = false;
  // The request and response message types, from the generated pool.
  const google::protobuf::Descriptor* input = nullptr;
  const google::protobuf::Descriptor* output = nullptr;
};

// The services behind the gateway: those of every service in
// services/services.table (common/service_table.h, which links their
// descriptors in, for access options and reflection). A new RPC or a new
// service needs no gateway code.
const std::vector<const google::protobuf::ServiceDescriptor*>& RoutedServices();

// nullopt for a path that names no known method ("/pkg.Service/Method").
std::optional<MethodInfo> LookUpMethod(const std::string& path);

// Whether the method admits the role (ROLE_PUBLIC admits everyone). The
// services' own role (ROLE_SERVICE) is admitted by none: services call each
// other directly, never through the gateway.
bool Admits(const MethodInfo& method, common::Role role);

// Upstream channels by proto package, from "pkg=host:port,pkg=host:port".
// One upstream service: its channel and the stub calls go through.
class Upstream {
 public:
  Upstream(std::string address, std::shared_ptr<grpc::Channel> channel);

  grpc::GenericStub& stub() { return stub_; }
  // host:port, as GONGKAI_UPSTREAMS names it.
  const std::string& address() const { return address_; }

  // Makes the channel try to connect now rather than at the end of its
  // reconnect backoff, at most once a second. A call that finds the upstream
  // UNAVAILABLE asks for it, so a service that comes back is reached by the
  // next calls, not after a backoff that grew while it was down (gRPC's
  // grows to two minutes).
  void ReconnectSoon();

 private:
  std::string address_;
  std::shared_ptr<grpc::Channel> channel_;
  grpc::GenericStub stub_;
  std::atomic<int64_t> last_reconnect_ms_{0};  // steady clock
};

class Routes {
 public:
  // Channels over TLS as `tls` says (plaintext without), each with
  // credentials of its own (common::ChannelCredentialsOf).
  // Throws std::invalid_argument naming the bad entry.
  static Routes Parse(const std::string& spec, const std::optional<common::UpstreamTls>& tls = std::nullopt);

  // nullptr when no upstream serves the package.
  Upstream* UpstreamFor(const std::string& package) const;
  const std::map<std::string, std::string>& addresses() const { return addresses_; }

 private:
  std::map<std::string, std::string> addresses_;
  std::map<std::string, std::shared_ptr<Upstream>> upstreams_;
};

}  // namespace gongkai::gateway
