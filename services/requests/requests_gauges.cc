#include "services/requests/requests_gauges.h"

#include <algorithm>
#include <chrono>
#include <iterator>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/kpi_tallies.h"
#include "services/requests/request_desk.h"
#include "services/requests/request_statistics.h"

namespace gongkai::requests {

GaugeFacts ReadGaugeFacts(RequestStore& store, const ClockAsOf& as_of, const std::string& city) {
  const int year = static_cast<int>(std::chrono::year_month_day(as_of.today).year());
  // The year's requests hold every open one (carried into it); unanswered
  // consultations of earlier years are overdue too.
  return {LiveRequestFacts(store, year, city, "", as_of), store.ConsultationFactsOf(0, city, "")};
}

std::vector<common::v1::OverdueCount> RequestOverdue(common::Date today, const GaugeFacts& facts) {
  const RequestGaugeValues values = GaugeValuesOf(today, facts.requests, facts.consultations);
  std::vector<common::v1::OverdueCount> out;
  const auto add = [&](const char* kind, const std::map<std::string, int>& by_city) {
    for (const auto& [city, n] : by_city) {
      common::v1::OverdueCount& count = out.emplace_back();
      count.set_kind(kind);
      count.set_city_code(city);
      count.set_count(n);
    }
  };
  add("consultation", values.overdue_consultations);
  add("request", values.overdue_requests);
  return out;
}

std::shared_ptr<common::ScrapeGauges> MakeRequestGauges(RequestStore& store, const common::Deadlines& deadlines,
                                                        const common::RequestClockRules& rules,
                                                        const common::Clock& clock) {
  return std::make_shared<common::ScrapeGauges>([&store, &deadlines, rules, &clock] {
    const ClockAsOf as_of{deadlines, rules, clock.Today()};
    const std::chrono::year year = std::chrono::year_month_day(as_of.today).year();
    const GaugeFacts facts = ReadGaugeFacts(store, as_of, "");
    std::vector<ConsultationFacts> asked_this_year;
    std::copy_if(facts.consultations.begin(), facts.consultations.end(), std::back_inserter(asked_this_year),
                 [&](const ConsultationFacts& c) { return std::chrono::year_month_day(c.asked_on).year() == year; });

    std::vector<common::ScrapeGauges::Family> families = common::KpiTallyFamilies(
        KpiTalliesOf(static_cast<int>(year), as_of.today, facts.requests, asked_this_year, /*max_misses=*/0));
    common::ScrapeGauges::Family overdue{
        "gongkai_disclosures_overdue", "Records past their deadline and still not published or answered.", {}};
    for (const common::v1::OverdueCount& c : RequestOverdue(as_of.today, facts)) {
      overdue.samples.push_back({{{"kind", c.kind()}, {"city", c.city_code()}}, static_cast<double>(c.count())});
    }
    families.push_back(std::move(overdue));
    return families;
  });
}

}  // namespace gongkai::requests
