#pragma once

#include <grpcpp/support/status_code_enum.h>
#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <atomic>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>

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

  // A call's series, resolved once per label set and kept (the label sets
  // are bounded), so that a call costs one lookup rather than a label map
  // built and hashed for every series it touches. A handled counter is made
  // when its code is first seen, so /metrics lists only codes that occurred.
  class Series {
   public:
    Series(prometheus::Counter& started, prometheus::Histogram& seconds, prometheus::Labels labels)
        : started_(started), seconds_(seconds), labels_(std::move(labels)) {}

   private:
    friend class GrpcServerMetrics;
    static constexpr std::size_t kCodes = 17;  // grpc::StatusCode 0 … 16
    prometheus::Counter& started_;
    prometheus::Histogram& seconds_;
    const prometheus::Labels labels_;
    std::array<std::atomic<prometheus::Counter*>, kCodes> handled_{};
  };

  Series& SeriesOf(const Call& call);
  void Started(Series& series);
  void Handled(Series& series, grpc::StatusCode code, double seconds);

 private:
  prometheus::Labels LabelsOf(const Call& call) const;

  bool with_caller_;
  std::shared_mutex mutex_;
  std::unordered_map<std::string, std::unique_ptr<Series>> series_;  // by type, method and caller; guarded by mutex_
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
