#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/calendar/deadline_engine.h"
#include "common/clock.h"
#include "common/deadlines.h"
#include "gongkai/common/v1/kpi.pb.h"
#include "services/registry/coverage.h"

namespace gongkai::registry {

class AgencyStore;

// A record of one of the registry's 20 WD rules (powers_item, flowchart,
// discretion_benchmark, officer) as its tallies count it: a stored version,
// or a change sent and not stored (a rejected version awaiting an accepted
// resend, its clock start read from the rejected record).
struct DeadlineRecord {
  common::RecordKind kind = common::RecordKind::kPowersItem;
  // Its key in the registry: "<agency>/<source id>" (powers item),
  // "<agency>/<domain>" (flowchart), "<city>/<domain>/<violation code>"
  // (benchmark), the certificate number (officer).
  std::string key;
  std::string agency_credit_code;  // "" for a benchmark, which is its city's
  std::string city_code;
  std::string domain;  // its own (flowchart, benchmark); "" for the others
  // changed_on (an officer without one: the certificate's valid_from).
  common::Date clock_start{};
  // The day the version was stored; nullopt when it is not stored.
  std::optional<common::Date> published_on;
};

// What the registry's tallies are counted from, for one request's filters.
struct RegistryKpiFacts {
  std::vector<CoverageFacts> agencies;  // coverage as of today, with the request year's inspection plan
  std::vector<DeadlineRecord> records;  // whose clock starts in the request's year
};

// The name GetKpiTallies' links give the registry (services/services.table).
inline constexpr char kRegistryService[] = "registry";

// The registry's KPI and deadline-rule tallies (kpi.proto's KpiTally) for
// `request`'s year, per agency, as of `today`, misses listed up to
// request.max_misses in the order of their keys:
// - coverage (kpi "coverage", rule an item of kCoverageItems): per agency, due
//   1 per required item, met when present and current (CoverageOf); a miss
//   is the agency (key its credit code, kind the name `missing` gives), open;
// - the rule tallies (kpi empty, rule the engine's kind name) of powers_item,
//   flowchart, discretion_benchmark (agency empty, city set) and officer:
//   due the records stored plus those not stored whose due date is before
//   today; met those stored on or before their due date; a miss not stored
//   is open;
// - the same counts over the records of the five key domains (kpi
//   "key_domain_timeliness"): a record's own domain, or for a powers item or
//   an officer, any of its agency's domains a key domain;
// - the rule tally of qualification_list: an agency (not created after the
//   year) is due when its list of the year was confirmed or its deadline
//   (QualificationListTimeliness) is before today; met when confirmed by it;
//   a miss not confirmed is open.
//   The registry keeps the latest confirmation only: a past year's list
//   counts as confirmed when that confirmation is of that year.
// Every agency of `facts` has its rule tallies (and, with a key domain, its
// key-domain tallies) and every city its benchmark tallies, zero when
// nothing is due.
std::vector<common::v1::KpiTally> RegistryTallies(const RegistryKpiFacts& facts,
                                                  const common::v1::GetKpiTalliesRequest& request,
                                                  const common::Deadlines& deadlines, common::Date today);

// The same, read from `store` for the request's filters (city, agency) and
// year.
std::vector<common::v1::KpiTally> RegistryTallies(AgencyStore& store, const common::v1::GetKpiTalliesRequest& request,
                                                  const common::Deadlines& deadlines, common::Date today);

}  // namespace gongkai::registry
