#pragma once

#include <memory>

#include "common/clock.h"
#include "common/deadlines.h"
#include "common/scrape_gauges.h"
#include "services/inspections/inspection_store.h"

namespace gongkai::inspections {

// The live-inspection pilot's targets (plan: 10 pilot units over at least 3
// key sectors in 2026), settings of the service: GONGKAI_PILOT_TARGET_UNITS,
// GONGKAI_PILOT_TARGET_SECTORS, and GONGKAI_PILOT_TARGET_DATE, the day by
// whose end they must be met.
struct PilotTargets {
  int units = 10;
  int sectors = 3;
  common::Date date{};
};

// The gauges read from the database at each scrape:
//   gongkai_disclosures_overdue{kind="spot_check_result",city}
//   gongkai_kpi_ratio{kpi="key_domain_timeliness_inspections",scope}
//   gongkai_live_pilot_units{scope}, gongkai_live_pilot_sectors{scope}   (of the target date's year)
//   gongkai_live_pilot_target{measure="units"|"sectors"}
//   gongkai_live_pilot_target_date_seconds   (the end of the target date, Asia/Shanghai, as Unix time)
std::shared_ptr<common::ScrapeGauges> MakeInspectionGauges(InspectionStore& store, const common::Deadlines& deadlines,
                                                           const common::Clock& clock, PilotTargets targets);

}  // namespace gongkai::inspections
