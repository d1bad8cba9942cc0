#include "common/calendar/calendar_in_use.h"

#include <utility>

#include "common/calendar/calendar_loader.h"

namespace gongkai::common {

CalendarInUse::CalendarInUse(std::filesystem::path directory, std::string region)
    : directory_(std::move(directory)),
      region_(std::move(region)),
      current_(std::make_shared<const WorkingDayCalendar>()) {}

std::optional<std::string> CalendarInUse::Reload() {
  std::lock_guard<std::mutex> lock(reload_mutex_);
  Checked<WorkingDayCalendar> loaded = LoadCalendar(directory_, region_);
  if (!loaded.ok()) return loaded.error;
  std::shared_ptr<const WorkingDayCalendar> calendar =
      std::make_shared<const WorkingDayCalendar>(std::move(*loaded.value));
  {
    // Swap under the lock; the old calendar is freed outside it.
    std::lock_guard<std::mutex> swap(current_mutex_);
    current_.swap(calendar);
  }
  return std::nullopt;
}

std::shared_ptr<const WorkingDayCalendar> CalendarInUse::Current() const {
  std::lock_guard<std::mutex> lock(current_mutex_);
  return current_;
}

}  // namespace gongkai::common
