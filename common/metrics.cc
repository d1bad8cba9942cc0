#include "common/metrics.h"

namespace gongkai::common {
namespace {

const prometheus::Histogram::BucketBoundaries& HandlingBuckets() {
  static const prometheus::Histogram::BucketBoundaries kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                                   0.25,  0.5,    1,     2.5,  5,     10};
  return kBuckets;
}

}  // namespace

std::string CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "Canceled";
    case grpc::StatusCode::UNKNOWN: return "Unknown";
    case grpc::StatusCode::INVALID_ARGUMENT: return "InvalidArgument";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DeadlineExceeded";
    case grpc::StatusCode::NOT_FOUND: return "NotFound";
    case grpc::StatusCode::ALREADY_EXISTS: return "AlreadyExists";
    case grpc::StatusCode::PERMISSION_DENIED: return "PermissionDenied";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "ResourceExhausted";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FailedPrecondition";
    case grpc::StatusCode::ABORTED: return "Aborted";
    case grpc::StatusCode::OUT_OF_RANGE: return "OutOfRange";
    case grpc::StatusCode::UNIMPLEMENTED: return "Unimplemented";
    case grpc::StatusCode::INTERNAL: return "Internal";
    case grpc::StatusCode::UNAVAILABLE: return "Unavailable";
    case grpc::StatusCode::DATA_LOSS: return "DataLoss";
    case grpc::StatusCode::UNAUTHENTICATED: return "Unauthenticated";
    default: return "Unknown";
  }
}

GrpcServerMetrics::GrpcServerMetrics(prometheus::Registry& registry, bool with_caller)
    : with_caller_(with_caller),
      started_(prometheus::BuildCounter()
                   .Name("grpc_server_started_total")
                   .Help("Total number of RPCs started on the server.")
                   .Register(registry)),
      handled_(prometheus::BuildCounter()
                   .Name("grpc_server_handled_total")
                   .Help("Total number of RPCs completed on the server, regardless of success or failure.")
                   .Register(registry)),
      handling_seconds_(prometheus::BuildHistogram()
                            .Name("grpc_server_handling_seconds")
                            .Help("Histogram of response latency (seconds) of gRPC that had been "
                                  "application-level handled by the server.")
                            .Register(registry)) {}

prometheus::Labels GrpcServerMetrics::LabelsOf(const Call& call) const {
  std::string_view full = call.full_method;
  if (full.starts_with('/')) full.remove_prefix(1);
  auto slash = full.find('/');
  std::string service(slash == std::string_view::npos ? full : full.substr(0, slash));
  std::string method(slash == std::string_view::npos ? "" : full.substr(slash + 1));
  prometheus::Labels labels{{"grpc_type", call.type}, {"grpc_service", service}, {"grpc_method", method}};
  if (with_caller_) labels["caller"] = call.caller;
  return labels;
}

GrpcServerMetrics::Series& GrpcServerMetrics::SeriesOf(const Call& call) {
  std::string key = call.type;
  key.append(1, '\0').append(call.full_method).append(1, '\0').append(call.caller);
  {
    std::shared_lock lock(mutex_);
    auto it = series_.find(key);
    if (it != series_.end()) return *it->second;
  }
  std::unique_lock lock(mutex_);
  auto& series = series_[key];
  if (!series) {
    auto labels = LabelsOf(call);
    series = std::make_unique<Series>(started_.Add(labels), handling_seconds_.Add(labels, HandlingBuckets()), labels);
  }
  return *series;
}

void GrpcServerMetrics::Started(Series& series) { series.started_.Increment(); }

void GrpcServerMetrics::Handled(Series& series, grpc::StatusCode code, double seconds) {
  series.seconds_.Observe(seconds);
  const auto index = static_cast<std::size_t>(code) < Series::kCodes
                         ? static_cast<std::size_t>(code)
                         : static_cast<std::size_t>(grpc::StatusCode::UNKNOWN);
  prometheus::Counter* handled = series.handled_[index].load(std::memory_order_acquire);
  if (handled == nullptr) {
    auto labels = series.labels_;
    labels["grpc_code"] = CodeName(static_cast<grpc::StatusCode>(index));
    // Family::Add returns the one counter of a label set, whoever asks first.
    handled = &handled_.Add(labels);
    series.handled_[index].store(handled, std::memory_order_release);
  }
  handled->Increment();
}

MetricsEndpoint::MetricsEndpoint(const std::string& address, std::shared_ptr<prometheus::Registry> registry)
    : exposer_(address) {
  exposer_.RegisterCollectable(registry);
}

void MetricsEndpoint::Add(std::shared_ptr<prometheus::Collectable> collectable) {
  exposer_.RegisterCollectable(collectable);
}

int MetricsEndpoint::port() const {
  auto ports = exposer_.GetListeningPorts();
  return ports.empty() ? 0 : ports.front();
}

}  // namespace gongkai::common
