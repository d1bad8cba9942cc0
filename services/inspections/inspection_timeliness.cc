#include "services/inspections/inspection_timeliness.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "common/domains.h"

namespace gongkai::inspections {

ResultTimeliness TallyResults(const std::vector<ExpectedCount>& expected, const std::vector<ResultCount>& results,
                              const DueDate& due, common::Date today) {
  using Group = std::tuple<std::string, std::string, common::Date>;  // city, domain, check end
  struct Tally {
    int64_t expected = 0;
    int64_t published = 0;
    int64_t on_time = 0;
  };
  std::map<Group, Tally> groups;
  for (const auto& e : expected) groups[{e.city_code, e.domain, e.check_to}].expected += e.expected;
  std::map<common::Date, common::Date> dues;
  const auto due_of = [&](common::Date check_to) {
    auto it = dues.find(check_to);
    if (it == dues.end()) it = dues.emplace(check_to, due(check_to)).first;
    return it->second;
  };
  for (const auto& r : results) {
    Tally& t = groups[{r.city_code, r.domain, r.check_to}];
    t.published += r.count;
    if (r.published_on <= due_of(r.check_to)) t.on_time += r.count;
  }
  ResultTimeliness out;
  for (const auto& [group, t] : groups) {
    const auto& [city, domain, check_to] = group;
    const bool past_due = today > due_of(check_to);
    const double missing = past_due ? static_cast<double>(std::max<int64_t>(0, t.expected - t.published)) : 0;
    if (missing > 0) out.overdue[city] += missing;
    if (!common::IsKeyDomain(domain)) continue;
    for (const std::string& scope : {city, std::string("province")}) {
      OnTimeShare& share = out.key_domain[scope];
      share.due += static_cast<double>(t.published) + missing;
      share.on_time += static_cast<double>(t.on_time);
    }
  }
  return out;
}

std::map<std::string, PilotScopeCounts> TallyPilot(const std::vector<PilotCount>& counts) {
  std::map<std::string, PilotScopeCounts> out;
  std::map<std::string, std::set<int>> sectors;
  for (const auto& c : counts) {
    for (const std::string& scope : {c.city_code, std::string("province")}) {
      out[scope].units += c.units;
      sectors[scope].insert(c.sector);
    }
  }
  for (auto& [scope, counted] : out) counted.sectors = static_cast<int64_t>(sectors[scope].size());
  return out;
}

}  // namespace gongkai::inspections
