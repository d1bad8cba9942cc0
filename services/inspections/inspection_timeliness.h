#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/kpi.h"
#include "services/inspections/inspection_store.h"

namespace gongkai::inspections {

// Results published by their deadline out of those due, for one scope.
struct OnTimeShare {
  double on_time = 0;
  double due = 0;
  double Ratio() const { return common::Share(on_time, due); }  // 1 when nothing was due
};

// What the spot-check gauges show on a day.
struct ResultTimeliness {
  // City -> results expected (objects drawn) past their deadline without a
  // result published.
  std::map<std::string, double> overdue;
  // Scope (a city code, or "province") -> the key-domain results due by now
  // (published, or missing past their deadline) and those published by it.
  std::map<std::string, OnTimeShare> key_domain;
};

// The deadline of the results of a check that ended on a day (20 WD).
using DueDate = std::function<common::Date(common::Date check_to)>;

// Tallies the counts as of `today`. For each city, domain and check end:
// the results published on or before the due date are on time; the objects
// expected but without a result are overdue once `today` is past the due
// date (never below zero: a result for an object outside the expected count
// does not make another's missing one up, but counts as published). A
// key-domain group counts towards its city's and the province's share for
// each published result, and for each overdue missing one.
ResultTimeliness TallyResults(const std::vector<ExpectedCount>& expected, const std::vector<ResultCount>& results,
                              const DueDate& due, common::Date today);

// The pilot's units and key sectors of a year, per city and for the province
// (scope "province").
struct PilotScopeCounts {
  int64_t units = 0;
  int64_t sectors = 0;
};
std::map<std::string, PilotScopeCounts> TallyPilot(const std::vector<PilotCount>& counts);

}  // namespace gongkai::inspections
