#include "services/supervision/supervision_gauges.h"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/errors.h"
#include "common/kpi_tallies.h"
#include "common/log.h"
#include "services/supervision/review_coverage.h"
#include "services/supervision/supervision_kpis.h"
#include "services/supervision/supervision_timeliness.h"

namespace gongkai::supervision {
namespace {

using Family = common::ScrapeGauges::Family;

// gongkai_leads' state label of each v1::LeadState.
const char* LeadStateLabel(int state) {
  switch (state) {
    case v1::LEAD_NEW: return "new";
    case v1::LEAD_IN_HANDLING: return "in_handling";
    case v1::LEAD_CLOSED: return "closed";
    default: return "unknown";
  }
}

// The coverage families of the year, per city and for the province.
// The year's coverage per scope (the province, then each city), and the
// completed rounds of the quarters of the year that ended; of the year
// before, only its fourth quarter's (`last_year_rounds`, during the first
// quarter: the year's gauges have moved on when it ends), so that a quarter
// without a round is seen whichever it is.
void AddCoverage(int year, const std::vector<EnforcementUnit>& units, const std::vector<ReviewedUnit>& reviewed,
                 const std::vector<RoundSummary>& rounds, double target, common::Date today,
                 const std::optional<std::pair<std::vector<ReviewedUnit>, std::vector<RoundSummary>>>& last_year,
                 std::vector<Family>& out) {
  Family ratio{"gongkai_case_review_coverage_ratio",
               "Enforcement units reviewed in the year's case-file reviews over enforcement units, per city and for "
               "the province.",
               {}};
  Family counted{"gongkai_case_review_units",
                 "Enforcement units (state enforcement) and those reviewed in the year (state reviewed), per city and "
                 "for the province.",
                 {}};
  Family quarters{"gongkai_case_review_quarter_rounds",
                  "Completed case-file review rounds of each quarter of the year that has ended (and, during the "
                  "first quarter, of the fourth quarter of the year before), per city and for the province (0: a "
                  "quarter without a completed round).",
                  {}};
  const auto add_quarters = [&](const v1::ReviewCoverage& coverage, const std::string& scope, int only) {
    for (const auto& q : coverage.quarters()) {
      if (!q.ended() || (only != 0 && q.quarter() != only)) continue;
      quarters.samples.push_back(
          {{{"scope", scope}, {"year", std::to_string(coverage.year())}, {"quarter", std::to_string(q.quarter())}},
           static_cast<double>(q.completed_rounds())});
    }
  };
  std::vector<v1::UnreviewedUnit> unreviewed;
  const v1::ReviewCoverage province = CoverageOf(year, "", units, reviewed, rounds, target, today, &unreviewed);
  std::vector<std::string> scopes{"province"};
  for (const auto& city : province.cities()) scopes.push_back(city.scope());
  for (const auto& scope : scopes) {
    unreviewed.clear();
    const v1::ReviewCoverage coverage =
        scope == "province" ? province : CoverageOf(year, scope, units, reviewed, rounds, target, today, &unreviewed);
    const v1::CoverageFigure& figure = coverage.total();
    ratio.samples.push_back({{{"scope", scope}}, figure.ratio()});
    counted.samples.push_back(
        {{{"scope", scope}, {"state", "enforcement"}}, static_cast<double>(figure.enforcement_units())});
    counted.samples.push_back(
        {{{"scope", scope}, {"state", "reviewed"}}, static_cast<double>(figure.reviewed_units())});
    add_quarters(coverage, scope, 0);
    if (last_year) {
      unreviewed.clear();
      add_quarters(CoverageOf(year - 1, scope == "province" ? "" : scope, units, last_year->first, last_year->second,
                              target, today, &unreviewed),
                   scope, 4);
    }
  }
  out.push_back(std::move(ratio));
  out.push_back(std::move(counted));
  out.push_back(std::move(quarters));
}

}  // namespace

std::shared_ptr<common::ScrapeGauges> MakeSupervisionGauges(SupervisionStore& store, registry::RegistryClient& registry,
                                                            const common::Deadlines& deadlines,
                                                            const common::Clock& clock, SupervisionSettings settings) {
  return std::make_shared<common::ScrapeGauges>([&store, &registry, &deadlines, &clock, settings] {
    const common::Date today = clock.Today();
    const int year = static_cast<int>(std::chrono::year_month_day(today).year());
    common::v1::GetKpiTalliesRequest tallies;
    tallies.set_year(year);
    std::vector<Family> families = common::KpiTallyFamilies(SupervisionTallies(store, deadlines, tallies, today));
    Family overdue{
        "gongkai_disclosures_overdue", "Records past their deadline and still not published, by kind and city.", {}};
    for (const common::v1::OverdueCount& c : SupervisionOverdue(store, deadlines, today)) {
      overdue.samples.push_back({{{"kind", c.kind()}, {"city", c.city_code()}}, static_cast<double>(c.count())});
    }
    Family rectifications{"gongkai_rectifications_overdue",
                          "Rectifications past their deadline and not reported done, by the responsible unit's city.",
                          {}};
    for (const auto& [city, n] : store.OverdueRectifications(today)) {
      rectifications.samples.push_back({{{"city", city}}, static_cast<double>(n)});
    }
    Family target{"gongkai_case_review_coverage_target",
                  "The share of enforcement units a year's case-file reviews must reach.",
                  {{{}, settings.coverage_target}}};
    Family leads{"gongkai_leads", "Supervision leads by rule, the city of the record's agency and state.", {}};
    for (const LeadCount& c : store.CountLeads()) {
      leads.samples.push_back({{{"rule", c.rule}, {"city", c.city_code}, {"state", LeadStateLabel(c.state)}},
                               static_cast<double>(c.count)});
    }
    for (Family* family : {&overdue, &rectifications, &target, &leads}) families.push_back(std::move(*family));

    // The coverage needs the registry's enforcement units: without them its
    // families are left out of this scrape, and the others still reported.
    std::optional<std::vector<EnforcementUnit>> units;
    try {
      units = EnforcementUnitsOf(registry);
    } catch (const common::ServiceError& e) {
      common::Log(common::LogLevel::kWarning, "coverage_gauges_unavailable", {{"reason", e.what()}});
    }
    if (units) {
      // During the first quarter, last year's rounds too, for its fourth quarter.
      std::optional<std::pair<std::vector<ReviewedUnit>, std::vector<RoundSummary>>> previous;
      if (static_cast<unsigned>(std::chrono::year_month_day(today).month()) <= 3) {
        previous.emplace(store.ReviewedUnits(year - 1), store.Rounds(year - 1));
      }
      AddCoverage(year, *units, store.ReviewedUnits(year), store.Rounds(year), settings.coverage_target, today,
                  previous, families);
    }
    return families;
  });
}

}  // namespace gongkai::supervision
