#include "common/calendar/explain.h"

#include <utility>

#include "common/calendar/iso_date.h"

namespace gongkai::common {
namespace {

using std::chrono::days;
using std::chrono::sys_days;

constexpr std::string_view kDueNote = "due: the end of this day";
constexpr std::string_view kBeforeCorrection = "before the correction";

bool IsWeekend(sys_days date) {
  const unsigned weekday = std::chrono::weekday{date}.c_encoding();
  return weekday == 0 || weekday == 6;
}

bool IsWorking(ExplainedDayStatus status) {
  return status == ExplainedDayStatus::kWorkingDay || status == ExplainedDayStatus::kMakeupWorkingDay;
}

// The day as the calendar has it, not yet counted.
ExplainedDay CalendarStatus(const WorkingDayCalendar& calendar, sys_days date) {
  const CalendarAnswer<bool> working = calendar.IsWorkingDay(date);
  ExplainedDay day{.date = date, .provisional = working.provisional};
  const std::optional<std::string_view> holiday = calendar.HolidayName(date);
  if (working.value) {
    day.status = IsWeekend(date) ? ExplainedDayStatus::kMakeupWorkingDay : ExplainedDayStatus::kWorkingDay;
  } else if (holiday || !IsWeekend(date)) {
    day.status = ExplainedDayStatus::kHoliday;
    day.holiday_name = std::string(holiday.value_or(""));
  } else {
    day.status = ExplainedDayStatus::kWeekend;
  }
  return day;
}

// Appends `day` unless the list is full, in which case the explanation is
// marked truncated and false returned.
bool Append(DeadlineExplanation& out, ExplainedDay day) {
  if (out.days.size() >= kMaxExplainedDays) {
    out.truncated = true;
    return false;
  }
  out.provisional = out.provisional || day.provisional;
  out.days.push_back(std::move(day));
  return true;
}

void ExplainWorkingDays(const WorkingDayCalendar& calendar, int limit, DeadlineExplanation& out) {
  const CalendarAnswer<sys_days> due = calendar.AddWorkingDays(out.clock_start, limit);
  out.limit = limit;
  out.due = due.value;
  out.provisional = due.provisional;
  int count = 0;
  for (sys_days date = out.clock_start + days{1}; date <= due.value; date += days{1}) {
    ExplainedDay day = CalendarStatus(calendar, date);
    day.counted = IsWorking(day.status);
    count += day.counted ? 1 : 0;
    day.count = count;
    if (date == due.value) {
      day.note = kDueNote;
      day.due_day = true;
    }
    if (!Append(out, std::move(day))) return;
  }
}

// 民法典 Art. 203: a period whose last day is a rest day ends on the next working day.
void ExplainCalendarDays(const WorkingDayCalendar& calendar, int limit, DeadlineExplanation& out) {
  const sys_days last = out.clock_start + days{limit};
  const CalendarAnswer<sys_days> due = calendar.AddWorkingDays(last - days{1}, 1);  // On or after `last`.
  out.limit = limit;
  out.due = due.value;
  out.provisional = due.provisional;
  for (sys_days date = out.clock_start + days{1}; date <= due.value; date += days{1}) {
    ExplainedDay day = CalendarStatus(calendar, date);
    if (date <= last) {
      day.counted = true;
      day.count = static_cast<int>((date - out.clock_start).count());
      if (date == last && date != due.value) {
        day.note = "day " + std::to_string(limit) + " is a rest day" +
                   (day.holiday_name.empty() ? std::string() : " (" + day.holiday_name + ")") +
                   ": the period ends on the next working day (民法典 Art. 203)";
      }
      day.status = ExplainedDayStatus::kCalendarDay;
      day.holiday_name.clear();
      day.provisional = day.provisional && date == last;  // Only the last day's status matters.
    } else {
      day.count = limit;
    }
    if (date == due.value) {
      day.note = date == last ? std::string(kDueNote) : "due: the first working day after the period (民法典 Art. 203)";
      day.due_day = true;
    }
    if (!Append(out, std::move(day))) return;
  }
}

// Due 31 January of the clock start's year, a fixed date.
void ExplainAnnual(DeadlineExplanation& out) {
  const sys_days due{std::chrono::year_month_day{out.clock_start}.year() / std::chrono::January / 31};
  out.due = due;
  if (due < out.clock_start) {
    out.days.front().note += "; after 31 January: the year's list was due on " + FormatIsoDate(due);
    return;
  }
  out.limit = static_cast<int>((due - out.clock_start).count());
  for (sys_days date = out.clock_start + days{1}; date <= due; date += days{1}) {
    ExplainedDay day{.date = date,
                     .status = ExplainedDayStatus::kCalendarDay,
                     .counted = true,
                     .count = static_cast<int>((date - out.clock_start).count())};
    if (date == due) {
      day.note = "due: 31 January, a fixed date that does not move to a working day";
      day.due_day = true;
    }
    if (!Append(out, std::move(day))) return;
  }
}

// The consultation whose pause holds `date`, or null.
const RequestPause* PauseOf(const std::vector<RequestPause>& pauses, sys_days date) {
  for (const RequestPause& pause : pauses) {
    if (pause.after < date && date <= pause.through) return &pause;
  }
  return nullptr;
}

}  // namespace

std::string_view DayCountName(DayCount day_count) {
  switch (day_count) {
    case DayCount::kWorkingDays: return "WORKING_DAYS";
    case DayCount::kCalendarDays: return "CALENDAR_DAYS";
    case DayCount::kAnnualByJanuary31: return "ANNUAL_BY_JANUARY_31";
  }
  return "UNKNOWN";
}

DeadlineExplanation ExplainRule(const DeadlineRule& rule, const WorkingDayCalendar& calendar, sys_days clock_start) {
  DeadlineExplanation out{
      .rule = std::string(RecordKindName(rule.kind)), .day_count = rule.day_count, .clock_start = clock_start};
  Append(out, {.date = clock_start,
               .status = ExplainedDayStatus::kClockStart,
               .note = std::string(rule.clock_start) + ": day 0, not counted"});
  switch (rule.day_count) {
    case DayCount::kWorkingDays: ExplainWorkingDays(calendar, rule.count, out); break;
    case DayCount::kCalendarDays: ExplainCalendarDays(calendar, rule.count, out); break;
    case DayCount::kAnnualByJanuary31: ExplainAnnual(out); break;
  }
  return out;
}

DeadlineExplanation ExplainRequestClock(const WorkingDayCalendar& calendar, const RequestClockReport& report,
                                        std::span<const RequestEvent> events, sys_days today) {
  DeadlineExplanation out{.rule = std::string(RecordKindName(RecordKind::kRequestReply)),
                          .day_count = DayCount::kWorkingDays,
                          .clock_start = report.clock_start,
                          .limit = report.limit_working_days};
  std::optional<sys_days> restart;
  std::optional<sys_days> closed;
  for (const RequestEvent& event : events) {
    if (event.type == RequestEventType::kCorrectedReceived) restart = event.date;
    if (event.type == RequestEventType::kReplied || event.type == RequestEventType::kWithdrawn ||
        event.type == RequestEventType::kAbandoned) {
      closed = event.date;
    }
  }
  // Abandoned by the platform: no event closes it; by the desk: its step only
  // records an abandonment on the correction due date.
  if (report.abandoned_on) closed = *report.abandoned_on;
  sys_days last = closed ? std::min(today, *closed) : today;
  if (report.due) {
    out.due = report.due->value;
    out.provisional = report.due->provisional;
    last = report.due->value;
  }

  const bool restarted_on_receipt = restart == report.received;
  Append(out, {.date = report.received,
               .status = restarted_on_receipt ? ExplainedDayStatus::kRestart : ExplainedDayStatus::kClockStart,
               .note = restarted_on_receipt
                           ? "request received (T0) with its correction: day 0, not counted; the clock starts from "
                             "the next day (Art. 30)"
                           : "request received (T0): day 0, not counted",
               .corrected_on_receipt = restarted_on_receipt});
  int count = 0;
  for (sys_days date = report.received + days{1}; date <= last; date += days{1}) {
    ExplainedDay day;
    if (restart && date == *restart) {
      day = {.date = date,
             .status = ExplainedDayStatus::kRestart,
             .note = "corrected request received: the clock starts again from day 0 (Art. 30)"};
    } else {
      day = CalendarStatus(calendar, date);
      const bool before_correction = restart ? date < *restart : !report.due.has_value();
      const RequestPause* pause = PauseOf(report.pauses, date);
      if (before_correction) {
        day.note = kBeforeCorrection;
        day.before_correction = true;
      } else if (IsWorking(day.status) && pause != nullptr) {
        day.status = ExplainedDayStatus::kPaused;
        day.note = "consultation " + pause->consultation_id + " pauses the clock: not counted (Art. 32, 34)";
        day.consultation_id = pause->consultation_id;
      } else if (IsWorking(day.status)) {
        day.counted = true;
        ++count;
      }
    }
    day.count = count;
    if (report.due && date == report.due->value) {
      day.note = kDueNote;
      day.due_day = true;
    }
    if (!Append(out, std::move(day))) break;
  }
  return out;
}

}  // namespace gongkai::common
