#include "services/supervision/review_coverage.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/testing/dates.h"

namespace gongkai::supervision {
namespace {

using gongkai::testing::Day;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr double kTarget = 0.6;
constexpr char kTaiyuan[] = "140100";
constexpr char kDatong[] = "140200";
constexpr char kYangquan[] = "140300";

// The enforcement units: five of Taiyuan (T1-T5), two of Datong (D1, D2),
// one of Yangquan (Y1). Codes stand for credit codes: the arithmetic does not
// read them.
std::vector<EnforcementUnit> Units() {
  return {{"T1", "太原一局", kTaiyuan}, {"T2", "太原二局", kTaiyuan}, {"T3", "太原三局", kTaiyuan},
          {"T4", "太原四局", kTaiyuan}, {"T5", "太原五局", kTaiyuan}, {"D1", "大同一局", kDatong},
          {"D2", "大同二局", kDatong},  {"Y1", "阳泉一局", kYangquan}};
}

ReviewedUnit Reviewed(const std::string& unit, const std::string& city, const std::string& round = "Q1") {
  return {"ORG", round, unit, city};
}

RoundSummary RoundOf(const std::string& source_id, const std::string& city, int quarter, common::Date ended_on) {
  return {"ORG", source_id, city, quarter, ended_on, 3, 0};
}

std::vector<std::string> Scopes(const v1::ReviewCoverage& coverage) {
  std::vector<std::string> scopes;
  for (const auto& figure : coverage.cities()) scopes.push_back(figure.scope());
  return scopes;
}

std::vector<std::string> Codes(const std::vector<v1::UnreviewedUnit>& units) {
  std::vector<std::string> codes;
  for (const auto& unit : units) codes.push_back(unit.credit_code());
  return codes;
}

const common::Date kToday = Day("2026-07-15");

TEST(CoverageOf, CountsReviewedEnforcementUnitsPerCityAndForTheProvince) {
  const std::vector<ReviewedUnit> reviewed{Reviewed("T1", kTaiyuan), Reviewed("T2", kTaiyuan), Reviewed("T3", kTaiyuan),
                                           Reviewed("D1", kDatong)};
  std::vector<v1::UnreviewedUnit> unreviewed;
  const auto c = CoverageOf(2026, "", Units(), reviewed, {}, kTarget, kToday, &unreviewed);
  EXPECT_EQ(c.year(), 2026);
  EXPECT_DOUBLE_EQ(c.target(), kTarget);
  EXPECT_EQ(c.total().scope(), "province");
  EXPECT_EQ(c.total().enforcement_units(), 8);
  EXPECT_EQ(c.total().reviewed_units(), 4);
  EXPECT_DOUBLE_EQ(c.total().ratio(), 0.5);
  EXPECT_FALSE(c.total().meets_target());
  // Every city with an enforcement unit, by code.
  EXPECT_THAT(Scopes(c), ElementsAre(kTaiyuan, kDatong, kYangquan));
  EXPECT_EQ(c.cities(0).enforcement_units(), 5);
  EXPECT_EQ(c.cities(0).reviewed_units(), 3);
  EXPECT_DOUBLE_EQ(c.cities(0).ratio(), 0.6);
  EXPECT_DOUBLE_EQ(c.cities(1).ratio(), 0.5);
  EXPECT_EQ(c.cities(2).reviewed_units(), 0);
  EXPECT_DOUBLE_EQ(c.cities(2).ratio(), 0);
  EXPECT_THAT(Codes(unreviewed), ElementsAre("T4", "T5", "D2", "Y1"));
  EXPECT_EQ(unreviewed[0].name(), "太原四局");
  EXPECT_EQ(unreviewed[0].city_code(), kTaiyuan);
}

TEST(CoverageOf, SixtyPercentMeetsTheTargetAndJustBelowDoesNot) {
  const std::vector<ReviewedUnit> three{Reviewed("T1", kTaiyuan), Reviewed("T2", kTaiyuan), Reviewed("T3", kTaiyuan)};
  const auto met = CoverageOf(2026, kTaiyuan, Units(), three, {}, kTarget, kToday, nullptr);
  EXPECT_DOUBLE_EQ(met.total().ratio(), 0.6);
  EXPECT_TRUE(met.total().meets_target());
  const std::vector<ReviewedUnit> two{Reviewed("T1", kTaiyuan), Reviewed("T2", kTaiyuan)};
  const auto below = CoverageOf(2026, kTaiyuan, Units(), two, {}, kTarget, kToday, nullptr);
  EXPECT_DOUBLE_EQ(below.total().ratio(), 0.4);
  EXPECT_FALSE(below.total().meets_target());
  // 3 of 5 against a target a hair above 60%.
  EXPECT_FALSE(CoverageOf(2026, kTaiyuan, Units(), three, {}, 0.6000001, kToday, nullptr).total().meets_target());
}

TEST(CoverageOf, AUnitReviewedTwiceCountsOnce) {
  const std::vector<ReviewedUnit> reviewed{Reviewed("T1", kTaiyuan, "Q1"), Reviewed("T1", kTaiyuan, "Q2"),
                                           Reviewed("T2", kTaiyuan)};
  const auto c = CoverageOf(2026, kTaiyuan, Units(), reviewed, {}, kTarget, kToday, nullptr);
  EXPECT_EQ(c.total().reviewed_units(), 2);
}

TEST(CoverageOf, AReviewedAgencyThatIsNotAnEnforcementUnitDoesNotCount) {
  const std::vector<ReviewedUnit> reviewed{Reviewed("T1", kTaiyuan), Reviewed("NOT-ENFORCING", kTaiyuan)};
  const auto c = CoverageOf(2026, "", Units(), reviewed, {}, kTarget, kToday, nullptr);
  EXPECT_EQ(c.total().reviewed_units(), 1);
  EXPECT_EQ(c.total().enforcement_units(), 8);
  EXPECT_EQ(c.cities(0).reviewed_units(), 1);
}

TEST(CoverageOf, ACityAnswersForItselfAlone) {
  std::vector<v1::UnreviewedUnit> unreviewed;
  const auto c = CoverageOf(2026, kDatong, Units(), {Reviewed("D1", kDatong), Reviewed("T1", kTaiyuan)}, {}, kTarget,
                            kToday, &unreviewed);
  EXPECT_EQ(c.total().scope(), kDatong);
  EXPECT_EQ(c.total().enforcement_units(), 2);
  EXPECT_EQ(c.total().reviewed_units(), 1);
  EXPECT_THAT(c.cities(), IsEmpty());
  EXPECT_THAT(Codes(unreviewed), ElementsAre("D2"));
}

TEST(CoverageOf, AScopeWithoutEnforcementUnitsHasRatioOne) {
  const auto c = CoverageOf(2026, "140400", Units(), {}, {}, kTarget, kToday, nullptr);
  EXPECT_EQ(c.total().enforcement_units(), 0);
  EXPECT_DOUBLE_EQ(c.total().ratio(), 1);
  EXPECT_TRUE(c.total().meets_target());
}

TEST(CoverageOf, AQuarterHasEndedOnceItsLastDayIsBeforeToday) {
  const auto on_last_day = CoverageOf(2026, "", Units(), {}, {}, kTarget, Day("2026-06-30"), nullptr);
  ASSERT_EQ(on_last_day.quarters_size(), 4);
  EXPECT_TRUE(on_last_day.quarters(0).ended());
  EXPECT_FALSE(on_last_day.quarters(1).ended());  // Jun 30 is today
  const auto after = CoverageOf(2026, "", Units(), {}, {}, kTarget, Day("2026-07-01"), nullptr);
  EXPECT_TRUE(after.quarters(1).ended());
  EXPECT_FALSE(after.quarters(2).ended());
  const auto next_year = CoverageOf(2026, "", Units(), {}, {}, kTarget, Day("2027-01-01"), nullptr);
  EXPECT_TRUE(next_year.quarters(3).ended());
  for (int q = 0; q < 4; ++q) EXPECT_EQ(after.quarters(q).quarter(), q + 1);
}

TEST(CoverageOf, ACompletedRoundIsOneThatEndedByToday) {
  const std::vector<RoundSummary> rounds{RoundOf("Q2-A", kTaiyuan, 2, Day("2026-06-30")),
                                         RoundOf("Q2-B", kDatong, 2, Day("2026-07-15")),
                                         RoundOf("Q3-A", kTaiyuan, 3, Day("2026-07-16"))};
  const auto c = CoverageOf(2026, "", Units(), {}, rounds, kTarget, kToday, nullptr);
  EXPECT_EQ(c.quarters(0).completed_rounds(), 0);  // a quarter without a round
  EXPECT_EQ(c.quarters(1).completed_rounds(), 2);  // every round for the province, ended today included
  EXPECT_EQ(c.quarters(2).completed_rounds(), 0);  // not ended yet
}

TEST(CoverageOf, ACitysQuarterCountsItsOwnRoundsAndRoundsReviewingItsUnits) {
  // A round organised by the province (city 140000) reviewed a Datong unit:
  // it reaches Datong through that review, and Yangquan not at all.
  const std::vector<RoundSummary> rounds{{"PROV", "P-Q1", "140000", 1, Day("2026-03-31"), 10, 1},
                                         RoundOf("D-Q1", kDatong, 1, Day("2026-03-31")),
                                         RoundOf("T-Q1", kTaiyuan, 1, Day("2026-03-31"))};
  const std::vector<ReviewedUnit> reviewed{{"PROV", "P-Q1", "D1", kDatong}};
  const auto datong = CoverageOf(2026, kDatong, Units(), reviewed, rounds, kTarget, kToday, nullptr);
  EXPECT_EQ(datong.quarters(0).completed_rounds(), 2);
  const auto yangquan = CoverageOf(2026, kYangquan, Units(), reviewed, rounds, kTarget, kToday, nullptr);
  EXPECT_EQ(yangquan.quarters(0).completed_rounds(), 0);
  const auto province = CoverageOf(2026, "", Units(), reviewed, rounds, kTarget, kToday, nullptr);
  EXPECT_EQ(province.quarters(0).completed_rounds(), 3);
}

}  // namespace
}  // namespace gongkai::supervision
