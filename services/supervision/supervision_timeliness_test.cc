#include "services/supervision/supervision_timeliness.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
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

RoundSummary RoundOf(const std::string& city, common::Date ended_on, int expected, int reviews_stored) {
  return {"ORG", "R-" + city, city, 1, ended_on, expected, reviews_stored};
}

TEST(RuleOf, GivesEachKindItsDeadlineRuleAndRoundsNone) {
  EXPECT_EQ(RuleOf(RecordKind::kReview), common::RecordKind::kCaseReview);
  EXPECT_EQ(RuleOf(RecordKind::kSupervision), common::RecordKind::kSpecialSupervision);
  EXPECT_EQ(RuleOf(RecordKind::kAssessmentPlan), common::RecordKind::kAssessment);
  EXPECT_EQ(RuleOf(RecordKind::kAssessmentResult), common::RecordKind::kAssessment);
  EXPECT_EQ(RuleOf(RecordKind::kRound), std::nullopt);
}

TEST(PublishedStanding, APublishedRecordIsDueAndMetWhenPublishedByItsDeadline) {
  const common::Date deadline = Day("2026-04-15");
  const common::Date today = Day("2026-05-01");
  EXPECT_EQ(PublishedStanding(deadline, deadline, today), (Standing{true, true})) << "on the deadline";
  EXPECT_EQ(PublishedStanding(deadline, Day("2026-04-01"), today), (Standing{true, true}));
  EXPECT_EQ(PublishedStanding(deadline, deadline + days(1), today), (Standing{true, false})) << "a day late";
}

TEST(PublishedStanding, ARecordPublishedAfterTodayIsDueOnlyOnceItsDeadlinePassed) {
  const common::Date deadline = Day("2026-04-15");
  const common::Date published = Day("2026-05-10");  // a clock moved back since
  EXPECT_EQ(PublishedStanding(deadline, published, Day("2026-04-15")), (Standing{false, false}));
  EXPECT_EQ(PublishedStanding(deadline, published, Day("2026-04-16")), (Standing{true, false}));
}

TEST(MissingStanding, AnExpectedRecordIsDueOnlyOnceItsDeadlinePassedAndNeverMet) {
  const common::Date deadline = Day("2026-04-15");
  EXPECT_EQ(MissingStanding(deadline, deadline), (Standing{false, false}));
  EXPECT_EQ(MissingStanding(deadline, deadline + days(1)), (Standing{true, false}));
}

TEST(ReviewsOverdue, MissingReviewsAreOverdueInTheOrganisersCityOnlyOnceTheirDeadlinePassed) {
  const common::Date end = Day("2026-03-31");
  const std::vector<RoundSummary> rounds{RoundOf(kTaiyuan, end, 5, 2), RoundOf(kDatong, end, 1, 0)};
  // The deadline is Apr 15: on it nothing is overdue yet.
  EXPECT_TRUE(ReviewsOverdue(rounds, Due, Day("2026-04-15")).empty());
  EXPECT_EQ(ReviewsOverdue(rounds, Due, Day("2026-04-16")),
            (std::map<std::string, double>{{kTaiyuan, 3}, {kDatong, 1}}));
}

TEST(ReviewsOverdue, ARoundWithEveryReviewStoredOrMoreHasNothingOverdue) {
  const common::Date end = Day("2026-03-31");
  const std::vector<RoundSummary> rounds{RoundOf(kTaiyuan, end, 3, 3), RoundOf(kDatong, end, 2, 4)};
  EXPECT_TRUE(ReviewsOverdue(rounds, Due, Day("2026-06-30")).empty());
}

}  // namespace
}  // namespace gongkai::supervision
