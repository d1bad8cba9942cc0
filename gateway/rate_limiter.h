#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace gongkai::gateway {

// A token bucket per caller for the methods marked rate_limited in the API:
// `limit` calls per `window`, refilled continuously. The table is bounded:
// buckets of callers idle for a full window are dropped, and past
// `max_callers` buckets the least recently used one is dropped (its caller
// starts again with a full bucket), so memory stays bounded whatever the
// number of addresses a caller uses.
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  RateLimiter(int limit, std::chrono::milliseconds window, std::size_t max_callers = 100000);

  // Zero when the call may go ahead; otherwise how long until it may.
  std::chrono::milliseconds Acquire(const std::string& caller, Clock::time_point now = Clock::now());

  // Buckets held.
  std::size_t size();

 private:
  struct Bucket {
    std::string caller;
    double tokens;
    Clock::time_point updated;
  };
  using Lru = std::list<Bucket>;  // most recently used first
  void DropIdle(Clock::time_point now);

  const double limit_;
  const std::chrono::milliseconds window_;
  const std::size_t max_callers_;
  std::mutex mutex_;
  Lru lru_;                                                 // guarded by mutex_
  std::unordered_map<std::string, Lru::iterator> buckets_;  // into lru_; guarded by mutex_
};

// The address of a peer as gRPC names it, without the scheme and the port
// ("ipv4:127.0.0.1:5555" -> "127.0.0.1", "ipv6:[::1]:5555" -> "[::1]").
std::string PeerAddress(const std::string& peer);

// The address of the client behind the peer. `forwarded_for` (the
// X-Forwarded-For header, "client, proxy1, proxy2") is believed only when
// the peer is one of `trusted_proxies`, and then only as far as the hops in
// it are trusted too: read from the right, the first hop that is not a
// trusted proxy is the client. From any other peer the header is ignored and
// the peer's address is the client's. Addresses compare without brackets
// ("[::1]" is "::1").
std::string ClientAddress(const std::string& peer, const std::string& forwarded_for,
                          const std::vector<std::string>& trusted_proxies);

// The rate-limit key of a caller: its principal when authenticated, otherwise
// the peer's address without the port ("ipv4:127.0.0.1:5555" -> "127.0.0.1").
std::string RateLimitKey(const std::string& principal, const std::string& peer);
// The same, with the public keyed by ClientAddress().
std::string RateLimitKey(const std::string& principal, const std::string& peer, const std::string& forwarded_for,
                         const std::vector<std::string>& trusted_proxies);

// "10.0.0.1, 10.0.0.2" -> {"10.0.0.1", "10.0.0.2"}: the trusted proxies of
// a setting.
std::vector<std::string> SplitAddresses(const std::string& list);

}  // namespace gongkai::gateway
