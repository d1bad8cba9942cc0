#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/identity.h"

namespace gongkai::gateway {

// The signed identities the gateway sends upstream, kept per caller and
// method while they stay valid: a signature is made once per caller and
// method every half validity, not once per call. An identity is reused
// only while at least half of `ttl` is left, so what goes upstream is never
// valid for less than ttl/2. The table is bounded: past `max_entries` it
// starts again empty.
class SignedIdentities {
 public:
  SignedIdentities(const common::IdentitySigner& signer, std::chrono::seconds ttl, std::size_t max_entries = 65536);

  common::IdentitySigner::Signed For(const common::CallerIdentity& caller, std::string_view method,
                                     std::chrono::system_clock::time_point now);

  std::size_t size() const;

 private:
  struct Entry {
    common::IdentitySigner::Signed signed_identity;
    std::chrono::system_clock::time_point expires;
  };

  const common::IdentitySigner& signer_;
  const std::chrono::seconds ttl_;
  const std::size_t max_entries_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mutex_
};

}  // namespace gongkai::gateway
