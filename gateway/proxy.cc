#include "gateway/proxy.h"

#include <openssl/rand.h>

#include <mutex>
#include <optional>

#include "common/encoding.h"
#include "common/log.h"
#include "gateway/parse_check.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace gongkai::gateway {
namespace {

std::string NewRequestId() {
  unsigned char bytes[12];
  RAND_bytes(bytes, sizeof bytes);
  return common::HexEncode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

std::string Metadata(const grpc::ServerContextBase& ctx, const char* key) {
  auto it = ctx.client_metadata().find(key);
  if (it == ctx.client_metadata().end()) return {};
  return std::string(it->second.data(), it->second.size());
}

grpc::Status RateLimitedStatus(std::chrono::milliseconds wait) {
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_seconds(wait.count() / 1000);
  retry.mutable_retry_delay()->set_nanos(static_cast<int32_t>((wait.count() % 1000) * 1000000));
  std::string message = "rate limit reached; retry in " + std::to_string(wait.count()) + " ms";
  google::rpc::Status status;
  status.set_code(grpc::StatusCode::RESOURCE_EXHAUSTED);
  status.set_message(message);
  status.add_details()->PackFrom(retry);
  return {grpc::StatusCode::RESOURCE_EXHAUSTED, message, status.SerializeAsString()};
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
// Every request message is parsed against the method's input type before it
// goes upstream (parse_check.h). A unary request that does not parse is
// INVALID_ARGUMENT and never leaves. A streamed message that does not parse
// ends the stream there: nothing more is forwarded or read, the upstream is
// half-closed so it answers for the messages before, and the caller gets
// INVALID_ARGUMENT naming the message with that answer in the status details
// (or the upstream's own error, which concerns an earlier message).
class ProxiedCall final : public grpc::ServerGenericBidiReactor {
 public:
  ProxiedCall(Proxy& proxy, grpc::GenericCallbackServerContext* ctx) : proxy_(proxy), ctx_(ctx), upstream_(this) {
    Start();
  }

  void OnReadDone(bool ok) override {
    // Parsed before the lock, which this call's upstream callbacks wait on:
    // until it is forwarded, the buffer belongs to this read alone.
    std::string why;
    const bool parses = ok && ParsesAs(*input_, request_, &why);
    std::lock_guard lock(mutex_);
    if (unary_) {
      if (!ok) return FinishLocked({grpc::StatusCode::INVALID_ARGUMENT, "no request message"});
      if (!parses) {
        LogUnparsable(0, why);
        return FinishLocked(UnparsableRequestStatus(*input_, why));
      }
      upstream_done_ = false;
      stub_->UnaryCall(&client_context_, ctx_->method(), grpc::StubOptions(), &request_, &response_,
                       [this](grpc::Status status) { UnaryDone(std::move(status)); });
      return;
    }
    if (!write_hold_) return;  // the upstream stream takes no more writes
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

  void OnDone() override {
    bool last;
    {
      std::lock_guard lock(mutex_);
      server_done_ = true;
      last = upstream_done_;
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

  void Start() {
    start_ = std::chrono::steady_clock::now();
    std::string request_id = Metadata(*ctx_, common::kRequestIdHeader);
    if (request_id.empty() || request_id.size() > 64) request_id = NewRequestId();
    common::RequestScope scope(request_id);

    auto auth = proxy_.principals_.Authenticate(Metadata(*ctx_, "authorization"));
    caller_ = auth.identity;
    call_ = {"unary", ctx_->method(), CallerLabel(caller_)};
    auto method = LookUpMethod(ctx_->method());
    if (method) {
      call_.type = method->grpc_type;
      input_ = method->input;
      output_ = method->output;
    }
    // Only known methods are metered by name, so a scan of made-up paths
    // cannot grow the label set.
    if (!method) call_.full_method = "/unknown/unknown";
    proxy_.metrics_.Started(call_);

    std::lock_guard lock(mutex_);
    if (auth.verdict == Principals::Verdict::kRejected) {
      Log(common::LogLevel::kWarning, "authentication_failed", {{"method", call_.full_method}});
      return FinishLocked({grpc::StatusCode::UNAUTHENTICATED, "invalid credential"});
    }
    if (!method) return FinishLocked({grpc::StatusCode::UNIMPLEMENTED, "unknown method " + ctx_->method()});
    if (!Admits(*method, caller_.role)) {
      if (caller_.role == common::v1::ROLE_PUBLIC) {
        return FinishLocked({grpc::StatusCode::UNAUTHENTICATED, "this call needs a credential"});
      }
      return FinishLocked({grpc::StatusCode::PERMISSION_DENIED,
                           "role " + common::RoleName(caller_.role) + " may not call " + ctx_->method()});
    }
    if (method->rate_limited) {
      auto wait = proxy_.rate_limiter_.Acquire(RateLimitKey(caller_.principal, ctx_->peer()));
      if (wait.count() > 0) return FinishLocked(RateLimitedStatus(wait));
    }
    stub_ = proxy_.routes_.StubFor(method->package);
    if (stub_ == nullptr) {
      return FinishLocked({grpc::StatusCode::UNIMPLEMENTED, "no upstream serves " + method->package});
    }

    // A fresh context: nothing the caller sent is passed on but the request id;
    // the identity is the one verified here, signed.
    auto now = std::chrono::system_clock::now();
    auto deadline = now + proxy_.options_.default_deadline;
    if (ctx_->deadline() < now + proxy_.options_.max_deadline) deadline = ctx_->deadline();
    client_context_.set_deadline(deadline);
    auto signed_identity = proxy_.signer_.Sign(caller_, now + proxy_.options_.identity_ttl);
    client_context_.AddMetadata(common::kIdentityHeader, signed_identity.payload);
    client_context_.AddMetadata(common::kIdentitySignatureHeader, signed_identity.signature);
    client_context_.AddMetadata(common::kRequestIdHeader, request_id);
    request_id_ = request_id;

    unary_ = method->grpc_type == "unary";
    client_streaming_ = method->grpc_type == "client_stream" || method->grpc_type == "bidi_stream";
    server_streaming_ = method->grpc_type == "server_stream" || method->grpc_type == "bidi_stream";
    if (!unary_) {
      upstream_done_ = false;
      stub_->PrepareBidiStreamingCall(&client_context_, ctx_->method(), grpc::StubOptions(), &upstream_);
      upstream_.AddMultipleHolds(2);
      read_hold_ = write_hold_ = true;
      upstream_.StartCall();
      upstream_.StartRead(&response_);
    }
    StartRead(&request_);
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
      last = server_done_;
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
      last = server_done_;
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
    common::RequestScope scope(request_id_);
    Log(common::LogLevel::kWarning, "unparsable_message",
        {{"method", call_.full_method}, {"message", index}, {"type", input_->full_name()}, {"why", why}});
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

  void Metered(const grpc::Status& status) {
    std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
    proxy_.metrics_.Handled(call_, status.error_code(), elapsed.count());
    if (status.error_code() == grpc::StatusCode::UNAVAILABLE || status.error_code() == grpc::StatusCode::INTERNAL) {
      common::RequestScope scope(request_id_);
      Log(common::LogLevel::kWarning, "call_failed",
          {{"method", call_.full_method}, {"code", common::CodeName(status.error_code())}});
    }
  }

  void FinishLocked(const grpc::Status& status) {
    if (finished_) return;
    finished_ = true;
    Metered(status);
    Finish(status);
  }

  Proxy& proxy_;
  grpc::GenericCallbackServerContext* ctx_;
  grpc::GenericStub* stub_ = nullptr;
  grpc::ClientContext client_context_;
  Upstream upstream_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  grpc::ByteBuffer answer_;  // a client stream's answer, held when the stream was cut short
  // The method's message types: set in Start, before the first read.
  const google::protobuf::Descriptor* input_ = nullptr;
  const google::protobuf::Descriptor* output_ = nullptr;
  common::CallerIdentity caller_;
  common::GrpcServerMetrics::Call call_;
  std::string request_id_;
  std::chrono::steady_clock::time_point start_;

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
  std::optional<grpc::Status> final_status_;  // guarded by mutex_
};

Proxy::Proxy(const Principals& principals, const Routes& routes, const common::IdentitySigner& signer,
             common::GrpcServerMetrics& metrics, RateLimiter& rate_limiter, ProxyOptions options)
    : principals_(principals),
      routes_(routes),
      signer_(signer),
      metrics_(metrics),
      rate_limiter_(rate_limiter),
      options_(options) {}

grpc::ServerGenericBidiReactor* Proxy::CreateReactor(grpc::GenericCallbackServerContext* context) {
  return new ProxiedCall(*this, context);
}

}  // namespace gongkai::gateway
