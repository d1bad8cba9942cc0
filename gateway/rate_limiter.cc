#include "gateway/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace gongkai::gateway {

RateLimiter::RateLimiter(int limit, std::chrono::milliseconds window)
    : limit_(limit), window_(window), last_sweep_(Clock::now()) {}

std::chrono::milliseconds RateLimiter::Acquire(const std::string& caller, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (now - last_sweep_ > window_) DropIdle(now);
  auto [it, fresh] = buckets_.try_emplace(caller, Bucket{limit_, now});
  Bucket& b = it->second;
  if (!fresh) {
    std::chrono::duration<double, std::milli> elapsed = now - b.updated;
    b.tokens = std::min(limit_, b.tokens + elapsed.count() * limit_ / static_cast<double>(window_.count()));
    b.updated = now;
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return std::chrono::milliseconds(0);
  }
  double ms_per_token = static_cast<double>(window_.count()) / limit_;
  return std::chrono::milliseconds(static_cast<int64_t>(std::ceil((1.0 - b.tokens) * ms_per_token)));
}

void RateLimiter::DropIdle(Clock::time_point now) {
  std::erase_if(buckets_, [&](const auto& entry) { return now - entry.second.updated >= window_; });
  last_sweep_ = now;
}

std::string RateLimitKey(const std::string& principal, const std::string& peer) {
  if (!principal.empty()) return "principal:" + principal;
  std::string address = peer;
  auto colon = address.find(':');  // scheme
  if (colon != std::string::npos) address = address.substr(colon + 1);
  auto port = address.rfind(':');
  if (port != std::string::npos) address = address.substr(0, port);
  return "peer:" + address;
}

}  // namespace gongkai::gateway
