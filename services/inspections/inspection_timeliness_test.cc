#include "services/inspections/inspection_timeliness.h"

#include <gtest/gtest.h>

#include <chrono>

namespace gongkai::inspections {
namespace {

using std::chrono::days;

common::Date D(int y, unsigned m, unsigned d) {
  return common::Date(std::chrono::year_month_day(std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)));
}

// A due date 10 calendar days after the check end: the arithmetic under test
// does not depend on the calendar.
common::Date Due(common::Date check_to) { return check_to + days(10); }

TEST(TallyResults, ObjectsWithoutAResultAreOverdueOnlyOncePastTheirDueDate) {
  const common::Date end = D(2026, 6, 1);
  const std::vector<ExpectedCount> expected{{"140100", "market_regulation", end, 3}};
  const std::vector<ResultCount> results{{"140100", "market_regulation", end, D(2026, 6, 5), 1}};
  EXPECT_TRUE(TallyResults(expected, results, Due, end + days(10)).overdue.empty());
  const auto past = TallyResults(expected, results, Due, end + days(11));
  EXPECT_EQ(past.overdue.at("140100"), 2);
}

TEST(TallyResults, MoreResultsThanExpectedMakeNothingOverdueAndNoNegativeCount) {
  const common::Date end = D(2026, 6, 1);
  const auto t = TallyResults({{"140100", "market_regulation", end, 1}},
                              {{"140100", "market_regulation", end, D(2026, 6, 2), 3}}, Due, end + days(30));
  EXPECT_FALSE(t.overdue.contains("140100"));
}

TEST(TallyResults, KeyDomainShareCountsLateResultsAndMissingOnesAgainstTheCityAndTheProvince) {
  const common::Date end = D(2026, 6, 1);
  const std::vector<ExpectedCount> expected{{"140100", "market_regulation", end, 4}};
  const std::vector<ResultCount> results{{"140100", "market_regulation", end, end + days(3), 1},    // on time
                                         {"140100", "market_regulation", end, end + days(12), 1}};  // late
  const auto t = TallyResults(expected, results, Due, end + days(20));
  // Due: 2 published + 2 missing past due; on time: 1.
  EXPECT_DOUBLE_EQ(t.key_domain.at("140100").due, 4);
  EXPECT_DOUBLE_EQ(t.key_domain.at("140100").on_time, 1);
  EXPECT_DOUBLE_EQ(t.key_domain.at("province").Ratio(), 0.25);
}

TEST(TallyResults, OtherDomainsCountAsOverdueButNotInTheKeyDomainShare) {
  const common::Date end = D(2026, 6, 1);
  const auto t = TallyResults({{"140200", "education", end, 2}}, {}, Due, end + days(20));
  EXPECT_EQ(t.overdue.at("140200"), 2);
  EXPECT_FALSE(t.key_domain.contains("140200"));
  EXPECT_FALSE(t.key_domain.contains("province"));
}

TEST(TallyPilot, CountsUnitsAndDistinctSectorsPerCityAndForTheProvince) {
  const auto t = TallyPilot({{"140100", 1, 4}, {"140100", 2, 1}, {"140200", 1, 2}});
  EXPECT_EQ(t.at("140100").units, 5);
  EXPECT_EQ(t.at("140100").sectors, 2);
  EXPECT_EQ(t.at("140200").sectors, 1);
  EXPECT_EQ(t.at("province").units, 7);
  EXPECT_EQ(t.at("province").sectors, 2);
}

}  // namespace
}  // namespace gongkai::inspections
