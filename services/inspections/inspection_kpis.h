#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "common/calendar/deadline_engine.h"
#include "common/clock.h"
#include "common/violations.h"
#include "gongkai/common/v1/kpi.pb.h"
#include "services/inspections/inspection_store.h"

namespace gongkai::inspections {

// The inspections' part of the province view (DOMAIN.md, "The plan's KPIs"
// and "Supervision leads"): the tallies of its two deadline rules and the
// lead rules it holds the records of, counted from the records of a year
// (KpiRecords). Pure: the calendar and the registry come in as KpiFacts.

// The service's name in the records' links.
inline constexpr std::string_view kInspectionsService = "inspections";
// The kinds of the links: the deadline rules' engine names, and the task.
inline constexpr std::string_view kPlanKind = "inspection_plan";
inline constexpr std::string_view kResultKind = "spot_check_result";
inline constexpr std::string_view kTaskKind = "spot_check_task";
// The lead rules this service runs.
inline constexpr std::string_view kResultsLateRule = "spot_check_results_late";
inline constexpr std::string_view kAgencyListRule = "agency_list_not_current";
// The most findings an answer lists.
inline constexpr std::size_t kMaxFindings = 10'000;

// What the counts take from the calendar and the registry.
struct KpiFacts {
  // The due date of a record of a deadline rule whose clock started on a day.
  std::function<common::Date(common::RecordKind kind, common::Date clock_start)> due;
  // A day plus a number of working days (a lead rule's threshold).
  std::function<common::Date(common::Date day, int working_days)> add_working_days;
  // Whether any of an agency's domains is a key domain (a plan has none of
  // its own).
  std::function<bool(const std::string& agency_credit_code)> agency_in_key_domain;
};

// The tallies of the records of `year` (records read for it), per agency
// (with its city), only those with something due:
//   rule "inspection_plan": the plans whose clock start (PlanClockStart) is
//     in the year, each due (stored, so published) and met when first stored
//     with that clock start on or before its due date;
//   rule "spot_check_result": per object of a task whose check ends in the
//     year (ExpectedResults), as CountOf judges it from the result's due date
//     (20 WD from check_to) and the day a result for it was first stored;
//   kpi "key_domain_timeliness", the same rules over the records of the key
//     domains: a task's own domain, a plan's agency's domains.
// With `max_misses` > 0 each tally lists up to that many of its misses
// (common::CountRecord), by key: "<agency>/<plan source id>" or
// "<agency>/<task source id>/<object key>" (PublicObjectKey), with a detail
// such as "published 2026-03-12, due 2026-03-10" or "not published, due
// 2026-03-10", open when not published (CountOf's overdue; a plan is stored,
// hence published, so never). Tallies are in the order of (agency, kpi,
// rule).
std::vector<common::v1::KpiTally> CountTallies(const KpiRecords& records, int year, const KpiFacts& facts,
                                               common::Date today, int max_misses);

// Whether an agency's qualification list was current on a day, as the
// registry answers it.
struct ListQuery {
  std::string agency_credit_code;
  common::Date on{};
  bool operator<(const ListQuery& other) const {
    return std::tie(agency_credit_code, on) < std::tie(other.agency_credit_code, other.on);
  }
};
struct ListState {
  bool current = true;
  // When not current: why, in one line.
  std::string reason;
};
// One answer per query, in order.
using ListStates = std::function<std::vector<ListState>(const std::vector<ListQuery>& queries)>;

// Whether the request asks any rule this service runs.
bool RunsAnyRule(const common::v1::ListFindingsRequest& request);

// The findings of the rules asked that this service runs (the others
// ignored, each rule once, in the order asked; threshold 0 takes the
// default), over the records of `year`, observed `today`:
//   spot_check_results_late (N working days, default 0): an object of a task
//     whose check ends in the year without a result more than N WD past the
//     result's due date, or whose result was first stored more than N WD
//     after it; related: the task;
//   agency_list_not_current: a task (on its check_from, in the year) or a plan
//     (on its approved_on, in the year) of an agency whose qualification list
//     was not current that day (`states`, asked once for all the days, only
//     when the rule is asked); related: the agency's list, with the reason.
// Each rule's findings by key; at most kMaxFindings in all (`truncated`
// past them).
common::v1::ListFindingsResponse Findings(const common::v1::ListFindingsRequest& request, const KpiRecords& records,
                                          const KpiFacts& facts, const ListStates& states, common::Date today);

}  // namespace gongkai::inspections
