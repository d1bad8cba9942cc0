#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

namespace gongkai::gateway {

// Edits of the principals file (principals.h), as gongkai-admin makes them:
// each checks the file it would write with Principals::Parse, so a file the
// gateway would refuse is never written, and a token is made here, printed
// once and stored only as its salted hash.

// A principal to add: its name, role (city, province or desk), the city of
// a city or the agency of a desk, and optionally when its credential stops
// working ("YYYY-MM-DDTHH:MM:SSZ"); the SHA-256 of the client certificate it
// presents (CertificateFingerprint), if any, and whether it has a token too
// (without a certificate it must).
struct PrincipalSpec {
  std::string name;
  std::string role;
  std::string city;
  std::string agency;
  std::string expires;
  std::string client_cert_sha256 = {};
  bool token = true;
};

// `bytes` random bytes, as lowercase hex.
using RandomHex = std::function<std::string(std::size_t bytes)>;
// OpenSSL's RAND_bytes; throws when it fails.
std::string SystemRandomHex(std::size_t bytes);

struct PrincipalsEdit {
  nlohmann::json file;  // the whole new file
  std::string token;    // "<principal>.<secret>", empty for a revocation
};

// Throws std::invalid_argument naming what is wrong (a name taken, a
// principal unknown, an entry the gateway would refuse).
PrincipalsEdit AddPrincipal(const nlohmann::json& file, const PrincipalSpec& spec, const RandomHex& random);
// A new secret (and salt) for `name`: its old token stops working. `expires`
// replaces the expiry when not empty.
PrincipalsEdit RotatePrincipal(const nlohmann::json& file, const std::string& name, const std::string& expires,
                               const RandomHex& random);
PrincipalsEdit RevokePrincipal(const nlohmann::json& file, const std::string& name);

// Writes `text` to `path` through a file beside it renamed over it (mode
// 0600), so the gateway reads either the old file or the new one.
void WriteFileAtomically(const std::string& path, const std::string& text);

}  // namespace gongkai::gateway
