#include "services/requests/requests_gauges.h"

#include <algorithm>
#include <iterator>
#include <string>
#include <vector>

#include "common/kpi_tallies.h"
#include "services/requests/request_desk.h"
#include "services/requests/request_statistics.h"

namespace gongkai::requests {

std::shared_ptr<common::ScrapeGauges> MakeRequestGauges(RequestStore& store, const common::Deadlines& deadlines,
                                                        const common::RequestClockRules& rules,
                                                        const common::Clock& clock) {
  return std::make_shared<common::ScrapeGauges>([&store, &deadlines, rules, &clock] {
    const ClockAsOf as_of{deadlines, rules, clock.Today()};
    const std::chrono::year year = std::chrono::year_month_day(as_of.today).year();
    // The year's requests hold every open one (carried into it); unanswered
    // consultations of earlier years are overdue too.
    const std::vector<RequestFacts> requests = LiveRequestFacts(store, static_cast<int>(year), "", "", as_of);
    const std::vector<ConsultationFacts> consultations = store.ConsultationFactsOf(0, "", "");
    std::vector<ConsultationFacts> asked_this_year;
    std::copy_if(consultations.begin(), consultations.end(), std::back_inserter(asked_this_year),
                 [&](const ConsultationFacts& c) { return std::chrono::year_month_day(c.asked_on).year() == year; });

    std::vector<common::ScrapeGauges::Family> families = common::KpiTallyFamilies(
        KpiTalliesOf(static_cast<int>(year), as_of.today, requests, asked_this_year, /*max_misses=*/0));
    const RequestGaugeValues values = GaugeValuesOf(as_of.today, requests, consultations);
    common::ScrapeGauges::Family overdue{
        "gongkai_disclosures_overdue", "Records past their deadline and still not published or answered.", {}};
    for (const auto& [city, n] : values.overdue_requests) {
      overdue.samples.push_back({{{"kind", "request"}, {"city", city}}, static_cast<double>(n)});
    }
    for (const auto& [city, n] : values.overdue_consultations) {
      overdue.samples.push_back({{{"kind", "consultation"}, {"city", city}}, static_cast<double>(n)});
    }
    families.push_back(std::move(overdue));
    return families;
  });
}

}  // namespace gongkai::requests
