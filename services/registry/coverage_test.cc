#include "services/registry/coverage.h"

#include <gtest/gtest.h>

#include "common/calendar/iso_date.h"
#include "common/testing/dates.h"

namespace gongkai::registry {
namespace {

using gongkai::testing::Day;

TEST(QualificationList, ConfirmedThisYearIsCurrent) {
  EXPECT_TRUE(QualificationListCurrent(Day("2026-03-15"), Day("2030-12-31"), Day("2026-11-28")));
}

TEST(QualificationList, LastYearsConfirmationHoldsOnlyUntil31January) {
  EXPECT_TRUE(QualificationListCurrent(Day("2025-12-20"), Day("2030-12-31"), Day("2026-01-31")));
  EXPECT_FALSE(QualificationListCurrent(Day("2025-12-20"), Day("2030-12-31"), Day("2026-02-01")));
  EXPECT_FALSE(QualificationListCurrent(Day("2024-12-20"), Day("2030-12-31"), Day("2026-01-10")));
}

TEST(QualificationList, NeverConfirmedOrExpiredIsNotCurrent) {
  EXPECT_FALSE(QualificationListCurrent(std::nullopt, Day("2030-12-31"), Day("2026-11-28")));
  EXPECT_FALSE(QualificationListCurrent(Day("2026-03-15"), Day("2026-06-30"), Day("2026-11-28")));
}

TEST(Coverage, EachMissingItemIsNamedAndCounted) {
  CoverageFacts facts{"X", "机构", "140100", Day("2026-01-05"), Day("2030-12-31"), true, false, false};
  auto c = CoverageOf(facts, Day("2026-11-28"));
  EXPECT_EQ(c.missing, (std::vector<std::string>{"officers_listed", "benchmarks_for_domains"}));
  EXPECT_EQ(c.present(), 2);
  CoverageFacts full{"Y", "机构", "140100", Day("2026-01-05"), Day("2030-12-31"), true, true, true};
  auto totals = Totals({c, CoverageOf(full, Day("2026-11-28"))});
  EXPECT_EQ(totals.present, 6);
  EXPECT_EQ(totals.required, 8);
  EXPECT_DOUBLE_EQ(totals.ratio(), 0.75);
  EXPECT_DOUBLE_EQ(Totals({}).ratio(), 1.0);
}

TEST(Coverage, CitiesCountTheirAgenciesOfficersListsAndItems) {
  const common::Date today = Day("2026-11-28");
  std::vector<AgencyCoverage> all = {
      CoverageOf({"A", "机构A", "140100", Day("2026-01-05"), Day("2030-12-31"), true, true, true}, today),
      CoverageOf({"B", "机构B", "140100", std::nullopt, Day("2030-12-31"), false, false, true}, today),
      CoverageOf({"C", "机构C", "140200", Day("2026-02-01"), Day("2030-12-31"), true, true, false}, today),
  };
  auto cities = CoverageByCity(all);
  ASSERT_EQ(cities.size(), 2u);
  const CityCoverage& taiyuan = cities.at("140100");
  EXPECT_EQ(taiyuan.agencies, 2);
  EXPECT_EQ(taiyuan.with_officers, 1);
  EXPECT_EQ(taiyuan.lists_current, 1);
  EXPECT_EQ(taiyuan.totals.present, 5);
  EXPECT_EQ(taiyuan.totals.required, 8);
  EXPECT_DOUBLE_EQ(taiyuan.totals.ratio(), 5.0 / 8.0);
  const CityCoverage& datong = cities.at("140200");
  EXPECT_EQ(datong.agencies, 1);
  EXPECT_EQ(datong.with_officers, 1);
  EXPECT_EQ(datong.lists_current, 1);
  EXPECT_DOUBLE_EQ(datong.totals.ratio(), 0.75);
  EXPECT_TRUE(CoverageByCity({}).empty());
}

// An agency holding inspection powers owes a fifth item, this year's annual
// inspection plan; one without owes four, whether or not a plan is recorded.
TEST(Coverage, InspectionPowersAddTheInspectionPlanAsAFifthItem) {
  const common::Date today = Day("2026-11-28");
  CoverageFacts without{"A", "机构A", "140100", Day("2026-01-05"), Day("2030-12-31"), true, true, true};
  AgencyCoverage a = CoverageOf(without, today);
  EXPECT_EQ(a.required(), 4);
  EXPECT_EQ(a.present(), 4);
  EXPECT_TRUE(a.missing.empty());
  without.inspection_plan_published = true;
  EXPECT_EQ(CoverageOf(without, today).required(), 4) << "a plan without inspection powers is not an item";

  CoverageFacts owing = without;
  owing.credit_code = "B";
  owing.holds_inspection_powers = true;
  owing.inspection_plan_published = false;
  AgencyCoverage b = CoverageOf(owing, today);
  EXPECT_EQ(b.required(), 5);
  EXPECT_EQ(b.present(), 4);
  EXPECT_EQ(b.missing, std::vector<std::string>{"inspection_plan"});

  CoverageFacts published = owing;
  published.credit_code = "C";
  published.inspection_plan_published = true;
  published.officers_listed = false;
  AgencyCoverage c = CoverageOf(published, today);
  EXPECT_EQ(c.required(), 5);
  EXPECT_EQ(c.present(), 4);
  EXPECT_EQ(c.missing, std::vector<std::string>{"officers_listed"});

  // 4 of 4, 4 of 5, 4 of 5: 12 of 14, in total and in the city.
  const CoverageTotals totals = Totals({a, b, c});
  EXPECT_EQ(totals.present, 12);
  EXPECT_EQ(totals.required, 14);
  EXPECT_DOUBLE_EQ(totals.ratio(), 12.0 / 14.0);
  const CityCoverage city = CoverageByCity({a, b, c}).at("140100");
  EXPECT_EQ(city.totals.present, 12);
  EXPECT_EQ(city.totals.required, 14);
}

// The inspection plan is named after the four items of every agency.
TEST(Coverage, TheInspectionPlanIsNamedAfterTheOtherItems) {
  CoverageFacts facts{"X", "机构", "140100", std::nullopt, Day("2030-12-31"), true, false, false, true, false};
  const AgencyCoverage c = CoverageOf(facts, Day("2026-11-28"));
  EXPECT_EQ(c.missing, (std::vector<std::string>{"qualification_list_current", "officers_listed",
                                                 "benchmarks_for_domains", "inspection_plan"}));
  EXPECT_EQ(c.present(), 1);
  EXPECT_EQ(c.required(), AgencyCoverage::kMostRequired);
}

}  // namespace
}  // namespace gongkai::registry
