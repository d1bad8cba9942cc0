#pragma once

#include <memory>

#include "common/clock.h"
#include "common/deadlines.h"
#include "common/scrape_gauges.h"
#include "services/penalties/penalty_store.h"

namespace gongkai::penalties {

// Gauges read from the database at each scrape, as of the clock's today
// (TallyPublications): gongkai_disclosures_overdue{kind,city} (records rejected
// and still not stored past their publication deadline),
// gongkai_kpi_ratio{kpi="key_domain_timeliness_penalties",scope} over the
// penalty kinds, and per kind (penalty_decision, coercive_measure) and scope
// gongkai_deadline_records_due, gongkai_deadline_records_met and
// gongkai_deadline_on_time_ratio. Records the rules never publish (a minor's
// case, a MINOR-tier decision) count in none of them.
std::shared_ptr<common::ScrapeGauges> MakePenaltyGauges(PenaltyStore& store, const common::Deadlines& deadlines,
                                                        const common::Clock& clock);

}  // namespace gongkai::penalties
