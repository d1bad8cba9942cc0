#pragma once

#include <memory>

#include "common/clock.h"
#include "common/deadlines.h"
#include "common/scrape_gauges.h"
#include "services/registry/agency_store.h"

namespace gongkai::registry {

// The registry's gauges, read from the database at each scrape: officer
// loading and qualification-list currency per city, and the coverage KPI per
// city and for the province, as of the clock's today (each agency's items
// counted as coverage.h counts them: four, or five with inspection powers).
std::shared_ptr<common::ScrapeGauges> MakeRegistryGauges(AgencyStore& agencies, const common::Deadlines& deadlines,
                                                         const common::Clock& clock);

}  // namespace gongkai::registry
