#include "common/clock.h"

#include "common/calendar/iso_date.h"
#include "common/config.h"
#include "common/log.h"

namespace gongkai::common {

std::chrono::system_clock::time_point PinnedClock::Now() const {
  const auto now = std::chrono::system_clock::now();
  const auto time_of_day = now + std::chrono::hours(8) - ShanghaiDate(now);
  std::lock_guard lock(mutex_);
  return day_ - std::chrono::hours(8) + time_of_day;
}

void PinnedClock::Set(Date day) {
  std::lock_guard lock(mutex_);
  day_ = day;
}

std::shared_ptr<const Clock> ClockFromConfig(Config& config) {
  const std::string pinned = config.String(
      "GONGKAI_PINNED_DATE", "", "tests only: run on this date (YYYY-MM-DD); needs GONGKAI_ALLOW_PINNED_CLOCK");
  const bool allowed =
      config.Bool("GONGKAI_ALLOW_PINNED_CLOCK", false, "tests only: accept GONGKAI_PINNED_DATE; never in production");
  if (pinned.empty()) return std::make_shared<SystemClock>();
  auto day = ParseIsoDate(pinned);
  if (!day) {
    config.Fail("GONGKAI_PINNED_DATE", "must be a date YYYY-MM-DD");
    return std::make_shared<SystemClock>();
  }
  if (!allowed) {
    config.Fail("GONGKAI_PINNED_DATE", "a pinned date is for tests: set GONGKAI_ALLOW_PINNED_CLOCK=true to accept it");
    return std::make_shared<SystemClock>();
  }
  Log(LogLevel::kWarning, "clock_pinned_for_tests",
      {{"date", pinned}, {"note", "today is not the real date: this process must not serve production"}});
  return std::make_shared<PinnedClock>(*day);
}

}  // namespace gongkai::common
