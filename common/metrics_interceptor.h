#pragma once

#include <grpcpp/support/server_interceptor.h>

#include <memory>

#include "common/metrics.h"

namespace gongkai::common {

// Meters every call of a service with GrpcServerMetrics. gRPC's interceptor
// API is experimental; only this file and call_scope touch it.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeMetricsInterceptorFactory(
    GrpcServerMetrics& metrics);

}  // namespace gongkai::common
