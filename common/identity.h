#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/identity_keys.h"
#include "gongkai/common/v1/access.pb.h"

namespace grpc {
class ServerContextBase;
}

namespace gongkai::common {

using Role = gongkai::common::v1::Role;

// Who is calling, as the gateway verified it, or as another service of the
// platform signed it for its own call (ROLE_SERVICE).
struct CallerIdentity {
  Role role = v1::ROLE_PUBLIC;
  // Prefecture-level city code (e.g. "140100") for city callers.
  std::string city_code;
  // Agency credit code for desk callers.
  std::string agency;
  // The configured principal's name, for logs; empty for anonymous callers;
  // "service-<name>" for another service of the platform (ROLE_SERVICE).
  std::string principal;

  bool operator==(const CallerIdentity&) const = default;
};

// Metadata the gateway sets on upstream calls (and strips from callers), and a
// service sets on its calls to another (ROLE_SERVICE).
inline constexpr char kIdentityHeader[] = "x-gongkai-identity";
inline constexpr char kIdentitySignatureHeader[] = "x-gongkai-identity-sig";
inline constexpr char kRequestIdHeader[] = "x-request-id";

// Signs and verifies identities (Ed25519, common/identity_keys.h). A signed
// identity carries its expiry, so a captured header soon stops working, and
// the method it was issued for (the gRPC path,
// "/gongkai.registry.v1.RegistryService/UpsertAgencies"), so a captured header
// works for no other call. The signature header is "<key id>.<signature,
// unpadded base64url>"; a verifier accepts it when the key is one it trusts and the key's
// signer may vouch for the identity: the gateway's keys for any caller but a
// service, a service's keys only for that service's own identity
// (ROLE_SERVICE, principal "service-<name>").
//
// The gateway sends the same signed identity for a caller and method over and
// over (gateway/signed_identities.h), so the verifier remembers the payloads
// whose signature it has checked (at most kAuthenticKept, then it starts
// over); expiry and method are still read from the payload on every call.
class IdentitySigner {
 public:
  // Signs as `signer` (kGatewaySigner, or "service-<name>") with `key`;
  // accepts identities signed with the keys of `trusted`.
  IdentitySigner(SigningKey key, std::string signer, TrustedKeys trusted);
  // Trusting only its own key.
  IdentitySigner(SigningKey key, std::string signer);

  struct Signed {
    std::string payload;
    std::string signature;
  };
  // Signs `identity` until `expires` for `method` (a gRPC path; empty: an
  // identity bound to no method, which a verifier that names its method
  // refuses). Throws std::invalid_argument for a method holding ';', and
  // std::logic_error for an identity this signer may not vouch for.
  Signed Sign(const CallerIdentity& identity, std::chrono::system_clock::time_point expires,
              std::string_view method = {}) const;

  // The identity when the signature checks out with a trusted key whose
  // signer may vouch for it, it has not expired and, when `method` is given,
  // it was signed for exactly that method. With `method` empty the method it
  // was signed for is not checked.
  std::optional<CallerIdentity> Verify(const std::string& payload, const std::string& signature,
                                       std::chrono::system_clock::time_point now, std::string_view method = {}) const;

  // Trusts `trusted` from now on (the trust file read again); the signatures
  // checked before are checked again.
  void Trust(TrustedKeys trusted);

  const std::string& key_id() const { return key_.id(); }
  const std::string& signer() const { return signer_; }

 private:
  static constexpr std::size_t kAuthenticKept = 4096;

  // Whether `signature` is a trusted key's, whose signer may vouch for the
  // identity of `payload`.
  bool Authentic(const std::string& payload, const std::string& signature) const;

  SigningKey key_;
  std::string signer_;
  mutable std::mutex mutex_;
  std::shared_ptr<const TrustedKeys> trusted_;                      // guarded by mutex_
  mutable std::unordered_map<std::string, std::string> authentic_;  // payload -> its signature; guarded by mutex_
};

// Reads the trust file at `path` again and trusts its keys (SIGHUP); a file
// that does not read is logged (identity_trust_reload_failed) and the keys
// trusted before are kept.
void ReloadTrust(IdentitySigner& signer, const std::string& path);

// Whether `signer` may vouch for `identity`: the gateway for any caller but
// a service, "service-<name>" only for ServiceIdentity(name).
bool MayVouchFor(const std::string& signer, const CallerIdentity& identity);

// The caller of a server call: the signed identity (the gateway's, or another
// service's own) when present and valid, otherwise an anonymous public caller. The method it was signed for
// is the call scope's to check (call_scope.h): in a service's server an
// identity signed for another method never reaches the handler.
CallerIdentity IdentityOf(const grpc::ServerContextBase& context, const IdentitySigner& signer);

// The roles a method lets call it (ROLE_PUBLIC among them: anyone), a value a
// call's work can carry to the thread that runs it.
class Roles {
 public:
  Roles(std::initializer_list<Role> roles) {
    for (Role r : roles) bits_ |= Bit(r);
  }
  bool Allow(Role role) const { return (bits_ & (Bit(role) | Bit(v1::ROLE_PUBLIC))) != 0; }

 private:
  static std::uint32_t Bit(Role role) { return role >= 0 && role < 32 ? std::uint32_t{1} << role : 0; }
  std::uint32_t bits_ = 0;
};

// Throws UNAUTHENTICATED for anonymous callers and PERMISSION_DENIED for a
// signed caller whose role is not allowed.
void RequireRole(const CallerIdentity& caller, Roles allowed);

std::string RoleName(Role role);

// Reads a secret from a file (trailing newline dropped); throws naming the file.
std::string ReadSecretFile(const std::string& path);

// The fewest bytes a secret of the platform may have: as many as the
// HMAC-SHA256 it keys puts out (scripts/up makes 64 hex characters). A
// shorter one, an empty file above all, would let whoever guesses it compute
// badge codes or applicant keys.
inline constexpr std::size_t kMinSecretBytes = 32;

// Refuses a secret under kMinSecretBytes: throws std::invalid_argument naming
// `name` (the setting of its file) and its length, never its content. A
// process checks each secret at start and exits with status 2 when refused.
void CheckSecret(const std::string& secret, const std::string& name);

}  // namespace gongkai::common
