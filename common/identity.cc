#include "common/identity.h"

#include <grpcpp/server_context.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/encoding.h"
#include "common/errors.h"
#include "common/log.h"

namespace gongkai::common {
namespace {

// Fields are separated by ';' and values may not contain it (codes and
// principal names are validated at configuration time).
std::optional<std::string> Field(const std::string& payload, const std::string& key) {
  std::string needle = key + "=";
  std::size_t pos = 0;
  while (pos <= payload.size()) {
    std::size_t end = payload.find(';', pos);
    if (end == std::string::npos) end = payload.size();
    if (payload.compare(pos, needle.size(), needle) == 0) {
      return payload.substr(pos + needle.size(), end - pos - needle.size());
    }
    pos = end + 1;
  }
  return std::nullopt;
}

}  // namespace

IdentitySigner::IdentitySigner(SigningKey key, std::string signer, TrustedKeys trusted)
    : key_(std::move(key)),
      signer_(std::move(signer)),
      trusted_(std::make_shared<const TrustedKeys>(std::move(trusted))) {
  TrustedKeys own;
  own.Add(signer_, key_.public_key());  // checks the signer's name
}

IdentitySigner::IdentitySigner(SigningKey key, std::string signer)
    : IdentitySigner(key, signer, [&] {
        TrustedKeys own;
        own.Add(signer, key.public_key());
        return own;
      }()) {}

bool MayVouchFor(const std::string& signer, const CallerIdentity& identity) {
  if (signer == kGatewaySigner) return identity.role != v1::ROLE_SERVICE;
  return identity.role == v1::ROLE_SERVICE && identity.principal == signer && identity.city_code.empty() &&
         identity.agency.empty();
}

IdentitySigner::Signed IdentitySigner::Sign(const CallerIdentity& identity,
                                            std::chrono::system_clock::time_point expires,
                                            std::string_view method) const {
  if (method.find(';') != std::string_view::npos) {
    throw std::invalid_argument("an identity's method may not contain ';'");
  }
  if (!MayVouchFor(signer_, identity)) {
    throw std::logic_error(signer_ + " may not sign the identity of " + RoleName(identity.role) + " " +
                           identity.principal);
  }
  auto exp = std::chrono::duration_cast<std::chrono::seconds>(expires.time_since_epoch()).count();
  std::string payload = "v1;role=" + std::to_string(static_cast<int>(identity.role)) + ";city=" + identity.city_code +
                        ";agency=" + identity.agency + ";principal=" + identity.principal +
                        ";exp=" + std::to_string(exp) + ";method=" + std::string(method);
  return {payload, key_.id() + "." + Base64Encode(key_.Sign(payload), Base64::kUrl, /*padded=*/false)};
}

bool IdentitySigner::Authentic(const std::string& payload, const std::string& signature) const {
  std::shared_ptr<const TrustedKeys> trusted;
  {
    std::lock_guard lock(mutex_);
    // The signature remembered for this payload; another (the same identity
    // signed by a second gateway key during a rotation) is checked in full.
    auto known = authentic_.find(payload);
    if (known != authentic_.end() && signature.size() == known->second.size() &&
        CRYPTO_memcmp(signature.data(), known->second.data(), signature.size()) == 0) {
      return true;
    }
    trusted = trusted_;
  }
  const std::size_t dot = signature.find('.');
  if (dot == std::string::npos) return false;
  const TrustedKeys::Key* key = trusted->Find(std::string_view(signature).substr(0, dot));
  if (key == nullptr) return false;
  const auto raw = Base64Decode(std::string_view(signature).substr(dot + 1));
  if (!raw || !VerifySignature(*key->key, payload, *raw)) return false;
  // The payload is the key's; whether its signer may vouch for the identity
  // it names is read from it (a bad payload is refused by Verify after).
  CallerIdentity named;
  try {
    named.role = static_cast<Role>(std::stoi(Field(payload, "role").value_or("")));
  } catch (const std::exception&) {
    return false;
  }
  named.city_code = Field(payload, "city").value_or("");
  named.agency = Field(payload, "agency").value_or("");
  named.principal = Field(payload, "principal").value_or("");
  if (!MayVouchFor(key->signer, named)) return false;
  std::lock_guard lock(mutex_);
  if (trusted_ != trusted) return true;  // the trust changed meanwhile: not kept, checked again next time
  if (authentic_.size() >= kAuthenticKept) authentic_.clear();
  authentic_.insert_or_assign(payload, signature);
  return true;
}

void IdentitySigner::Trust(TrustedKeys trusted) {
  auto shared = std::make_shared<const TrustedKeys>(std::move(trusted));
  std::lock_guard lock(mutex_);
  trusted_ = std::move(shared);
  authentic_.clear();
}

std::optional<CallerIdentity> IdentitySigner::Verify(const std::string& payload, const std::string& signature,
                                                     std::chrono::system_clock::time_point now,
                                                     std::string_view method) const {
  if (!Authentic(payload, signature)) return std::nullopt;
  if (!payload.starts_with("v1;")) return std::nullopt;
  auto role = Field(payload, "role");
  auto exp = Field(payload, "exp");
  if (!role || !exp) return std::nullopt;
  if (!method.empty() && Field(payload, "method").value_or("") != method) return std::nullopt;
  try {
    int role_number = std::stoi(*role);
    if (!v1::Role_IsValid(role_number)) return std::nullopt;
    auto now_secs = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    if (std::stoll(*exp) < now_secs) return std::nullopt;
    CallerIdentity identity;
    identity.role = static_cast<Role>(role_number);
    identity.city_code = Field(payload, "city").value_or("");
    identity.agency = Field(payload, "agency").value_or("");
    identity.principal = Field(payload, "principal").value_or("");
    return identity;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

void ReloadTrust(IdentitySigner& signer, const std::string& path) {
  try {
    TrustedKeys trusted = ReadTrustedKeys(path);
    const std::size_t keys = trusted.size();
    signer.Trust(std::move(trusted));
    Log(LogLevel::kInfo, "identity_trust_reloaded", {{"keys", keys}});
  } catch (const std::exception& e) {
    Log(LogLevel::kError, "identity_trust_reload_failed", {{"reason", e.what()}});
  }
}

CallerIdentity IdentityOf(const grpc::ServerContextBase& context, const IdentitySigner& signer) {
  const auto& metadata = context.client_metadata();
  auto payload = metadata.find(kIdentityHeader);
  auto signature = metadata.find(kIdentitySignatureHeader);
  if (payload == metadata.end() || signature == metadata.end()) return {};
  auto identity =
      signer.Verify(std::string(payload->second.data(), payload->second.size()),
                    std::string(signature->second.data(), signature->second.size()), std::chrono::system_clock::now());
  if (!identity) {
    Log(LogLevel::kWarning, "identity_rejected", {{"reason", "bad or expired signature"}});
    return {};
  }
  return *identity;
}

void RequireRole(const CallerIdentity& caller, Roles allowed) {
  if (allowed.Allow(caller.role)) return;
  if (caller.role == v1::ROLE_PUBLIC) throw ServiceError::Unauthenticated("this call needs a credential");
  throw ServiceError::PermissionDenied("role " + RoleName(caller.role) + " may not make this call");
}

std::string RoleName(Role role) {
  switch (role) {
    case v1::ROLE_PUBLIC: return "public";
    case v1::ROLE_CITY: return "city";
    case v1::ROLE_PROVINCE: return "province";
    case v1::ROLE_DESK: return "desk";
    case v1::ROLE_SERVICE: return "service";
    default: return "unspecified";
  }
}

std::string ReadSecretFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read secret file " + path);
  std::stringstream buf;
  buf << in.rdbuf();
  std::string s = buf.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

void CheckSecret(const std::string& secret, const std::string& name) {
  if (secret.size() < kMinSecretBytes) {
    throw std::invalid_argument(name + ": the secret must be at least " + std::to_string(kMinSecretBytes) +
                                " bytes, this one has " + std::to_string(secret.size()) +
                                " (make one with: openssl rand -hex 32)");
  }
}

}  // namespace gongkai::common
