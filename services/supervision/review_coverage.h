#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "gongkai/supervision/v1/supervision.pb.h"
#include "services/supervision/supervision_store.h"

namespace gongkai::supervision {

// An enforcement unit (执法单位) as the registry lists it.
struct EnforcementUnit {
  std::string credit_code;
  std::string name;
  std::string city_code;
};

// The year's review coverage on `today` (v1::ReviewCoverage without its page
// of unreviewed units): per city (every city with an enforcement unit) and for
// the province, reviewed enforcement units (distinct; a reviewed agency that
// is not an enforcement unit does not count) over enforcement units against
// `target` (ratio 1 when a scope has none); per quarter, `ended` when its
// last day is before today, and the rounds completed (ended_on not after
// today) reaching the scope: for the province every round, for a city a
// round organised in it (RoundSummary::city_code) or with a review of a unit
// of it. `city` "" answers for the province with every city listed; a city
// code answers for that city alone (total = the city, `cities` empty).
// `unreviewed` gets the scope's enforcement units not reviewed, by city then
// credit code.
v1::ReviewCoverage CoverageOf(int year, const std::string& city, const std::vector<EnforcementUnit>& units,
                              const std::vector<ReviewedUnit>& reviewed, const std::vector<RoundSummary>& rounds,
                              double target, common::Date today, std::vector<v1::UnreviewedUnit>* unreviewed);

}  // namespace gongkai::supervision
