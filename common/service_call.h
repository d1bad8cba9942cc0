#pragma once

#include <grpcpp/client_context.h>

#include <chrono>
#include <string>

#include "common/identity.h"

namespace gongkai::common {

// How long the identity a service signs for one of its calls to another
// counts: past the call's deadline as the callee checks it on arrival, with
// room for the clocks of two hosts to differ; captured, it works for no other
// method and not for long.
inline constexpr std::chrono::seconds kServiceIdentityLifetime{30};

// The identity the platform's service `service` ("penalties") calls another
// with: ROLE_SERVICE, the principal "service-<service>" (for the callee's
// logs). Throws std::invalid_argument unless `service` is 1-48 of [a-z0-9-].
CallerIdentity ServiceIdentity(const std::string& service);

// Prepares `ctx` for a call of `method` (a gRPC path,
// "/gongkai.registry.v1.RegistryService/GetAgency") by a service of the
// platform: its deadline `timeout` from now, and `identity` signed with
// `signer` for exactly that method until kServiceIdentityLifetime from now.
void PrepareServiceCall(grpc::ClientContext& ctx, const IdentitySigner& signer, const CallerIdentity& identity,
                        const std::string& method, std::chrono::milliseconds timeout);

}  // namespace gongkai::common
