#include "services/inspections/inspection_timeliness.h"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <vector>

#include "services/inspections/test_records.h"

namespace gongkai::inspections {
namespace {

using std::chrono::days;

common::Date D(int y, unsigned m, unsigned d) {
  return common::Date(std::chrono::year_month_day(std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)));
}

// A due date 10 calendar days after the check end: the arithmetic under test
// does not depend on the calendar.
common::Date Due(common::Date check_to) { return check_to + days(10); }

TEST(CountOf, ARecordIsDueOnceStoredOrPastItsDueDateAndMetWhenStoredByIt) {
  const common::Date due = D(2026, 7, 10);
  const auto on_time = CountOf(due, due, due + days(30));
  EXPECT_TRUE(on_time.due);
  EXPECT_TRUE(on_time.met);
  EXPECT_FALSE(on_time.overdue);
  const auto late = CountOf(due + days(1), due, due + days(30));
  EXPECT_TRUE(late.due);
  EXPECT_FALSE(late.met);
  const auto waiting = CountOf(std::nullopt, due, due);
  EXPECT_FALSE(waiting.due);
  EXPECT_FALSE(waiting.overdue);
  const auto missing = CountOf(std::nullopt, due, due + days(1));
  EXPECT_TRUE(missing.due);
  EXPECT_FALSE(missing.met);
  EXPECT_TRUE(missing.overdue);
}

TEST(PublicObjectKey, IsAnOrganisationsCreditCodeOrTheObjectCodeOrThePositionNeverAPersonsData) {
  EXPECT_EQ(PublicObjectKey(Org("太原市某某食品有限公司", kCompany), 1), kCompany);
  v1::CheckObject coded = Person("张三", kPersonId);
  coded.set_object_code("TY-P-7");
  EXPECT_EQ(PublicObjectKey(coded, 2), "TY-P-7");
  EXPECT_EQ(PublicObjectKey(Person("张三", kPersonId), 3), "#3");
}

TEST(ExpectedResults, EachObjectOnceWithTheFirstDayAResultNamingAnyOfItsIdentifiersWasStored) {
  v1::Task task = ValidTask();  // kCompany, the person kPersonId
  v1::CheckObject coded = Org("太原市某某饮品有限公司", CreditCode("91140100MA0KABCD2"));
  coded.set_object_code("TY-OBJ-3");
  *task.add_objects() = coded;
  v1::CheckObject by_code;  // a result naming the third object by its object code only
  by_code.set_kind(v1::CheckObject::ORGANIZATION);
  by_code.set_name("太原市某某饮品有限公司");
  by_code.set_object_code("TY-OBJ-3");
  const std::vector<StoredResult> results{{Org("太原市某某食品有限公司", kCompany), D(2026, 7, 8)},
                                          {Org("太原市某某食品有限公司", kCompany), D(2026, 7, 2)},
                                          {by_code, D(2026, 7, 3)},
                                          {Org("另一家公司", CreditCode("91140100MA0KABCD9")), D(2026, 7, 1)}};
  const auto expected = ExpectedResults(task, "", results, D(2026, 8, 1));
  ASSERT_EQ(expected.size(), 3u);
  EXPECT_EQ(expected[0].object_key, kCompany);
  EXPECT_EQ(expected[0].stored_on, D(2026, 7, 2));
  EXPECT_EQ(expected[1].object_key, "#2");
  EXPECT_FALSE(expected[1].stored_on.has_value());
  EXPECT_EQ(expected[2].object_key, coded.credit_code());
  EXPECT_EQ(expected[2].stored_on, D(2026, 7, 3));
}

TEST(OverdueResults, ObjectsWithoutAResultAreOverdueOnlyOncePastTheirDueDate) {
  const common::Date end = D(2026, 6, 1);
  const std::vector<ExpectedCount> expected{{"140100", "market_regulation", end, 3}};
  const std::vector<ResultCount> results{{"140100", "market_regulation", end, D(2026, 6, 5), 1}};
  EXPECT_TRUE(OverdueResults(expected, results, Due, end + days(10)).empty());
  EXPECT_EQ(OverdueResults(expected, results, Due, end + days(11)).at("140100"), 2);
}

TEST(OverdueResults, MoreResultsThanExpectedMakeNothingOverdueAndNoNegativeCount) {
  const common::Date end = D(2026, 6, 1);
  const auto overdue = OverdueResults({{"140100", "market_regulation", end, 1}},
                                      {{"140100", "market_regulation", end, D(2026, 6, 2), 3}}, Due, end + days(30));
  EXPECT_FALSE(overdue.contains("140100"));
}

TEST(OverdueResults, EveryDomainCounts) {
  const common::Date end = D(2026, 6, 1);
  EXPECT_EQ(OverdueResults({{"140200", "education", end, 2}}, {}, Due, end + days(20)).at("140200"), 2);
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
