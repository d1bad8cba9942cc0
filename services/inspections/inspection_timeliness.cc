#include "services/inspections/inspection_timeliness.h"

#include <algorithm>
#include <set>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "services/inspections/draw.h"

namespace gongkai::inspections {

RecordCount CountOf(std::optional<common::Date> done, common::Date due, common::Date today) {
  RecordCount count;
  count.overdue = !done && today > due;
  count.due = done.has_value() || count.overdue;
  count.met = done.has_value() && *done <= due;
  return count;
}

std::string PublicObjectKey(const CheckObject& object, int position) {
  if (object.kind() == CheckObject::ORGANIZATION && !object.credit_code().empty()) return object.credit_code();
  if (!object.object_code().empty()) return object.object_code();
  return "#" + std::to_string(position);
}

std::vector<ExpectedResult> ExpectedResults(const Task& task, const std::string& seed,
                                            const std::vector<StoredResult>& results, common::Date today) {
  std::vector<ExpectedResult> out;
  std::unordered_map<std::string, std::size_t> index;  // an identifier of an object -> its place in `out`
  if (IsPlatformDraw(task)) {
    const v1::Draw revealed = Published(task.draw(), seed, today);
    for (const std::string& id : revealed.drawn_objects()) {
      index.emplace(id, out.size());
      out.push_back({id, std::nullopt});
    }
  } else {
    for (int i = 0; i < task.objects_size(); ++i) {
      for (const std::string& id : ObjectKeys(task.objects(i))) index.emplace(id, out.size());
      out.push_back({PublicObjectKey(task.objects(i), i + 1), std::nullopt});
    }
  }
  for (const StoredResult& result : results) {
    for (const std::string& id : ObjectKeys(result.object)) {
      const auto it = index.find(id);
      if (it == index.end()) continue;
      std::optional<common::Date>& stored_on = out[it->second].stored_on;
      if (!stored_on || result.stored_on < *stored_on) stored_on = result.stored_on;
      break;
    }
  }
  return out;
}

std::map<std::string, double> OverdueResults(const std::vector<ExpectedCount>& expected,
                                             const std::vector<ResultCount>& results, const DueDate& due,
                                             common::Date today) {
  using Group = std::tuple<std::string, std::string, common::Date>;  // city, domain, check end
  std::map<Group, int64_t> missing;
  for (const auto& e : expected) missing[{e.city_code, e.domain, e.check_to}] += e.expected;
  for (const auto& r : results) missing[{r.city_code, r.domain, r.check_to}] -= r.count;
  std::map<std::string, double> out;
  for (const auto& [group, count] : missing) {
    const auto& [city, domain, check_to] = group;
    if (count <= 0 || !CountOf(std::nullopt, due(check_to), today).overdue) continue;
    out[city] += static_cast<double>(count);
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
