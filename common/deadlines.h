#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "common/calendar/calendar_in_use.h"
#include "common/calendar/deadline_engine.h"
#include "common/clock.h"
#include "common/config.h"
#include "gongkai/common/v1/timeliness.pb.h"

namespace gongkai::common {

// The deadline engine bound to the calendar in use: what services call to put
// the timeliness block on a record. Deadlines are computed when a record is
// read, from its stored clock-start and done dates, so a provisional deadline
// is recomputed as soon as the missing year's calendar is loaded.
class Deadlines {
 public:
  Deadlines(std::unique_ptr<CalendarInUse> calendars, DeadlineEngine engine);

  // Reads GONGKAI_CALENDAR_DIR, GONGKAI_CALENDAR_REGION and
  // GONGKAI_DEADLINE_OVERRIDES; a bad override table is a configuration error.
  // The calendar is loaded by Reload().
  static std::unique_ptr<Deadlines> FromConfig(Config& config);

  // Reloads the calendar files; on failure the calendar in use stays and the
  // error is returned.
  std::optional<std::string> Reload();

  // The timeliness block of a record of `kind` whose clock started on
  // `clock_start` and that was done on `done` (nullopt when not done), as of
  // `today`. All dates Asia/Shanghai.
  v1::Timeliness Assess(RecordKind kind, Date clock_start, std::optional<Date> done, Date today) const;

  std::shared_ptr<const WorkingDayCalendar> calendar() const { return calendars_->Current(); }
  const DeadlineEngine& engine() const { return engine_; }

 private:
  std::unique_ptr<CalendarInUse> calendars_;
  DeadlineEngine engine_;
};

}  // namespace gongkai::common
