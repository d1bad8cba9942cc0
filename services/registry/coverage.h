#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/deadlines.h"
#include "common/kpi.h"

namespace gongkai::registry {

// What the store knows about one agency's registry items.
struct CoverageFacts {
  std::string credit_code;
  std::string name;
  std::string city_code;
  std::optional<common::Date> qualification_confirmed_on;  // nullopt when never
  common::Date valid_until;
  bool powers_listed = false;
  // At least one officer whose certificate is valid today: ACTIVE, and
  // today within its validity (Judge's VALID).
  bool officers_listed = false;
  bool benchmarks_for_domains = false;
  // At least one powers item of category INSPECTION: the agency then owes
  // its annual inspection plan of the current year.
  bool holds_inspection_powers = false;
  // That plan is recorded (inspection_plan.h).
  bool inspection_plan_published = false;
  // The day the registry first stored the agency; nullopt when stored before
  // the registry kept that day.
  std::optional<common::Date> created_on;
  // The earliest clock start (changed_on) of a change the agency's city sent
  // and the registry has not stored: a rejected record awaiting an accepted
  // version newer than the one stored (the platform cannot know of changes
  // never sent). Of the agency's own powers items, and of its city's
  // benchmarks of the agency's domains; nullopt when there is none with a
  // readable changed_on.
  std::optional<common::Date> unpublished_powers_since;
  std::optional<common::Date> unpublished_benchmarks_since;
  // The agency's "三定" provisions are stored.
  bool staffing_provisions_published = false;
  // A flowchart of the agency for each of its domains; those without one.
  bool flowcharts_for_domains = false;
  std::vector<std::string> domains_without_flowchart;
  // As unpublished_powers_since, of the agency's flowcharts.
  std::optional<common::Date> unpublished_flowcharts_since;
  // The agency's enforcement domains.
  std::vector<std::string> domains;
};

// The registry items an agency must have present and current (公开覆盖率):
// six of every agency (qualification list current, powers listed, officers
// listed, benchmarks for its domains, its "三定" provisions, flowcharts for
// its domains), and a seventh, the annual inspection plan of the current
// year ("inspection_plan"), of an agency that holds inspection powers. Each
// item missing is named once in `missing`:
//
//   "qualification_list_current"   the list is not current (QualificationListCurrent)
//   "powers_listed"                no powers item
//   "powers_current"               items listed, but a change of one is past its 20 WD unpublished
//   "officers_listed"              no officer with a valid certificate
//   "benchmarks_for_domains"       a domain of the agency without a benchmark of its city
//   "benchmarks_current"           benchmarks for every domain, but a change of one is past its 20 WD unpublished
//   "staffing_provisions"          its "三定" provisions not stored
//   "flowcharts_for_domains"       a domain of the agency without a flowchart of the agency
//   "flowcharts_current"           flowcharts for every domain, but a change of one is past its 20 WD unpublished
//   "inspection_plan"              this year's inspection plan not recorded
struct AgencyCoverage {
  CoverageFacts facts;
  bool qualification_list_current = false;
  std::vector<std::string> missing;
  int required() const { return kEveryAgency + (facts.holds_inspection_powers ? 1 : 0); }
  int present() const { return required() - static_cast<int>(missing.size()); }
  // Whether `item` (a name of kCoverageItems) is missing.
  bool Missing(std::string_view item) const;
  static constexpr int kEveryAgency = 6;
  static constexpr int kMostRequired = 7;
};

// The required items as the coverage KPI's tallies name them (their `rule`),
// in the order `missing` names them; "inspection_plan" only of an agency
// holding inspection powers.
inline constexpr std::string_view kCoverageItems[] = {
    "qualification_list",  "powers_listed",          "officers_listed", "benchmarks_for_domains",
    "staffing_provisions", "flowcharts_for_domains", "inspection_plan"};

// The item (of kCoverageItems) a name of `missing` is about: "powers_current"
// is about "powers_listed", "qualification_list_current" about
// "qualification_list", and so on.
std::string_view CoverageItemOf(std::string_view missing);

// A qualification list is current when the agency is within its validity
// and holds a confirmation that has not lapsed: one of this year; last
// year's, while this year's deadline (31 January) has not passed; or, for a
// new agency, its creation, until its own deadline (20 WD after,
// NewAgencyListDeadline) has passed.
bool QualificationListCurrent(const std::optional<common::Date>& confirmed_on,
                              const std::optional<common::Date>& created_on, common::Date valid_until,
                              const common::Deadlines& deadlines, common::Date today);

// The items of one agency as of `today`, under the deadline rules and the
// calendar in use: powers items, benchmarks and flowcharts count only when
// no change of theirs is past its deadline (kPowersItem,
// kDiscretionBenchmark, kFlowchart) unpublished.
AgencyCoverage CoverageOf(const CoverageFacts& facts, const common::Deadlines& deadlines, common::Date today);

// Present and required items over a set of agencies; ratio 1 when none.
struct CoverageTotals {
  int present = 0;
  int required = 0;
  double ratio() const { return common::Share(present, required); }
};
CoverageTotals Totals(const std::vector<AgencyCoverage>& agencies);

// One city's agencies counted: how many there are, how many list officers
// with a valid certificate, how many have a current qualification list, and
// their items.
struct CityCoverage {
  int agencies = 0;
  int with_officers = 0;
  int lists_current = 0;
  CoverageTotals totals;
};

// The agencies counted per city code.
std::map<std::string, CityCoverage> CoverageByCity(const std::vector<AgencyCoverage>& agencies);

}  // namespace gongkai::registry
