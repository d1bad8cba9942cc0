#pragma once

#include <grpcpp/support/status_code_enum.h>
#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>

namespace gongkai::common {

// The per-call series of go-grpc-prometheus, so existing dashboards work.
// The gateway adds a "caller" label (a city code or a role: a bounded set).
class GrpcServerMetrics {
 public:
  GrpcServerMetrics(prometheus::Registry& registry, bool with_caller);

  struct Call {
    std::string type;         // unary | client_stream | server_stream | bidi_stream
    std::string full_method;  // /package.Service/Method
    std::string caller;       // only with_caller
  };
  void Started(const Call& call);
  void Handled(const Call& call, grpc::StatusCode code, double seconds);

 private:
  prometheus::Labels LabelsOf(const Call& call) const;

  bool with_caller_;
  prometheus::Family<prometheus::Counter>& started_;
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Histogram>& handling_seconds_;
};

// The go-grpc-prometheus name of a status code ("OK", "InvalidArgument", ...).
std::string CodeName(grpc::StatusCode code);

// Serves GET /metrics of a registry over HTTP.
class MetricsEndpoint {
 public:
  MetricsEndpoint(const std::string& address, std::shared_ptr<prometheus::Registry> registry);
  int port() const;
  void Add(std::shared_ptr<prometheus::Collectable> collectable);

 private:
  prometheus::Exposer exposer_;
};

}  // namespace gongkai::common
