#pragma once

#include <memory>

#include "common/clock.h"
#include "common/deadlines.h"
#include "common/scrape_gauges.h"
#include "services/registry/agency_store.h"

namespace gongkai::registry {

// The registry's gauges, read from the database at each scrape as of the
// clock's today: officer loading and qualification-list currency per city,
// and the registry's tallies of the current year (RegistryTallies: the
// coverage KPI, the key-domain KPI's registry part and the registry's
// deadline rules) as common::KpiTallyFamilies exports them.
std::shared_ptr<common::ScrapeGauges> MakeRegistryGauges(AgencyStore& agencies, const common::Deadlines& deadlines,
                                                         const common::Clock& clock);

}  // namespace gongkai::registry
