#include "gateway/limits.h"

#include <grpc/grpc.h>

#include <algorithm>
#include <climits>

namespace gongkai::gateway {

ServerLimits ReadServerLimits(common::Config& config, int max_threads) {
  ServerLimits l;
  l.keepalive_time = std::chrono::milliseconds(config.Int("GONGKAI_KEEPALIVE_TIME_MS", l.keepalive_time.count(), 1000,
                                                          7200000, "idle time before the gateway pings a caller"));
  l.keepalive_timeout = std::chrono::milliseconds(config.Int(
      "GONGKAI_KEEPALIVE_TIMEOUT_MS", l.keepalive_timeout.count(), 1000, 600000, "time a ping has to be answered"));
  l.max_connection_idle =
      std::chrono::milliseconds(config.Int("GONGKAI_MAX_CONNECTION_IDLE_MS", l.max_connection_idle.count(), 1000,
                                           86400000, "a connection with no call for this long is closed"));
  l.max_pings_without_data = static_cast<int>(config.Int("GONGKAI_MAX_PINGS_WITHOUT_DATA", l.max_pings_without_data, 0,
                                                         100, "keepalive pings sent on a connection without data"));
  l.max_concurrent_streams = static_cast<int>(config.Int("GONGKAI_MAX_CONCURRENT_STREAMS", l.max_concurrent_streams, 1,
                                                         10000, "calls open at once on one connection"));
  l.memory_quota_bytes = config.Int("GONGKAI_MEMORY_QUOTA_MB", l.memory_quota_bytes >> 20, 16, 65536,
                                    "memory the gateway's calls and connections may hold (MiB)")
                         << 20;
  l.max_threads = max_threads;
  return l;
}

void ApplyServerLimits(const ServerLimits& limits, grpc::ServerBuilder& builder) {
  auto ms = [](std::chrono::milliseconds d) { return static_cast<int>(std::min<int64_t>(d.count(), INT_MAX)); };
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, ms(limits.keepalive_time));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, ms(limits.keepalive_timeout));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS, ms(limits.max_connection_idle));
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, limits.max_pings_without_data);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, limits.max_concurrent_streams);
  grpc::ResourceQuota quota("gongkai-gateway");
  quota.SetMaxThreads(limits.max_threads);
  quota.Resize(static_cast<std::size_t>(limits.memory_quota_bytes));
  builder.SetResourceQuota(quota);
}

std::chrono::system_clock::time_point UpstreamDeadline(std::chrono::system_clock::time_point now,
                                                       std::chrono::system_clock::time_point caller,
                                                       std::chrono::milliseconds default_deadline,
                                                       std::chrono::milliseconds max_deadline) {
  if (caller == std::chrono::system_clock::time_point::max()) return now + default_deadline;
  return std::min(caller, now + max_deadline);
}

std::size_t RequestLimitFor(const MethodInfo& method, const RequestLimits& limits) {
  const bool public_method =
      std::find(method.allowed.begin(), method.allowed.end(), common::v1::ROLE_PUBLIC) != method.allowed.end();
  const bool one_message = method.grpc_type == "unary" || method.grpc_type == "server_stream";
  return public_method && one_message ? limits.public_read_bytes : limits.write_bytes;
}

grpc::Status OversizedRequestStatus(const std::string& method, std::size_t size, std::size_t limit) {
  return {grpc::StatusCode::RESOURCE_EXHAUSTED, "request of " + std::to_string(size) + " bytes exceeds the limit of " +
                                                    std::to_string(limit) + " bytes for " + method};
}

}  // namespace gongkai::gateway
