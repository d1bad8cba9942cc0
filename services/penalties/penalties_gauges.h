#pragma once

#include <memory>
#include <vector>

#include "common/clock.h"
#include "common/deadlines.h"
#include "common/scrape_gauges.h"
#include "gongkai/common/v1/kpi.pb.h"
#include "services/penalties/penalty_store.h"
#include "services/penalties/penalty_timeliness.h"

namespace gongkai::penalties {

// The records overdue as of `today`, per kind (KindLabel) and city, by kind
// then city: TallyPublications' overdue over `counts` (the store's
// PublicationCounts, every year), the records rejected and still not stored
// past their publication deadline, those the rules never publish aside.
// What gongkai_disclosures_overdue exports and GetKpiTallies answers (its
// overdue), from the one read of the store each makes.
std::vector<common::v1::OverdueCount> PenaltyOverdue(const std::vector<PublicationCount>& counts,
                                                     const common::Deadlines& deadlines, common::Date today);

// Gauges read from the database at each scrape, as of the clock's today:
// gongkai_disclosures_overdue{kind,city} (records rejected and still not
// stored past their publication deadline, PenaltyOverdue), and the
// current year's tallies (PenaltyTallies) as common::KpiTallyFamilies makes
// them: gongkai_deadline_records_due|met{kind,city} for penalty_decision,
// coercive_measure and penalty_withdrawal, and
// gongkai_kpi_records_due|met{kpi="key_domain_timeliness",rule,city}.
// Records the rules never publish (a minor's case, a MINOR-tier decision)
// count in none of them.
std::shared_ptr<common::ScrapeGauges> MakePenaltyGauges(PenaltyStore& store, const common::Deadlines& deadlines,
                                                        const common::Clock& clock);

}  // namespace gongkai::penalties
