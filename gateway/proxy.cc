#include "gateway/proxy.h"

#include <grpcpp/alarm.h>
#include <openssl/rand.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <optional>

#include "common/encoding.h"
#include "common/errors.h"
#include "common/log.h"
#include "gateway/frame_front.h"
#include "gateway/introspection.h"
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

// One proxied call, on the asynchronous API: it waits on a completion queue
// for the server to give it a call, and every operation it then starts, on
// the caller's side or the upstream's, comes back on that same queue as one
// of its tags (Tag), so that one thread runs all of its steps.
//
// Unary methods (almost all traffic) take the short path: read the request,
// one unary call upstream, then write the answer and the status together.
// Streaming methods pump one message at a time each way through an upstream
// stream (so flow control holds end to end). That stream has two holds, one
// for the reads and one for the writes this call may still start; it is
// finished (its status asked for) once both are released, so never under an
// operation it is about to be given. The call deletes itself once none of
// its operations is outstanding.
//
// A unary request's message must arrive by the call's deadline (the
// caller's, capped, or the default when it set none): the proxy's
// ReadDeadlines finishes the call DEADLINE_EXCEEDED otherwise, so half-open
// calls do not accumulate. A request message over the method's size limit
// (limits.h) is refused before it is parsed.
//
// Every request message is parsed against the method's input type before it
// goes upstream (parse_check.h). A unary request that does not parse is
// INVALID_ARGUMENT and never leaves. A streamed message that does not parse
// ends the stream there: nothing more is forwarded or read, the upstream is
// half-closed so it answers for the messages before, and the caller gets
// INVALID_ARGUMENT naming the message with that answer in the status details
// (or the upstream's own error, which concerns an earlier message).
class ProxiedCall final : public AwaitsRead {
 public:
  // What comes back on the completion queue: the call, and which of its
  // steps to run.
  struct Tag final : Completion {
    using Member = void (ProxiedCall::*)(bool ok);
    Tag(ProxiedCall* call, Member step, Member before = nullptr) : call(call), step(step), before(before) {}
    void Complete(bool ok) override { Run(this, ok); }

    ProxiedCall* call;
    // Run under the call's lock, the operation counted as come back.
    Member step;
    // Run before, outside the lock (may be null).
    Member before;
  };

  // Counts the request and the done tag, which comes back once a call it is
  // given has ended.
  ProxiedCall(Proxy& proxy, grpc::ServerCompletionQueue* queue)
      : proxy_(proxy), queue_(queue), stream_(&ctx_), pending_(2) {
    ctx_.AsyncNotifyWhenDone(static_cast<Completion*>(&done_tag_));
    proxy_.service_.RequestCall(&ctx_, &stream_, queue_, queue_, static_cast<Completion*>(&requested_tag_));
  }

  // Runs the step a tag names, then deletes the call when nothing of it is
  // outstanding any more. Several threads may serve one queue: whichever
  // brings the count to zero deletes the call, under the lock.
  static void Run(Tag* t, bool ok) {
    ProxiedCall* call = t->call;
    if (t->before != nullptr) (call->*(t->before))(ok);
    bool last;
    {
      std::lock_guard lock(call->mutex_);
      --call->pending_;
      (call->*(t->step))(ok);
      last = call->pending_ == 0;
    }
    if (last) delete call;
  }

  ~ProxiedCall() override { proxy_.CallEnded(); }

  // The unary request's message did not come by the deadline. Called on
  // the sweeper's thread: the call is told on its queue (an alarm due at
  // once), as its other steps are.
  void ReadTimedOut() override {
    std::lock_guard lock(mutex_);
    if (request_read_ || finished_) return;
    ++pending_;
    timeout_.emplace().Set(queue_, gpr_inf_past(GPR_CLOCK_MONOTONIC), static_cast<Completion*>(&timed_out_tag_));
  }

 private:
  // The server gave this call one (ok), or is shutting down. Run while the
  // request still counts, so that nothing deletes the call under Start.
  void Serve(bool ok) {
    if (!ok) return;
    proxy_.AwaitCall(queue_);
    Start();
  }

  // Without a call there is no done tag either.
  void Requested(bool ok) {
    if (!ok) --pending_;
  }

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
    // A stream's first read waits for its upstream call to start: a write
    // upstream may not overlap the start (UpstreamStarted).
    if (finished_ || !unary_) return;  // finished: the deadline had passed already
    ReadLocked();
  }

  // Everything up to the first read; false when the call is already answered.
  // `read_by` is set for a unary call: when its message must have come.
  bool StartLocked(std::optional<std::chrono::system_clock::time_point>* read_by) {
    CallHead head;
    head.method = ctx_.method();
    head.authorization = Metadata(ctx_, "authorization");
    head.request_id = Metadata(ctx_, common::kRequestIdHeader);
    head.deadline = ctx_.deadline();
    // A call the frame front forwarded: the caller is the front's to name.
    front_ = VerifyFrontHeader(Metadata(ctx_, FrontHeader::kName));
    if (proxy_.options_.client_certificates) {
      head.client_certificate = front_ ? front_->client_certificate : ClientCertificateOf(ctx_);
    }
    head.client = [this](std::string* peer, std::string* forwarded_for) {
      *peer = front_ ? front_->peer : ctx_.peer();
      *forwarded_for = JoinedMetadata(ctx_, "x-forwarded-for");
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
      upstream_ = admission_.upstream->stub().PrepareCall(&client_context_, ctx_.method(), queue_);
      holds_ = 2;
      read_hold_ = write_hold_ = true;
      ++pending_;
      upstream_->StartCall(static_cast<Completion*>(&upstream_started_tag_));
      UpstreamReadLocked();
    } else {
      *read_by = admission_.deadline;
    }
    return true;
  }

  void CheckRead(bool ok) {
    // Off the deadlines first, outside this call's lock (ReadDeadlines'
    // lock order); when it was already told, the call is finished.
    if (read_by_) proxy_.read_deadlines_.Remove(*read_by_, this);
    read_by_.reset();
    // Measured and parsed outside the lock, which the upstream's steps wait
    // on: until it is forwarded, the buffer belongs to this read alone.
    read_size_ = ok ? request_.Length() : 0;
    read_oversized_ = read_size_ > admission_.request_limit;
    read_why_.clear();
    read_parses_ = ok && !read_oversized_ && ParsesAs(*input_, request_, &read_why_);
  }

  void ReadDone(bool ok) {
    request_read_ = true;
    ReadDoneLocked(ok, read_size_, read_oversized_, read_parses_, std::move(read_why_));
  }

  void ReadDoneLocked(bool ok, std::size_t size, bool oversized, bool parses, std::string why) {
    if (unary_) {
      if (finished_) return;  // the deadline passed first
      if (!ok) return FinishLocked({grpc::StatusCode::INVALID_ARGUMENT, "no request message"});
      if (oversized) return FinishLocked(OversizedRequestStatus(ctx_.method(), size, admission_.request_limit));
      if (!parses) {
        LogUnparsable(0, why);
        return FinishLocked(UnparsableRequestStatus(*input_, why));
      }
      unary_upstream_ = admission_.upstream->stub().PrepareUnaryCall(&client_context_, ctx_.method(), request_, queue_);
      unary_upstream_->StartCall();
      ++pending_;
      unary_upstream_->Finish(&response_, &upstream_status_, static_cast<Completion*>(&unary_done_tag_));
      return;
    }
    if (!write_hold_) return;  // the upstream stream takes no more writes
    if (ok && oversized) {
      // Nothing more goes upstream and the upstream call is cancelled; the
      // caller is told once the upstream has ended (UpstreamDone), so that
      // the end overlaps no write of an answer to the caller.
      refusal_ = OversizedRequestStatus(ctx_.method(), size, admission_.request_limit);
      client_context_.TryCancel();
      ReleaseWriteHold();
      return;
    }
    if (ok && !parses) return RefuseMessageLocked(std::move(why));
    if (ok) {
      ++messages_forwarded_;
      writing_up_ = true;
      ++pending_;
      upstream_->Write(request_, static_cast<Completion*>(&upstream_write_tag_));
    } else {
      ++pending_;
      upstream_->WritesDone(static_cast<Completion*>(&upstream_writes_done_tag_));
      ReleaseWriteHold();
    }
  }

  void WriteDone(bool ok) {
    writing_down_ = false;
    if (final_status_) return FinishLocked(*final_status_);
    if (!ok) {
      client_context_.TryCancel();
      ReleaseReadHold();
      return;
    }
    UpstreamReadLocked();
  }

  // An operation whose completion asks for nothing more.
  void Counted(bool /*ok*/) {}

  void TimedOut(bool /*ok*/) {
    if (!request_read_) {
      FinishLocked({grpc::StatusCode::DEADLINE_EXCEEDED, "the request message did not arrive within the deadline"});
    }
  }

  // The call has ended, answered or cancelled: a cancelled call's upstream
  // call is cancelled too.
  void Done(bool /*ok*/) {
    if (ctx_.IsCancelled()) client_context_.TryCancel();
  }

  void UnaryDone(bool /*ok*/) {
    if (upstream_status_.error_code() == grpc::StatusCode::UNAVAILABLE) admission_.upstream->ReconnectSoon();
    if (finished_) return;  // the caller went away first; nothing to answer
    if (!upstream_status_.ok()) return FinishLocked(upstream_status_);
    finished_ = true;
    Metered(upstream_status_);
    ++pending_;
    stream_.WriteAndFinish(response_, grpc::WriteOptions(), upstream_status_, static_cast<Completion*>(&finished_tag_));
  }

  // Only now may a message go upstream, so only now is the caller's first
  // read. Had the start failed, the upstream read fails too and ends the
  // call with the upstream's status; once it has (no write hold left), the
  // caller's stream may already be finished, and is not read.
  void UpstreamStarted(bool /*ok*/) {
    if (write_hold_) ReadLocked();
  }

  void UpstreamWriteDone(bool ok) {
    writing_up_ = false;
    if (!ok || upstream_read_closed_ || finished_) {
      ReleaseWriteHold();
      return;
    }
    ReadLocked();
  }

  void UpstreamReadDone(bool ok) {
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
      UpstreamReadLocked();
      return;
    }
    writing_down_ = true;
    ++pending_;
    stream_.Write(response_, static_cast<Completion*>(&write_tag_));
  }

  void UpstreamDone(bool /*ok*/) {
    if (upstream_status_.error_code() == grpc::StatusCode::UNAVAILABLE) admission_.upstream->ReconnectSoon();
    const grpc::Status answered =
        refusal_ ? *refusal_ : (unparsable_ ? RefusedStreamStatus(upstream_status_) : upstream_status_);
    if (writing_down_) {
      final_status_ = answered;  // finished once the write in flight completes
    } else {
      FinishLocked(answered);
    }
  }

  void ReadLocked() {
    ++pending_;
    stream_.Read(&request_, static_cast<Completion*>(&read_tag_));
  }

  void UpstreamReadLocked() {
    ++pending_;
    upstream_->Read(&response_, static_cast<Completion*>(&upstream_read_tag_));
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
      ++pending_;
      upstream_->WritesDone(static_cast<Completion*>(&upstream_writes_done_tag_));
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
    ReleaseHoldLocked();
  }

  void ReleaseWriteHold() {
    if (!write_hold_) return;
    write_hold_ = false;
    ReleaseHoldLocked();
  }

  // The last hold released: the upstream stream's status is asked for.
  void ReleaseHoldLocked() {
    if (--holds_ > 0) return;
    ++pending_;
    upstream_->Finish(&upstream_status_, static_cast<Completion*>(&upstream_done_tag_));
  }

  void Metered(const grpc::Status& status) { proxy_.Metered(admission_, status); }

  // The method as metered: its path when known, "/unknown/unknown" otherwise.
  std::string MeteredMethod() const { return admission_.method ? ctx_.method() : "/unknown/unknown"; }

  bool FinishLockedFalse(const grpc::Status& status) {
    FinishLocked(status);
    return false;
  }

  void FinishLocked(const grpc::Status& status) {
    if (finished_) return;
    finished_ = true;
    Metered(status);
    ++pending_;
    stream_.Finish(status, static_cast<Completion*>(&finished_tag_));
  }

  Proxy& proxy_;
  grpc::ServerCompletionQueue* const queue_;
  grpc::GenericServerContext ctx_;
  grpc::GenericServerAsyncReaderWriter stream_;
  grpc::ClientContext client_context_;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> unary_upstream_;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> upstream_;
  grpc::Status upstream_status_;
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
  // What CheckRead found of the message read, for ReadDone.
  std::size_t read_size_ = 0;
  bool read_oversized_ = false;
  bool read_parses_ = false;
  std::string read_why_;
  common::Slots::Slot stream_slot_;   // a streaming call's place among its caller's (set in Start)
  std::optional<FrontHeader> front_;  // set in Start when the frame front forwarded the call

  Tag requested_tag_{this, &ProxiedCall::Requested, &ProxiedCall::Serve};
  Tag done_tag_{this, &ProxiedCall::Done};
  Tag read_tag_{this, &ProxiedCall::ReadDone, &ProxiedCall::CheckRead};
  Tag write_tag_{this, &ProxiedCall::WriteDone};
  Tag finished_tag_{this, &ProxiedCall::Counted};
  Tag unary_done_tag_{this, &ProxiedCall::UnaryDone};
  Tag upstream_started_tag_{this, &ProxiedCall::UpstreamStarted};
  Tag upstream_read_tag_{this, &ProxiedCall::UpstreamReadDone};
  Tag upstream_write_tag_{this, &ProxiedCall::UpstreamWriteDone};
  Tag upstream_writes_done_tag_{this, &ProxiedCall::Counted};
  Tag upstream_done_tag_{this, &ProxiedCall::UpstreamDone};
  Tag timed_out_tag_{this, &ProxiedCall::TimedOut};
  // Posts timed_out_tag_ when the request's message is late (made only
  // then: an alarm costs a registration with gRPC); guarded by mutex_.
  std::optional<grpc::Alarm> timeout_;

  std::mutex mutex_;
  int pending_;                               // operations whose tag has not come back; guarded by mutex_
  bool unary_ = false;                        // guarded by mutex_ (set once in Start)
  bool client_streaming_ = false;             // guarded by mutex_ (set once in Start)
  bool server_streaming_ = false;             // guarded by mutex_ (set once in Start)
  int64_t messages_forwarded_ = 0;            // request messages sent upstream; guarded by mutex_
  std::optional<int64_t> unparsable_;         // index of the message that did not parse; guarded by mutex_
  std::string unparsable_why_;                // what protobuf said of it, if anything; guarded by mutex_
  int holds_ = 0;                             // the upstream stream's holds left; guarded by mutex_
  bool read_hold_ = false;                    // guarded by mutex_
  bool write_hold_ = false;                   // guarded by mutex_
  bool upstream_read_closed_ = false;         // guarded by mutex_
  bool writing_up_ = false;                   // a write to the upstream is in flight; guarded by mutex_
  bool writing_down_ = false;                 // a write to the caller is in flight; guarded by mutex_
  bool finished_ = false;                     // guarded by mutex_
  bool request_read_ = false;                 // the first read completed; guarded by mutex_
  std::optional<grpc::Status> final_status_;  // guarded by mutex_
  // A stream refused for a message over its limit, told once the upstream
  // has ended; guarded by mutex_.
  std::optional<grpc::Status> refusal_;
};

Proxy::Proxy(const Principals& principals, const Routes& routes, const common::IdentitySigner& signer,
             common::GrpcServerMetrics& metrics, RateLimiter& rate_limiter, ProxyOptions options)
    : principals_(principals),
      routes_(routes),
      signer_(signer),
      metrics_(metrics),
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

std::vector<std::pair<std::string, std::string>> Proxy::UpstreamHeaders(const Admission& admission) {
  auto signed_identity = identities_.For(admission.caller, admission.path, std::chrono::system_clock::now());
  return {{common::kIdentityHeader, std::move(signed_identity.payload)},
          {common::kIdentitySignatureHeader, std::move(signed_identity.signature)},
          {common::kRequestIdHeader, admission.request_id}};
}

void Proxy::PrepareUpstream(const Admission& admission, grpc::ClientContext* context) {
  context->set_deadline(admission.deadline);
  for (const auto& [name, value] : UpstreamHeaders(admission)) context->AddMetadata(name, value);
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

Proxy::~Proxy() { Stop(); }

void Proxy::Register(grpc::ServerBuilder& builder) {
  builder.RegisterAsyncGenericService(&service_);
  if (introspection_ != nullptr) builder.RegisterService(introspection_);
  std::lock_guard lock(calls_mutex_);
  queue_ = builder.AddCompletionQueue();
}

void Proxy::Start() {
  {
    std::lock_guard lock(calls_mutex_);
    started_ = true;
  }
  // The queue keeps this many calls waiting for the server, each of which
  // puts another in its place as soon as it is given a call.
  constexpr int kWaitingCalls = 64;
  for (int i = 0; i < kWaitingCalls; ++i) AwaitCall(queue_.get());
  if (introspection_ != nullptr) introspection_->Await(queue_.get());
  for (int i = 0; i < std::max(1, options_.threads); ++i) {
    threads_.emplace_back([queue = queue_.get()] {
      void* tag;
      bool ok;
      while (queue->Next(&tag, &ok)) static_cast<Completion*>(tag)->Complete(ok);
    });
  }
}

// The server has stopped, so every waiting call comes back refused; the
// calls still open end as their upstream calls do. Only then may the queue
// shut down, since an open call may still start an operation on it.
void Proxy::Stop() {
  {
    std::unique_lock lock(calls_mutex_);
    if (stopped_ || queue_ == nullptr) return;
    stopped_ = true;
    if (!threads_.empty()) calls_ended_.wait(lock, [this] { return calls_ == 0; });
  }
  queue_->Shutdown();
  for (auto& thread : threads_) thread.join();
  if (threads_.empty()) {
    // No thread served the queue (the server never started): drained here.
    void* tag;
    bool ok;
    while (queue_->Next(&tag, &ok)) {
    }
  }
  threads_.clear();
}

void Proxy::AwaitCall(grpc::ServerCompletionQueue* queue) {
  CallBegun();
  new ProxiedCall(*this, queue);
}

void Proxy::CallBegun() {
  std::lock_guard lock(calls_mutex_);
  ++calls_;
}

namespace {

// A unary call upstream on the proxy's queue (Proxy::CallUpstream).
class UpstreamCall final : public Completion {
 public:
  UpstreamCall(Proxy& proxy, std::function<void(grpc::Status)> done) : proxy_(proxy), done_(std::move(done)) {}

  void Start(Upstream& upstream, grpc::ClientContext* context, const std::string& method,
             const grpc::ByteBuffer& request, grpc::ByteBuffer* response, grpc::CompletionQueue* queue) {
    upstream_ = &upstream;
    reader_ = upstream.stub().PrepareUnaryCall(context, method, request, queue);
    reader_->StartCall();
    reader_->Finish(response, &status_, static_cast<Completion*>(this));
  }

  void Complete(bool /*ok*/) override {
    if (status_.error_code() == grpc::StatusCode::UNAVAILABLE) upstream_->ReconnectSoon();
    // The reader lives in the call's arena, which goes with the caller's
    // context, which `done_` may let go.
    reader_.reset();
    done_(std::move(status_));
    Proxy& proxy = proxy_;
    delete this;
    proxy.CallEnded();
  }

 private:
  Proxy& proxy_;
  std::function<void(grpc::Status)> done_;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> reader_;
  Upstream* upstream_ = nullptr;
  grpc::Status status_;
};

}  // namespace

void Proxy::CallUpstream(Upstream& upstream, grpc::ClientContext* context, const std::string& method,
                         const grpc::ByteBuffer& request, grpc::ByteBuffer* response,
                         std::function<void(grpc::Status)> done) {
  grpc::ServerCompletionQueue* queue = nullptr;
  {
    std::lock_guard lock(calls_mutex_);
    if (started_ && !stopped_) {
      ++calls_;
      queue = queue_.get();
    }
  }
  if (queue == nullptr) return done({grpc::StatusCode::UNAVAILABLE, "the gateway is not serving; try again"});
  (new UpstreamCall(*this, std::move(done)))->Start(upstream, context, method, request, response, queue);
}

void Proxy::CallEnded() {
  std::lock_guard lock(calls_mutex_);
  if (--calls_ == 0) calls_ended_.notify_all();
}

}  // namespace gongkai::gateway
