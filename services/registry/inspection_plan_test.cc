#include "services/registry/inspection_plan.h"

#include <gtest/gtest.h>

#include "common/identifiers.h"
#include "common/testing/dates.h"

namespace gongkai::registry {
namespace {

using gongkai::testing::Day;

std::string CreditCode(const std::string& first17) { return first17 + common::CreditCodeCheckCharacter(first17); }

InspectionPlan Notice() { return {CreditCode("11140100MB0000101"), 2026, Day("2025-12-20")}; }

TEST(InspectionPlanRules, ANoticeNamesAnAgencyAYearAndADay) {
  EXPECT_EQ(ValidateInspectionPlans({Notice()}), common::Violations{});
  EXPECT_EQ(ValidateInspectionPlans({}), common::Violations{}) << "nothing to record is no error";
  InspectionPlan bad = Notice();
  bad.agency_credit_code = "11140100MB000010";
  bad.year = 1999;
  bad.published_on = std::nullopt;
  std::vector<std::string> fields;
  for (const auto& v : ValidateInspectionPlans({Notice(), bad})) fields.push_back(v.field);
  EXPECT_EQ(fields,
            (std::vector<std::string>{"notices[1].agency_credit_code", "notices[1].year", "notices[1].published_on"}));
  bad = Notice();
  bad.year = 2101;
  EXPECT_EQ(ValidateInspectionPlans({bad}),
            (common::Violations{{"notices[0].year", "must be a year from 2000 to 2100"}}));
  bad.year = 2100;
  EXPECT_EQ(ValidateInspectionPlans({bad}), common::Violations{});
}

TEST(InspectionPlanRules, AtMost1000NoticesACall) {
  EXPECT_EQ(ValidateInspectionPlans(std::vector<InspectionPlan>(1000, Notice())), common::Violations{});
  InspectionPlan bad = Notice();
  bad.year = 0;
  EXPECT_EQ(ValidateInspectionPlans(std::vector<InspectionPlan>(1001, bad)),
            (common::Violations{{"notices", "at most 1000 notices (got 1001)"}}));
}

TEST(InspectionPlanRules, ThePlanOwedIsTodaysYears) {
  EXPECT_EQ(InspectionPlanYear(Day("2026-01-01")), 2026);
  EXPECT_EQ(InspectionPlanYear(Day("2026-12-31")), 2026);
}

}  // namespace
}  // namespace gongkai::registry
