#include "common/deadlines.h"

#include "common/calendar/iso_date.h"
#include "common/log.h"

namespace gongkai::common {
namespace {

v1::Timeliness::Status StatusToProto(TimelinessStatus status) {
  switch (status) {
    case TimelinessStatus::kOnTime: return v1::Timeliness::ON_TIME;
    case TimelinessStatus::kLate: return v1::Timeliness::LATE;
    case TimelinessStatus::kPending: return v1::Timeliness::PENDING;
    case TimelinessStatus::kOverdue: return v1::Timeliness::OVERDUE;
    case TimelinessStatus::kVeryOverdue: return v1::Timeliness::VERY_OVERDUE;
  }
  return v1::Timeliness::STATUS_UNSPECIFIED;
}

}  // namespace

Deadlines::Deadlines(std::unique_ptr<CalendarInUse> calendars, DeadlineEngine engine)
    : calendars_(std::move(calendars)), engine_(std::move(engine)) {}

std::unique_ptr<Deadlines> Deadlines::FromConfig(Config& config) {
  std::string dir = config.String("GONGKAI_CALENDAR_DIR", GONGKAI_DEFAULT_CALENDAR_DIR,
                                  "folder of working-day calendar files (data/calendar)");
  std::string region = config.String("GONGKAI_CALENDAR_REGION", "cn",
                                     "calendar region: national files plus this region's overlays (e.g. cn-14)");
  std::string overrides = config.String("GONGKAI_DEADLINE_OVERRIDES", "",
                                        "JSON object of record kind -> days, overriding DOMAIN.md's defaults");
  DeadlineEngine engine;
  if (!overrides.empty()) {
    auto checked = DeadlineEngine::WithOverrides(overrides);
    if (!checked.ok()) {
      Log(LogLevel::kError, "configuration", {{"setting", "GONGKAI_DEADLINE_OVERRIDES"}, {"reason", checked.error}});
      std::exit(2);
    }
    engine = std::move(*checked.value);
  }
  return std::make_unique<Deadlines>(std::make_unique<CalendarInUse>(dir, region), std::move(engine));
}

std::optional<std::string> Deadlines::Reload() {
  auto error = calendars_->Reload();
  if (error) {
    Log(LogLevel::kError, "calendar_reload_failed", {{"reason", *error}});
  } else {
    Log(LogLevel::kInfo, "calendar_loaded");
  }
  return error;
}

v1::Timeliness Deadlines::Assess(RecordKind kind, Date clock_start, std::optional<Date> done, Date today) const {
  v1::Timeliness out;
  out.set_rule(std::string(RecordKindName(kind)));
  auto calendar = calendars_->Current();
  Timeliness t = engine_.Assess(*calendar, kind, clock_start, done, today);
  out.set_clock_start(FormatIsoDate(t.clock_start));
  out.set_due(FormatIsoDate(t.due));
  if (t.done) out.set_done(FormatIsoDate(*t.done));
  out.set_status(StatusToProto(t.status));
  out.set_lag_working_days(t.lag_working_days);
  out.set_provisional(t.provisional);
  return out;
}

}  // namespace gongkai::common
