#include "gateway/rate_limiter.h"

#include <gtest/gtest.h>

namespace gongkai::gateway {
namespace {

using std::chrono::milliseconds;

TEST(RateLimiter, AllowsTheLimitThenRefusesWithARetryHint) {
  RateLimiter limiter(3, milliseconds(1000));
  auto t0 = RateLimiter::Clock::now();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Acquire("a", t0), milliseconds(0));
  auto wait = limiter.Acquire("a", t0);
  EXPECT_GT(wait, milliseconds(0));
  EXPECT_LE(wait, milliseconds(334));
}

TEST(RateLimiter, RecoversAfterTheWindow) {
  RateLimiter limiter(2, milliseconds(1000));
  auto t0 = RateLimiter::Clock::now();
  limiter.Acquire("a", t0);
  limiter.Acquire("a", t0);
  EXPECT_GT(limiter.Acquire("a", t0), milliseconds(0));
  EXPECT_EQ(limiter.Acquire("a", t0 + milliseconds(1000)), milliseconds(0));
}

TEST(RateLimiter, CallersHaveTheirOwnBuckets) {
  RateLimiter limiter(1, milliseconds(1000));
  auto t0 = RateLimiter::Clock::now();
  EXPECT_EQ(limiter.Acquire("a", t0), milliseconds(0));
  EXPECT_GT(limiter.Acquire("a", t0), milliseconds(0));
  EXPECT_EQ(limiter.Acquire("b", t0), milliseconds(0));
}

TEST(RateLimitKey, PrincipalOrPeerAddressWithoutPort) {
  EXPECT_EQ(RateLimitKey("city-140100", "ipv4:127.0.0.1:5555"), "principal:city-140100");
  EXPECT_EQ(RateLimitKey("", "ipv4:10.1.2.3:5555"), "peer:10.1.2.3");
  EXPECT_EQ(RateLimitKey("", "ipv6:[::1]:5555"), "peer:[::1]");
}

}  // namespace
}  // namespace gongkai::gateway
