#include "gateway/proxy.h"

#include <openssl/rand.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <optional>

#include "common/encoding.h"
#include "common/errors.h"
#include "common/log.h"
#include "gateway/parse_check.h"

namespace gongkai::gateway {
namespace {

// 24 hex digits: 6 random bytes drawn once per process, then a counter, so
// that the ids of one gateway never repeat and those of two hardly collide.
std::string NewRequestId() {
  static const uint64_t prefix = [] {
    unsigned char bytes[6];
    RAND_bytes(bytes, sizeof bytes);
    uint64_t value = 0;
    for (unsigned char b : bytes) value = (value << 8) | b;
    return value;
  }();
  static std::atomic<uint64_t> counter{0};
  const uint64_t n = counter.fetch_add(1, std::memory_order_relaxed) & 0xffffffffffffULL;
  char id[25];
  std::snprintf(id, sizeof id, "%012llx%012llx", static_cast<unsigned long long>(prefix),
                static_cast<unsigned long long>(n));
  return id;
}

// A caller's request id is kept only when it is 1 to 64 of [A-Za-z0-9._:-]:
// it goes upstream as metadata and into every log line, where anything
// else (a byte gRPC refuses in a header, a quote) has no place.
bool IsRequestId(const std::string& id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == ':' || c == '-';
  });
}

std::string Metadata(const grpc::ServerContextBase& ctx, const char* key) {
  auto it = ctx.client_metadata().find(key);
  if (it == ctx.client_metadata().end()) return {};
  return std::string(it->second.data(), it->second.size());
}

// The fingerprint of the client certificate TLS verified on the call's
// connection (the first of its chain); empty when it presented none.
std::string ClientCertificateOf(const grpc::ServerContextBase& ctx) {
  const auto auth = ctx.auth_context();
  if (!auth || !auth->IsPeerAuthenticated()) return {};
  const auto pem = auth->FindPropertyValues("x509_pem_cert");
  if (pem.empty()) return {};
  return CertificateFingerprint(std::string(pem.front().data(), pem.front().size()));
}

// Every value of a header, joined with commas (a header sent several times is
// one list).
std::string JoinedMetadata(const grpc::ServerContextBase& ctx, const char* key) {
  std::string joined;
  auto [begin, end] = ctx.client_metadata().equal_range(key);
  for (auto it = begin; it != end; ++it) {
    if (!joined.empty()) joined += ",";
    joined.append(it->second.data(), it->second.size());
  }
  return joined;
}

grpc::Status RateLimitedStatus(std::chrono::milliseconds wait) {
  return common::ResourceExhaustedStatus("rate limit reached; retry in " + std::to_string(wait.count()) + " ms", wait);
}

}  // namespace

std::string CallerLabel(const common::CallerIdentity& caller) {
  if (caller.role == common::v1::ROLE_CITY) return caller.city_code;
  return common::RoleName(caller.role);
}

// One proxied call, facing the caller with a server-side bidi reactor.
//
// Unary methods (almost all traffic) take the short path: read the request,
// one unary call upstream, then write the answer and the status together.
// Streaming methods pump one message at a time each way through a client-side
// bidi reactor (so flow control holds end to end). That reactor carries two
// holds, one for the reads and one for the writes this call may still start,
// so the upstream stream is never finished under an operation it is about to
// be given. The call deletes itself once both sides are done.
//
// A unary request's message must arrive by the call's deadline (the
// caller's, capped, or the default when it set none): the proxy's
// ReadDeadlines finishes the call DEADLINE_EXCEEDED otherwise, so half-open
// calls do not accumulate. A
// request message over the method's size limit (limits.h) is refused before
// it is parsed.
//
// Every request message is parsed against the method's input type before it
// goes upstream (parse_check.h). A unary request that does not parse is
// INVALID_ARGUMENT and never leaves. A streamed message that does not parse
// ends the stream there: nothing more is forwarded or read, the upstream is
// half-closed so it answers for the messages before, and the caller gets
// INVALID_ARGUMENT naming the message with that answer in the status details
// (or the upstream's own error, which concerns an earlier message).
class ProxiedCall final : public grpc::ServerGenericBidiReactor, public AwaitsRead {
 public:
  ProxiedCall(Proxy& proxy, grpc::GenericCallbackServerContext* ctx) : proxy_(proxy), ctx_(ctx), upstream_(this) {
    Start();
  }

  void OnReadDone(bool ok) override {
    // Off the deadlines first, outside this call's lock (ReadDeadlines'
    // lock order); when it was already told, the call is finished.
    if (read_by_) proxy_.read_deadlines_.Remove(*read_by_, this);
    read_by_.reset();
    // Measured and parsed before the lock, which this call's upstream
    // callbacks wait on: until it is forwarded, the buffer belongs to this
    // read alone.
    const std::size_t size = ok ? request_.Length() : 0;
    const bool oversized = size > admission_.request_limit;
    std::string why;
    const bool parses = ok && !oversized && ParsesAs(*input_, request_, &why);
    std::lock_guard lock(mutex_);
    request_read_ = true;
    ReadDoneLocked(ok, size, oversized, parses, std::move(why));
  }

  // The unary request's message did not come by the deadline.
  void ReadTimedOut() override {
    std::lock_guard lock(mutex_);
    if (!request_read_) {
      FinishLocked({grpc::StatusCode::DEADLINE_EXCEEDED, "the request message did not arrive within the deadline"});
    }
  }

  void ReadDoneLocked(bool ok, std::size_t size, bool oversized, bool parses, std::string why) {
    if (unary_) {
      if (finished_) return;  // the read deadline passed first
      if (!ok) return FinishLocked({grpc::StatusCode::INVALID_ARGUMENT, "no request message"});
      if (oversized) return FinishLocked(OversizedRequestStatus(ctx_->method(), size, admission_.request_limit));
      if (!parses) {
        LogUnparsable(0, why);
        return FinishLocked(UnparsableRequestStatus(*input_, why));
      }
      upstream_done_ = false;
      admission_.upstream->stub().UnaryCall(&client_context_, ctx_->method(), grpc::StubOptions(), &request_,
                                            &response_, [this](grpc::Status status) { UnaryDone(std::move(status)); });
      return;
    }
    if (!write_hold_) return;  // the upstream stream takes no more writes
    if (ok && oversized) {
      // The one request of a server stream: nothing was asked.
      client_context_.TryCancel();
      ReleaseWriteHold();
      return FinishLocked(OversizedRequestStatus(ctx_->method(), size, admission_.request_limit));
    }
    if (ok && !parses) return RefuseMessageLocked(std::move(why));
    if (ok) {
      ++messages_forwarded_;
      writing_up_ = true;
      upstream_.StartWrite(&request_);
    } else {
      upstream_.StartWritesDone();
      ReleaseWriteHold();
    }
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard lock(mutex_);
    writing_down_ = false;
    if (final_status_) return FinishLocked(*final_status_);
    if (!ok) {
      client_context_.TryCancel();
      ReleaseReadHold();
      return;
    }
    upstream_.StartRead(&response_);
  }

  void OnCancel() override { client_context_.TryCancel(); }

  // Every operation of this side has completed, its read among them (so the
  // call is off the read deadlines).
  void OnDone() override {
    bool last;
    {
      std::lock_guard lock(mutex_);
      server_done_ = true;
      last = DeletableLocked();
    }
    if (last) delete this;
  }

 private:
  class Upstream final : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
   public:
    explicit Upstream(ProxiedCall* call) : call_(call) {}
    void OnWriteDone(bool ok) override { call_->UpstreamWriteDone(ok); }
    void OnReadDone(bool ok) override { call_->UpstreamReadDone(ok); }
    void OnDone(const grpc::Status& status) override { call_->UpstreamDone(status); }

   private:
    ProxiedCall* call_;
  };

  // A unary call goes on the read deadlines before its read starts, so that
  // the read's completion always finds it there or already told.
  void Start() {
    std::optional<std::chrono::system_clock::time_point> read_by;
    {
      std::lock_guard lock(mutex_);
      if (!StartLocked(&read_by)) return;
    }
    if (read_by) {
      read_by_ = read_by;
      proxy_.read_deadlines_.Add(*read_by, this);
    }
    std::lock_guard lock(mutex_);
    if (finished_) return;  // the deadline had passed already: no read
    StartRead(&request_);
  }

  // Everything up to the first read; false when the call is already answered.
  // `read_by` is set for a unary call: when its message must have come.
  bool StartLocked(std::optional<std::chrono::system_clock::time_point>* read_by) {
    CallHead head;
    head.method = ctx_->method();
    head.authorization = Metadata(*ctx_, "authorization");
    head.request_id = Metadata(*ctx_, common::kRequestIdHeader);
    head.deadline = ctx_->deadline();
    if (proxy_.options_.client_certificates) head.client_certificate = ClientCertificateOf(*ctx_);
    head.client = [this](std::string* peer, std::string* forwarded_for) {
      *peer = ctx_->peer();
      *forwarded_for = JoinedMetadata(*ctx_, "x-forwarded-for");
    };
    admission_ = proxy_.Admit(head);
    if (admission_.method) {
      input_ = admission_.method->input;
      output_ = admission_.method->output;
    }
    if (!admission_.admitted()) return FinishLockedFalse(admission_.refusal);
    const std::string& type = admission_.method->grpc_type;
    if (type != "unary") {
      // Held until this call is deleted, once both sides are done.
      stream_slot_ = proxy_.streams_.TryTake(admission_.rate_key);
      if (!stream_slot_) {
        common::RequestScope scope(admission_.request_id);
        Log(common::LogLevel::kWarning, "stream_refused",
            {{"method", MeteredMethod()},
             {"caller", CallerLabel(admission_.caller)},
             {"limit", proxy_.streams_.limit()}});
        return FinishLockedFalse(common::SlotsExhaustedStatus("streams", proxy_.streams_.limit(), "for this caller"));
      }
    }
    proxy_.PrepareUpstream(admission_, &client_context_);

    unary_ = type == "unary";
    client_streaming_ = type == "client_stream" || type == "bidi_stream";
    server_streaming_ = type == "server_stream" || type == "bidi_stream";
    if (!unary_) {
      upstream_done_ = false;
      admission_.upstream->stub().PrepareBidiStreamingCall(&client_context_, ctx_->method(), grpc::StubOptions(),
                                                           &upstream_);
      upstream_.AddMultipleHolds(2);
      read_hold_ = write_hold_ = true;
      upstream_.StartCall();
      upstream_.StartRead(&response_);
    } else {
      *read_by = admission_.deadline;
    }
    return true;
  }

  void UnaryDone(grpc::Status status) {
    bool last;
    {
      std::lock_guard lock(mutex_);
      upstream_done_ = true;
      if (finished_) {
        // The caller went away first; nothing to answer.
      } else if (status.ok()) {
        finished_ = true;
        Metered(status);
        StartWriteAndFinish(&response_, grpc::WriteOptions(), status);
      } else {
        FinishLocked(status);
      }
      last = DeletableLocked();
    }
    if (last) delete this;
  }

  void UpstreamWriteDone(bool ok) {
    std::lock_guard lock(mutex_);
    writing_up_ = false;
    if (!ok || upstream_read_closed_ || finished_) {
      ReleaseWriteHold();
      return;
    }
    StartRead(&request_);
  }

  void UpstreamReadDone(bool ok) {
    std::lock_guard lock(mutex_);
    if (!ok) {
      // The upstream is finishing: no more reads, and no more writes either
      // once none is in flight, so its status can come through.
      upstream_read_closed_ = true;
      ReleaseReadHold();
      if (!writing_up_) ReleaseWriteHold();
      return;
    }
    if (unparsable_ && !server_streaming_) {
      // The one answer of a client stream that was cut short: it goes into
      // the status details, not to the caller as a success.
      answer_.Swap(&response_);
      upstream_.StartRead(&response_);
      return;
    }
    writing_down_ = true;
    StartWrite(&response_);
  }

  void UpstreamDone(const grpc::Status& status) {
    if (status.error_code() == grpc::StatusCode::UNAVAILABLE) admission_.upstream->ReconnectSoon();
    bool last;
    {
      std::lock_guard lock(mutex_);
      upstream_done_ = true;
      const grpc::Status answered = unparsable_ ? RefusedStreamStatus(status) : status;
      if (writing_down_) {
        final_status_ = answered;  // finished once the write in flight completes
      } else {
        FinishLocked(answered);
      }
      last = DeletableLocked();
    }
    if (last) delete this;
  }

  // A streamed message that does not parse: nothing more goes upstream. A
  // client stream is half-closed so that the upstream answers for the
  // messages before; the single request of a server stream means nothing was
  // asked, so the upstream call is cancelled.
  void RefuseMessageLocked(std::string why) {
    unparsable_ = messages_forwarded_;
    unparsable_why_ = std::move(why);
    LogUnparsable(*unparsable_, unparsable_why_);
    if (client_streaming_) {
      upstream_.StartWritesDone();
    } else {
      client_context_.TryCancel();
    }
    ReleaseWriteHold();
  }

  // What the caller of a stream cut short at an unparsable message gets,
  // given how the upstream ended.
  grpc::Status RefusedStreamStatus(const grpc::Status& upstream) const {
    if (!client_streaming_) return UnparsableRequestStatus(*input_, unparsable_why_);
    // An upstream error concerns a message before the unparsable one, and
    // says which and what was stored before it.
    if (!upstream.ok()) return upstream;
    return UnparsableStreamMessageStatus(*unparsable_, *input_, unparsable_why_, *output_,
                                         server_streaming_ ? nullptr : &answer_);
  }

  void LogUnparsable(int64_t index, const std::string& why) {
    common::RequestScope scope(admission_.request_id);
    Log(common::LogLevel::kWarning, "unparsable_message",
        {{"method", MeteredMethod()}, {"message", index}, {"type", input_->full_name()}, {"why", why}});
  }

  void ReleaseReadHold() {
    if (!read_hold_) return;
    read_hold_ = false;
    upstream_.RemoveHold();
  }

  void ReleaseWriteHold() {
    if (!write_hold_) return;
    write_hold_ = false;
    upstream_.RemoveHold();
  }

  void Metered(const grpc::Status& status) { proxy_.Metered(admission_, status); }

  // The method as metered: its path when known, "/unknown/unknown" otherwise.
  std::string MeteredMethod() const { return admission_.method ? ctx_->method() : "/unknown/unknown"; }

  // Whether nothing will call into this call any more.
  bool DeletableLocked() const { return server_done_ && upstream_done_; }

  bool FinishLockedFalse(const grpc::Status& status) {
    FinishLocked(status);
    return false;
  }

  void FinishLocked(const grpc::Status& status) {
    if (finished_) return;
    finished_ = true;
    Metered(status);
    Finish(status);
  }

  Proxy& proxy_;
  grpc::GenericCallbackServerContext* ctx_;
  grpc::ClientContext client_context_;
  Upstream upstream_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  grpc::ByteBuffer answer_;  // a client stream's answer, held when the stream was cut short
  // The method's message types: set in Start, before the first read.
  const google::protobuf::Descriptor* input_ = nullptr;
  const google::protobuf::Descriptor* output_ = nullptr;
  Admission admission_;  // set first thing in Start, before the first read
  // A unary call's place on the read deadlines: set in Start before the read
  // starts, cleared by its completion.
  std::optional<std::chrono::system_clock::time_point> read_by_;
  common::Slots::Slot stream_slot_;  // a streaming call's place among its caller's (set in Start)

  std::mutex mutex_;
  bool unary_ = false;                        // guarded by mutex_ (set once in Start)
  bool client_streaming_ = false;             // guarded by mutex_ (set once in Start)
  bool server_streaming_ = false;             // guarded by mutex_ (set once in Start)
  int64_t messages_forwarded_ = 0;            // request messages sent upstream; guarded by mutex_
  std::optional<int64_t> unparsable_;         // index of the message that did not parse; guarded by mutex_
  std::string unparsable_why_;                // what protobuf said of it, if anything; guarded by mutex_
  bool upstream_done_ = true;                 // until an upstream call starts; guarded by mutex_
  bool server_done_ = false;                  // guarded by mutex_
  bool read_hold_ = false;                    // guarded by mutex_
  bool write_hold_ = false;                   // guarded by mutex_
  bool upstream_read_closed_ = false;         // guarded by mutex_
  bool writing_up_ = false;                   // a write to the upstream is in flight; guarded by mutex_
  bool writing_down_ = false;                 // a write to the caller is in flight; guarded by mutex_
  bool finished_ = false;                     // guarded by mutex_
  bool request_read_ = false;                 // the first read completed; guarded by mutex_
  std::optional<grpc::Status> final_status_;  // guarded by mutex_
};

Proxy::Proxy(const Principals& principals, const Routes& routes, const common::IdentitySigner& signer,
             common::GrpcServerMetrics& metrics, RateLimiter& rate_limiter, const GatewayHealth& health,
             ProxyOptions options)
    : principals_(principals),
      routes_(routes),
      signer_(signer),
      metrics_(metrics),
      health_(health),
      rate_limiter_(rate_limiter),
      options_(options),
      streams_(options.max_streams_per_caller),
      identities_(signer, options.identity_ttl) {}

Admission Proxy::Admit(const CallHead& head) {
  Admission a;
  a.start = std::chrono::steady_clock::now();
  a.path = head.method;
  a.request_id = IsRequestId(head.request_id) ? head.request_id : NewRequestId();
  common::RequestScope scope(a.request_id);

  auto auth = principals_.Authenticate(head.authorization, head.client_certificate);
  a.caller = auth.identity;
  a.method = LookUpMethod(head.method);
  // Only known methods are metered by name, so a scan of made-up paths
  // cannot grow the label set.
  common::GrpcServerMetrics::Call call{a.method ? a.method->grpc_type : "unary",
                                       a.method ? head.method : "/unknown/unknown", CallerLabel(a.caller)};
  a.series = &metrics_.SeriesOf(call);
  metrics_.Started(*a.series);

  auto refused = [&a](grpc::Status status) {
    a.refusal = std::move(status);
    return std::move(a);
  };
  if (auth.verdict == Principals::Verdict::kRejected) {
    Log(common::LogLevel::kWarning, "authentication_failed", {{"method", call.full_method}});
    return refused({grpc::StatusCode::UNAUTHENTICATED, "invalid credential"});
  }
  if (auth.verdict == Principals::Verdict::kExpired) {
    Log(common::LogLevel::kWarning, "credential_expired",
        {{"method", call.full_method}, {"principal", auth.identity.principal}});
    return refused({grpc::StatusCode::UNAUTHENTICATED, "the credential of " + auth.identity.principal + " expired"});
  }
  if (!a.method) return refused({grpc::StatusCode::UNIMPLEMENTED, "unknown method " + head.method});
  const MethodInfo& method = *a.method;
  if (!Admits(method, a.caller.role)) {
    if (a.caller.role == common::v1::ROLE_PUBLIC) {
      return refused({grpc::StatusCode::UNAUTHENTICATED, "this call needs a credential"});
    }
    return refused({grpc::StatusCode::PERMISSION_DENIED,
                    "role " + common::RoleName(a.caller.role) + " may not call " + head.method});
  }
  const bool streaming = method.grpc_type != "unary";
  if (method.rate_limited || streaming) {
    std::string peer, forwarded_for;
    head.client(&peer, &forwarded_for);
    std::string key = RateLimitKey(a.caller.principal, peer, forwarded_for, options_.trusted_proxies);
    if (method.rate_limited) {
      auto wait = rate_limiter_.Acquire(key);
      if (wait.count() > 0) return refused(RateLimitedStatus(wait));
    }
    if (streaming) a.rate_key = std::move(key);
  }
  a.upstream = routes_.UpstreamFor(method.package);
  if (a.upstream == nullptr) {
    return refused({grpc::StatusCode::UNIMPLEMENTED, "no upstream serves " + method.package});
  }
  a.deadline = UpstreamDeadline(std::chrono::system_clock::now(), head.deadline, options_.default_deadline,
                                options_.max_deadline);
  a.request_limit = RequestLimitFor(method, options_.request_limits);
  return a;
}

void Proxy::PrepareUpstream(const Admission& admission, grpc::ClientContext* context) {
  context->set_deadline(admission.deadline);
  auto signed_identity = identities_.For(admission.caller, admission.path, std::chrono::system_clock::now());
  context->AddMetadata(common::kIdentityHeader, signed_identity.payload);
  context->AddMetadata(common::kIdentitySignatureHeader, signed_identity.signature);
  context->AddMetadata(common::kRequestIdHeader, admission.request_id);
}

void Proxy::Metered(const Admission& admission, const grpc::Status& status) {
  std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - admission.start;
  metrics_.Handled(*admission.series, status.error_code(), elapsed.count());
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE || status.error_code() == grpc::StatusCode::INTERNAL) {
    common::RequestScope scope(admission.request_id);
    Log(common::LogLevel::kWarning, "call_failed",
        {{"method", admission.method ? admission.path : "/unknown/unknown"},
         {"code", common::CodeName(status.error_code())}});
  }
}

grpc::ServerGenericBidiReactor* Proxy::CreateReactor(grpc::GenericCallbackServerContext* context) {
  if (auto* introspection = IntrospectionReactor(context, health_, routes_)) return introspection;
  return new ProxiedCall(*this, context);
}

}  // namespace gongkai::gateway
