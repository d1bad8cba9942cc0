#pragma once

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/service_type.h>
#include <grpcpp/server_builder.h>

#include <atomic>
#include <string>

#include "gateway/routes.h"

namespace gongkai::gateway {

// The gateway's own answers to gRPC's health and reflection protocols, for
// the services it routes to. gRPC's default ones know only the services
// registered in this process, and the gateway registers none of the services
// it routes to: it forwards their calls through one generic handler (proxy.h).
//
// - Health: /grpc.health.v1.Health/Check with service "" answers for the
//   gateway itself; with a routed service's name ("gongkai.registry.v1.
//   RegistryService") it asks that service's upstream and relays its answer
//   (NOT_SERVING when the upstream does not answer); any other name is
//   NOT_FOUND, as gRPC's default service says.
// - Reflection (grpc.reflection.v1alpha and v1): lists every routed service
//   with health and reflection, and describes them from the compiled
//   descriptors, so `grpcurl list` and `describe` work against the gateway.

// The gateway's serving status, as common::Server tells it (the readiness
// probe, shutdown). It stands in for gRPC's default health service
// (InstallIntrospection), so that health calls reach the proxy.
class GatewayHealth {
 public:
  bool serving() const { return serving_.load() && !shut_down_.load(); }
  void SetServing(bool serving) { serving_.store(serving); }
  void ShutDown() { shut_down_.store(true); }

 private:
  std::atomic<bool> serving_{true};
  std::atomic<bool> shut_down_{false};
};

// Puts `health` in the place of gRPC's default health service and removes
// gRPC's reflection plugin, so that both protocols are the gateway's own
// (Introspection). `health` must outlive the server.
void InstallIntrospection(grpc::ServerBuilder& builder, GatewayHealth& health);

class Completion;
class Proxy;

// The health and reflection methods, registered on the gateway's server
// beside the proxy, which serves every other method, and served on the
// proxy's completion queue (Proxy::Beside). The arguments must outlive the
// server.
class Introspection final : public grpc::Service {
 public:
  Introspection(const GatewayHealth& health, const Routes& routes, Proxy& proxy);

  // Waits on `queue` for a call of each method.
  void Await(grpc::ServerCompletionQueue* queue);

  // For the calls: asks the server for a call of `method` (by index).
  void RequestCall(int method, grpc::ServerContext* context,
                   grpc::ServerAsyncReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer>* stream,
                   grpc::ServerCompletionQueue* queue, Completion* tag);
  const GatewayHealth& health() const { return health_; }
  const Routes& routes() const { return routes_; }
  Proxy& proxy() { return proxy_; }

 private:
  const GatewayHealth& health_;
  const Routes& routes_;
  Proxy& proxy_;
};

// The services reflection lists: the routed ones, health and reflection.
std::vector<std::string> ListedServices();

}  // namespace gongkai::gateway
