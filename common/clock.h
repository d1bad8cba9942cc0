#pragma once

#include <chrono>
#include <memory>
#include <mutex>

namespace gongkai::common {

class Config;

// A calendar date. Dates cross every layer boundary as this type; ISO text
// ("YYYY-MM-DD") is only the wire and storage form (calendar/iso_date.h).
using Date = std::chrono::sys_days;

// The calendar date in Asia/Shanghai (UTC+8, no daylight saving) of an
// instant: every deadline in the platform is counted in these dates.
inline Date ShanghaiDate(std::chrono::system_clock::time_point t) {
  return std::chrono::floor<std::chrono::days>(t + std::chrono::hours(8));
}

// Where "now" and "today" come from. Every service and domain function that
// needs today's date takes it from a Clock (or is handed the date), so tests
// set the day they need instead of depending on the machine's.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point Now() const = 0;
  // Today in Asia/Shanghai.
  Date Today() const { return ShanghaiDate(Now()); }
};

// The machine's clock.
class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point Now() const override { return std::chrono::system_clock::now(); }
};

// A clock whose date is set, with the machine's time of day (so instants
// still move forward within the day); for tests, and for processes started
// by tests with a pinned date (ClockFromConfig). Thread-safe.
class PinnedClock final : public Clock {
 public:
  explicit PinnedClock(Date day) : day_(day) {}
  std::chrono::system_clock::time_point Now() const override;
  void Set(Date day);

 private:
  mutable std::mutex mutex_;
  Date day_;  // guarded by mutex_
};

// The process's clock: the machine's, unless GONGKAI_PINNED_DATE names a
// date, which is refused (a configuration error) unless
// GONGKAI_ALLOW_PINNED_CLOCK is also set: a production configuration never
// runs on a pinned date by accident. A pinned clock is logged as a warning
// at start.
std::shared_ptr<const Clock> ClockFromConfig(Config& config);

}  // namespace gongkai::common
