#pragma once

#include <grpcpp/server_context.h>

#include <initializer_list>
#include <string_view>
#include <utility>

#include "common/errors.h"
#include "common/identity.h"
#include "common/log.h"

namespace gongkai::common {

// The request id the gateway passed on, or empty.
std::string RequestIdOf(const grpc::ServerContextBase& context);

// The frame of every handler: tags the thread's log lines with the request
// id, establishes the caller, checks the role, and turns every exception into
// a status (errors.h). The body receives the verified caller. With `method`
// (the handler's gRPC path, "/gongkai.requests.v1.RequestsService/Reply"), a
// signed identity counts only when it was signed for that method; otherwise
// the caller is the anonymous public (IdentityOf).
template <typename Body>
grpc::Status Call(const grpc::ServerContextBase& context, const IdentitySigner& signer, std::string_view method,
                  std::initializer_list<Role> allowed, Body&& body) noexcept {
  RequestScope scope(RequestIdOf(context));
  return Handle([&]() -> grpc::Status {
    CallerIdentity caller = IdentityOf(context, signer, method);
    RequireRole(caller, allowed);
    return body(caller);
  });
}

// The same without a method: the identity is not checked against the call's method.
template <typename Body>
grpc::Status Call(const grpc::ServerContextBase& context, const IdentitySigner& signer,
                  std::initializer_list<Role> allowed, Body&& body) noexcept {
  return Call(context, signer, std::string_view(), allowed, std::forward<Body>(body));
}

}  // namespace gongkai::common
