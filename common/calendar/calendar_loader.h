#pragma once

#include <filesystem>
#include <string_view>

#include "common/calendar/checked.h"
#include "common/calendar/working_day_calendar.h"

namespace gongkai::common {

// Builds the calendar of `region` (e.g. "cn" or "cn-14") from the JSON files
// in `directory` (format: data/calendar/README.md). Every *.json file there is
// validated; those of `region` and of its ancestors apply, national first
// ("cn-2026.json"), then each overlay on top ("cn-14-2026.json"). A year is
// loaded when its national file is present.
//
// Errors name the file, the line where it can be found, the list and the date,
// e.g. `cn-2026.json:21: makeup_working_days: 2026-02-16 is also a holiday ...`.
Checked<WorkingDayCalendar> LoadCalendar(const std::filesystem::path& directory, std::string_view region);

}  // namespace gongkai::common
