#pragma once

#include <memory>

#include "common/calendar/request_clock.h"
#include "common/clock.h"
#include "common/deadlines.h"
#include "common/scrape_gauges.h"
#include "services/requests/request_store.h"

namespace gongkai::requests {

// From the database at each scrape, as of the clock's today (the requests
// whose clock depends on the day read under the calendar in use and `rules`
// as of it, LiveRequestFacts): the current year's tallies (KpiTalliesOf) as
// common::KpiTallyFamilies exports them,
// gongkai_kpi_records_due|met{kpi,rule,city} and
// gongkai_deadline_records_due|met{kind,city}; and
// gongkai_disclosures_overdue{kind="request"|"consultation",city} over every
// open request and unanswered consultation.
std::shared_ptr<common::ScrapeGauges> MakeRequestGauges(RequestStore& store, const common::Deadlines& deadlines,
                                                        const common::RequestClockRules& rules,
                                                        const common::Clock& clock);

}  // namespace gongkai::requests
