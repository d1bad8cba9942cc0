#pragma once

#include <map>
#include <string>
#include <vector>

namespace gongkai::registry {

// What the store knows about one agency's registry items.
struct CoverageFacts {
  std::string credit_code;
  std::string name;
  std::string city_code;
  std::string qualification_confirmed_on;  // YYYY-MM-DD or empty
  std::string valid_until;
  bool powers_listed = false;
  bool officers_listed = false;  // at least one active officer
  bool benchmarks_for_domains = false;
};

// The registry items an agency must have present and current (公开覆盖率).
struct AgencyCoverage {
  CoverageFacts facts;
  bool qualification_list_current = false;
  std::vector<std::string> missing;
  int present() const { return 4 - static_cast<int>(missing.size()); }
  static constexpr int kRequired = 4;
};

// A qualification list is current when the agency is within its validity
// and the list was confirmed this year, or last year while this year's
// deadline (31 January) has not passed. Dates are YYYY-MM-DD.
bool QualificationListCurrent(const std::string& confirmed_on, const std::string& valid_until,
                              const std::string& today);

AgencyCoverage CoverageOf(const CoverageFacts& facts, const std::string& today);

// Present and required items over a set of agencies; ratio 1 when none.
struct CoverageTotals {
  int present = 0;
  int required = 0;
  double ratio() const { return required == 0 ? 1.0 : static_cast<double>(present) / required; }
};
CoverageTotals Totals(const std::vector<AgencyCoverage>& agencies);

}  // namespace gongkai::registry
