#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/config.h"
#include "gateway/routes.h"

namespace gongkai::gateway {

// The limits of the gateway's own server, against callers that hold
// connections or streams open without using them.
struct ServerLimits {
  // A ping every keepalive_time on an idle transport; no answer within
  // keepalive_timeout closes it.
  std::chrono::milliseconds keepalive_time{60000};
  std::chrono::milliseconds keepalive_timeout{20000};
  // A connection with no call in flight for this long is closed (GOAWAY).
  std::chrono::milliseconds max_connection_idle{300000};
  // Keepalive pings the gateway sends on a connection carrying no data
  // before it stops pinging it (a connection left idle is then closed by
  // max_connection_idle). A caller that pings too often is closed by gRPC's
  // own ping strikes.
  int max_pings_without_data = 2;
  // Calls open at once on one connection.
  int max_concurrent_streams = 100;
  // Memory the server's transports and calls may hold (bytes).
  int64_t memory_quota_bytes = int64_t{1} << 30;
  // The server's threads at most (common::ServerOptions::max_threads).
  int max_threads = 256;
};

// Reads GONGKAI_KEEPALIVE_TIME_MS, GONGKAI_KEEPALIVE_TIMEOUT_MS,
// GONGKAI_MAX_CONNECTION_IDLE_MS, GONGKAI_MAX_PINGS_WITHOUT_DATA,
// GONGKAI_MAX_CONCURRENT_STREAMS and GONGKAI_MEMORY_QUOTA_MB.
ServerLimits ReadServerLimits(common::Config& config, int max_threads);

// Sets the limits on a server being built: the channel arguments and a
// resource quota holding both the memory limit and the thread limit.
void ApplyServerLimits(const ServerLimits& limits, grpc::ServerBuilder& builder);

// The deadline of the upstream call: the caller's, capped at now + max; the
// default when the caller set none (time_point::max(), gRPC's infinite
// future). It also bounds the wait for a unary request's message, so a
// caller that sends headers and never the message is answered
// DEADLINE_EXCEEDED by then.
std::chrono::system_clock::time_point UpstreamDeadline(std::chrono::system_clock::time_point now,
                                                       std::chrono::system_clock::time_point caller,
                                                       std::chrono::milliseconds default_deadline,
                                                       std::chrono::milliseconds max_deadline);

// The largest request message a method takes, in bytes.
struct RequestLimits {
  // Methods the public may call that take one message (reads: lookups,
  // lists, quotes): a page token, filters and a few keys fit many times.
  std::size_t public_read_bytes = 64 * 1024;
  // Everything else, such as a city's batch writes and streamed batches:
  // the server's maximum receive size.
  std::size_t write_bytes = 64 * 1024 * 1024;
};

// The limit that applies to `method`: public_read_bytes when it admits
// ROLE_PUBLIC and the caller sends one message (not a client stream),
// write_bytes otherwise.
std::size_t RequestLimitFor(const MethodInfo& method, const RequestLimits& limits);

// RESOURCE_EXHAUSTED for a request message of `size` bytes over `limit`,
// naming both and the method; nothing went upstream.
grpc::Status OversizedRequestStatus(const std::string& method, std::size_t size, std::size_t limit);

}  // namespace gongkai::gateway
