#include "common/calendar/deadline_engine.h"

#include <gtest/gtest.h>

#include "common/calendar/calendar_test_support.h"

namespace gongkai::common {
namespace {

using std::chrono::sys_days;
using testing_support::D;
using testing_support::Iso;
using testing_support::Mentions;
using testing_support::NationalCalendar;

Timeliness AssessPenalty(std::optional<sys_days> done, sys_days today) {
  return DeadlineEngine().Assess(NationalCalendar(), RecordKind::kPenaltyDecision, D("2026-02-12"), done, today);
}

TEST(DeadlineEngine, DefaultsFollowTheDomainTable) {
  const DeadlineEngine engine;
  const auto count = [&](RecordKind kind) { return engine.Rule(kind).count; };
  EXPECT_EQ(engine.Rule(RecordKind::kQualificationList).day_count, DayCount::kAnnualByJanuary31);
  EXPECT_EQ(count(RecordKind::kPowersItem), 20);
  EXPECT_EQ(count(RecordKind::kDiscretionBenchmark), 20);
  EXPECT_EQ(count(RecordKind::kOfficer), 20);
  EXPECT_EQ(count(RecordKind::kInspectionPlan), 20);
  EXPECT_EQ(count(RecordKind::kSpotCheckResult), 20);
  EXPECT_EQ(count(RecordKind::kPenaltyDecision), 7);
  EXPECT_EQ(count(RecordKind::kPenaltyWithdrawal), 3);
  EXPECT_EQ(count(RecordKind::kCoerciveMeasure), 7);
  EXPECT_EQ(count(RecordKind::kCaseReview), 15);
  EXPECT_EQ(count(RecordKind::kSpecialSupervision), 30);
  EXPECT_EQ(count(RecordKind::kAssessment), 20);
  EXPECT_EQ(count(RecordKind::kConsultation), 5);
  EXPECT_EQ(count(RecordKind::kRequestReply), 20);
  for (const DeadlineRule& rule : engine.rules()) {
    EXPECT_EQ(RecordKindFromName(RecordKindName(rule.kind)), rule.kind);
    if (rule.kind != RecordKind::kQualificationList) {
      EXPECT_EQ(rule.day_count, DayCount::kWorkingDays) << RecordKindName(rule.kind);
    }
  }
}

TEST(DeadlineEngine, PenaltyDecisionIsDueSevenWorkingDaysLater) {
  const CalendarAnswer<sys_days> due =
      DeadlineEngine().Due(NationalCalendar(), RecordKind::kPenaltyDecision, D("2026-02-12"));
  EXPECT_EQ(Iso(due.value), "2026-02-28");
  EXPECT_FALSE(due.provisional);
}

TEST(DeadlineEngine, PublishedOnTheDueDateIsOnTime) {
  const Timeliness result = AssessPenalty(D("2026-02-28"), D("2026-03-20"));
  EXPECT_EQ(result.status, TimelinessStatus::kOnTime);
  EXPECT_EQ(Iso(result.due), "2026-02-28");
  EXPECT_EQ(result.lag_working_days, 0);
}

TEST(DeadlineEngine, PublishedAfterTheDueDateIsLateByTheWorkingDaysPast) {
  const Timeliness result = AssessPenalty(D("2026-03-03"), D("2026-03-20"));
  EXPECT_EQ(result.status, TimelinessStatus::kLate);
  EXPECT_EQ(result.lag_working_days, 2);  // Mon Mar 2, Tue Mar 3.
}

TEST(DeadlineEngine, PublishedOnTheRestDayAfterTheDueDateIsLateWithNoWorkingDayLag) {
  const Timeliness result = AssessPenalty(D("2026-03-01"), D("2026-03-20"));
  EXPECT_EQ(result.status, TimelinessStatus::kLate);
  EXPECT_EQ(result.lag_working_days, 0);
}

TEST(DeadlineEngine, UnpublishedUpToTheDueDateIsPending) {
  EXPECT_EQ(AssessPenalty(std::nullopt, D("2026-02-20")).status, TimelinessStatus::kPending);
  EXPECT_EQ(AssessPenalty(std::nullopt, D("2026-02-28")).status, TimelinessStatus::kPending);
}

TEST(DeadlineEngine, UnpublishedAfterTheDueDateIsOverdue) {
  const Timeliness result = AssessPenalty(std::nullopt, D("2026-03-02"));
  EXPECT_EQ(result.status, TimelinessStatus::kOverdue);
  EXPECT_EQ(result.lag_working_days, 1);
}

TEST(DeadlineEngine, UnpublishedPastTwiceTheLimitIsVeryOverdue) {
  // 2 x 7 WD after Feb 12 is Tue Mar 10.
  const Timeliness on_the_day = AssessPenalty(std::nullopt, D("2026-03-10"));
  EXPECT_EQ(on_the_day.status, TimelinessStatus::kOverdue);
  EXPECT_EQ(on_the_day.lag_working_days, 7);
  const Timeliness after = AssessPenalty(std::nullopt, D("2026-03-11"));
  EXPECT_EQ(after.status, TimelinessStatus::kVeryOverdue);
  EXPECT_EQ(after.lag_working_days, 8);
  EXPECT_EQ(TimelinessStatusName(after.status), "VERY_OVERDUE");
}

TEST(DeadlineEngine, ProvinceCanShortenALimit) {
  const Checked<DeadlineEngine> engine = DeadlineEngine::WithOverrides(R"({"penalty_decision": 5})");
  ASSERT_TRUE(engine.ok()) << engine.error;
  EXPECT_EQ(engine.value->Rule(RecordKind::kPenaltyDecision).count, 5);
  EXPECT_EQ(engine.value->Rule(RecordKind::kCoerciveMeasure).count, 7);
  EXPECT_EQ(Iso(engine.value->Due(NationalCalendar(), RecordKind::kPenaltyDecision, D("2026-02-12")).value),
            "2026-02-26");
}

TEST(DeadlineEngine, CalendarDayLimitEndingOnAHolidayMovesToTheNextWorkingDay) {
  const Checked<DeadlineEngine> engine =
      DeadlineEngine::WithOverrides(R"({"consultation": {"count": 10, "days": "calendar"}})");
  ASSERT_TRUE(engine.ok()) << engine.error;
  EXPECT_EQ(Iso(engine.value->Due(NationalCalendar(), RecordKind::kConsultation, D("2026-09-21")).value), "2026-10-08");
  EXPECT_EQ(Iso(engine.value->Due(NationalCalendar(), RecordKind::kConsultation, D("2026-03-02")).value), "2026-03-12");
}

TEST(DeadlineEngine, OverrideErrorsNameTheKind) {
  const auto error = [](std::string_view json) { return DeadlineEngine::WithOverrides(json).error; };
  EXPECT_TRUE(Mentions(error(R"({"penalty_decison": 5})"), "\"penalty_decison\": unknown record kind"));
  EXPECT_TRUE(Mentions(error(R"({"coercive_measure": 0})"),
                       "\"coercive_measure\": count must be a positive whole number of days up to 365, got 0"));
  EXPECT_TRUE(Mentions(error(R"({"officer": -3})"), "\"officer\": count must be a positive whole number"));
  EXPECT_TRUE(Mentions(error(R"({"case_review": "ten"})"), "\"case_review\": count must be a positive whole number"));
  EXPECT_TRUE(Mentions(error(R"({"case_review": 2.5})"), "\"case_review\": count must be a positive whole number"));
  EXPECT_TRUE(Mentions(error(R"({"special_supervision": 3000})"), "\"special_supervision\": count"));
  EXPECT_TRUE(Mentions(error(R"({"qualification_list": 10})"), "\"qualification_list\": follows the annual rule"));
  EXPECT_TRUE(Mentions(error(R"({"assessment": {"count": 5, "days": "lunar"}})"), "\"assessment\": \"days\""));
  EXPECT_TRUE(Mentions(error(R"({"penalty_decision": 5,})"), "malformed JSON"));
  EXPECT_TRUE(Mentions(error("[5]"), "expected an object"));
}

TEST(DeadlineEngine, QualificationListIsDueBy31JanuaryOfItsYear) {
  const DeadlineEngine engine;
  const WorkingDayCalendar& calendar = NationalCalendar();
  const auto assess = [&](std::optional<sys_days> done, sys_days today) {
    return engine.Assess(calendar, RecordKind::kQualificationList, D("2026-01-01"), done, today);
  };
  // 31 January 2026 is a Saturday; the annual date does not move.
  const CalendarAnswer<sys_days> due = engine.Due(calendar, RecordKind::kQualificationList, D("2026-01-01"));
  EXPECT_EQ(due, (CalendarAnswer<sys_days>{D("2026-01-31"), false}));
  EXPECT_EQ(assess(D("2026-01-31"), D("2026-02-10")).status, TimelinessStatus::kOnTime);
  EXPECT_EQ(assess(std::nullopt, D("2026-01-31")).status, TimelinessStatus::kPending);
  const Timeliness overdue = assess(std::nullopt, D("2026-02-03"));
  EXPECT_EQ(overdue.status, TimelinessStatus::kOverdue);
  EXPECT_EQ(overdue.lag_working_days, 2);  // Mon Feb 2, Tue Feb 3.
  EXPECT_EQ(assess(std::nullopt, D("2026-03-02")).status, TimelinessStatus::kOverdue);
  EXPECT_EQ(assess(std::nullopt, D("2026-03-03")).status, TimelinessStatus::kVeryOverdue);
  EXPECT_EQ(Iso(engine.Due(calendar, RecordKind::kQualificationList, D("2027-01-01")).value), "2027-01-31");
}

TEST(DeadlineEngine, DueDateInAnUnloadedYearIsProvisional) {
  const CalendarAnswer<sys_days> due =
      DeadlineEngine().Due(NationalCalendar(), RecordKind::kPenaltyDecision, D("2026-12-28"));
  EXPECT_EQ(Iso(due.value), "2027-01-06");
  EXPECT_TRUE(due.provisional);
  EXPECT_TRUE(AssessPenalty(std::nullopt, D("2027-01-04")).provisional)
      << "a lag reaching into 2027 is provisional too";
  EXPECT_FALSE(AssessPenalty(std::nullopt, D("2026-03-02")).provisional);
}

}  // namespace
}  // namespace gongkai::common
