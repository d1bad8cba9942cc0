#include "services/registry/registry_gauges.h"

#include <vector>

#include "services/registry/coverage.h"
#include "services/registry/inspection_plan.h"

namespace gongkai::registry {

std::shared_ptr<common::ScrapeGauges> MakeRegistryGauges(AgencyStore& agencies, const common::Deadlines& deadlines,
                                                         const common::Clock& clock) {
  return std::make_shared<common::ScrapeGauges>([&agencies, &deadlines, &clock] {
    const common::Date today = clock.Today();
    std::vector<AgencyCoverage> all;
    for (const auto& facts : agencies.Coverage("", "", InspectionPlanYear(today), today)) {
      all.push_back(CoverageOf(facts, deadlines, today));
    }
    common::ScrapeGauges::Family officers{
        "gongkai_officer_loading_agencies",
        "Agencies per city with and without officers whose certificate is valid today (all must have them by "
        "2026-06-30).",
        {}};
    common::ScrapeGauges::Family qualification{
        "gongkai_qualification_lists", "Agencies per city whose qualification list is current for this year.", {}};
    common::ScrapeGauges::Family kpi{"gongkai_kpi_ratio", "The plan's KPIs, computed from the database.", {}};
    for (const auto& [city, c] : CoverageByCity(all)) {
      officers.samples.push_back({{{"city", city}, {"state", "with_officers"}}, static_cast<double>(c.with_officers)});
      officers.samples.push_back(
          {{{"city", city}, {"state", "without_officers"}}, static_cast<double>(c.agencies - c.with_officers)});
      qualification.samples.push_back({{{"city", city}, {"state", "current"}}, static_cast<double>(c.lists_current)});
      qualification.samples.push_back(
          {{{"city", city}, {"state", "not_current"}}, static_cast<double>(c.agencies - c.lists_current)});
      kpi.samples.push_back({{{"kpi", "coverage"}, {"scope", city}}, c.totals.ratio()});
    }
    kpi.samples.push_back({{{"kpi", "coverage"}, {"scope", "province"}}, Totals(all).ratio()});
    return std::vector<common::ScrapeGauges::Family>{officers, qualification, kpi};
  });
}

}  // namespace gongkai::registry
