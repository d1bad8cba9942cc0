#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/calendar/working_day_calendar.h"

namespace gongkai::common {

// The calendar in use, replaced only by a successful reload: a bad file
// published in November must not take deadlines down with it.
class CalendarInUse {
 public:
  // Until the first successful Reload(), Current() is the empty calendar
  // (weekends only, every answer provisional).
  CalendarInUse(std::filesystem::path directory, std::string region);

  CalendarInUse(const CalendarInUse&) = delete;
  CalendarInUse& operator=(const CalendarInUse&) = delete;

  // Loads the directory again; on success swaps the new calendar in and returns
  // nullopt, otherwise keeps the calendar in use and returns the error.
  [[nodiscard]] std::optional<std::string> Reload();

  // Cheap and thread-safe; hold the pointer for the length of one computation
  // so that every date in it comes from the same calendar.
  std::shared_ptr<const WorkingDayCalendar> Current() const;

 private:
  const std::filesystem::path directory_;
  const std::string region_;
  std::mutex reload_mutex_;  // Serialises reloads; held while loading, readers never take it.
  // A plain mutex rather than std::atomic<std::shared_ptr>: libstdc++ 12's
  // atomic load releases its lock with relaxed order, a race TSan reports.
  mutable std::mutex current_mutex_;
  std::shared_ptr<const WorkingDayCalendar> current_;  // Guarded by current_mutex_.
};

}  // namespace gongkai::common
