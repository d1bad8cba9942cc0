#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gongkai::common {

// A calendar answer. `provisional` is set when the answer rests on a day of a
// year whose official schedule is not loaded: such days follow the
// weekends-only rule, and the answer must be recomputed once the year arrives.
template <typename T>
struct CalendarAnswer {
  T value;
  bool provisional = false;

  bool operator==(const CalendarAnswer&) const = default;
};

// One year's official schedule for one region, after overlays are merged.
struct YearSchedule {
  int year = 0;
  std::vector<std::chrono::sys_days> holidays;             // Rest days.
  std::vector<std::chrono::sys_days> makeup_working_days;  // Worked weekend days (调休上班).
  // The name of each listed holiday's rest days ("国庆节 National Day"); a
  // holiday without an entry here has no name.
  std::map<std::chrono::sys_days, std::string> holiday_names;
};

// The official working-day calendar of one region: weekends are rest unless a
// make-up working day, listed holidays are rest. Immutable once built, so it is
// safe to read from any thread; share it as shared_ptr<const WorkingDayCalendar>.
//
// Day counting follows 期间开始之日不计算在内: the event day is day 0 and is not
// counted. Every call is O(1): a prefix count of working days over the loaded
// span, an index of its working days, and a closed weekday formula outside it.
class WorkingDayCalendar {
 public:
  // Nothing loaded: weekends-only, every answer provisional.
  WorkingDayCalendar() = default;
  // `years` must be distinct, each schedule's dates inside its year, and no
  // date both a holiday and a make-up day (LoadCalendar checks all three).
  // Years between the first and the last that are missing stay provisional.
  WorkingDayCalendar(std::string region, std::vector<YearSchedule> years);

  const std::string& region() const { return region_; }
  const std::vector<int>& loaded_years() const { return loaded_years_; }
  bool IsYearLoaded(int year) const;

  CalendarAnswer<bool> IsWorkingDay(std::chrono::sys_days date) const;

  // The name of the holiday `date` is a rest day of, as its schedule names
  // it; nullopt for any other day (working days, plain weekends, days of
  // years not loaded). Valid as long as the calendar.
  std::optional<std::string_view> HolidayName(std::chrono::sys_days date) const;

  // The n-th working day after `date` (n > 0); `date` itself for n == 0; the
  // |n|-th working day before it for n < 0. The result of n > 0 is the deadline
  // day of an "n working days" period that starts on `date`.
  CalendarAnswer<std::chrono::sys_days> AddWorkingDays(std::chrono::sys_days date, int n) const;

  // Number of working days in (from, to]; negative when to < from, so that
  // WorkingDaysBetween(d, AddWorkingDays(d, n)) == n for every n >= 0.
  CalendarAnswer<int> WorkingDaysBetween(std::chrono::sys_days from, std::chrono::sys_days to) const;

  // The n-th (1-based) working day of the month; nullopt when n < 1 or the
  // month has fewer working days (provisional if that rests on an unloaded year).
  CalendarAnswer<std::optional<std::chrono::sys_days>> NthWorkingDayOfMonth(std::chrono::year_month month, int n) const;

 private:
  // Day numbers count days since 1970-01-01.
  int64_t WorkingDaysBefore(int64_t day) const;
  int64_t FirstDayWithWorkingDaysBefore(int64_t count) const;
  bool TouchesUnloadedDay(int64_t first_day, int64_t last_day) const;

  std::string region_;
  std::vector<int> loaded_years_;  // Ascending.
  // Loaded span [span_begin_, span_end_): 1 January of the first loaded year to
  // 1 January after the last one. Empty when nothing is loaded.
  int64_t span_begin_ = 0;
  int64_t span_end_ = 0;
  // working_before_[i]: working days in [span_begin_, span_begin_ + i).
  std::vector<int32_t> working_before_;
  // working_day_offsets_[k]: offset from span_begin_ of the span's (k+1)-th working day.
  std::vector<int32_t> working_day_offsets_;
  // unloaded_before_[i]: days of unloaded years in [span_begin_, span_begin_ + i);
  // empty when the loaded years have no gap.
  std::vector<int32_t> unloaded_before_;
  // Names of the rest days of listed holidays.
  std::map<std::chrono::sys_days, std::string> holiday_names_;
};

}  // namespace gongkai::common
