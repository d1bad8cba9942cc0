#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "services/inspections/inspection_rules.h"
#include "services/inspections/inspection_store.h"

namespace gongkai::inspections {

// The deadline of the results of a check that ended on a day (20 WD).
using DueDate = std::function<common::Date(common::Date check_to)>;

// How a record of a deadline rule counts (DOMAIN.md, "The plan's KPIs"),
// with `done` the day it was first stored (nullopt: not yet) and `due` its
// due date, as of `today`: due once stored, or once `today` is past the due
// date without it; met when stored on or before the due date; overdue when
// not stored and `today` is past the due date.
struct RecordCount {
  bool due = false;
  bool met = false;
  bool overdue = false;
};
RecordCount CountOf(std::optional<common::Date> done, common::Date due, common::Date today);

// An object of a task whose result the 20 WD rule expects: its key as the
// public sees it, and the day a result for it was first stored.
struct ExpectedResult {
  std::string object_key;
  std::optional<common::Date> stored_on;
};

// A result as the objects of its task are matched with it: its object and
// the day it was first stored.
struct StoredResult {
  CheckObject object;
  common::Date stored_on{};
};

// The public key of an object of a task (`position` from 1): its credit code
// (organisations only), else its object code, else "#<position>": never a
// natural person's name or ID number.
std::string PublicObjectKey(const CheckObject& object, int position);

// The results a task expects, one per object in the task's order: its
// objects, or a platform draw's objects drawn (draw.h Published with the
// stored `seed` on `today`; none before the draw date, whose identifiers are
// the pool's, credit codes or object codes, public). Each with the earliest
// day a result naming it (one of its identifiers, ObjectKeys) was stored;
// results naming no object of the task are not counted.
std::vector<ExpectedResult> ExpectedResults(const Task& task, const std::string& seed,
                                            const std::vector<StoredResult>& results, common::Date today);

// What the overdue gauge shows on a day: city -> results expected (objects
// drawn) past their deadline without a result stored (CountOf), counted per
// city, domain and check end from the grouped counts (never below zero: a result for
// an object outside the expected count does not make another's missing one
// up).
std::map<std::string, double> OverdueResults(const std::vector<ExpectedCount>& expected,
                                             const std::vector<ResultCount>& results, const DueDate& due,
                                             common::Date today);

// The live-inspection pilot's targets (plan: 10 pilot units over at least 3
// key sectors in 2026), settings of the service: GONGKAI_PILOT_TARGET_UNITS,
// GONGKAI_PILOT_TARGET_SECTORS, and GONGKAI_PILOT_TARGET_DATE, the day by
// whose end they must be met (the plan's by default).
struct PilotTargets {
  int units = 10;
  int sectors = 3;
  common::Date date = std::chrono::year(2026) / std::chrono::December / 31;
};

// The pilot's units and key sectors of a year, per city and for the province
// (scope "province").
struct PilotScopeCounts {
  int64_t units = 0;
  int64_t sectors = 0;
};
std::map<std::string, PilotScopeCounts> TallyPilot(const std::vector<PilotCount>& counts);

}  // namespace gongkai::inspections
