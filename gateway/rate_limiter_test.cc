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

TEST(RateLimiter, PastTheMaximumTheLeastRecentlyUsedBucketIsDropped) {
  RateLimiter limiter(1, milliseconds(60000), 2);
  auto t0 = RateLimiter::Clock::now();
  EXPECT_EQ(limiter.Acquire("a", t0), milliseconds(0));
  EXPECT_EQ(limiter.Acquire("b", t0 + milliseconds(1)), milliseconds(0));
  // "a" is used again (refused), so "b" is now the least recently used.
  EXPECT_GT(limiter.Acquire("a", t0 + milliseconds(2)), milliseconds(0));
  EXPECT_EQ(limiter.Acquire("c", t0 + milliseconds(3)), milliseconds(0));
  EXPECT_EQ(limiter.size(), 2u);
  // "a" kept its empty bucket; "b" was dropped and starts full again.
  EXPECT_GT(limiter.Acquire("a", t0 + milliseconds(4)), milliseconds(0));
  EXPECT_EQ(limiter.Acquire("b", t0 + milliseconds(5)), milliseconds(0));
  EXPECT_EQ(limiter.size(), 2u);
}

TEST(RateLimiter, TheTableStaysBoundedWhateverTheNumberOfCallers) {
  RateLimiter limiter(5, milliseconds(60000), 100);
  auto t0 = RateLimiter::Clock::now();
  for (int i = 0; i < 10000; ++i) limiter.Acquire("peer:10.0." + std::to_string(i), t0);
  EXPECT_EQ(limiter.size(), 100u);
}

TEST(RateLimiter, BucketsIdleForAWindowAreDropped) {
  RateLimiter limiter(1, milliseconds(1000), 100);
  auto t0 = RateLimiter::Clock::now();
  limiter.Acquire("a", t0);
  limiter.Acquire("b", t0 + milliseconds(500));
  EXPECT_EQ(limiter.size(), 2u);
  limiter.Acquire("c", t0 + milliseconds(1200));  // "a" idle a full window
  EXPECT_EQ(limiter.size(), 2u);
  limiter.Acquire("c", t0 + milliseconds(3000));
  EXPECT_EQ(limiter.size(), 1u);
}

TEST(ClientAddress, XForwardedForFromAnUntrustedPeerIsIgnored) {
  EXPECT_EQ(ClientAddress("ipv4:203.0.113.9:5555", "198.51.100.1", {}), "203.0.113.9");
  EXPECT_EQ(ClientAddress("ipv4:203.0.113.9:5555", "198.51.100.1", {"10.0.0.1"}), "203.0.113.9");
}

TEST(ClientAddress, ATrustedProxyNamesTheClient) {
  EXPECT_EQ(ClientAddress("ipv4:10.0.0.1:5555", "198.51.100.1", {"10.0.0.1"}), "198.51.100.1");
  // No header from a trusted proxy: the proxy is the client.
  EXPECT_EQ(ClientAddress("ipv4:10.0.0.1:5555", "", {"10.0.0.1"}), "10.0.0.1");
  EXPECT_EQ(ClientAddress("ipv6:[::1]:5555", "198.51.100.1", {"::1"}), "198.51.100.1");
  EXPECT_EQ(ClientAddress("ipv6:[::1]:5555", "198.51.100.1", {"[::1]"}), "198.51.100.1");
}

TEST(ClientAddress, OnlyTrustedHopsAreBelievedReadFromTheRight) {
  const std::vector<std::string> trusted = {"10.0.0.1", "10.0.0.2"};
  // The client forged the first entry; the trusted proxy appended the
  // address it saw.
  EXPECT_EQ(ClientAddress("ipv4:10.0.0.1:5555", "1.2.3.4, 198.51.100.1", trusted), "198.51.100.1");
  // Two trusted hops.
  EXPECT_EQ(ClientAddress("ipv4:10.0.0.1:5555", "198.51.100.1, 10.0.0.2", trusted), "198.51.100.1");
  // Every hop trusted: the first one.
  EXPECT_EQ(ClientAddress("ipv4:10.0.0.1:5555", "10.0.0.2", trusted), "10.0.0.2");
}

TEST(RateLimitKey, PublicCallersAreKeyedByTheirClientAddress) {
  EXPECT_EQ(RateLimitKey("", "ipv4:10.0.0.1:5555", "198.51.100.1", {"10.0.0.1"}), "peer:198.51.100.1");
  EXPECT_EQ(RateLimitKey("", "ipv4:203.0.113.9:5555", "198.51.100.1", {"10.0.0.1"}), "peer:203.0.113.9");
  EXPECT_EQ(RateLimitKey("city-140100", "ipv4:10.0.0.1:5555", "198.51.100.1", {"10.0.0.1"}), "principal:city-140100");
}

TEST(SplitAddresses, CommaSeparatedTrimmed) {
  EXPECT_EQ(SplitAddresses(" 10.0.0.1 ,10.0.0.2,, "), (std::vector<std::string>{"10.0.0.1", "10.0.0.2"}));
  EXPECT_TRUE(SplitAddresses("").empty());
}

TEST(RateLimitKey, PrincipalOrPeerAddressWithoutPort) {
  EXPECT_EQ(RateLimitKey("city-140100", "ipv4:127.0.0.1:5555"), "principal:city-140100");
  EXPECT_EQ(RateLimitKey("", "ipv4:10.1.2.3:5555"), "peer:10.1.2.3");
  EXPECT_EQ(RateLimitKey("", "ipv6:[::1]:5555"), "peer:[::1]");
}

}  // namespace
}  // namespace gongkai::gateway
