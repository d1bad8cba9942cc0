#pragma once

#include <memory>

#include "common/clock.h"
#include "common/deadlines.h"
#include "common/scrape_gauges.h"
#include "services/penalties/penalty_store.h"

namespace gongkai::penalties {

// Gauges read from the database at each scrape, as of the clock's today:
// gongkai_disclosures_overdue{kind,city} (records rejected and still not
// stored past their publication deadline, TallyPublications), and the
// current year's tallies (PenaltyTallies) as common::KpiTallyFamilies makes
// them: gongkai_deadline_records_due|met{kind,city} for penalty_decision,
// coercive_measure and penalty_withdrawal, and
// gongkai_kpi_records_due|met{kpi="key_domain_timeliness",rule,city}.
// Records the rules never publish (a minor's case, a MINOR-tier decision)
// count in none of them.
std::shared_ptr<common::ScrapeGauges> MakePenaltyGauges(PenaltyStore& store, const common::Deadlines& deadlines,
                                                        const common::Clock& clock);

}  // namespace gongkai::penalties
