#include "services/penalties/withdrawal.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/calendar/iso_date.h"
#include "common/testing/dates.h"

namespace gongkai::penalties {
namespace {

using gongkai::testing::Day;

std::vector<std::string> Fields(const common::Violations& violations) {
  std::vector<std::string> fields;
  for (const auto& v : violations) fields.push_back(v.field);
  return fields;
}

TEST(WithdrawalRules, ReasonAndExplanationMakeAValidWithdrawal) {
  for (auto reason : {WithdrawalReason::kChanged, WithdrawalReason::kRevoked, WithdrawalReason::kFoundIllegal}) {
    EXPECT_EQ(ValidateWithdrawal(reason, "复议决定撤销原处罚决定。"), common::Violations{});
  }
}

TEST(WithdrawalRules, ReasonIsRequired) {
  auto v = ValidateWithdrawal(WithdrawalReason::kUnspecified, "复议决定撤销原处罚决定。");
  ASSERT_EQ(Fields(v), std::vector<std::string>{"reason"});
  EXPECT_EQ(v[0].description, "must be CHANGED, REVOKED or FOUND_ILLEGAL");
}

TEST(WithdrawalRules, AReasonOutsideTheListIsRefused) {
  for (int reason : {-1, 4, 70000}) {
    auto v = ValidateWithdrawal(static_cast<WithdrawalReason>(reason), "复议决定撤销原处罚决定。");
    ASSERT_EQ(Fields(v), std::vector<std::string>{"reason"}) << reason;
    EXPECT_EQ(v[0].description, "must be CHANGED, REVOKED or FOUND_ILLEGAL");
  }
}

TEST(WithdrawalRules, ExplanationIsRequiredBecauseItIsPublished) {
  for (const std::string blank : {"", " ", "\t\r\n "}) {
    auto v = ValidateWithdrawal(WithdrawalReason::kRevoked, blank);
    ASSERT_EQ(Fields(v), std::vector<std::string>{"explanation"}) << "'" << blank << "'";
    EXPECT_EQ(v[0].description, "required: the reason is published with the notice");
  }
}

TEST(WithdrawalRules, ExplanationIsAtMost2000Bytes) {
  EXPECT_TRUE(ValidateWithdrawal(WithdrawalReason::kChanged, std::string(2000, 'a')).empty());
  auto v = ValidateWithdrawal(WithdrawalReason::kChanged, std::string(2001, 'a'));
  ASSERT_EQ(Fields(v), std::vector<std::string>{"explanation"});
  EXPECT_EQ(v[0].description, "at most 2000 bytes");
}

// The explanation is published: text, paragraphs allowed, no control
// characters (a NUL among them).
TEST(WithdrawalRules, ExplanationIsTextWithoutControlCharacters) {
  EXPECT_TRUE(ValidateWithdrawal(WithdrawalReason::kChanged, "经复议，\n原决定撤销。").empty());
  auto v = ValidateWithdrawal(WithdrawalReason::kChanged, "撤销" + std::string(1, '\0') + "原决定");
  ASSERT_EQ(Fields(v), std::vector<std::string>{"explanation"});
  EXPECT_EQ(v[0].description, "contains a control character (U+0000)");
  v = ValidateRelease(std::string("解除\x01", 7));
  ASSERT_EQ(Fields(v), std::vector<std::string>{"explanation"});
  EXPECT_EQ(v[0].description, "contains a control character (U+0001)");
}

TEST(WithdrawalRules, EveryBrokenRuleIsNamedInOrder) {
  EXPECT_EQ(Fields(ValidateWithdrawal(WithdrawalReason::kUnspecified, "")),
            (std::vector<std::string>{"reason", "explanation"}));
}

TEST(WithdrawalRules, EventIsNotBeforeTheDecision) {
  EXPECT_TRUE(CheckWithdrawalDate(Day("2026-04-15"), Day("2026-04-15")).empty());
  EXPECT_TRUE(CheckWithdrawalDate(Day("2026-05-01"), Day("2026-04-15")).empty());
  auto v = CheckWithdrawalDate(Day("2026-04-14"), Day("2026-04-15"));
  ASSERT_EQ(Fields(v), std::vector<std::string>{"event_date"});
  EXPECT_EQ(v[0].description, "must not be before the decision date");
}

TEST(ReleaseRules, ExplanationIsOptionalAndAtMost2000Bytes) {
  EXPECT_TRUE(ValidateRelease("").empty());
  EXPECT_TRUE(ValidateRelease(std::string(2000, 'a')).empty());
  auto v = ValidateRelease(std::string(2001, 'a'));
  ASSERT_EQ(Fields(v), std::vector<std::string>{"explanation"});
  EXPECT_EQ(v[0].description, "at most 2000 bytes");
}

TEST(OwnRecords, ACityChangesOnlyRecordsStoredForIt) {
  EXPECT_TRUE(IsOwnRecord("140100", "140100"));
  EXPECT_FALSE(IsOwnRecord("140100", "140200"));
  EXPECT_FALSE(IsOwnRecord("140100", ""));
}

}  // namespace
}  // namespace gongkai::penalties
