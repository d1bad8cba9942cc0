#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/calendar/deadline_engine.h"
#include "common/calendar/request_clock.h"
#include "common/calendar/working_day_calendar.h"

namespace gongkai::common {

// Why a due date falls where it does, day by day: pure functions of a rule (or
// a request's clock report) and the calendar.

enum class ExplainedDayStatus {
  kClockStart,        // Day 0, not counted (期间开始之日不计算在内).
  kWorkingDay,        // Counted.
  kWeekend,           // Rest.
  kHoliday,           // Rest; holiday_name says which.
  kMakeupWorkingDay,  // A weekend day worked (调休上班): counted.
  kPaused,            // A working day a consultation kept from counting (Art. 32, 34).
  kRestart,           // The corrected request arrived (Art. 30): counting starts again after it.
  kCalendarDay,       // A day of a calendar-day period: counted whatever it is.
};

struct ExplainedDay {
  std::chrono::sys_days date = {};
  ExplainedDayStatus status = ExplainedDayStatus::kWorkingDay;
  std::string holiday_name = {};  // kHoliday: as the calendar file names it.
  bool counted = false;
  int count = 0;          // Days counted from the clock start through this day.
  std::string note = {};  // For people, in English; programs read status and the fields below.
  // The status rests on a year whose calendar is not loaded (weekends-only rule).
  bool provisional = false;
  // The request clock: the day falls while the request awaited its correction
  // (Art. 30), before a corrected request restarted the clock or with none
  // arriving, so it is not counted whatever the calendar says.
  bool before_correction = false;
  // The due date: the deadline is the end of this day.
  bool due_day = false;
  // kPaused: the consultation that paused the clock.
  std::string consultation_id = {};
  // kRestart: the corrected request arrived on the day of receipt (T0), with
  // the request itself, so that day is the restart.
  bool corrected_on_receipt = false;
};

struct DeadlineExplanation {
  std::string rule = {};  // The record kind: "penalty_decision", "request_reply".
  DayCount day_count = DayCount::kWorkingDays;
  std::chrono::sys_days clock_start = {};
  // Absent when a request's reply clock is not running (awaiting correction,
  // abandoned, withdrawn before the correction).
  std::optional<std::chrono::sys_days> due = {};
  int limit = 0;             // Days allowed (with any extension, for the request clock).
  bool provisional = false;  // Any listed day, or the due date, rests on a year not loaded.
  // The list stopped at kMaxExplainedDays before reaching its last day; `due`
  // is still the full answer.
  bool truncated = false;
  std::vector<ExplainedDay> days = {};
};

// The most days an explanation lists, its first day included.
inline constexpr size_t kMaxExplainedDays = 400;

// "WORKING_DAYS", "CALENDAR_DAYS", "ANNUAL_BY_JANUARY_31".
std::string_view DayCountName(DayCount day_count);

// A rule from `clock_start`, giving the deadline engine's due date:
// - working days: every day to the due date, each counted or not by the
//   calendar, with the count;
// - calendar days: the N days counted as CALENDAR_DAY; when the N-th is a rest
//   day, the days after it up to the first working day follow with their
//   calendar status, not counted: that working day is due (民法典 Art. 203);
// - the annual rule (due 31 January of the clock start's year, a fixed date
//   that does not move): the days from the clock start to 31 January as
//   CALENDAR_DAY, counted, the limit being their number; a clock start after
//   31 January lists the clock start alone, with limit 0 and the past due date.
// The due date, when listed, is `due_day`.
DeadlineExplanation ExplainRule(const DeadlineRule& rule, const WorkingDayCalendar& calendar,
                                std::chrono::sys_days clock_start);

// A request's reply clock, from its report and the events it was computed
// from: from the receipt T0 (CLOCK_START) to the due date, or, with no due
// date, to the day the request closed or `today`. After a correction the days
// from T0 to the corrected request's receipt (RESTART) are listed
// `before_correction` and not counted (so is every day while awaiting a
// correction that never came); working days inside the report's pauses are
// PAUSED with the consultation's id; the due date is `due_day`.
DeadlineExplanation ExplainRequestClock(const WorkingDayCalendar& calendar, const RequestClockReport& report,
                                        std::span<const RequestEvent> events, std::chrono::sys_days today);

}  // namespace gongkai::common
