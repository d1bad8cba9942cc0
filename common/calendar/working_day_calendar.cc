#include "common/calendar/working_day_calendar.h"

#include <algorithm>
#include <cassert>
#include <utility>

namespace gongkai::common {
namespace {

using std::chrono::sys_days;

int64_t DayNumber(sys_days date) { return date.time_since_epoch().count(); }
sys_days FromDayNumber(int64_t day) { return sys_days{std::chrono::days{day}}; }

int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// Day 0, 1970-01-01, is a Thursday. kWeekdaysIn[r]: Monday-to-Friday days among
// the first r days of a week that starts on a Thursday (Thu Fri Sat Sun Mon Tue Wed).
constexpr int64_t kWeekdaysIn[7] = {0, 1, 2, 2, 2, 3, 4};
// kDaysToReach[r]: fewest days from a Thursday that contain r weekdays (r < 5).
constexpr int64_t kDaysToReach[5] = {0, 1, 2, 5, 6};

// Weekdays in [day 0, day), negative for days before day 0: the weekends-only
// rule in closed form, used outside the loaded years.
int64_t WeekdaysBefore(int64_t day) {
  const int64_t weeks = FloorDiv(day, 7);
  return 5 * weeks + kWeekdaysIn[day - 7 * weeks];
}

// Smallest day with WeekdaysBefore(day) >= count.
int64_t FirstDayWithWeekdaysBefore(int64_t count) {
  const int64_t weeks = FloorDiv(count, 5);
  return 7 * weeks + kDaysToReach[count - 5 * weeks];
}

bool IsWeekday(int64_t day) {
  const unsigned weekday = std::chrono::weekday{FromDayNumber(day)}.c_encoding();
  return weekday != 0 && weekday != 6;
}

int64_t JanuaryFirst(int year) { return DayNumber(sys_days{std::chrono::year{year} / std::chrono::January / 1}); }

}  // namespace

WorkingDayCalendar::WorkingDayCalendar(std::string region, std::vector<YearSchedule> years)
    : region_(std::move(region)) {
  if (years.empty()) return;
  std::sort(years.begin(), years.end(), [](const YearSchedule& a, const YearSchedule& b) { return a.year < b.year; });
  for (const YearSchedule& schedule : years) loaded_years_.push_back(schedule.year);
  assert(std::adjacent_find(loaded_years_.begin(), loaded_years_.end()) == loaded_years_.end());

  span_begin_ = JanuaryFirst(loaded_years_.front());
  span_end_ = JanuaryFirst(loaded_years_.back() + 1);
  const int64_t span_days = span_end_ - span_begin_;

  std::vector<char> working(static_cast<size_t>(span_days));
  for (int64_t i = 0; i < span_days; ++i) working[i] = IsWeekday(span_begin_ + i);
  // Offset of a listed date; dates outside the span break the precondition.
  const auto offset = [&](sys_days date) {
    const int64_t i = DayNumber(date) - span_begin_;
    assert(i >= 0 && i < span_days);
    return static_cast<size_t>(std::clamp<int64_t>(i, 0, span_days - 1));
  };
  for (const YearSchedule& schedule : years) {
    for (sys_days date : schedule.holidays) working[offset(date)] = 0;
    for (sys_days date : schedule.makeup_working_days) working[offset(date)] = 1;
  }
  for (YearSchedule& schedule : years) {
    for (auto& [date, name] : schedule.holiday_names) {
      const int64_t i = DayNumber(date) - span_begin_;
      if (i >= 0 && i < span_days && !working[i]) holiday_names_.emplace(date, std::move(name));
    }
  }

  working_before_.resize(static_cast<size_t>(span_days) + 1);
  for (int64_t i = 0; i < span_days; ++i) {
    working_before_[i + 1] = working_before_[i] + working[i];
    if (working[i]) working_day_offsets_.push_back(static_cast<int32_t>(i));
  }

  const bool has_gap = loaded_years_.back() - loaded_years_.front() + 1 != static_cast<int>(loaded_years_.size());
  if (has_gap) {
    unloaded_before_.resize(static_cast<size_t>(span_days) + 1);
    for (int64_t i = 0; i < span_days; ++i) {
      const int year = static_cast<int>(std::chrono::year_month_day{FromDayNumber(span_begin_ + i)}.year());
      unloaded_before_[i + 1] = unloaded_before_[i] + (IsYearLoaded(year) ? 0 : 1);
    }
  }
}

bool WorkingDayCalendar::IsYearLoaded(int year) const {
  return std::binary_search(loaded_years_.begin(), loaded_years_.end(), year);
}

// Working days in [span_begin_, day), extended below and above the span by the
// weekends-only rule (negative below it).
int64_t WorkingDayCalendar::WorkingDaysBefore(int64_t day) const {
  if (day < span_begin_ || span_begin_ == span_end_) {
    return WeekdaysBefore(day) - WeekdaysBefore(span_begin_);
  }
  if (day <= span_end_) return working_before_[day - span_begin_];
  return working_before_.back() + WeekdaysBefore(day) - WeekdaysBefore(span_end_);
}

// Inverse of WorkingDaysBefore: the smallest day with WorkingDaysBefore(day) >= count.
int64_t WorkingDayCalendar::FirstDayWithWorkingDaysBefore(int64_t count) const {
  const int64_t span_total = working_before_.empty() ? 0 : working_before_.back();
  if (count <= 0 || span_begin_ == span_end_) {
    return FirstDayWithWeekdaysBefore(count + WeekdaysBefore(span_begin_));
  }
  if (count <= span_total) return span_begin_ + working_day_offsets_[count - 1] + 1;
  return FirstDayWithWeekdaysBefore(count - span_total + WeekdaysBefore(span_end_));
}

bool WorkingDayCalendar::TouchesUnloadedDay(int64_t first_day, int64_t last_day) const {
  if (first_day > last_day) return false;
  if (first_day < span_begin_ || last_day >= span_end_) return true;
  return !unloaded_before_.empty() &&
         unloaded_before_[last_day + 1 - span_begin_] != unloaded_before_[first_day - span_begin_];
}

CalendarAnswer<bool> WorkingDayCalendar::IsWorkingDay(sys_days date) const {
  const int64_t day = DayNumber(date);
  return {WorkingDaysBefore(day + 1) != WorkingDaysBefore(day), TouchesUnloadedDay(day, day)};
}

std::optional<std::string_view> WorkingDayCalendar::HolidayName(sys_days date) const {
  const auto it = holiday_names_.find(date);
  if (it == holiday_names_.end()) return std::nullopt;
  return it->second;
}

CalendarAnswer<sys_days> WorkingDayCalendar::AddWorkingDays(sys_days date, int n) const {
  const int64_t day = DayNumber(date);
  if (n == 0) return {date, false};
  if (n > 0) {
    // The answer x is the working day with exactly n working days in (day, x].
    const int64_t x = FirstDayWithWorkingDaysBefore(WorkingDaysBefore(day + 1) + n) - 1;
    return {FromDayNumber(x), TouchesUnloadedDay(day + 1, x)};
  }
  // The answer x is the working day with exactly -n working days in [x, day).
  const int64_t x = FirstDayWithWorkingDaysBefore(WorkingDaysBefore(day) + n + 1) - 1;
  return {FromDayNumber(x), TouchesUnloadedDay(x, day - 1)};
}

CalendarAnswer<int> WorkingDayCalendar::WorkingDaysBetween(sys_days from, sys_days to) const {
  const int64_t a = DayNumber(from);
  const int64_t b = DayNumber(to);
  const int64_t count = WorkingDaysBefore(b + 1) - WorkingDaysBefore(a + 1);
  const bool provisional = a < b ? TouchesUnloadedDay(a + 1, b) : TouchesUnloadedDay(b + 1, a);
  return {static_cast<int>(count), provisional};
}

CalendarAnswer<std::optional<sys_days>> WorkingDayCalendar::NthWorkingDayOfMonth(std::chrono::year_month month,
                                                                                 int n) const {
  if (n < 1 || n > 31 || !month.ok()) return {std::nullopt, false};
  const sys_days last_of_previous = sys_days{month / 1} - std::chrono::days{1};
  const CalendarAnswer<sys_days> answer = AddWorkingDays(last_of_previous, n);
  if (std::chrono::year_month_day{answer.value}.month() != month.month()) {
    const sys_days last_of_month = sys_days{month / std::chrono::last};
    return {std::nullopt, WorkingDaysBetween(last_of_previous, last_of_month).provisional};
  }
  return {answer.value, answer.provisional};
}

}  // namespace gongkai::common
