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

}  // namespace
}  // namespace gongkai::registry
