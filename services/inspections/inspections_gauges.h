#pragma once

#include <memory>
#include <vector>

#include "common/clock.h"
#include "common/deadlines.h"
#include "common/scrape_gauges.h"
#include "gongkai/common/v1/kpi.pb.h"
#include "services/inspections/inspection_kpis.h"
#include "services/inspections/inspection_store.h"
#include "services/inspections/inspection_timeliness.h"
#include "services/registry/registry_client.h"

namespace gongkai::inspections {

// What the counts of inspection_kpis.h take: the deadline engine over the
// calendar in use, and the agencies' domains as the registry answers them
// (common::ServiceError UNAVAILABLE when it cannot).
KpiFacts FactsOf(const common::Deadlines& deadlines, registry::RegistryClient& registry);

// The tallies of the filter's year as of `today` (CountTallies over the
// records the store reads for it): what GetKpiTallies answers and, for the
// current year without misses, what the gauges export.
std::vector<common::v1::KpiTally> ReadTallies(InspectionStore& store, const KpiFacts& facts, const KpiFilter& filter,
                                              common::Date today, int max_misses);

// The overdue records as of `today`, per kind and city, by city
// (OverdueResults over the store's expected and result counts, every task):
// the results expected past their due date without one stored, of kind
// "spot_check_result". What gongkai_disclosures_overdue exports and
// GetKpiTallies answers (its overdue).
std::vector<common::v1::OverdueCount> ReadOverdue(InspectionStore& store, const KpiFacts& facts, common::Date today);

// The gauges read from the database at each scrape:
//   gongkai_disclosures_overdue{kind="spot_check_result",city}   (ReadOverdue)
//   the current year's tallies (common::KpiTallyFamilies):
//     gongkai_kpi_records_due|met{kpi="key_domain_timeliness",rule,city} and
//     gongkai_deadline_records_due|met{kind="inspection_plan"|"spot_check_result",city}
//     (left out of a scrape when the registry cannot answer)
//   gongkai_live_pilot_units{scope}, gongkai_live_pilot_sectors{scope}   (of the target date's year)
//   gongkai_live_pilot_target{measure="units"|"sectors"}
//   gongkai_live_pilot_target_date_seconds   (the end of the target date, Asia/Shanghai, as Unix time)
std::shared_ptr<common::ScrapeGauges> MakeInspectionGauges(InspectionStore& store, const common::Deadlines& deadlines,
                                                           registry::RegistryClient& registry,
                                                           const common::Clock& clock, PilotTargets targets);

}  // namespace gongkai::inspections
