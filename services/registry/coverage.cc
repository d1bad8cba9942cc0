#include "services/registry/coverage.h"

namespace gongkai::registry {

bool QualificationListCurrent(const std::string& confirmed_on, const std::string& valid_until,
                              const std::string& today) {
  if (confirmed_on.size() != 10 || today.size() != 10) return false;
  if (!valid_until.empty() && valid_until < today) return false;
  const std::string year = today.substr(0, 4);
  if (confirmed_on.substr(0, 4) == year) return true;
  const std::string last_year = std::to_string(std::stoi(year) - 1);
  return confirmed_on.substr(0, 4) == last_year && today <= year + "-01-31";
}

AgencyCoverage CoverageOf(const CoverageFacts& facts, const std::string& today) {
  AgencyCoverage c;
  c.facts = facts;
  c.qualification_list_current = QualificationListCurrent(facts.qualification_confirmed_on, facts.valid_until, today);
  if (!c.qualification_list_current) c.missing.push_back("qualification_list_current");
  if (!facts.powers_listed) c.missing.push_back("powers_listed");
  if (!facts.officers_listed) c.missing.push_back("officers_listed");
  if (!facts.benchmarks_for_domains) c.missing.push_back("benchmarks_for_domains");
  return c;
}

CoverageTotals Totals(const std::vector<AgencyCoverage>& agencies) {
  CoverageTotals t;
  for (const auto& a : agencies) {
    t.present += a.present();
    t.required += AgencyCoverage::kRequired;
  }
  return t;
}

}  // namespace gongkai::registry
