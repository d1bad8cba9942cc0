#include "services/supervision/supervision_timeliness.h"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "common/testing/dates.h"

namespace gongkai::supervision {
namespace {

using gongkai::testing::Day;
using std::chrono::days;

// Deadlines of 15, 30 and 20 calendar days: the arithmetic under test does
// not depend on the calendar.
common::Date Due(common::RecordKind rule, common::Date clock_start) {
  switch (rule) {
    case common::RecordKind::kCaseReview: return clock_start + days(15);
    case common::RecordKind::kSpecialSupervision: return clock_start + days(30);
    default: return clock_start + days(20);
  }
}

constexpr char kTaiyuan[] = "140100";
constexpr char kDatong[] = "140200";

PublishedCount Published(RecordKind kind, const std::string& city, common::Date clock_start, common::Date published_on,
                         int64_t count) {
  return {kind, city, clock_start, published_on, count};
}

RoundSummary RoundOf(const std::string& city, common::Date ended_on, int expected, int reviews_stored) {
  return {"ORG", "R-" + city, city, 1, ended_on, expected, reviews_stored};
}

const OnTimeShare& Share(const SupervisionTimeliness& t, const std::string& rule, const std::string& scope) {
  return t.on_time.at({rule, scope});
}

TEST(RuleOf, GivesEachKindItsDeadlineRuleAndRoundsNone) {
  EXPECT_EQ(RuleOf(RecordKind::kReview), common::RecordKind::kCaseReview);
  EXPECT_EQ(RuleOf(RecordKind::kSupervision), common::RecordKind::kSpecialSupervision);
  EXPECT_EQ(RuleOf(RecordKind::kAssessmentPlan), common::RecordKind::kAssessment);
  EXPECT_EQ(RuleOf(RecordKind::kAssessmentResult), common::RecordKind::kAssessment);
  EXPECT_EQ(RuleOf(RecordKind::kRound), std::nullopt);
}

TEST(TallyTimeliness, APublishedRecordIsDueAndMetWhenPublishedByItsDeadline) {
  const common::Date end = Day("2026-03-31");
  const std::vector<PublishedCount> published{
      Published(RecordKind::kReview, kTaiyuan, end, end + days(15), 3),  // on the deadline
      Published(RecordKind::kReview, kTaiyuan, end, end + days(16), 1),  // a day late
  };
  const auto t = TallyTimeliness(published, {}, Due, Day("2026-05-01"));
  EXPECT_DOUBLE_EQ(Share(t, "case_review", kTaiyuan).due, 4);
  EXPECT_DOUBLE_EQ(Share(t, "case_review", kTaiyuan).met, 3);
  EXPECT_DOUBLE_EQ(Share(t, "case_review", "province").Ratio(), 0.75);
}

TEST(TallyTimeliness, ARecordPublishedAfterTodayIsDueOnlyOnceItsDeadlinePassed) {
  const common::Date end = Day("2026-03-31");  // due Apr 15
  const std::vector<PublishedCount> published{Published(RecordKind::kReview, kTaiyuan, end, Day("2026-05-10"), 1)};
  EXPECT_TRUE(TallyTimeliness(published, {}, Due, Day("2026-04-15")).on_time.empty());
  const auto t = TallyTimeliness(published, {}, Due, Day("2026-04-16"));
  EXPECT_DOUBLE_EQ(Share(t, "case_review", kTaiyuan).due, 1);
  EXPECT_DOUBLE_EQ(Share(t, "case_review", kTaiyuan).met, 0);
}

TEST(TallyTimeliness, EachKindCountsUnderItsRuleInItsCityAndTheProvince) {
  const common::Date start = Day("2026-03-01");
  const std::vector<PublishedCount> published{
      Published(RecordKind::kSupervision, kTaiyuan, start, start + days(30), 1),
      Published(RecordKind::kSupervision, kDatong, start, start + days(31), 1),
      Published(RecordKind::kAssessmentPlan, kDatong, start, start + days(20), 2),
      Published(RecordKind::kAssessmentResult, kDatong, start, start + days(21), 2),
      Published(RecordKind::kRound, kDatong, start, start + days(90), 5),  // no deadline
  };
  const auto t = TallyTimeliness(published, {}, Due, Day("2026-06-30"));
  EXPECT_DOUBLE_EQ(Share(t, "special_supervision", kTaiyuan).Ratio(), 1);
  EXPECT_DOUBLE_EQ(Share(t, "special_supervision", kDatong).Ratio(), 0);
  EXPECT_DOUBLE_EQ(Share(t, "special_supervision", "province").Ratio(), 0.5);
  EXPECT_DOUBLE_EQ(Share(t, "assessment", kDatong).due, 4);
  EXPECT_DOUBLE_EQ(Share(t, "assessment", kDatong).met, 2);
  EXPECT_FALSE(t.on_time.contains({"case_review", kDatong}));
  EXPECT_EQ(t.on_time.size(), 5u);  // special_supervision x3, assessment x2
}

TEST(TallyTimeliness, MissingReviewsAreOverdueAndDueButNotMetOnlyOnceTheirDeadlinePassed) {
  const common::Date end = Day("2026-03-31");
  const std::vector<RoundSummary> rounds{RoundOf(kTaiyuan, end, 5, 2)};
  // The deadline is Apr 15: on it nothing is overdue yet.
  const auto on_deadline = TallyTimeliness({}, rounds, Due, Day("2026-04-15"));
  EXPECT_TRUE(on_deadline.reviews_overdue.empty());
  EXPECT_TRUE(on_deadline.on_time.empty());
  const auto after = TallyTimeliness({}, rounds, Due, Day("2026-04-16"));
  EXPECT_DOUBLE_EQ(after.reviews_overdue.at(kTaiyuan), 3);
  EXPECT_DOUBLE_EQ(Share(after, "case_review", kTaiyuan).due, 3);
  EXPECT_DOUBLE_EQ(Share(after, "case_review", kTaiyuan).met, 0);
  EXPECT_DOUBLE_EQ(Share(after, "case_review", "province").due, 3);
}

TEST(TallyTimeliness, ARoundWithEveryReviewStoredOrMoreHasNothingOverdue) {
  const common::Date end = Day("2026-03-31");
  const std::vector<RoundSummary> rounds{RoundOf(kTaiyuan, end, 3, 3), RoundOf(kDatong, end, 2, 4)};
  const auto t = TallyTimeliness({}, rounds, Due, Day("2026-06-30"));
  EXPECT_TRUE(t.reviews_overdue.empty());
  EXPECT_TRUE(t.on_time.empty());
}

TEST(TallyTimeliness, PublishedAndMissingReviewsShareTheCaseReviewRatio) {
  const common::Date end = Day("2026-03-31");
  const std::vector<PublishedCount> published{Published(RecordKind::kReview, kTaiyuan, end, end + days(10), 2)};
  const std::vector<RoundSummary> rounds{RoundOf(kTaiyuan, end, 4, 2), RoundOf(kDatong, end, 1, 0)};
  const auto t = TallyTimeliness(published, rounds, Due, Day("2026-05-01"));
  EXPECT_DOUBLE_EQ(Share(t, "case_review", kTaiyuan).Ratio(), 0.5);
  EXPECT_DOUBLE_EQ(Share(t, "case_review", kDatong).Ratio(), 0);
  EXPECT_DOUBLE_EQ(Share(t, "case_review", "province").due, 5);
  EXPECT_DOUBLE_EQ(Share(t, "case_review", "province").met, 2);
  EXPECT_DOUBLE_EQ(t.reviews_overdue.at(kTaiyuan), 2);
  EXPECT_DOUBLE_EQ(t.reviews_overdue.at(kDatong), 1);
}

TEST(TallyTimeliness, AsksEachDeadlineOnce) {
  int asked = 0;
  const DueDate counting = [&](common::RecordKind rule, common::Date start) {
    ++asked;
    return Due(rule, start);
  };
  const common::Date end = Day("2026-03-31");
  const std::vector<PublishedCount> published{Published(RecordKind::kReview, kTaiyuan, end, end, 1),
                                              Published(RecordKind::kReview, kDatong, end, end + days(1), 1)};
  TallyTimeliness(published, {RoundOf(kTaiyuan, end, 3, 1)}, counting, Day("2026-06-30"));
  EXPECT_EQ(asked, 1);
}

}  // namespace
}  // namespace gongkai::supervision
