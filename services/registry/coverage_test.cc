#include "services/registry/coverage.h"

#include <gtest/gtest.h>

namespace gongkai::registry {
namespace {

TEST(QualificationList, ConfirmedThisYearIsCurrent) {
  EXPECT_TRUE(QualificationListCurrent("2026-03-15", "2030-12-31", "2026-11-28"));
}

TEST(QualificationList, LastYearsConfirmationHoldsOnlyUntil31January) {
  EXPECT_TRUE(QualificationListCurrent("2025-12-20", "2030-12-31", "2026-01-31"));
  EXPECT_FALSE(QualificationListCurrent("2025-12-20", "2030-12-31", "2026-02-01"));
  EXPECT_FALSE(QualificationListCurrent("2024-12-20", "2030-12-31", "2026-01-10"));
}

TEST(QualificationList, NeverConfirmedOrExpiredIsNotCurrent) {
  EXPECT_FALSE(QualificationListCurrent("", "2030-12-31", "2026-11-28"));
  EXPECT_FALSE(QualificationListCurrent("2026-03-15", "2026-06-30", "2026-11-28"));
}

TEST(Coverage, EachMissingItemIsNamedAndCounted) {
  CoverageFacts facts{"X", "机构", "140100", "2026-01-05", "2030-12-31", true, false, false};
  auto c = CoverageOf(facts, "2026-11-28");
  EXPECT_EQ(c.missing, (std::vector<std::string>{"officers_listed", "benchmarks_for_domains"}));
  EXPECT_EQ(c.present(), 2);
  CoverageFacts full{"Y", "机构", "140100", "2026-01-05", "2030-12-31", true, true, true};
  auto totals = Totals({c, CoverageOf(full, "2026-11-28")});
  EXPECT_EQ(totals.present, 6);
  EXPECT_EQ(totals.required, 8);
  EXPECT_DOUBLE_EQ(totals.ratio(), 0.75);
  EXPECT_DOUBLE_EQ(Totals({}).ratio(), 1.0);
}

}  // namespace
}  // namespace gongkai::registry
