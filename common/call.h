#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <utility>

#include "common/errors.h"
#include "common/executor.h"
#include "common/identity.h"
#include "common/log.h"
#include "common/service_context.h"
#include "common/slots.h"

namespace gongkai::common {

// The request id the gateway passed on, or empty.
std::string RequestIdOf(const grpc::ServerContextBase& context);

// The slots a call holds while its work runs (Admit). When a client stream
// ends, the thread that ran it gives back its cache of freed memory
// (ReleaseThreadCache): the next stream may run on another of the executor's
// threads, and would otherwise grow a cache of its own beside this idle one.
struct Admission {
  Admission() = default;
  Admission(const Admission&) = delete;
  Admission& operator=(const Admission&) = delete;
  ~Admission();

  Slots::Slot stream;
  Slots::Slot call;
};

// Admits this thread's call (its CurrentCall, call_scope.h): a client stream
// takes one of the stream slots, and every call one of its lane's call
// slots, into `admission`, for the call to hold while its work runs; when all
// of either are held, RESOURCE_EXHAUSTED naming the limit, with a
// google.rpc.RetryInfo. Outside a call scope nothing is bounded.
std::optional<grpc::Status> Admit(Admission& admission);

// The frame of every handler's work: tags the thread's log lines with the
// request id, establishes the caller, checks the role, and turns every
// exception into a status (errors.h). The body receives the verified caller.
// In a service's server an identity counts only for the method it was signed
// for: the call scope (call_scope.h) removes any other before the handler
// runs, and the caller is then the anonymous public (IdentityOf).
template <typename Body>
grpc::Status RunCall(const grpc::ServerContextBase& context, const IdentitySigner& signer, Roles allowed,
                     Body&& body) noexcept {
  RequestScope scope(RequestIdOf(context));
  return Handle([&]() -> grpc::Status {
    CallerIdentity caller = IdentityOf(context, signer);
    RequireRole(caller, allowed);
    return body(caller);
  });
}

// On the thread that received the call (gRPC's, which must not block): admits
// it (Admit) and has `executor` run `work` on one of its threads, with the
// call as that thread's CurrentCall; the call's slots are given back, then
// `finish` is told the status. A call refused by its bounds, or by a full
// executor queue (RESOURCE_EXHAUSTED naming it, with a RetryInfo), is
// finished at once.
void RunOnExecutor(const grpc::ServerContextBase& context, Executor& executor, std::function<grpc::Status()> work,
                   std::function<void(grpc::Status)> finish);

// A unary method served with gRPC's callback API whose work blocks (the
// database, another service): the body runs on `executor` in the frame of
// RunCall, admitted as RunOnExecutor says, and its status answers the call.
// The body runs after the method has returned: it captures what it uses by
// value (the request and response pointers, this), never by reference.
template <typename Body>
grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context, Executor& executor, const IdentitySigner& signer,
                                Roles allowed, Body body) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  RunOnExecutor(
      *context, executor,
      [context, &signer, allowed, body = std::move(body)]() mutable {
        return RunCall(*context, signer, allowed, body);
      },
      [reactor](grpc::Status status) { reactor->Finish(std::move(status)); });
  return reactor;
}

// Serve with a service's executor and signer, as its methods call it.
template <typename Body>
grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context, const ServiceContext& service, Roles allowed,
                                Body body) {
  return Serve(context, service.executor, service.signer, allowed, std::move(body));
}

// The messages of a client stream, read as the work that handles them asks
// for them.
template <typename Request>
class StreamReader {
 public:
  // The next message into `message`; false once the caller has sent its last,
  // or the call has ended (cancelled, past its deadline).
  virtual bool Read(Request* message) = 0;

 protected:
  ~StreamReader() = default;
};

namespace internal {

// A client stream whose messages a thread of the executor reads one after
// the other, waiting for each. While it handles one, the next is already
// being received and parsed on gRPC's thread.
template <typename Request>
class BlockingReadReactor final : public grpc::ServerReadReactor<Request>, public StreamReader<Request> {
 public:
  bool Read(Request* message) override {
    std::unique_lock lock(mutex_);
    if (state_ == State::kIdle) {
      state_ = State::kReading;
      lock.unlock();
      this->StartRead(&next_);
      lock.lock();
    }
    arrived_.wait(lock, [this] { return state_ != State::kReading; });
    if (state_ == State::kEnded) return false;
    message->Swap(&next_);
    state_ = State::kReading;
    lock.unlock();
    this->StartRead(&next_);
    return true;
  }

  void OnReadDone(bool ok) override {
    {
      std::lock_guard lock(mutex_);
      state_ = ok ? State::kArrived : State::kEnded;
    }
    arrived_.notify_one();
  }

  // After every reaction, the read still outstanding when the work finished
  // the call included.
  void OnDone() override { delete this; }

 private:
  enum class State { kIdle, kReading, kArrived, kEnded };

  std::mutex mutex_;
  std::condition_variable arrived_;
  State state_ = State::kIdle;  // guarded by mutex_
  Request next_;                // gRPC's to fill while kReading
};

}  // namespace internal

// A client-streaming method served with gRPC's callback API: the body,
// `(const CallerIdentity&, StreamReader<Request>&) -> grpc::Status`, runs on
// `executor` as Serve's does, holding its thread while the stream lasts (a
// stream is admitted to one of GONGKAI_MAX_STREAMS slots first), and reads
// the messages with the reader.
template <typename Request, typename Body>
grpc::ServerReadReactor<Request>* ServeStream(grpc::CallbackServerContext* context, Executor& executor,
                                              const IdentitySigner& signer, Roles allowed, Body body) {
  auto* reactor = new internal::BlockingReadReactor<Request>();
  RunOnExecutor(
      *context, executor,
      [context, &signer, allowed, reactor, body = std::move(body)]() mutable {
        return RunCall(*context, signer, allowed, [&](const CallerIdentity& caller) { return body(caller, *reactor); });
      },
      [reactor](grpc::Status status) { reactor->Finish(std::move(status)); });
  return reactor;
}

// A method served with gRPC's callback API on the thread that received the
// call, in the frame of RunCall: for handlers that only read memory and never
// block, so that they take no thread of the executor and no slot of the
// lanes. Answers at once and returns the call's reactor.
template <typename Body>
grpc::ServerUnaryReactor* AnswerNow(grpc::CallbackServerContext* context, const IdentitySigner& signer, Roles allowed,
                                    Body&& body) noexcept {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(RunCall(*context, signer, allowed, std::forward<Body>(body)));
  return reactor;
}

}  // namespace gongkai::common
