#include "services/inspections/inspections_gauges.h"

#include <chrono>

#include "services/inspections/inspection_timeliness.h"

namespace gongkai::inspections {

std::shared_ptr<common::ScrapeGauges> MakeInspectionGauges(InspectionStore& store, const common::Deadlines& deadlines,
                                                           const common::Clock& clock, PilotTargets targets) {
  return std::make_shared<common::ScrapeGauges>([&store, &deadlines, &clock, targets] {
    const common::Date today = clock.Today();
    const auto calendar = deadlines.calendar();
    const ResultTimeliness tally = TallyResults(
        store.ExpectedCounts(), store.ResultCounts(),
        [&](common::Date check_to) {
          return deadlines.engine().Due(*calendar, common::RecordKind::kSpotCheckResult, check_to).value;
        },
        today);
    common::ScrapeGauges::Family overdue{
        "gongkai_disclosures_overdue", "Records past their deadline and still not published, by kind and city.", {}};
    for (const auto& [city, n] : tally.overdue) {
      overdue.samples.push_back({{{"kind", "spot_check_result"}, {"city", city}}, n});
    }
    common::ScrapeGauges::Family kpi{"gongkai_kpi_ratio", "The plan's KPIs, computed from the database.", {}};
    for (const auto& [scope, share] : tally.key_domain) {
      kpi.samples.push_back({{{"kpi", "key_domain_timeliness_inspections"}, {"scope", scope}}, share.Ratio()});
    }
    // The pilot of the year the targets are set for, so that the alert still
    // judges that year once the next has begun.
    const int year = static_cast<int>(std::chrono::year_month_day(targets.date).year());
    common::ScrapeGauges::Family units{"gongkai_live_pilot_units",
                                       "Live-inspection pilot units of the target year, per city and for the province.",
                                       {}};
    common::ScrapeGauges::Family sectors{
        "gongkai_live_pilot_sectors", "Key sectors the live-inspection pilot units of the target year cover.", {}};
    const auto pilot = TallyPilot(store.PilotCounts(year));
    // The province is always reported, so that a province without any pilot
    // unit shows 0 rather than nothing.
    units.samples.push_back({{{"scope", "province"}}, 0});
    sectors.samples.push_back({{{"scope", "province"}}, 0});
    for (const auto& [scope, counted] : pilot) {
      if (scope == "province") {
        units.samples.front().value = static_cast<double>(counted.units);
        sectors.samples.front().value = static_cast<double>(counted.sectors);
        continue;
      }
      units.samples.push_back({{{"scope", scope}}, static_cast<double>(counted.units)});
      sectors.samples.push_back({{{"scope", scope}}, static_cast<double>(counted.sectors)});
    }
    common::ScrapeGauges::Family target{"gongkai_live_pilot_target", "The live-inspection pilot's targets.", {}};
    target.samples.push_back({{{"measure", "units"}}, static_cast<double>(targets.units)});
    target.samples.push_back({{{"measure", "sectors"}}, static_cast<double>(targets.sectors)});
    // The end of the target day in Asia/Shanghai (UTC+8, no daylight saving).
    const auto end = std::chrono::sys_seconds(targets.date + std::chrono::days(1)) - std::chrono::hours(8);
    common::ScrapeGauges::Family date{"gongkai_live_pilot_target_date_seconds",
                                      "When the live-inspection pilot's targets must be met, as Unix time.",
                                      {{{}, static_cast<double>(end.time_since_epoch().count())}}};
    return std::vector<common::ScrapeGauges::Family>{overdue, kpi, units, sectors, target, date};
  });
}

}  // namespace gongkai::inspections
