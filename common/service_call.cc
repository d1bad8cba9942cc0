#include "common/service_call.h"

#include <stdexcept>

namespace gongkai::common {

CallerIdentity ServiceIdentity(const std::string& service) {
  const bool named = !service.empty() && service.size() <= 48 &&
                     service.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos;
  if (!named) throw std::invalid_argument("a service's name is 1-48 of [a-z0-9-], not '" + service + "'");
  CallerIdentity identity;
  identity.role = v1::ROLE_SERVICE;
  identity.principal = "service-" + service;
  return identity;
}

void PrepareServiceCall(grpc::ClientContext& ctx, const IdentitySigner& signer, const CallerIdentity& identity,
                        const std::string& method, std::chrono::milliseconds timeout) {
  const auto now = std::chrono::system_clock::now();
  ctx.set_deadline(now + timeout);
  const auto signed_identity = signer.Sign(identity, now + kServiceIdentityLifetime, method);
  ctx.AddMetadata(kIdentityHeader, signed_identity.payload);
  ctx.AddMetadata(kIdentitySignatureHeader, signed_identity.signature);
}

}  // namespace gongkai::common
