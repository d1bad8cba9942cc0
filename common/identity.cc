#include "common/identity.h"

#include <grpcpp/server_context.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

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

IdentitySigner::IdentitySigner(std::string secret) : secret_(std::move(secret)) {
  if (secret_.size() < 16) throw std::invalid_argument("identity secret must be at least 16 bytes");
}

std::string IdentitySigner::Mac(const std::string& payload) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), mac, &len);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(mac), len));
}

IdentitySigner::Signed IdentitySigner::Sign(const CallerIdentity& identity,
                                            std::chrono::system_clock::time_point expires,
                                            std::string_view method) const {
  if (method.find(';') != std::string_view::npos) {
    throw std::invalid_argument("an identity's method may not contain ';'");
  }
  auto exp = std::chrono::duration_cast<std::chrono::seconds>(expires.time_since_epoch()).count();
  std::string payload = "v1;role=" + std::to_string(static_cast<int>(identity.role)) + ";city=" + identity.city_code +
                        ";agency=" + identity.agency + ";principal=" + identity.principal +
                        ";exp=" + std::to_string(exp) + ";method=" + std::string(method);
  return {payload, Mac(payload)};
}

bool IdentitySigner::Authentic(const std::string& payload, const std::string& signature) const {
  auto same = [&signature](const std::string& expected) {
    return signature.size() == expected.size() &&
           CRYPTO_memcmp(signature.data(), expected.data(), expected.size()) == 0;
  };
  {
    std::lock_guard lock(mutex_);
    auto known = authentic_.find(payload);
    if (known != authentic_.end()) return same(known->second);
  }
  std::string expected = Mac(payload);
  if (!same(expected)) return false;
  std::lock_guard lock(mutex_);
  if (authentic_.size() >= kAuthenticKept) authentic_.clear();
  authentic_.emplace(payload, std::move(expected));
  return true;
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

void RequireRole(const CallerIdentity& caller, std::initializer_list<Role> allowed) {
  for (Role r : allowed) {
    if (r == caller.role || r == v1::ROLE_PUBLIC) return;
  }
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
