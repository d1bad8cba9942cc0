#include "common/identifiers.h"

#include <gtest/gtest.h>

namespace gongkai::common {
namespace {

TEST(CreditCode, AcceptsValidCode) {
  // A code built with its GB 32100 check character.
  std::string first17 = "11140100MB0000001";
  std::string code = first17 + CreditCodeCheckCharacter(first17);
  EXPECT_FALSE(CheckCreditCode(code)) << *CheckCreditCode(code);
}

TEST(CreditCode, RejectsWrongCheckCharacter) {
  std::string first17 = "11140100MB0000001";
  char good = CreditCodeCheckCharacter(first17);
  std::string bad = first17 + (good == '0' ? '1' : '0');
  auto problem = CheckCreditCode(bad);
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->find("check character"), std::string::npos);
}

TEST(CreditCode, RejectsLengthAndForbiddenCharacters) {
  EXPECT_TRUE(CheckCreditCode("1114010000000000"));
  auto problem = CheckCreditCode("11140100MB000000I1");
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->find("'I'"), std::string::npos);
}

TEST(CitizenId, ChecksDateAndCheckCharacter) {
  EXPECT_FALSE(CheckCitizenId("11010519491231002X"));  // GB 11643 example
  EXPECT_TRUE(CheckCitizenId("110105194912310021"));
  std::string feb30 = "14010020260230001";
  EXPECT_TRUE(CheckCitizenId(feb30 + CitizenIdCheckCharacter(feb30)));
}

TEST(AreaCode, ShapeAndCity) {
  EXPECT_FALSE(CheckAreaCode("140105"));
  EXPECT_TRUE(CheckAreaCode("14010"));
  EXPECT_TRUE(CheckAreaCode("990100"));
  EXPECT_EQ(CityOfArea("140105"), "140100");
  EXPECT_TRUE(IsCityCode("140100"));
  EXPECT_FALSE(IsCityCode("140000"));
  EXPECT_FALSE(IsCityCode("140105"));
}

}  // namespace
}  // namespace gongkai::common
