#pragma once

#include <grpcpp/generic/async_generic_service.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/identity.h"
#include "common/metrics.h"
#include "common/server.h"
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
  // Whether the gRPC port asks callers for a client certificate
  // (GONGKAI_TLS_CLIENT_CA_FILE): then the certificate a connection
  // presented names its principal (Principals).
  bool client_certificates = false;
  // Threads that serve the calls, all polling the proxy's one completion
  // queue.
  int threads = 2;
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

class Introspection;

// What comes back on the proxy's completion queue: every tag put on it is
// one, and the thread that takes it from the queue completes it.
class Completion {
 public:
  virtual void Complete(bool ok) = 0;

 protected:
  ~Completion() = default;
};

// A Completion that runs a member function of an object.
template <typename T>
class Step final : public Completion {
 public:
  Step(T* object, void (T::*step)(bool ok)) : object_(object), step_(step) {}
  void Complete(bool ok) override { (object_->*step_)(ok); }
  // What to give gRPC as the operation's tag.
  Completion* tag() { return this; }

 private:
  T* object_;
  void (T::*step_)(bool ok);
};

// The gateway's one handler: every call, whatever its method (but the health
// and reflection methods, introspection.h), is
// authenticated, checked against the method's access option, given a signed
// identity and a deadline, metered with the caller, and forwarded to its
// package's upstream as raw bytes (any streaming shape), each request message
// once it is known to parse as the method's input type (parse_check.h). A
// caller's streaming calls are bounded (ProxyOptions::max_streams_per_caller).
//
// The calls are served on the asynchronous API by ProxyOptions::threads
// threads polling one completion queue: every step of a call, its upstream
// call's among them, comes back on that queue and runs on the thread that
// polled it, without a hand-off to another thread. Introspection's calls and
// the HTTP door's upstream calls are served on the same queue, so that no
// threads but these poll the gRPC port's connections (gRPC's callback API
// would add its own, and run each completion on yet another).
class Proxy final : public common::QueuedService {
 public:
  Proxy(const Principals& principals, const Routes& routes, const common::IdentitySigner& signer,
        common::GrpcServerMetrics& metrics, RateLimiter& rate_limiter, ProxyOptions options);
  ~Proxy() override;

  // Serves `introspection` on the proxy's queue, beside the proxy (before
  // the server is built).
  void Beside(Introspection* introspection) { introspection_ = introspection; }

  void Register(grpc::ServerBuilder& builder) override;
  void Start() override;
  void Stop() override;

  // Calls a unary method of `upstream` on the proxy's queue: `done` is called
  // once with its status, on a proxy thread, or at once with UNAVAILABLE
  // before the proxy has started or once it has stopped. `context`, `request` and `response` must
  // outlive the call.
  void CallUpstream(Upstream& upstream, grpc::ClientContext* context, const std::string& method,
                    const grpc::ByteBuffer& request, grpc::ByteBuffer* response,
                    std::function<void(grpc::Status)> done);
  // A call served on the proxy's queue is alive (Stop waits for it), and
  // has ended.
  void CallBegun();
  void CallEnded();

  // Everything a call goes through before its first message, at either
  // door: the caller authenticated, the method looked up and metered,
  // checked against its access option and its rate limit, its upstream,
  // deadline and size limit found. A streaming call's slot among its
  // caller's is taken by the caller (ProxiedCall).
  Admission Admit(const CallHead& head);
  // The headers of an upstream call besides its deadline: the caller's
  // signed identity and the request id. Nothing the caller sent is passed
  // on but the request id.
  std::vector<std::pair<std::string, std::string>> UpstreamHeaders(const Admission& admission);
  // Puts on an upstream call's context its deadline and UpstreamHeaders.
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
  RateLimiter& rate_limiter_;
  ProxyOptions options_;
  common::Slots streams_;  // each caller's open streaming calls
  SignedIdentities identities_;
  ReadDeadlines read_deadlines_;  // unary calls waiting for their request message

  // A call waiting on `queue` for the server to give it one.
  void AwaitCall(grpc::ServerCompletionQueue* queue);

  Introspection* introspection_ = nullptr;

  grpc::AsyncGenericService service_;
  std::unique_ptr<grpc::ServerCompletionQueue> queue_;  // set by Register (CallUpstream reads it under calls_mutex_)
  std::vector<std::thread> threads_;
  std::mutex calls_mutex_;
  std::condition_variable calls_ended_;
  int64_t calls_ = 0;     // ProxiedCalls alive, waiting or served; guarded by calls_mutex_
  bool started_ = false;  // guarded by calls_mutex_
  bool stopped_ = false;  // guarded by calls_mutex_
};

// The metric label for a caller: its city code, or its role (a bounded set).
std::string CallerLabel(const common::CallerIdentity& caller);

}  // namespace gongkai::gateway
