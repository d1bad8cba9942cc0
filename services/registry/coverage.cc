#include "services/registry/coverage.h"

#include <algorithm>
#include <chrono>

#include "services/registry/agency.h"

namespace gongkai::registry {

bool QualificationListCurrent(const std::optional<common::Date>& confirmed_on,
                              const std::optional<common::Date>& created_on, common::Date valid_until,
                              const common::Deadlines& deadlines, common::Date today) {
  if (valid_until < today) return false;
  const std::chrono::year year = std::chrono::year_month_day(today).year();
  if (confirmed_on) {
    const std::chrono::year confirmed = std::chrono::year_month_day(*confirmed_on).year();
    if (confirmed == year) return true;
    if (confirmed == year - std::chrono::years(1) && today <= common::Date(year / std::chrono::January / 31)) {
      return true;
    }
  }
  return created_on && today <= NewAgencyListDeadline(*deadlines.calendar(), *created_on).due.value;
}

AgencyCoverage CoverageOf(const CoverageFacts& facts, const common::Deadlines& deadlines, common::Date today) {
  const auto calendar = deadlines.calendar();
  const auto overdue = [&](common::RecordKind rule, const std::optional<common::Date>& since) {
    return since && deadlines.engine().Due(*calendar, rule, *since).value < today;
  };
  AgencyCoverage c;
  c.facts = facts;
  c.qualification_list_current =
      QualificationListCurrent(facts.qualification_confirmed_on, facts.created_on, facts.valid_until, deadlines, today);
  if (!c.qualification_list_current) c.missing.push_back("qualification_list_current");
  if (!facts.powers_listed) {
    c.missing.push_back("powers_listed");
  } else if (overdue(common::RecordKind::kPowersItem, facts.unpublished_powers_since)) {
    c.missing.push_back("powers_current");
  }
  if (!facts.officers_listed) c.missing.push_back("officers_listed");
  if (!facts.benchmarks_for_domains) {
    c.missing.push_back("benchmarks_for_domains");
  } else if (overdue(common::RecordKind::kDiscretionBenchmark, facts.unpublished_benchmarks_since)) {
    c.missing.push_back("benchmarks_current");
  }
  if (!facts.staffing_provisions_published) c.missing.push_back("staffing_provisions");
  if (!facts.flowcharts_for_domains) {
    c.missing.push_back("flowcharts_for_domains");
  } else if (overdue(common::RecordKind::kFlowchart, facts.unpublished_flowcharts_since)) {
    c.missing.push_back("flowcharts_current");
  }
  if (facts.holds_inspection_powers && !facts.inspection_plan_published) c.missing.push_back("inspection_plan");
  return c;
}

bool AgencyCoverage::Missing(std::string_view item) const {
  return std::any_of(missing.begin(), missing.end(), [&](const std::string& m) { return CoverageItemOf(m) == item; });
}

std::string_view CoverageItemOf(std::string_view missing) {
  if (missing == "qualification_list_current") return "qualification_list";
  if (missing == "powers_current") return "powers_listed";
  if (missing == "benchmarks_current") return "benchmarks_for_domains";
  if (missing == "flowcharts_current") return "flowcharts_for_domains";
  return missing;
}

CoverageTotals Totals(const std::vector<AgencyCoverage>& agencies) {
  CoverageTotals t;
  for (const auto& a : agencies) {
    t.present += a.present();
    t.required += a.required();
  }
  return t;
}

std::map<std::string, CityCoverage> CoverageByCity(const std::vector<AgencyCoverage>& agencies) {
  std::map<std::string, CityCoverage> out;
  for (const auto& a : agencies) {
    CityCoverage& city = out[a.facts.city_code];
    ++city.agencies;
    city.with_officers += a.facts.officers_listed ? 1 : 0;
    city.lists_current += a.qualification_list_current ? 1 : 0;
    city.totals.present += a.present();
    city.totals.required += a.required();
  }
  return out;
}

}  // namespace gongkai::registry
