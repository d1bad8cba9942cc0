#include "common/calendar/explain.h"

#include <gtest/gtest.h>

#include <vector>

#include "common/calendar/calendar_test_support.h"

namespace gongkai::common {
namespace {

using std::chrono::days;
using std::chrono::sys_days;
using testing_support::D;
using testing_support::Iso;
using testing_support::NationalCalendar;
using Status = ExplainedDayStatus;

// The listed day of `date`; fails the test when there is none.
const ExplainedDay& DayOf(const DeadlineExplanation& explanation, std::string_view date) {
  for (const ExplainedDay& day : explanation.days) {
    if (day.date == D(date)) return day;
  }
  ADD_FAILURE() << date << " is not listed";
  static const ExplainedDay kNone{};
  return kNone;
}

DeadlineEngine EngineWith(std::string_view overrides) {
  Checked<DeadlineEngine> engine = DeadlineEngine::WithOverrides(overrides);
  EXPECT_TRUE(engine.ok()) << engine.error;
  return engine.ok() ? *engine.value : DeadlineEngine();
}

RequestClockReport EvaluateOk(const std::vector<RequestEvent>& events, std::string_view today) {
  Checked<RequestClockReport> report = RequestClock().Evaluate(NationalCalendar(), events, D(today));
  EXPECT_TRUE(report.ok()) << report.error;
  return report.ok() ? *report.value : RequestClockReport{};
}

TEST(ExplainRule, NationalDay2026IsSkippedByNameAndTheMakeUpSaturdayCounts) {
  const DeadlineEngine engine;
  // Wed 2026-09-30 + 7 WD: Oct 1-7 rest, Oct 8 (1), 9 (2), Sat 10 (3, make-up), 12-15 (4-7).
  const DeadlineExplanation explanation =
      ExplainRule(engine.Rule(RecordKind::kPenaltyDecision), NationalCalendar(), D("2026-09-30"));

  EXPECT_EQ(explanation.rule, "penalty_decision");
  EXPECT_EQ(explanation.limit, 7);
  EXPECT_EQ(Iso(*explanation.due), "2026-10-15");
  ASSERT_EQ(explanation.days.size(), 16u);
  EXPECT_EQ(explanation.days.front().status, Status::kClockStart);
  EXPECT_FALSE(explanation.days.front().counted);
  for (const char* holiday : {"2026-10-01", "2026-10-03", "2026-10-04", "2026-10-07"}) {
    const ExplainedDay& day = DayOf(explanation, holiday);
    EXPECT_EQ(day.status, Status::kHoliday) << holiday;
    EXPECT_EQ(day.holiday_name, "国庆节 National Day") << holiday;
    EXPECT_FALSE(day.counted) << holiday;
    EXPECT_EQ(day.count, 0) << holiday;
  }
  EXPECT_EQ(DayOf(explanation, "2026-10-08").count, 1);
  EXPECT_EQ(DayOf(explanation, "2026-10-10").status, Status::kMakeupWorkingDay);
  EXPECT_TRUE(DayOf(explanation, "2026-10-10").counted);
  EXPECT_EQ(DayOf(explanation, "2026-10-10").count, 3);
  EXPECT_EQ(DayOf(explanation, "2026-10-11").status, Status::kWeekend);
  EXPECT_FALSE(DayOf(explanation, "2026-10-11").counted);
  EXPECT_EQ(explanation.days.back().count, 7);
  EXPECT_FALSE(explanation.provisional);
  EXPECT_FALSE(explanation.truncated);
}

TEST(ExplainRule, OnlyTheDueDateIsTheDueDayAndNoDayIsBeforeACorrection) {
  const DeadlineEngine engine;
  const DeadlineExplanation explanation =
      ExplainRule(engine.Rule(RecordKind::kPenaltyDecision), NationalCalendar(), D("2026-09-30"));

  ASSERT_FALSE(explanation.days.empty());
  for (const ExplainedDay& day : explanation.days) {
    EXPECT_EQ(day.due_day, day.date == *explanation.due) << Iso(day.date);
    EXPECT_FALSE(day.before_correction) << Iso(day.date);
    EXPECT_TRUE(day.consultation_id.empty()) << Iso(day.date);
    EXPECT_FALSE(day.corrected_on_receipt) << Iso(day.date);
  }
  EXPECT_TRUE(explanation.days.back().due_day);
}

TEST(ExplainRule, CountReachesTheLimitOnTheEnginesDueDateForEveryRuleAndStart) {
  const DeadlineEngine overridden =
      EngineWith(R"({"penalty_decision": {"count": 10, "days": "calendar"}, "officer": 60})");
  for (const DeadlineEngine& engine : {DeadlineEngine(), overridden}) {
    for (const DeadlineRule& rule : engine.rules()) {
      for (sys_days start = D("2025-01-01"); start <= D("2026-12-31"); start += days{1}) {
        const DeadlineExplanation explanation = ExplainRule(rule, NationalCalendar(), start);
        const CalendarAnswer<sys_days> due = engine.Due(NationalCalendar(), rule.kind, start);
        const std::string what = std::string(RecordKindName(rule.kind)) + " from " + Iso(start);
        ASSERT_EQ(*explanation.due, due.value) << what;
        EXPECT_EQ(explanation.provisional, due.provisional) << what;
        if (due.value < start) continue;  // The annual rule, started after 31 January.
        ASSERT_EQ(explanation.days.back().date, due.value) << what;
        EXPECT_EQ(explanation.days.back().count, explanation.limit) << what;
        if (rule.day_count == DayCount::kWorkingDays) {
          EXPECT_EQ(explanation.limit, rule.count) << what;
        }
      }
    }
  }
}

TEST(ExplainRule, CalendarDayPeriodEndingOnAHolidayShowsTheDaysThatMoveItToTheNextWorkingDay) {
  const DeadlineEngine engine = EngineWith(R"({"penalty_decision": {"count": 10, "days": "calendar"}})");
  // Mon 2026-09-21 + 10 CD is Thu 2026-10-01, a holiday: due Thu 2026-10-08 (民法典 Art. 203).
  const DeadlineExplanation explanation =
      ExplainRule(engine.Rule(RecordKind::kPenaltyDecision), NationalCalendar(), D("2026-09-21"));

  EXPECT_EQ(explanation.day_count, DayCount::kCalendarDays);
  EXPECT_EQ(Iso(*explanation.due), "2026-10-08");
  const ExplainedDay& sunday = DayOf(explanation, "2026-09-27");  // 中秋节, counted all the same.
  EXPECT_EQ(sunday.status, Status::kCalendarDay);
  EXPECT_TRUE(sunday.counted);
  EXPECT_EQ(sunday.count, 6);
  const ExplainedDay& tenth = DayOf(explanation, "2026-10-01");
  EXPECT_EQ(tenth.status, Status::kCalendarDay);
  EXPECT_EQ(tenth.count, 10);
  EXPECT_TRUE(testing_support::Mentions(tenth.note, "民法典 Art. 203"));
  for (const char* moved : {"2026-10-02", "2026-10-05", "2026-10-07"}) {
    const ExplainedDay& day = DayOf(explanation, moved);
    EXPECT_EQ(day.status, Status::kHoliday) << moved;
    EXPECT_FALSE(day.counted) << moved;
    EXPECT_EQ(day.count, 10) << moved;
  }
  EXPECT_FALSE(tenth.due_day) << "the tenth day is a rest day: not the due date";
  EXPECT_EQ(explanation.days.back().status, Status::kWorkingDay);
  EXPECT_FALSE(explanation.days.back().counted);
  EXPECT_TRUE(explanation.days.back().due_day);
  EXPECT_TRUE(testing_support::Mentions(explanation.days.back().note, "民法典 Art. 203"));
}

TEST(ExplainRule, DaysOfAYearNotLoadedAreProvisional) {
  const DeadlineEngine engine;
  // Fri 2026-12-25 + 7 WD runs into 2027, which no file covers.
  const DeadlineExplanation explanation =
      ExplainRule(engine.Rule(RecordKind::kPenaltyDecision), NationalCalendar(), D("2026-12-25"));

  EXPECT_FALSE(DayOf(explanation, "2026-12-31").provisional);
  EXPECT_TRUE(DayOf(explanation, "2027-01-01").provisional);
  EXPECT_EQ(DayOf(explanation, "2027-01-01").status, Status::kWorkingDay) << "weekends-only rule";
  EXPECT_TRUE(explanation.days.back().provisional);
  EXPECT_TRUE(explanation.provisional);
  EXPECT_EQ(*explanation.due, engine.Due(NationalCalendar(), RecordKind::kPenaltyDecision, D("2026-12-25")).value);
}

TEST(ExplainRule, AnnualRuleCountsCalendarDaysToThirtyFirstJanuary) {
  const DeadlineEngine engine;
  const DeadlineRule& rule = engine.Rule(RecordKind::kQualificationList);

  const DeadlineExplanation from_new_year = ExplainRule(rule, NationalCalendar(), D("2026-01-01"));
  EXPECT_EQ(from_new_year.day_count, DayCount::kAnnualByJanuary31);
  EXPECT_EQ(from_new_year.limit, 30);
  EXPECT_EQ(Iso(*from_new_year.due), "2026-01-31");
  ASSERT_EQ(from_new_year.days.size(), 31u);
  EXPECT_EQ(DayOf(from_new_year, "2026-01-03").status, Status::kCalendarDay) << "a holiday counts all the same";
  EXPECT_EQ(from_new_year.days.back().count, 30);
  EXPECT_TRUE(from_new_year.days.back().due_day);
  EXPECT_FALSE(DayOf(from_new_year, "2026-01-30").due_day);

  const DeadlineExplanation from_march = ExplainRule(rule, NationalCalendar(), D("2026-03-01"));
  EXPECT_EQ(from_march.limit, 0);
  EXPECT_EQ(Iso(*from_march.due), "2026-01-31");
  ASSERT_EQ(from_march.days.size(), 1u);
  EXPECT_TRUE(testing_support::Mentions(from_march.days.front().note, "due on 2026-01-31"));
  EXPECT_FALSE(from_march.days.front().due_day) << "the due date, before the clock start, is not listed";
}

TEST(ExplainRule, ListStopsAtFourHundredDaysAndSaysSo) {
  const DeadlineEngine engine = EngineWith(R"({"special_supervision": 365})");
  const DeadlineExplanation explanation =
      ExplainRule(engine.Rule(RecordKind::kSpecialSupervision), NationalCalendar(), D("2025-01-02"));

  EXPECT_TRUE(explanation.truncated);
  EXPECT_EQ(explanation.days.size(), kMaxExplainedDays);
  EXPECT_EQ(*explanation.due, engine.Due(NationalCalendar(), RecordKind::kSpecialSupervision, D("2025-01-02")).value)
      << "the due date is still the full answer";
  EXPECT_LT(explanation.days.back().date, *explanation.due);
}

TEST(ExplainRequestClock, ConsultationPausesItsWorkingDaysWithItsId) {
  // Mon 2026-06-01; consultation C-1 in (Jun 3, Jun 10]: five working days not counted.
  RequestClockReport report;
  report.received = D("2026-06-01");
  report.clock_start = D("2026-06-01");
  report.limit_working_days = 20;
  report.pauses = {{D("2026-06-03"), D("2026-06-10"), "C-1"}};
  const sys_days due = NationalCalendar().AddWorkingDays(D("2026-06-01"), 25).value;
  report.due = CalendarAnswer<sys_days>{due, false};
  const std::vector<RequestEvent> events = {RequestEvent::Received(D("2026-06-01"), ReceiptChannel::kOnline),
                                            RequestEvent::ConsultationStarted(D("2026-06-03"), "C-1"),
                                            RequestEvent::ConsultationAnswered(D("2026-06-10"), "C-1")};

  const DeadlineExplanation explanation = ExplainRequestClock(NationalCalendar(), report, events, D("2026-06-15"));

  EXPECT_EQ(explanation.rule, "request_reply");
  for (const char* paused : {"2026-06-04", "2026-06-05", "2026-06-08", "2026-06-10"}) {
    const ExplainedDay& day = DayOf(explanation, paused);
    EXPECT_EQ(day.status, Status::kPaused) << paused;
    EXPECT_EQ(day.consultation_id, "C-1") << paused;
    EXPECT_TRUE(testing_support::Mentions(day.note, "consultation C-1")) << paused;
    EXPECT_FALSE(day.counted) << paused;
    EXPECT_FALSE(day.before_correction) << paused;
    EXPECT_EQ(day.count, 2) << paused;
  }
  EXPECT_EQ(DayOf(explanation, "2026-06-06").status, Status::kWeekend);
  EXPECT_TRUE(DayOf(explanation, "2026-06-06").consultation_id.empty()) << "a weekend is not paused";
  EXPECT_EQ(DayOf(explanation, "2026-06-11").count, 3);
  EXPECT_TRUE(DayOf(explanation, "2026-06-11").consultation_id.empty());
  EXPECT_EQ(DayOf(explanation, "2026-06-19").status, Status::kHoliday);
  EXPECT_EQ(DayOf(explanation, "2026-06-19").holiday_name, "端午节 Dragon Boat Festival");
  EXPECT_EQ(explanation.days.back().date, due);
  EXPECT_EQ(explanation.days.back().count, 20);
  EXPECT_TRUE(explanation.days.back().due_day);
  EXPECT_EQ(explanation.days.back().note, "due: the end of this day");
  EXPECT_FALSE(DayOf(explanation, "2026-06-11").due_day);
}

TEST(ExplainRequestClock, CorrectionRestartsTheCountAndDaysBeforeItAreNotCounted) {
  const std::vector<RequestEvent> events = {
      RequestEvent::Received(D("2026-06-01"), ReceiptChannel::kOnline),
      RequestEvent::CorrectionNotice(D("2026-06-03"), D("2026-06-12")),
      RequestEvent::CorrectedReceived(D("2026-06-08")),
  };
  const RequestClockReport report = EvaluateOk(events, "2026-06-15");
  ASSERT_TRUE(report.due.has_value());

  const DeadlineExplanation explanation = ExplainRequestClock(NationalCalendar(), report, events, D("2026-06-15"));

  EXPECT_EQ(explanation.days.front().date, D("2026-06-01"));
  EXPECT_EQ(explanation.days.front().status, Status::kClockStart);
  EXPECT_FALSE(explanation.days.front().before_correction) << "T0 is the clock start, day 0";
  // A working day (Tue), a working day before the weekend (Fri), a weekend day (Sun).
  for (const char* before : {"2026-06-02", "2026-06-05", "2026-06-07"}) {
    const ExplainedDay& day = DayOf(explanation, before);
    EXPECT_TRUE(day.before_correction) << before;
    EXPECT_EQ(day.note, "before the correction") << before;
    EXPECT_FALSE(day.counted) << before;
    EXPECT_EQ(day.count, 0) << before;
  }
  EXPECT_EQ(DayOf(explanation, "2026-06-07").status, Status::kWeekend) << "the calendar's status is kept";
  const ExplainedDay& restart = DayOf(explanation, "2026-06-08");
  EXPECT_EQ(restart.status, Status::kRestart);
  EXPECT_FALSE(restart.corrected_on_receipt) << "the correction came after the request";
  EXPECT_FALSE(restart.before_correction);
  EXPECT_EQ(restart.count, 0);
  EXPECT_EQ(DayOf(explanation, "2026-06-09").count, 1);
  EXPECT_FALSE(DayOf(explanation, "2026-06-09").before_correction);
  EXPECT_EQ(explanation.clock_start, D("2026-06-08"));
  EXPECT_EQ(explanation.days.back().date, report.due->value);
  EXPECT_EQ(explanation.days.back().count, report.limit_working_days);
  EXPECT_TRUE(explanation.days.back().due_day);
}

TEST(ExplainRequestClock, CorrectionWithTheRequestMakesTheReceiptTheRestart) {
  // Received, told to correct and corrected on Mon 2026-06-01 itself.
  const std::vector<RequestEvent> events = {
      RequestEvent::Received(D("2026-06-01"), ReceiptChannel::kOnline),
      RequestEvent::CorrectionNotice(D("2026-06-01"), D("2026-06-05")),
      RequestEvent::CorrectedReceived(D("2026-06-01")),
  };
  const RequestClockReport report = EvaluateOk(events, "2026-06-15");
  ASSERT_TRUE(report.due.has_value());

  const DeadlineExplanation explanation = ExplainRequestClock(NationalCalendar(), report, events, D("2026-06-15"));

  const ExplainedDay& receipt = explanation.days.front();
  EXPECT_EQ(receipt.date, D("2026-06-01"));
  EXPECT_EQ(receipt.status, Status::kRestart);
  EXPECT_TRUE(receipt.corrected_on_receipt);
  EXPECT_FALSE(receipt.counted);
  EXPECT_TRUE(testing_support::Mentions(receipt.note, "with its correction"));
  EXPECT_EQ(DayOf(explanation, "2026-06-02").count, 1) << "counting starts the next day";
  for (const ExplainedDay& day : explanation.days) {
    EXPECT_FALSE(day.before_correction) << Iso(day.date);
    EXPECT_EQ(day.corrected_on_receipt, day.date == D("2026-06-01")) << Iso(day.date);
  }
  EXPECT_EQ(explanation.days.back().date, report.due->value);
  EXPECT_TRUE(explanation.days.back().due_day);
}

TEST(ExplainRequestClock, AwaitingCorrectionListsToTodayWithNoDueDateAndNothingCounted) {
  const std::vector<RequestEvent> events = {
      RequestEvent::Received(D("2026-06-01"), ReceiptChannel::kOnline),
      RequestEvent::CorrectionNotice(D("2026-06-03"), D("2026-06-30")),
  };
  const RequestClockReport report = EvaluateOk(events, "2026-06-15");

  const DeadlineExplanation explanation = ExplainRequestClock(NationalCalendar(), report, events, D("2026-06-15"));

  EXPECT_FALSE(explanation.due.has_value());
  EXPECT_EQ(explanation.days.back().date, D("2026-06-15"));
  EXPECT_EQ(explanation.days.back().count, 0);
  EXPECT_EQ(explanation.days.back().note, "before the correction");
  for (size_t i = 1; i < explanation.days.size(); ++i) {
    EXPECT_TRUE(explanation.days[i].before_correction) << Iso(explanation.days[i].date);
    EXPECT_FALSE(explanation.days[i].due_day) << Iso(explanation.days[i].date) << ": no due date runs";
  }
}

TEST(ExplainRequestClock, AbandonedRequestListsToItsCorrectionDueDate) {
  std::vector<RequestEvent> events = {
      RequestEvent::Received(D("2026-06-01"), ReceiptChannel::kOnline),
      RequestEvent::CorrectionNotice(D("2026-06-03"), D("2026-06-12")),
  };
  // By the platform: no event closes it.
  const RequestClockReport platform = EvaluateOk(events, "2026-06-30");
  ASSERT_TRUE(platform.abandoned_by_platform);
  EXPECT_EQ(ExplainRequestClock(NationalCalendar(), platform, events, D("2026-06-30")).days.back().date,
            D("2026-06-12"));
  // By the desk's later step: it records the abandonment on the same day.
  events.push_back(RequestEvent::Abandoned(D("2026-06-22")));
  const RequestClockReport desk = EvaluateOk(events, "2026-06-30");
  EXPECT_EQ(ExplainRequestClock(NationalCalendar(), desk, events, D("2026-06-30")).days.back().date, D("2026-06-12"));
}

}  // namespace
}  // namespace gongkai::common
