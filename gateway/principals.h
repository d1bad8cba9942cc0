#pragma once

#include <openssl/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/identity.h"

namespace gongkai::gateway {

// The callers the gateway knows. A bearer token is "<principal>.<secret>"; the
// file holds, per principal, its role, scope, a random salt and
// hex(SHA-256(salt + secret)) — never the secret itself — and, optionally,
// when the token stops working (RFC 3339 UTC):
//
// [{"name": "city-140100", "role": "city", "city": "140100",
//   "salt": "...", "sha256": "...", "expires": "2027-06-30T00:00:00Z"}, ...]
//
// A principal may instead, or as well, name the client certificate its
// system presents over mutual TLS (the gateway's GONGKAI_TLS_CLIENT_CA_FILE
// signs it): "client_cert_sha256", the SHA-256 of the certificate's DER in
// hex (`openssl x509 -in city.crt -outform der | sha256sum`). With only the
// certificate, the certificate alone authenticates the principal; with the
// token and the certificate, a call needs both. A token presented over a
// connection whose certificate is another principal's is refused.
//
// A principal's role is city, province or desk. The services' own role
// (ROLE_SERVICE, for their calls to each other) is never a principal's: a
// file that names it is refused.
//
// A secret that verified is kept for its principal, so that the caller's
// next calls compare it (in constant time) rather than hash it again: one
// per principal, never a secret that failed.
//
// The table can be replaced while calls are served (Replace, on SIGHUP):
// a call authenticated before keeps its identity and finishes; every call
// after sees the new table only, with no secret verified under the old one.
class Principals {
 public:
  // Throws std::runtime_error naming the file and the entry on a bad file.
  static Principals Load(const std::string& path);
  static Principals Parse(const std::string& json_text, const std::string& source);

  enum class Verdict { kAnonymous, kAuthenticated, kRejected, kExpired };
  struct Result {
    Verdict verdict;
    common::CallerIdentity identity;  // kExpired: only the principal's name
  };
  // `authorization` is the request's authorization metadata value (may be
  // empty); `client_certificate` the SHA-256 (hex) of the client certificate
  // TLS verified on the call's connection (CertificateFingerprint), empty
  // when none.
  Result Authenticate(const std::string& authorization, const std::string& client_certificate = {}) const;
  Result Authenticate(const std::string& authorization, const std::string& client_certificate,
                      std::chrono::system_clock::time_point now) const;

  // Serves `next`'s principals from now on (a reload).
  void Replace(Principals&& next);

  std::size_t size() const;

 private:
  struct Entry {
    common::CallerIdentity identity;
    std::string salt;  // with sha256_hex, empty when the principal has no token
    std::string sha256_hex;
    std::string client_cert_sha256;  // empty when it presents no certificate
    std::optional<std::chrono::system_clock::time_point> expires;
  };
  struct Table {
    std::map<std::string, Entry> entries;
    std::map<std::string, std::string> by_certificate;  // client_cert_sha256 -> name
    mutable std::mutex mutex;
    mutable std::unordered_map<std::string, std::string> verified;  // secrets by principal; guarded by mutex
  };
  std::shared_ptr<const Table> Current() const;

  struct State {
    std::mutex mutex;
    std::shared_ptr<const Table> table = std::make_shared<const Table>();  // guarded by mutex
  };
  std::unique_ptr<State> state_ = std::make_unique<State>();
};

// "YYYY-MM-DDTHH:MM:SSZ" as a time; nullopt for anything else.
std::optional<std::chrono::system_clock::time_point> ParseUtcTime(const std::string& text);

// The SHA-256 (lower-case hex) of the DER of the PEM certificate `pem`, as
// "client_cert_sha256" names it; empty when `pem` does not read.
std::string CertificateFingerprint(const std::string& pem);
// The same of a certificate OpenSSL holds (a TLS connection's peer's).
std::string CertificateFingerprint(X509* certificate);

// hex(SHA-256(salt + secret)), as the principals file stores it.
std::string TokenHash(const std::string& salt, const std::string& secret);

}  // namespace gongkai::gateway
