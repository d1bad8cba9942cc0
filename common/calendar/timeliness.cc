#include "common/calendar/timeliness.h"

namespace gongkai::common {

std::string_view TimelinessStatusName(TimelinessStatus status) {
  switch (status) {
    case TimelinessStatus::kOnTime: return "ON_TIME";
    case TimelinessStatus::kLate: return "LATE";
    case TimelinessStatus::kPending: return "PENDING";
    case TimelinessStatus::kOverdue: return "OVERDUE";
    case TimelinessStatus::kVeryOverdue: return "VERY_OVERDUE";
  }
  return "UNKNOWN";
}

Timeliness AssessDeadline(const WorkingDayCalendar& calendar, std::chrono::sys_days clock_start,
                          const Deadline& deadline, std::optional<std::chrono::sys_days> done,
                          std::chrono::sys_days today) {
  Timeliness result{
      .clock_start = clock_start, .due = deadline.due.value, .done = done, .provisional = deadline.due.provisional};
  const std::chrono::sys_days until = done.value_or(today);
  if (until <= deadline.due.value) {
    result.status = done ? TimelinessStatus::kOnTime : TimelinessStatus::kPending;
    return result;
  }
  const CalendarAnswer<int> lag = calendar.WorkingDaysBetween(deadline.due.value, until);
  result.lag_working_days = lag.value;
  result.provisional = result.provisional || lag.provisional;
  if (done) {
    result.status = TimelinessStatus::kLate;
  } else {
    result.status =
        today > deadline.very_overdue_after.value ? TimelinessStatus::kVeryOverdue : TimelinessStatus::kOverdue;
    result.provisional = result.provisional || deadline.very_overdue_after.provisional;
  }
  return result;
}

}  // namespace gongkai::common
