#include "services/registry/registry_gauges.h"

#include <chrono>
#include <vector>

#include "common/kpi_tallies.h"
#include "services/registry/coverage.h"
#include "services/registry/registry_tallies.h"

namespace gongkai::registry {

std::shared_ptr<common::ScrapeGauges> MakeRegistryGauges(AgencyStore& agencies, const common::Deadlines& deadlines,
                                                         const common::Clock& clock) {
  return std::make_shared<common::ScrapeGauges>([&agencies, &deadlines, &clock] {
    const common::Date today = clock.Today();
    common::v1::GetKpiTalliesRequest request;
    request.set_year(static_cast<int>(std::chrono::year_month_day(today).year()));
    RegistryKpiFacts facts;
    facts.agencies = agencies.Coverage("", "", request.year(), today);
    facts.records = agencies.DeadlineRecords("", "", request.year());
    std::vector<AgencyCoverage> all;
    for (const auto& f : facts.agencies) all.push_back(CoverageOf(f, deadlines, today));
    common::ScrapeGauges::Family officers{
        "gongkai_officer_loading_agencies",
        "Agencies per city with and without officers whose certificate is valid today (all must have them by "
        "2026-06-30).",
        {}};
    common::ScrapeGauges::Family qualification{
        "gongkai_qualification_lists", "Agencies per city whose qualification list is current for this year.", {}};
    for (const auto& [city, c] : CoverageByCity(all)) {
      officers.samples.push_back({{{"city", city}, {"state", "with_officers"}}, static_cast<double>(c.with_officers)});
      officers.samples.push_back(
          {{{"city", city}, {"state", "without_officers"}}, static_cast<double>(c.agencies - c.with_officers)});
      qualification.samples.push_back({{{"city", city}, {"state", "current"}}, static_cast<double>(c.lists_current)});
      qualification.samples.push_back(
          {{{"city", city}, {"state", "not_current"}}, static_cast<double>(c.agencies - c.lists_current)});
    }
    std::vector<common::ScrapeGauges::Family> families{officers, qualification};
    for (auto& family : common::KpiTallyFamilies(RegistryTallies(facts, request, deadlines, today))) {
      families.push_back(std::move(family));
    }
    return families;
  });
}

}  // namespace gongkai::registry
