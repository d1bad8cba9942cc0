#include "services/inspections/inspections_gauges.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>

#include "common/domains.h"
#include "common/errors.h"
#include "common/kpi_tallies.h"
#include "common/log.h"
#include "services/inspections/inspection_timeliness.h"

namespace gongkai::inspections {

KpiFacts FactsOf(const common::Deadlines& deadlines, registry::RegistryClient& registry) {
  KpiFacts facts;
  // The calendar in use when the facts are made: one calendar for a count.
  auto calendar = deadlines.calendar();
  const common::DeadlineEngine& engine = deadlines.engine();
  facts.due = [calendar, &engine](common::RecordKind kind, common::Date clock_start) {
    return engine.Due(*calendar, kind, clock_start).value;
  };
  facts.add_working_days = [calendar](common::Date day, int working_days) {
    return calendar->AddWorkingDays(day, working_days).value;
  };
  facts.agency_in_key_domain = [&registry](const std::string& agency) {
    const auto info = registry.Agency(agency);
    return info && std::any_of(info->domains.begin(), info->domains.end(),
                               [](const std::string& domain) { return common::IsKeyDomain(domain); });
  };
  return facts;
}

std::vector<common::v1::KpiTally> ReadTallies(InspectionStore& store, const KpiFacts& facts, const KpiFilter& filter,
                                              common::Date today, int max_misses) {
  return CountTallies(store.ReadKpiRecords(filter), filter.year, facts, today, max_misses);
}

std::vector<common::v1::OverdueCount> ReadOverdue(InspectionStore& store, const KpiFacts& facts, common::Date today) {
  const auto overdue = OverdueResults(
      store.ExpectedCounts(), store.ResultCounts(),
      [&](common::Date check_to) { return facts.due(common::RecordKind::kSpotCheckResult, check_to); }, today);
  std::vector<common::v1::OverdueCount> out;
  for (const auto& [city, n] : overdue) {
    common::v1::OverdueCount& count = out.emplace_back();
    count.set_kind(std::string(kResultKind));
    count.set_city_code(city);
    count.set_count(static_cast<int64_t>(n));
  }
  return out;
}

std::shared_ptr<common::ScrapeGauges> MakeInspectionGauges(InspectionStore& store, const common::Deadlines& deadlines,
                                                           registry::RegistryClient& registry,
                                                           const common::Clock& clock, PilotTargets targets) {
  return std::make_shared<common::ScrapeGauges>([&store, &deadlines, &registry, &clock, targets] {
    const common::Date today = clock.Today();
    const KpiFacts facts = FactsOf(deadlines, registry);
    std::vector<common::ScrapeGauges::Family> families;
    common::ScrapeGauges::Family overdue{
        "gongkai_disclosures_overdue", "Records past their deadline and still not published, by kind and city.", {}};
    for (const common::v1::OverdueCount& c : ReadOverdue(store, facts, today)) {
      overdue.samples.push_back({{{"kind", c.kind()}, {"city", c.city_code()}}, static_cast<double>(c.count())});
    }
    families.push_back(std::move(overdue));
    // The key-domain tallies need the agencies' domains of the registry:
    // without them the tallies are left out of this scrape, the other
    // families still reported.
    try {
      const int year = static_cast<int>(std::chrono::year_month_day(today).year());
      for (auto& family : common::KpiTallyFamilies(ReadTallies(store, facts, {year, "", ""}, today, 0))) {
        families.push_back(std::move(family));
      }
    } catch (const common::ServiceError& e) {
      common::Log(common::LogLevel::kWarning, "kpi_gauges_unavailable", {{"reason", e.what()}});
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
    for (auto* family : {&units, &sectors, &target, &date}) families.push_back(std::move(*family));
    return families;
  });
}

}  // namespace gongkai::inspections
