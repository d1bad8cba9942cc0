#include "gateway/principals.h"

#include <openssl/crypto.h>

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
  Principals out;
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
    e.salt = text("salt");
    e.sha256_hex = text("sha256");
    if (e.salt.size() < 8 || e.sha256_hex.size() != 64) {
      throw std::runtime_error(where + ": salt must be 8+ characters and sha256 64 hex digits");
    }
    if (!out.entries_.emplace(e.identity.principal, e).second) {
      throw std::runtime_error(where + ": name '" + e.identity.principal + "' appears twice");
    }
  }
  return out;
}

Principals::Result Principals::Authenticate(const std::string& authorization) const {
  if (authorization.empty()) return {Verdict::kAnonymous, {}};
  constexpr std::string_view kBearer = "Bearer ";
  if (!authorization.starts_with(kBearer)) return {Verdict::kRejected, {}};
  std::string token = authorization.substr(kBearer.size());
  auto dot = token.find('.');
  if (dot == std::string::npos) return {Verdict::kRejected, {}};
  const std::string name = token.substr(0, dot);
  auto it = entries_.find(name);
  if (it == entries_.end()) return {Verdict::kRejected, {}};
  const std::string secret = token.substr(dot + 1);
  {
    std::lock_guard lock(verified_->mutex);
    auto known = verified_->secrets.find(name);
    if (known != verified_->secrets.end() && known->second.size() == secret.size() &&
        CRYPTO_memcmp(known->second.data(), secret.data(), secret.size()) == 0) {
      return {Verdict::kAuthenticated, it->second.identity};
    }
  }
  std::string hash = TokenHash(it->second.salt, secret);
  if (CRYPTO_memcmp(hash.data(), it->second.sha256_hex.data(), hash.size()) != 0) return {Verdict::kRejected, {}};
  std::lock_guard lock(verified_->mutex);
  verified_->secrets[name] = secret;
  return {Verdict::kAuthenticated, it->second.identity};
}

}  // namespace gongkai::gateway
