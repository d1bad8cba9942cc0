#include "common/encoding.h"

#include <gtest/gtest.h>

namespace gongkai::common {
namespace {

TEST(Base64Test, EncodesInEitherAlphabetWithOrWithoutPadding) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foob", Base64::kStandard, false), "Zm9vYg");
  EXPECT_EQ(Base64Encode("\xfb\xff", Base64::kStandard), "+/8=");
  EXPECT_EQ(Base64Encode("\xfb\xff", Base64::kUrl), "-_8=");
}

TEST(Base64Test, DecodesWhatItEncodes) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (std::size_t n = 0; n <= all.size(); n += 7) {
    const std::string bytes = all.substr(0, n);
    EXPECT_EQ(Base64Decode(Base64Encode(bytes)), bytes);
    EXPECT_EQ(Base64Decode(Base64Encode(bytes, Base64::kUrl, false)), bytes);
  }
}

TEST(Base64Test, RefusesWhatIsNotBase64) {
  EXPECT_FALSE(Base64Decode("Zm9v*"));
  EXPECT_FALSE(Base64Decode("Z"));       // no length leaves one letter over
  EXPECT_FALSE(Base64Decode("Zg==Zg"));  // padding only at the end
  EXPECT_FALSE(Base64Decode(std::string("Zm\0v", 4)));
}

TEST(HexTest, LowerCase) {
  EXPECT_EQ(HexEncode("\x01\xab"), "01ab");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace gongkai::common
