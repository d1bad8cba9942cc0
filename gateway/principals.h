#pragma once

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
// hex(SHA-256(salt + secret)) — never the secret itself.
//
// [{"name": "city-140100", "role": "city", "city": "140100",
//   "salt": "...", "sha256": "..."}, ...]
//
// A principal's role is city, province or desk. The services' own role
// (ROLE_SERVICE, for their calls to each other) is never a principal's: a
// file that names it is refused.
//
// A secret that verified is kept for its principal, so that the caller's
// next calls compare it (in constant time) rather than hash it again: one
// per principal, never a secret that failed.
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
  struct Verified {
    std::mutex mutex;
    std::unordered_map<std::string, std::string> secrets;  // by principal; guarded by mutex
  };
  std::unique_ptr<Verified> verified_ = std::make_unique<Verified>();
};

// hex(SHA-256(salt + secret)), as the principals file stores it.
std::string TokenHash(const std::string& salt, const std::string& secret);

}  // namespace gongkai::gateway
