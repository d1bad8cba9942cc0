#include "common/paging.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

namespace gongkai::common {
namespace {

TEST(PageToken, RoundTrips) {
  for (PagePosition pos : std::vector<PagePosition>{{""},
                                                    {"a"},
                                                    {"ab", "abc"},
                                                    {"11140100MB0000001X"},
                                                    {"140100", "2026-02-12", "42"},
                                                    {"a|b", "c:d", std::string("e\0f", 3)}}) {
    auto back = DecodePageToken(EncodePageToken(pos), pos.size());
    ASSERT_TRUE(back) << pos.front();
    EXPECT_EQ(*back, pos);
  }
}

TEST(PageToken, ForeignTokenIsRefused) {
  EXPECT_FALSE(DecodePageToken("not a token", 1));
  EXPECT_FALSE(DecodePageToken("aGVsbG8=", 1));  // base64 of "hello", no marker
}

TEST(PageToken, TokenOfAnotherShapeIsRefused) {
  const std::string two = EncodePageToken({"2026-01-01", "x"});
  EXPECT_FALSE(DecodePageToken(two, 1));
  EXPECT_FALSE(DecodePageToken(two, 3));
  EXPECT_TRUE(DecodePageToken(two, 2));
}

// base64url, as the service writes its tokens.
std::string Base64Url(const std::string& plain) {
  std::string out(4 * ((plain.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(plain.data()), static_cast<int>(plain.size()));
  out.resize(n);
  for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return out;
}

TEST(PageToken, ForgedLengthsAreRefused) {
  ASSERT_TRUE(DecodePageToken(Base64Url("gk2:2:ab"), 1));
  // Marker present, but the lengths do not match the bytes.
  for (std::string plain : {"gk2:5:ab", "gk2:x:ab", "gk2:2ab", "gk2:99999999999999999999:a", "gk2:1:ab"}) {
    EXPECT_FALSE(DecodePageToken(Base64Url(plain), 1)) << plain;
  }
}

TEST(PageSize, DefaultsAndClamps) {
  Violations v;
  EXPECT_EQ(ReadPageSize(v, "page_size", 0), 50);
  EXPECT_EQ(ReadPageSize(v, "page_size", 10), 10);
  EXPECT_EQ(ReadPageSize(v, "page_size", 100000), 500);
  EXPECT_EQ(ReadPageSize(v, "limit", 0, {100, 1000}), 100);
  EXPECT_TRUE(v.empty());
}

TEST(PageSize, NegativeIsRefusedNamingTheField) {
  Violations v;
  ReadPageSize(v, "limit", -1);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].field, "limit");
}

TEST(ReadPage, ForgedTokenIsAViolationOfPageToken) {
  Violations v;
  Page page = ReadPage(v, 5, "bm90IG91cnM=", 2);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].field, "page_token");
  EXPECT_TRUE(page.after.empty());
}

TEST(ReadPage, ResumesAfterThePositionOfItsToken) {
  Violations v;
  Page page = ReadPage(v, 5, EncodePageToken({"2026-03-01", "a"}), 2);
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(page.size, 5);
  EXPECT_EQ(page.after, (PagePosition{"2026-03-01", "a"}));
}

TEST(TakePage, DropsTheExtraRowAndPointsAtTheLastKept) {
  std::vector<int> rows{1, 2, 3};
  std::string token = TakePage(rows, 2, [](int r) { return PagePosition{std::to_string(r)}; });
  EXPECT_EQ(rows, (std::vector<int>{1, 2}));
  EXPECT_EQ(DecodePageToken(token, 1), (PagePosition{"2"}));
  std::vector<int> last{1, 2};
  EXPECT_EQ(TakePage(last, 2, [](int r) { return PagePosition{std::to_string(r)}; }), "");
}

}  // namespace
}  // namespace gongkai::common
