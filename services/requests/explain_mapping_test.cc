// The explained deadline on the wire, and a stored request's clock events.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/calendar/iso_date.h"
#include "services/requests/requests_mapping.h"

namespace gongkai::requests {
namespace {

using common::ExplainedDayStatus;
using common::v1::ExplainedDay;

common::Date Day(const char* iso) { return common::ParseIsoDate(iso).value(); }

common::DeadlineExplanation TwoDays() {
  common::DeadlineExplanation e;
  e.rule = "penalty_decision";
  e.day_count = common::DayCount::kWorkingDays;
  e.clock_start = Day("2026-09-30");
  e.due = Day("2026-10-15");
  e.limit = 7;
  e.provisional = true;
  e.days = {{.date = Day("2026-09-30"), .status = ExplainedDayStatus::kClockStart, .note = "decision date"},
            {.date = Day("2026-10-01"),
             .status = ExplainedDayStatus::kHoliday,
             .holiday_name = "国庆节 National Day",
             .provisional = true}};
  return e;
}

// A request's days with every structured field set.
common::DeadlineExplanation RequestDays() {
  common::DeadlineExplanation e;
  e.rule = "request_reply";
  e.days = {{.date = Day("2026-06-01"), .status = ExplainedDayStatus::kRestart, .corrected_on_receipt = true},
            {.date = Day("2026-06-02"), .status = ExplainedDayStatus::kWorkingDay, .before_correction = true},
            {.date = Day("2026-06-03"), .status = ExplainedDayStatus::kPaused, .consultation_id = "C-1"},
            {.date = Day("2026-06-04"), .status = ExplainedDayStatus::kWorkingDay, .counted = true, .due_day = true}};
  return e;
}

TEST(ExplanationMapping, EveryFieldOfTheExplanationAndItsDaysReachesTheWire) {
  common::v1::DeadlineExplanation out;
  ToProto(TwoDays(), &out);

  EXPECT_EQ(out.rule(), "penalty_decision");
  EXPECT_EQ(out.clock_start(), "2026-09-30");
  EXPECT_EQ(out.due(), "2026-10-15");
  EXPECT_EQ(out.limit(), 7);
  EXPECT_EQ(out.day_count(), "WORKING_DAYS");
  EXPECT_TRUE(out.provisional());
  ASSERT_EQ(out.days_size(), 2);
  EXPECT_EQ(out.days(0).status(), ExplainedDay::CLOCK_START);
  EXPECT_EQ(out.days(0).note(), "decision date");
  EXPECT_EQ(out.days(1).date(), "2026-10-01");
  EXPECT_EQ(out.days(1).status(), ExplainedDay::HOLIDAY);
  EXPECT_EQ(out.days(1).holiday_name(), "国庆节 National Day");
  EXPECT_FALSE(out.days(1).counted());
  EXPECT_TRUE(out.days(1).provisional());
}

TEST(ExplanationMapping, TheStructuredReasonsOfEachDayReachTheWire) {
  common::v1::DeadlineExplanation out;
  ToProto(RequestDays(), &out);

  ASSERT_EQ(out.days_size(), 4);
  EXPECT_TRUE(out.days(0).corrected_on_receipt());
  EXPECT_FALSE(out.days(0).before_correction());
  EXPECT_TRUE(out.days(1).before_correction());
  EXPECT_FALSE(out.days(1).due_day());
  EXPECT_EQ(out.days(2).consultation_id(), "C-1");
  EXPECT_EQ(out.days(1).consultation_id(), "");
  EXPECT_TRUE(out.days(3).due_day());
  EXPECT_FALSE(out.days(3).corrected_on_receipt());
  EXPECT_FALSE(out.days(3).before_correction());
}

TEST(ExplanationMapping, EveryDayStatusHasItsWireValue) {
  const std::vector<std::pair<ExplainedDayStatus, ExplainedDay::Status>> pairs = {
      {ExplainedDayStatus::kClockStart, ExplainedDay::CLOCK_START},
      {ExplainedDayStatus::kWorkingDay, ExplainedDay::WORKING_DAY},
      {ExplainedDayStatus::kWeekend, ExplainedDay::WEEKEND},
      {ExplainedDayStatus::kHoliday, ExplainedDay::HOLIDAY},
      {ExplainedDayStatus::kMakeupWorkingDay, ExplainedDay::MAKEUP_WORKING_DAY},
      {ExplainedDayStatus::kPaused, ExplainedDay::PAUSED},
      {ExplainedDayStatus::kRestart, ExplainedDay::RESTART},
      {ExplainedDayStatus::kCalendarDay, ExplainedDay::CALENDAR_DAY},
  };
  for (const auto& [status, wire] : pairs) {
    common::DeadlineExplanation e;
    e.days = {{.date = Day("2026-06-01"), .status = status}};
    common::v1::DeadlineExplanation out;
    ToProto(e, &out);
    EXPECT_EQ(out.days(0).status(), wire) << ExplainedDay::Status_Name(wire);
  }
}

TEST(ExplanationMapping, NoDueDateIsAnEmptyDueAndACutListSaysSo) {
  common::DeadlineExplanation e = TwoDays();
  e.due = std::nullopt;
  e.truncated = true;
  common::v1::DeadlineExplanation out;
  ToProto(e, &out);

  EXPECT_EQ(out.due(), "");
  EXPECT_TRUE(out.truncated());
}

TEST(ExplanationMapping, StoredStepsBecomeClockEventsAndRecordsTheClockIgnoresAreLeftOut) {
  StoredRequest r;
  r.channel = v1::IN_PERSON;
  for (auto [type, date] :
       {std::pair{v1::Step::RECEIVED, "2026-06-01"}, std::pair{v1::Step::CONSULTATION_STARTED, "2026-06-03"},
        std::pair{v1::Step::REPLIED, "2026-06-20"}, std::pair{v1::Step::REVIEW_FILED, "2026-07-01"}}) {
    v1::Step step;
    step.set_type(type);
    step.set_date(date);
    step.set_consultation_id("C-1");
    r.steps.push_back(step.SerializeAsString());
  }

  const std::vector<common::RequestEvent> events = EventsOf(r);

  ASSERT_EQ(events.size(), 3u) << "the review record is not a clock event";
  EXPECT_EQ(events[0].type, common::RequestEventType::kReceived);
  EXPECT_EQ(events[0].channel, common::ReceiptChannel::kInPerson);
  EXPECT_EQ(events[1].type, common::RequestEventType::kConsultationStarted);
  EXPECT_EQ(events[1].consultation_id, "C-1");
  EXPECT_EQ(events[1].date, Day("2026-06-03"));
  EXPECT_EQ(events[2].type, common::RequestEventType::kReplied);
}

}  // namespace
}  // namespace gongkai::requests
