#include "gateway/principals.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "common/encoding.h"
#include "common/identifiers.h"

namespace gongkai::gateway {
namespace {

bool SafeName(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  }
  return true;
}

std::optional<common::Role> RoleFromName(const std::string& name) {
  if (name == "city") return common::v1::ROLE_CITY;
  if (name == "province") return common::v1::ROLE_PROVINCE;
  if (name == "desk") return common::v1::ROLE_DESK;
  return std::nullopt;
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> ParseUtcTime(const std::string& text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, consumed = 0;
  if (text.size() != 20 ||
      std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &year, &month, &day, &hour, &minute, &second,
                  &consumed) != 6 ||
      consumed != 20) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const std::time_t t = timegm(&tm);
  std::tm back{};
  gmtime_r(&t, &back);
  if (back.tm_mday != day || back.tm_mon != month - 1) return std::nullopt;  // 2027-02-30
  return std::chrono::system_clock::from_time_t(t);
}

std::string TokenHash(const std::string& salt, const std::string& secret) { return common::Sha256Hex(salt + secret); }

Principals Principals::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read principals file " + path);
  std::stringstream buf;
  buf << in.rdbuf();
  return Parse(buf.str(), path);
}

Principals Principals::Parse(const std::string& json_text, const std::string& source) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(json_text);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(source + ": not JSON: " + e.what());
  }
  if (!doc.is_array()) throw std::runtime_error(source + ": expected a JSON array of principals");
  auto table = std::make_shared<Table>();
  for (std::size_t i = 0; i < doc.size(); ++i) {
    const auto& p = doc[i];
    auto where = source + ": principal " + std::to_string(i);
    auto text = [&](const char* key) -> std::string {
      if (!p.contains(key) || !p[key].is_string()) throw std::runtime_error(where + ": '" + key + "' must be a string");
      return p[key].get<std::string>();
    };
    Entry e;
    e.identity.principal = text("name");
    if (!SafeName(e.identity.principal)) throw std::runtime_error(where + ": name must be 1-64 of [A-Za-z0-9_-]");
    const std::string role_name = text("role");
    if (role_name == "service") {
      throw std::runtime_error(where +
                               ": role 'service' is the platform's services' own, for their calls to each "
                               "other; a principal's role must be city, province or desk");
    }
    auto role = RoleFromName(role_name);
    if (!role) throw std::runtime_error(where + ": role must be city, province or desk");
    e.identity.role = *role;
    if (*role == common::v1::ROLE_CITY) {
      e.identity.city_code = text("city");
      if (!common::IsCityCode(e.identity.city_code)) {
        throw std::runtime_error(where + ": city must be a prefecture-level city code such as 140100");
      }
    }
    if (*role == common::v1::ROLE_DESK) {
      e.identity.agency = text("agency");
      if (common::CheckCreditCode(e.identity.agency)) {
        throw std::runtime_error(where + ": agency must be a valid credit code");
      }
    }
    if (p.contains("client_cert_sha256")) {
      e.client_cert_sha256 = text("client_cert_sha256");
      if (e.client_cert_sha256.size() != 64 ||
          e.client_cert_sha256.find_first_not_of("0123456789abcdef") != std::string::npos) {
        throw std::runtime_error(where + ": client_cert_sha256 must be 64 lower-case hex digits");
      }
      auto [holder, added] = table->by_certificate.emplace(e.client_cert_sha256, e.identity.principal);
      if (!added) throw std::runtime_error(where + ": its client certificate is already " + holder->second + "'s");
    }
    // A token (salt and hash), unless the certificate alone authenticates.
    if (p.contains("salt") || p.contains("sha256") || e.client_cert_sha256.empty()) {
      e.salt = text("salt");
      e.sha256_hex = text("sha256");
      if (e.salt.size() < 8 || e.sha256_hex.size() != 64) {
        throw std::runtime_error(where + ": salt must be 8+ characters and sha256 64 hex digits");
      }
    }
    if (p.contains("expires")) {
      e.expires = ParseUtcTime(text("expires"));
      if (!e.expires) throw std::runtime_error(where + ": expires must be a UTC time YYYY-MM-DDTHH:MM:SSZ");
    }
    if (!table->entries.emplace(e.identity.principal, e).second) {
      throw std::runtime_error(where + ": name '" + e.identity.principal + "' appears twice");
    }
  }
  Principals out;
  out.state_->table = std::move(table);
  return out;
}

std::shared_ptr<const Principals::Table> Principals::Current() const {
  std::lock_guard lock(state_->mutex);
  return state_->table;
}

void Principals::Replace(Principals&& next) {
  std::shared_ptr<const Table> table = next.Current();
  std::lock_guard lock(state_->mutex);
  state_->table = std::move(table);
}

std::size_t Principals::size() const { return Current()->entries.size(); }

Principals::Result Principals::Authenticate(const std::string& authorization,
                                            const std::string& client_certificate) const {
  return Authenticate(authorization, client_certificate, std::chrono::system_clock::now());
}

Principals::Result Principals::Authenticate(const std::string& authorization, const std::string& client_certificate,
                                            std::chrono::system_clock::time_point now) const {
  // Held for the call: a table replaced meanwhile stays whole until it ends.
  const std::shared_ptr<const Table> table = Current();
  // The principal whose certificate the connection presented, if any.
  const Entry* certified = nullptr;
  if (!client_certificate.empty()) {
    auto named = table->by_certificate.find(client_certificate);
    if (named != table->by_certificate.end()) certified = &table->entries.at(named->second);
  }
  auto expired = [&now](const Entry& entry) { return entry.expires && now >= *entry.expires; };
  auto expiry = [](const Entry& entry) {
    common::CallerIdentity named;
    named.principal = entry.identity.principal;
    return Result{Verdict::kExpired, named};
  };
  if (authorization.empty()) {
    // The certificate alone, for a principal that has no token.
    if (certified == nullptr) return {Verdict::kAnonymous, {}};
    if (!certified->sha256_hex.empty()) return {Verdict::kRejected, {}};
    if (expired(*certified)) return expiry(*certified);
    return {Verdict::kAuthenticated, certified->identity};
  }
  constexpr std::string_view kBearer = "Bearer ";
  if (!authorization.starts_with(kBearer)) return {Verdict::kRejected, {}};
  std::string token = authorization.substr(kBearer.size());
  auto dot = token.find('.');
  if (dot == std::string::npos) return {Verdict::kRejected, {}};
  const std::string name = token.substr(0, dot);
  auto it = table->entries.find(name);
  if (it == table->entries.end() || it->second.sha256_hex.empty()) return {Verdict::kRejected, {}};
  const Entry& entry = it->second;
  // A token over another principal's certificate, or without the
  // certificate its principal must present, is no credential.
  if (certified != nullptr && certified != &entry) return {Verdict::kRejected, {}};
  if (!entry.client_cert_sha256.empty() && entry.client_cert_sha256 != client_certificate) {
    return {Verdict::kRejected, {}};
  }
  const std::string secret = token.substr(dot + 1);
  bool verified = false;
  {
    std::lock_guard lock(table->mutex);
    auto known = table->verified.find(name);
    verified = known != table->verified.end() && known->second.size() == secret.size() &&
               CRYPTO_memcmp(known->second.data(), secret.data(), secret.size()) == 0;
  }
  if (!verified) {
    std::string hash = TokenHash(entry.salt, secret);
    if (CRYPTO_memcmp(hash.data(), entry.sha256_hex.data(), hash.size()) != 0) return {Verdict::kRejected, {}};
    std::lock_guard lock(table->mutex);
    table->verified[name] = secret;
  }
  // Only the holder of the secret learns that it expired.
  if (expired(entry)) return expiry(entry);
  return {Verdict::kAuthenticated, entry.identity};
}

std::string CertificateFingerprint(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return {};
  X509* certificate = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (certificate == nullptr) return {};
  std::string fingerprint = CertificateFingerprint(certificate);
  X509_free(certificate);
  return fingerprint;
}

std::string CertificateFingerprint(X509* certificate) {
  unsigned char* der = nullptr;
  const int length = i2d_X509(certificate, &der);
  if (length <= 0) return {};
  std::string fingerprint =
      common::Sha256Hex(std::string_view(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length)));
  OPENSSL_free(der);
  return fingerprint;
}

}  // namespace gongkai::gateway
