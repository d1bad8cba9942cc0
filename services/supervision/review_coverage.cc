#include "services/supervision/review_coverage.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "common/kpi.h"

namespace gongkai::supervision {
namespace {

constexpr int kQuarters = 4;
constexpr char kProvince[] = "province";

struct Tally {
  int enforcement = 0;
  int reviewed = 0;
};

v1::CoverageFigure FigureOf(const std::string& scope, const Tally& tally, double target) {
  v1::CoverageFigure figure;
  figure.set_scope(scope);
  figure.set_enforcement_units(tally.enforcement);
  figure.set_reviewed_units(tally.reviewed);
  const double ratio = common::Share(tally.reviewed, tally.enforcement);
  figure.set_ratio(ratio);
  figure.set_meets_target(ratio >= target);
  return figure;
}

// The last day of a quarter of a year: Mar 31, Jun 30, Sep 30, Dec 31.
common::Date LastDayOf(int year, int quarter) {
  return common::Date(std::chrono::year{year} / std::chrono::month{static_cast<unsigned>(3 * quarter)} /
                      std::chrono::last);
}

}  // namespace

v1::ReviewCoverage CoverageOf(int year, const std::string& city, const std::vector<EnforcementUnit>& units,
                              const std::vector<ReviewedUnit>& reviewed, const std::vector<RoundSummary>& rounds,
                              double target, common::Date today, std::vector<v1::UnreviewedUnit>* unreviewed) {
  const bool province = city.empty();
  const auto in_scope = [&](const std::string& unit_city) { return province || unit_city == city; };

  // The enforcement units, each once (the registry's city of each).
  std::unordered_map<std::string, const EnforcementUnit*> enforcement;
  for (const auto& unit : units) enforcement.emplace(unit.credit_code, &unit);

  std::unordered_set<std::string> reviewed_codes;
  for (const auto& r : reviewed) {
    if (enforcement.contains(r.unit)) reviewed_codes.insert(r.unit);
  }

  std::map<std::string, Tally> by_city;
  Tally total;
  std::vector<const EnforcementUnit*> not_reviewed;
  for (const auto& [code, unit] : enforcement) {
    const bool was_reviewed = reviewed_codes.contains(code);
    Tally& tally = by_city[unit->city_code];
    ++tally.enforcement;
    if (was_reviewed) ++tally.reviewed;
    if (!in_scope(unit->city_code)) continue;
    ++total.enforcement;
    if (was_reviewed) {
      ++total.reviewed;
    } else {
      not_reviewed.push_back(unit);
    }
  }

  v1::ReviewCoverage out;
  out.set_year(year);
  out.set_target(target);
  *out.mutable_total() = FigureOf(province ? std::string(kProvince) : city, total, target);
  if (province) {
    for (const auto& [code, tally] : by_city) *out.add_cities() = FigureOf(code, tally, target);
  }

  // The rounds reaching a city through a review of one of its units.
  std::set<std::pair<std::string, std::string>> reaching;
  if (!province) {
    for (const auto& r : reviewed) {
      if (r.unit_city == city) reaching.emplace(r.round_agency, r.round_source_id);
    }
  }
  std::array<int, kQuarters> completed{};
  for (const auto& round : rounds) {
    if (round.quarter < 1 || round.quarter > kQuarters || round.ended_on > today) continue;
    if (!province && round.city_code != city && !reaching.contains({round.agency_credit_code, round.source_id})) {
      continue;
    }
    ++completed[round.quarter - 1];
  }
  for (int quarter = 1; quarter <= kQuarters; ++quarter) {
    v1::QuarterRounds* q = out.add_quarters();
    q->set_quarter(quarter);
    q->set_ended(LastDayOf(year, quarter) < today);
    q->set_completed_rounds(completed[quarter - 1]);
  }

  if (unreviewed) {
    std::sort(not_reviewed.begin(), not_reviewed.end(), [](const EnforcementUnit* a, const EnforcementUnit* b) {
      return std::tie(a->city_code, a->credit_code) < std::tie(b->city_code, b->credit_code);
    });
    unreviewed->clear();
    unreviewed->reserve(not_reviewed.size());
    for (const EnforcementUnit* unit : not_reviewed) {
      v1::UnreviewedUnit& u = unreviewed->emplace_back();
      u.set_credit_code(unit->credit_code);
      u.set_name(unit->name);
      u.set_city_code(unit->city_code);
    }
  }
  return out;
}

}  // namespace gongkai::supervision
