#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/calendar/request_clock.h"
#include "common/clock.h"
#include "common/deadlines.h"
#include "common/scrape_gauges.h"
#include "gongkai/common/v1/kpi.pb.h"
#include "services/requests/request_desk.h"
#include "services/requests/request_statistics.h"
#include "services/requests/request_store.h"

namespace gongkai::requests {

// What the gauges read of a city ("" every city) as of `as_of.today`: the
// current year's requests (LiveRequestFacts: those received in it and those
// carried into it, every open one among them) and the consultations of every
// year.
struct GaugeFacts {
  std::vector<RequestFacts> requests;
  std::vector<ConsultationFacts> consultations;
};
GaugeFacts ReadGaugeFacts(RequestStore& store, const ClockAsOf& as_of, const std::string& city);

// The records overdue on `today` among `facts`, per kind and city, by kind
// then city (GaugeValuesOf): "consultation", unanswered past their due date,
// and "request", open past their due date. What gongkai_disclosures_overdue
// exports and GetKpiTallies answers (its overdue), both over ReadGaugeFacts.
std::vector<common::v1::OverdueCount> RequestOverdue(common::Date today, const GaugeFacts& facts);

// From the database at each scrape, as of the clock's today (the requests
// whose clock depends on the day read under the calendar in use and `rules`
// as of it, LiveRequestFacts): the current year's tallies (KpiTalliesOf) as
// common::KpiTallyFamilies exports them,
// gongkai_kpi_records_due|met{kpi,rule,city} and
// gongkai_deadline_records_due|met{kind,city}; and
// gongkai_disclosures_overdue{kind="request"|"consultation",city} over every
// open request and unanswered consultation (RequestOverdue).
std::shared_ptr<common::ScrapeGauges> MakeRequestGauges(RequestStore& store, const common::Deadlines& deadlines,
                                                        const common::RequestClockRules& rules,
                                                        const common::Clock& clock);

}  // namespace gongkai::requests
