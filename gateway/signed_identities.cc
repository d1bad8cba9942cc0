#include "gateway/signed_identities.h"

namespace gongkai::gateway {

SignedIdentities::SignedIdentities(const common::IdentitySigner& signer, std::chrono::seconds ttl,
                                   std::size_t max_entries)
    : signer_(signer), ttl_(ttl), max_entries_(max_entries) {}

common::IdentitySigner::Signed SignedIdentities::For(const common::CallerIdentity& caller, std::string_view method,
                                                     std::chrono::system_clock::time_point now) {
  // Every field the signature covers but the expiry; '\n' appears in none.
  std::string key = std::to_string(static_cast<int>(caller.role));
  for (std::string_view part : {std::string_view(caller.city_code), std::string_view(caller.agency),
                                std::string_view(caller.principal), method}) {
    key.append(1, '\n').append(part);
  }
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it != entries_.end() && it->second.expires - now >= ttl_ / 2) return it->second.signed_identity;
  }
  const auto expires = now + ttl_;
  Entry entry{signer_.Sign(caller, expires, method), expires};
  std::lock_guard lock(mutex_);
  if (entries_.size() >= max_entries_) entries_.clear();
  auto& kept = entries_[key];
  kept = std::move(entry);
  return kept.signed_identity;
}

std::size_t SignedIdentities::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace gongkai::gateway
