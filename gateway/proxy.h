#pragma once

#include <grpcpp/generic/async_generic_service.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/identity.h"
#include "common/metrics.h"
#include "common/slots.h"
#include "gateway/introspection.h"
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
  // Whether the gRPC port asks callers for a client certificate
  // (GONGKAI_TLS_CLIENT_CA_FILE): then the certificate a connection
  // presented names its principal (Principals).
  bool client_certificates = false;
};

// What a call says of itself before its first message, whichever door it
// came through (gRPC here, HTTP in http_front.h).
struct CallHead {
  std::string method;         // "/gongkai.registry.v1.RegistryService/VerifyCertificate"
  std::string authorization;  // the authorization header's value, empty when none
  std::string request_id;     // the caller's x-request-id, empty when none
  // The SHA-256 (hex) of the client certificate TLS verified on the call's
  // connection (CertificateFingerprint in principals.h); empty when none.
  std::string client_certificate;
  // The caller's deadline; max() when it set none.
  std::chrono::system_clock::time_point deadline = std::chrono::system_clock::time_point::max();
  // Sets the peer, in gRPC's form ("ipv4:127.0.0.1:5555"), and every
  // X-Forwarded-For value, comma-joined. Asked only for the calls that are
  // rate-limited or streaming, which are keyed by the client's address.
  std::function<void(std::string* peer, std::string* forwarded_for)> client;
};

// A call let in, or the status that refuses it. Either way the call is
// metered from Proxy::Admit on, and is told to Proxy::Metered once, when it
// ends.
struct Admission {
  grpc::Status refusal;              // OK when the call is let in
  std::string path;                  // the method's, as the caller gave it
  std::optional<MethodInfo> method;  // set when the path names a known method
  common::CallerIdentity caller;
  common::GrpcServerMetrics::Series* series = nullptr;
  std::string request_id;                          // the caller's, or a new one
  std::string rate_key;                            // a streaming call's RateLimitKey
  Upstream* upstream = nullptr;                    // set when let in
  std::chrono::system_clock::time_point deadline;  // the upstream call's
  std::size_t request_limit = 0;                   // bytes (limits.h)
  std::chrono::steady_clock::time_point start;

  bool admitted() const { return refusal.ok(); }
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
        common::GrpcServerMetrics& metrics, RateLimiter& rate_limiter, const GatewayHealth& health,
        ProxyOptions options);

  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* context) override;

  // Everything a call goes through before its first message, at either
  // door: the caller authenticated, the method looked up and metered,
  // checked against its access option and its rate limit, its upstream,
  // deadline and size limit found. A streaming call's slot among its
  // caller's is taken by the caller (ProxiedCall).
  Admission Admit(const CallHead& head);
  // Puts on an upstream call's context its deadline, the caller's signed
  // identity and the request id: nothing the caller sent is passed on but
  // the request id.
  void PrepareUpstream(const Admission& admission, grpc::ClientContext* context);
  // Counts the call's end with its status; logs the failures that are the
  // platform's (UNAVAILABLE, INTERNAL).
  void Metered(const Admission& admission, const grpc::Status& status);

  const ProxyOptions& options() const { return options_; }

 private:
  friend class ProxiedCall;
  const Principals& principals_;
  const Routes& routes_;
  const common::IdentitySigner& signer_;
  common::GrpcServerMetrics& metrics_;
  const GatewayHealth& health_;
  RateLimiter& rate_limiter_;
  ProxyOptions options_;
  common::Slots streams_;  // each caller's open streaming calls
  SignedIdentities identities_;
  ReadDeadlines read_deadlines_;  // unary calls waiting for their request message
};

// The metric label for a caller: its city code, or its role (a bounded set).
std::string CallerLabel(const common::CallerIdentity& caller);

}  // namespace gongkai::gateway
