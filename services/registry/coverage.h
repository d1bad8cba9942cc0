#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
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
  bool officers_listed = false;  // at least one active officer
  bool benchmarks_for_domains = false;
  // At least one powers item of category INSPECTION: the agency then owes
  // its annual inspection plan of the current year.
  bool holds_inspection_powers = false;
  // That plan is recorded (inspection_plan.h).
  bool inspection_plan_published = false;
};

// The registry items an agency must have present and current (公开覆盖率):
// four of every agency (qualification list current, powers listed, officers
// listed, benchmarks for its domains), and a fifth, the annual inspection
// plan of the current year ("inspection_plan"), of an agency that holds
// inspection powers.
struct AgencyCoverage {
  CoverageFacts facts;
  bool qualification_list_current = false;
  std::vector<std::string> missing;
  int required() const { return kEveryAgency + (facts.holds_inspection_powers ? 1 : 0); }
  int present() const { return required() - static_cast<int>(missing.size()); }
  static constexpr int kEveryAgency = 4;
  static constexpr int kMostRequired = 5;
};

// A qualification list is current when the agency is within its validity
// and the list was confirmed this year, or last year while this year's
// deadline (31 January) has not passed.
bool QualificationListCurrent(const std::optional<common::Date>& confirmed_on, common::Date valid_until,
                              common::Date today);

AgencyCoverage CoverageOf(const CoverageFacts& facts, common::Date today);

// Present and required items over a set of agencies; ratio 1 when none.
struct CoverageTotals {
  int present = 0;
  int required = 0;
  double ratio() const { return common::Share(present, required); }
};
CoverageTotals Totals(const std::vector<AgencyCoverage>& agencies);

// One city's agencies counted: how many there are, how many list active
// officers, how many have a current qualification list, and their items.
struct CityCoverage {
  int agencies = 0;
  int with_officers = 0;
  int lists_current = 0;
  CoverageTotals totals;
};

// The agencies counted per city code.
std::map<std::string, CityCoverage> CoverageByCity(const std::vector<AgencyCoverage>& agencies);

}  // namespace gongkai::registry
