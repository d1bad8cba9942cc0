#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "common/calendar/working_day_calendar.h"

namespace gongkai::common {

enum class TimelinessStatus {
  kOnTime,       // Done on or before the due date.
  kLate,         // Done after the due date.
  kPending,      // Not done, due date not passed.
  kOverdue,      // Not done, due date passed.
  kVeryOverdue,  // Not done, past twice the limit.
};

// "ON_TIME", "LATE", "PENDING", "OVERDUE", "VERY_OVERDUE".
std::string_view TimelinessStatusName(TimelinessStatus status);

// A deadline is the end (24:00 Asia/Shanghai) of `due`; the step is very
// overdue once a day after `very_overdue_after` arrives undone.
struct Deadline {
  CalendarAnswer<std::chrono::sys_days> due;
  CalendarAnswer<std::chrono::sys_days> very_overdue_after;
};

struct Timeliness {
  std::chrono::sys_days clock_start;
  std::chrono::sys_days due;
  std::optional<std::chrono::sys_days> done;
  TimelinessStatus status = TimelinessStatus::kPending;
  // Done: working days in (due, done], 0 when on time. Not done: working days
  // in (due, today], 0 while pending. A step done on the rest day right after
  // its due date is LATE with lag 0.
  int lag_working_days = 0;
  bool provisional = false;
};

// Dates, not timestamps: callers convert a "done" instant to its
// Asia/Shanghai date first.
Timeliness AssessDeadline(const WorkingDayCalendar& calendar, std::chrono::sys_days clock_start,
                          const Deadline& deadline, std::optional<std::chrono::sys_days> done,
                          std::chrono::sys_days today);

}  // namespace gongkai::common
