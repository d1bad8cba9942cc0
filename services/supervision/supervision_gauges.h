#pragma once

#include <memory>

#include "common/clock.h"
#include "common/deadlines.h"
#include "common/scrape_gauges.h"
#include "services/registry/registry_client.h"
#include "services/supervision/supervision_service.h"
#include "services/supervision/supervision_store.h"

namespace gongkai::supervision {

// The service's gauges, read from the database (and the registry's list of
// enforcement units) at every scrape, for the current year of `clock`:
//   gongkai_deadline_records_due{kind,city} / gongkai_deadline_records_met{kind,city}
//     (and the empty gongkai_kpi_records_due|met{kpi,rule,city}): the year's
//     tallies of each deadline rule (case_review, special_supervision,
//     assessment) summed per organiser's city (SupervisionTallies,
//     common::KpiTallyFamilies); the ratios are Prometheus recording rules;
//   gongkai_disclosures_overdue{kind="case_review",city}: reviews expected
//     (a completed round's reviewed units) past their 15 WD and not published
//     (SupervisionOverdue);
//   gongkai_case_review_coverage_ratio{scope}, gongkai_case_review_units{scope,state}
//     (state enforcement / reviewed), gongkai_case_review_coverage_target;
//   gongkai_case_review_quarter_rounds{scope,year,quarter}: the completed
//     rounds of each quarter of the year that has ended, and during the first
//     quarter of the fourth quarter of the year before, per city and for the
//     province (0 is a quarter without a completed round);
//   gongkai_rectifications_overdue{city}: rectifications past their deadline
//     and not reported done;
//   gongkai_leads{rule,city,state}: the leads held, by rule, the city of the
//     record's agency and state (new, in_handling, closed).
// The coverage families are left out of a scrape when the registry cannot
// answer (the others still are).
std::shared_ptr<common::ScrapeGauges> MakeSupervisionGauges(SupervisionStore& store, registry::RegistryClient& registry,
                                                            const common::Deadlines& deadlines,
                                                            const common::Clock& clock, SupervisionSettings settings);

}  // namespace gongkai::supervision
