#include "common/paging.h"

#include <gtest/gtest.h>

namespace gongkai::common {
namespace {

TEST(PageToken, RoundTrips) {
  for (std::string pos : {"", "a", "ab", "abc", "11140100MB0000001X", "140100|2026-02-12|42"}) {
    auto back = DecodePageToken(EncodePageToken(pos));
    ASSERT_TRUE(back) << pos;
    EXPECT_EQ(*back, pos);
  }
}

TEST(PageToken, ForeignTokenIsRefused) {
  EXPECT_FALSE(DecodePageToken("not a token"));
  EXPECT_FALSE(DecodePageToken("aGVsbG8="));  // base64 of "hello", no marker
}

TEST(PageSize, DefaultsAndClamps) {
  EXPECT_EQ(PageSize(0), 50);
  EXPECT_EQ(PageSize(10), 10);
  EXPECT_EQ(PageSize(100000), 500);
}

}  // namespace
}  // namespace gongkai::common
