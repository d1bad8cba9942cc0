#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace gongkai::gateway {

// A token bucket per caller for the methods marked rate_limited in the API:
// `limit` calls per `window`, refilled continuously. Buckets of callers idle
// for a full window are dropped, so memory follows active callers only.
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  RateLimiter(int limit, std::chrono::milliseconds window);

  // Zero when the call may go ahead; otherwise how long until it may.
  std::chrono::milliseconds Acquire(const std::string& caller, Clock::time_point now = Clock::now());

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
  };
  void DropIdle(Clock::time_point now);

  const double limit_;
  const std::chrono::milliseconds window_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;  // guarded by mutex_
  Clock::time_point last_sweep_;                     // guarded by mutex_
};

// The rate-limit key of a caller: its principal when authenticated, otherwise
// the peer's address without the port ("ipv4:127.0.0.1:5555" -> "127.0.0.1").
std::string RateLimitKey(const std::string& principal, const std::string& peer);

}  // namespace gongkai::gateway
