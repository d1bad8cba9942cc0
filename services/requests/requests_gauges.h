#pragma once

#include <memory>

#include "common/calendar/request_clock.h"
#include "common/clock.h"
#include "common/deadlines.h"
#include "common/scrape_gauges.h"
#include "services/requests/request_store.h"

namespace gongkai::requests {

// gongkai_kpi_ratio{kpi="standardised_reply_rate"|"consultation_response_rate",
// scope=<city>|"province"} and gongkai_disclosures_overdue{kind="request"|
// "consultation",city}, from the database at each scrape, as of the clock's
// today: the requests whose clock depends on the day are read under the
// calendar in use and `rules` as of it (LiveRequestFacts).
std::shared_ptr<common::ScrapeGauges> MakeRequestGauges(RequestStore& store, const common::Deadlines& deadlines,
                                                        const common::RequestClockRules& rules,
                                                        const common::Clock& clock);

}  // namespace gongkai::requests
