#pragma once

#include <grpcpp/server_context.h>

#include <initializer_list>

#include "common/errors.h"
#include "common/identity.h"
#include "common/log.h"

namespace gongkai::common {

// The request id the gateway passed on, or empty.
std::string RequestIdOf(const grpc::ServerContextBase& context);

// The frame of every handler: tags the thread's log lines with the request
// id, establishes the caller, checks the role, and turns every exception into
// a status (errors.h). The body receives the verified caller.
template <typename Body>
grpc::Status Call(const grpc::ServerContextBase& context, const IdentitySigner& signer,
                  std::initializer_list<Role> allowed, Body&& body) noexcept {
  RequestScope scope(RequestIdOf(context));
  return Handle([&]() -> grpc::Status {
    CallerIdentity caller = IdentityOf(context, signer);
    RequireRole(caller, allowed);
    return body(caller);
  });
}

}  // namespace gongkai::common
