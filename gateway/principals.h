#pragma once

#include <map>
#include <optional>
#include <string>

#include "common/identity.h"

namespace gongkai::gateway {

// The callers the gateway knows. A bearer token is "<principal>.<secret>"; the
// file holds, per principal, its role, scope, a random salt and
// hex(SHA-256(salt + secret)) — never the secret itself.
//
// [{"name": "city-140100", "role": "city", "city": "140100",
//   "salt": "...", "sha256": "..."}, ...]
//
// A principal's role is city, province or desk. The services' own role
// (ROLE_SERVICE, for their calls to each other) is never a principal's: a
// file that names it is refused.
class Principals {
 public:
  // Throws std::runtime_error naming the file and the entry on a bad file.
  static Principals Load(const std::string& path);
  static Principals Parse(const std::string& json_text, const std::string& source);

  enum class Verdict { kAnonymous, kAuthenticated, kRejected };
  struct Result {
    Verdict verdict;
    common::CallerIdentity identity;
  };
  // `authorization` is the request's authorization metadata value (may be empty).
  Result Authenticate(const std::string& authorization) const;

  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    common::CallerIdentity identity;
    std::string salt;
    std::string sha256_hex;
  };
  std::map<std::string, Entry> entries_;
};

// hex(SHA-256(salt + secret)), as the principals file stores it.
std::string TokenHash(const std::string& salt, const std::string& secret);

}  // namespace gongkai::gateway
