#include "services/supervision/supervision_kpis.h"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/testing/dates.h"

namespace gongkai::supervision {
namespace {

using common::v1::Finding;
using common::v1::KpiTally;
using gongkai::testing::Day;
using std::chrono::days;

// Deadlines of 15, 30 and 20 calendar days: the counting under test does not
// depend on the calendar.
common::Date Due(common::RecordKind rule, common::Date clock_start) {
  switch (rule) {
    case common::RecordKind::kCaseReview: return clock_start + days(15);
    case common::RecordKind::kSpecialSupervision: return clock_start + days(30);
    default: return clock_start + days(20);
  }
}

constexpr char kTaiyuan[] = "140100";
constexpr char kDatong[] = "140200";
constexpr char kOrgA[] = "ORG-A";
constexpr char kOrgB[] = "ORG-B";

TimedRecord Timed(RecordKind kind, const std::string& organiser, const std::string& source_id, const std::string& city,
                  common::Date clock_start, common::Date published_on, const std::string& round = "") {
  return {kind, organiser, source_id, city, clock_start, published_on, round, round.empty() ? "" : "UNIT-" + source_id};
}

const KpiTally& TallyOf(const std::vector<KpiTally>& tallies, const std::string& organiser, const std::string& rule) {
  for (const auto& t : tallies) {
    if (t.agency_credit_code() == organiser && t.rule() == rule) return t;
  }
  throw std::runtime_error("no tally of " + organiser + " " + rule);
}

std::vector<std::string> MissKeys(const KpiTally& tally) {
  std::vector<std::string> keys;
  for (const auto& m : tally.misses()) keys.push_back(m.key());
  return keys;
}

std::vector<std::string> Keys(const std::vector<Finding>& findings) {
  std::vector<std::string> keys;
  for (const auto& f : findings) keys.push_back(f.record().key());
  return keys;
}

const common::Date kEnd = Day("2026-03-31");  // reviews due 2026-04-15
const common::Date kToday = Day("2026-05-01");

TEST(TallyRecords, CountsEachRecordUnderItsRuleAndItsOrganiserInTheOrganisersCity) {
  const std::vector<TimedRecord> records{
      Timed(RecordKind::kReview, kOrgA, "V-1", kTaiyuan, kEnd, kEnd + days(15), "R-1"),  // on the deadline
      Timed(RecordKind::kReview, kOrgA, "V-2", kTaiyuan, kEnd, kEnd + days(16), "R-1"),  // a day late
      Timed(RecordKind::kSupervision, kOrgB, "S-1", kDatong, Day("2026-03-01"), Day("2026-03-20")),
      Timed(RecordKind::kAssessmentPlan, kOrgA, "P-1", kTaiyuan, Day("2026-02-01"), Day("2026-02-10")),
      Timed(RecordKind::kAssessmentResult, kOrgA, "AR-1", kTaiyuan, Day("2026-02-01"), Day("2026-03-01")),
      Timed(RecordKind::kRound, kOrgA, "R-1", kTaiyuan, kEnd, kEnd),  // no deadline of its own
  };
  const auto tallies = TallyRecords(records, {}, Due, 0, kToday);
  ASSERT_EQ(tallies.size(), 3u);
  const KpiTally& reviews = TallyOf(tallies, kOrgA, "case_review");
  EXPECT_EQ(reviews.city_code(), kTaiyuan);
  EXPECT_EQ(reviews.kpi(), "");
  EXPECT_EQ(reviews.due(), 2);
  EXPECT_EQ(reviews.met(), 1);
  EXPECT_EQ(reviews.misses_size(), 0) << "none asked for";
  EXPECT_EQ(TallyOf(tallies, kOrgA, "assessment").due(), 2);
  EXPECT_EQ(TallyOf(tallies, kOrgA, "assessment").met(), 1);
  EXPECT_EQ(TallyOf(tallies, kOrgB, "special_supervision").city_code(), kDatong);
  EXPECT_EQ(TallyOf(tallies, kOrgB, "special_supervision").met(), 1);
}

TEST(TallyRecords, ARecordStoredAfterTodayIsNotDueBeforeItsDeadline) {
  const std::vector<TimedRecord> records{
      Timed(RecordKind::kReview, kOrgA, "V-1", kTaiyuan, kEnd, Day("2026-05-10"), "R-1")};
  EXPECT_TRUE(TallyRecords(records, {}, Due, 5, Day("2026-04-15")).empty());
  EXPECT_EQ(TallyRecords(records, {}, Due, 5, Day("2026-04-16")).at(0).due(), 1);
}

TEST(TallyRecords, MissesAreListedByKeyWithWhyUpToTheLimitAndTheRestCounted) {
  const std::vector<TimedRecord> records{
      Timed(RecordKind::kReview, kOrgA, "V-3", kTaiyuan, kEnd, kEnd + days(17), "R-1"),
      Timed(RecordKind::kReview, kOrgA, "V-1", kTaiyuan, kEnd, kEnd + days(16), "R-1"),
      Timed(RecordKind::kReview, kOrgA, "V-0", kTaiyuan, kEnd, kEnd + days(1), "R-1"),
      Timed(RecordKind::kReview, kOrgA, "V-2", kTaiyuan, kEnd, kEnd + days(20), "R-1"),
  };
  const auto tallies = TallyRecords(records, {}, Due, 2, kToday);
  const KpiTally& t = TallyOf(tallies, kOrgA, "case_review");
  EXPECT_EQ(t.due(), 4);
  EXPECT_EQ(t.met(), 1);
  EXPECT_EQ(MissKeys(t), (std::vector<std::string>{"ORG-A/V-1", "ORG-A/V-2"}));
  EXPECT_EQ(t.misses_unlisted(), 1);
  const auto& miss = t.misses(0);
  EXPECT_EQ(miss.service(), "supervision");
  EXPECT_EQ(miss.kind(), "case_review");
  EXPECT_EQ(miss.agency_credit_code(), kOrgA);
  EXPECT_EQ(miss.city_code(), kTaiyuan);
  EXPECT_EQ(miss.detail(), "published 2026-04-16, due 2026-04-15");
}

TEST(TallyRecords, AMissingReviewIsDueOnceItsDeadlinePassedNeverMetAndLinkedByRoundAndUnit) {
  const std::vector<MissingReview> missing{{kOrgA, "R-1", kTaiyuan, kEnd, "UNIT-9"},
                                           {kOrgA, "R-1", kTaiyuan, kEnd, "UNIT-3"}};
  EXPECT_TRUE(TallyRecords({}, missing, Due, 5, Day("2026-04-15")).empty()) << "on its deadline";
  const auto tallies = TallyRecords({}, missing, Due, 5, Day("2026-04-16"));
  const KpiTally& t = TallyOf(tallies, kOrgA, "case_review");
  EXPECT_EQ(t.due(), 2);
  EXPECT_EQ(t.met(), 0);
  EXPECT_EQ(MissKeys(t), (std::vector<std::string>{"ORG-A/R-1/UNIT-3", "ORG-A/R-1/UNIT-9"}));
  EXPECT_EQ(t.misses(0).detail(), "not published, due 2026-04-15");
}

TEST(TallyRecords, AMissingReviewWhoseUnitWasNotReadIsCountedButNotListed) {
  const std::vector<MissingReview> missing{{kOrgA, "R-1", kTaiyuan, kEnd, ""}};
  const auto tallies = TallyRecords({}, missing, Due, 5, kToday);
  EXPECT_EQ(TallyOf(tallies, kOrgA, "case_review").due(), 1);
  EXPECT_EQ(TallyOf(tallies, kOrgA, "case_review").misses_size(), 0);
}

TEST(ReviewResultsLate, AReviewStoredOrStillMissingPastItsAllowanceIsFoundWithItsRound) {
  const auto allowance = [](common::Date deadline) { return deadline + days(3); };
  const std::vector<TimedRecord> reviews{
      Timed(RecordKind::kReview, kOrgA, "V-2", kTaiyuan, kEnd, kEnd + days(19), "R-1"),  // 4 days late
      Timed(RecordKind::kReview, kOrgA, "V-1", kTaiyuan, kEnd, kEnd + days(18), "R-1"),  // within the allowance
      Timed(RecordKind::kSupervision, kOrgA, "S-1", kTaiyuan, kEnd, kEnd + days(90)),    // another rule
  };
  const std::vector<MissingReview> missing{{kOrgA, "R-1", kTaiyuan, kEnd, "UNIT-9"},
                                           {kOrgA, "R-1", kTaiyuan, kEnd, ""}};
  // 2026-04-18 is the allowance: the missing review trips after it.
  EXPECT_EQ(Keys(ReviewResultsLate(reviews, missing, Due, allowance, Day("2026-04-18"))),
            (std::vector<std::string>{"ORG-A/V-2"}));
  const auto found = ReviewResultsLate(reviews, missing, Due, allowance, Day("2026-04-19"));
  EXPECT_EQ(Keys(found), (std::vector<std::string>{"ORG-A/R-1/UNIT-9", "ORG-A/V-2"}));
  const Finding& late = found[1];
  EXPECT_EQ(late.rule(), "review_results_late");
  EXPECT_EQ(late.record().service(), "supervision");
  EXPECT_EQ(late.record().kind(), "case_review");
  EXPECT_EQ(late.record().agency_credit_code(), kOrgA);
  EXPECT_EQ(late.record().city_code(), kTaiyuan);
  EXPECT_EQ(late.record().detail(), "published 2026-04-19, due 2026-04-15");
  EXPECT_EQ(late.observed_on(), "2026-04-19");
  ASSERT_EQ(late.related_size(), 1);
  EXPECT_EQ(late.related(0).kind(), "round");
  EXPECT_EQ(late.related(0).key(), "ORG-A/R-1");
  EXPECT_EQ(late.related(0).detail(), "the round, ended 2026-03-31");
  EXPECT_EQ(found[0].record().detail(), "not published, due 2026-04-15");
}

RectificationRow Obligation(int subject, const std::string& source_id, const std::string& problem_id,
                            common::Date deadline, std::optional<common::Date> reported_on = std::nullopt) {
  RectificationRow row;
  row.subject = subject;
  row.agency_credit_code = kOrgA;
  row.source_id = source_id;
  row.problem_id = problem_id;
  row.unit = "UNIT-1";
  row.unit_city = kDatong;
  row.requirement = "张三须限期整改";
  row.deadline = deadline;
  if (reported_on) {
    row.report = "report";
    row.reported_on = reported_on;
  }
  return row;
}

TEST(RectificationsOverdue, AnUnreportedRectificationTripsMoreThanTheThresholdDaysPastItsDeadline) {
  const common::Date deadline = Day("2026-09-30");
  const std::vector<RectificationRow> rows{
      Obligation(2, "S-1", "P2", deadline), Obligation(1, "V-1", "", deadline),
      Obligation(2, "S-1", "P1", deadline, Day("2026-10-30")),  // reported (late)
  };
  EXPECT_TRUE(RectificationsOverdue(rows, 2, Day("2026-10-02")).empty());
  const auto found = RectificationsOverdue(rows, 2, Day("2026-10-03"));
  EXPECT_EQ(Keys(found), (std::vector<std::string>{"1/ORG-A/V-1/", "2/ORG-A/S-1/P2"}));
  const Finding& review = found[0];
  EXPECT_EQ(review.rule(), "rectification_overdue");
  EXPECT_EQ(review.record().kind(), "rectification");
  EXPECT_EQ(review.record().agency_credit_code(), "UNIT-1") << "the unit that must rectify";
  EXPECT_EQ(review.record().city_code(), kDatong);
  EXPECT_EQ(review.record().detail(), "not reported done, deadline 2026-09-30");
  EXPECT_EQ(review.record().detail().find("张三"), std::string::npos) << "no requirement text";
  ASSERT_EQ(review.related_size(), 1);
  EXPECT_EQ(review.related(0).kind(), "case_review");
  EXPECT_EQ(review.related(0).key(), "ORG-A/V-1");
  EXPECT_EQ(found[1].related(0).kind(), "special_supervision");
  EXPECT_EQ(Keys(RectificationsOverdue(rows, 0, Day("2026-10-01"))).size(), 2u) << "the default: a day past";
}

}  // namespace
}  // namespace gongkai::supervision
