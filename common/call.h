#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <initializer_list>
#include <optional>
#include <utility>

#include "common/errors.h"
#include "common/identity.h"
#include "common/log.h"
#include "common/slots.h"

namespace gongkai::common {

// The request id the gateway passed on, or empty.
std::string RequestIdOf(const grpc::ServerContextBase& context);

// The slots a call holds while its handler runs (Admit). When a client
// stream ends, its thread gives back its cache of freed memory
// (ReleaseThreadCache): the next stream may run on another of the server's
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
// slots, into `admission`, for the handler to hold while it runs; when all
// of either are held, RESOURCE_EXHAUSTED naming the limit, with a
// google.rpc.RetryInfo. Outside a call scope nothing is bounded.
std::optional<grpc::Status> Admit(Admission& admission);

// The frame of every handler: tags the thread's log lines with the request
// id, establishes the caller, checks the role, admits the call (Admit), and
// turns every exception into a status (errors.h). The body receives the
// verified caller. In a service's server an identity counts only for the
// method it was signed for: the call scope (call_scope.h) removes any other
// before the handler runs, and the caller is then the anonymous public
// (IdentityOf).
template <typename Body>
grpc::Status Call(const grpc::ServerContextBase& context, const IdentitySigner& signer,
                  std::initializer_list<Role> allowed, Body&& body) noexcept {
  RequestScope scope(RequestIdOf(context));
  return Handle([&]() -> grpc::Status {
    CallerIdentity caller = IdentityOf(context, signer);
    RequireRole(caller, allowed);
    Admission admission;
    if (auto refusal = Admit(admission)) return *std::move(refusal);
    return body(caller);
  });
}

// The same frame for a method served with gRPC's callback API on the thread
// that received the call: for handlers that only read memory and never
// block, so that they need no thread of the synchronous server and are not
// bounded by its lanes. Answers at once and returns the call's reactor.
template <typename Body>
grpc::ServerUnaryReactor* AnswerNow(grpc::CallbackServerContext* context, const IdentitySigner& signer,
                                    std::initializer_list<Role> allowed, Body&& body) noexcept {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(Call(*context, signer, allowed, std::forward<Body>(body)));
  return reactor;
}

}  // namespace gongkai::common
