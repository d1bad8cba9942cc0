#include "services/requests/requests_gauges.h"

#include <string>
#include <vector>

#include "services/requests/request_desk.h"
#include "services/requests/request_statistics.h"

namespace gongkai::requests {

std::shared_ptr<common::ScrapeGauges> MakeRequestGauges(RequestStore& store, const common::Deadlines& deadlines,
                                                        const common::RequestClockRules& rules,
                                                        const common::Clock& clock) {
  return std::make_shared<common::ScrapeGauges>([&store, &deadlines, rules, &clock] {
    const ClockAsOf as_of{deadlines, rules, clock.Today()};
    const auto values =
        GaugeValuesOf(as_of.today, LiveRequestFacts(store, 0, "", "", as_of), store.ConsultationFactsOf(0, "", ""));
    common::ScrapeGauges::Family kpi{"gongkai_kpi_ratio", "The plan's KPIs, computed from the database.", {}};
    for (const auto& [scope, ratio] : values.standardised_reply_rate) {
      kpi.samples.push_back({{{"kpi", "standardised_reply_rate"}, {"scope", scope}}, ratio});
    }
    for (const auto& [scope, ratio] : values.consultation_response_rate) {
      kpi.samples.push_back({{{"kpi", "consultation_response_rate"}, {"scope", scope}}, ratio});
    }
    common::ScrapeGauges::Family overdue{
        "gongkai_disclosures_overdue", "Records past their deadline and still not published or answered.", {}};
    for (const auto& [city, n] : values.overdue_requests) {
      overdue.samples.push_back({{{"kind", "request"}, {"city", city}}, static_cast<double>(n)});
    }
    for (const auto& [city, n] : values.overdue_consultations) {
      overdue.samples.push_back({{{"kind", "consultation"}, {"city", city}}, static_cast<double>(n)});
    }
    return std::vector<common::ScrapeGauges::Family>{kpi, overdue};
  });
}

}  // namespace gongkai::requests
