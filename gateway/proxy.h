#pragma once

#include <grpcpp/generic/async_generic_service.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/identity.h"
#include "common/metrics.h"
#include "common/slots.h"
#include "gateway/limits.h"
#include "gateway/principals.h"
#include "gateway/rate_limiter.h"
#include "gateway/read_deadlines.h"
#include "gateway/routes.h"
#include "gateway/signed_identities.h"

namespace gongkai::gateway {

struct ProxyOptions {
  // The deadline of a call whose caller set none, and the most a caller's
  // deadline is kept to (UpstreamDeadline in limits.h). A unary request's
  // message must arrive within it.
  std::chrono::milliseconds default_deadline{30000};
  std::chrono::milliseconds max_deadline{300000};
  // The largest request message of each kind of method (limits.h).
  RequestLimits request_limits;
  // Peers whose X-Forwarded-For header names the client to rate-limit
  // (ClientAddress in rate_limiter.h).
  std::vector<std::string> trusted_proxies;
  // How long a signed identity stays valid upstream.
  std::chrono::seconds identity_ttl{60};
  // Streaming calls a caller (RateLimitKey: its principal, or the public's
  // client address) may have open at once; the next is RESOURCE_EXHAUSTED
  // with a RetryInfo.
  int max_streams_per_caller = 8;
};

// The gateway's one handler: every call, whatever its method, is
// authenticated, checked against the method's access option, given a signed
// identity and a deadline, metered with the caller, and forwarded to its
// package's upstream as raw bytes (any streaming shape), each request message
// once it is known to parse as the method's input type (parse_check.h). A
// caller's streaming calls are bounded (ProxyOptions::max_streams_per_caller).
class Proxy final : public grpc::CallbackGenericService {
 public:
  Proxy(const Principals& principals, const Routes& routes, const common::IdentitySigner& signer,
        common::GrpcServerMetrics& metrics, RateLimiter& rate_limiter, ProxyOptions options);

  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* context) override;

 private:
  friend class ProxiedCall;
  const Principals& principals_;
  const Routes& routes_;
  const common::IdentitySigner& signer_;
  common::GrpcServerMetrics& metrics_;
  RateLimiter& rate_limiter_;
  ProxyOptions options_;
  common::Slots streams_;  // each caller's open streaming calls
  SignedIdentities identities_;
  ReadDeadlines read_deadlines_;  // unary calls waiting for their request message
};

// The metric label for a caller: its city code, or its role (a bounded set).
std::string CallerLabel(const common::CallerIdentity& caller);

}  // namespace gongkai::gateway
