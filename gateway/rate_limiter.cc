#include "gateway/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace gongkai::gateway {
namespace {

std::string Trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

std::string Unbracketed(const std::string& address) {
  if (address.size() >= 2 && address.front() == '[' && address.back() == ']') {
    return address.substr(1, address.size() - 2);
  }
  return address;
}

bool Trusted(const std::string& address, const std::vector<std::string>& trusted_proxies) {
  const std::string bare = Unbracketed(address);
  return std::any_of(trusted_proxies.begin(), trusted_proxies.end(),
                     [&](const std::string& t) { return Unbracketed(t) == bare; });
}

}  // namespace

RateLimiter::RateLimiter(int limit, std::chrono::milliseconds window, std::size_t max_callers)
    : limit_(limit), window_(window), max_callers_(std::max<std::size_t>(max_callers, 1)) {}

std::chrono::milliseconds RateLimiter::Acquire(const std::string& caller, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  DropIdle(now);
  auto it = buckets_.find(caller);
  if (it == buckets_.end()) {
    lru_.push_front(Bucket{caller, limit_, now});
    it = buckets_.emplace(caller, lru_.begin()).first;
    while (lru_.size() > max_callers_) {
      buckets_.erase(lru_.back().caller);
      lru_.pop_back();
    }
  } else {
    lru_.splice(lru_.begin(), lru_, it->second);
    Bucket& b = *it->second;
    std::chrono::duration<double, std::milli> elapsed = now - b.updated;
    b.tokens = std::min(limit_, b.tokens + elapsed.count() * limit_ / static_cast<double>(window_.count()));
    b.updated = now;
  }
  Bucket& b = *it->second;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return std::chrono::milliseconds(0);
  }
  double ms_per_token = static_cast<double>(window_.count()) / limit_;
  return std::chrono::milliseconds(static_cast<int64_t>(std::ceil((1.0 - b.tokens) * ms_per_token)));
}

std::size_t RateLimiter::size() {
  std::lock_guard lock(mutex_);
  return lru_.size();
}

// The least recently used buckets are at the back: drop them while they have
// been idle a full window (a full bucket again).
void RateLimiter::DropIdle(Clock::time_point now) {
  while (!lru_.empty() && now - lru_.back().updated >= window_) {
    buckets_.erase(lru_.back().caller);
    lru_.pop_back();
  }
}

std::string PeerAddress(const std::string& peer) {
  std::string address = peer;
  auto colon = address.find(':');  // scheme
  if (colon != std::string::npos) address = address.substr(colon + 1);
  auto port = address.rfind(':');
  if (port != std::string::npos) address = address.substr(0, port);
  return address;
}

std::string ClientAddress(const std::string& peer, const std::string& forwarded_for,
                          const std::vector<std::string>& trusted_proxies) {
  std::string client = PeerAddress(peer);
  if (!Trusted(client, trusted_proxies)) return client;
  std::vector<std::string> hops = SplitAddresses(forwarded_for);
  for (auto hop = hops.rbegin(); hop != hops.rend(); ++hop) {
    client = *hop;
    if (!Trusted(client, trusted_proxies)) break;
  }
  return client;
}

std::string RateLimitKey(const std::string& principal, const std::string& peer) {
  return RateLimitKey(principal, peer, "", {});
}

std::string RateLimitKey(const std::string& principal, const std::string& peer, const std::string& forwarded_for,
                         const std::vector<std::string>& trusted_proxies) {
  if (!principal.empty()) return "principal:" + principal;
  return "peer:" + ClientAddress(peer, forwarded_for, trusted_proxies);
}

std::vector<std::string> SplitAddresses(const std::string& list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    std::string entry = Trimmed(std::string_view(list).substr(start, comma - start));
    if (!entry.empty()) out.push_back(std::move(entry));
    start = comma + 1;
  }
  return out;
}

}  // namespace gongkai::gateway
