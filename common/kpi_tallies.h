#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/scrape_gauges.h"
#include "common/violations.h"
#include "gongkai/common/v1/kpi.pb.h"

namespace gongkai::common {

// The KPI and deadline-rule counts every service keeps per agency
// (v1::KpiTally), and the two things made of them: the answer to
// GetKpiTallies and the gauges Prometheus' recording rules add up. One
// function of each service counts its tallies; both go through here, so the
// API and the recording rules add up the same numbers.

// The bounds of a GetKpiTalliesRequest.
inline constexpr int kMinKpiYear = 2000;
inline constexpr int kMaxKpiYear = 2100;
inline constexpr int kMaxKpiMisses = 100;

// Every rule the request breaks, field by field: year within 2000-2100,
// max_misses 0-100, a city code of 6 digits ending in "00" when given, an
// agency credit code of 18 characters when given.
Violations CheckKpiTalliesRequest(const v1::GetKpiTalliesRequest& request);

// The bounds of a ListFindingsRequest: the rules it names, and a rule's
// threshold (0 takes the rule's default).
inline constexpr int kMaxLeadRules = 100;
inline constexpr int kMaxLeadThreshold = 365;

// Every rule a ListFindingsRequest breaks, field by field: year within
// 2000-2100, at most kMaxLeadRules rules, each threshold from 0 to
// kMaxLeadThreshold.
Violations CheckFindingsRequest(const v1::ListFindingsRequest& request);

// The link to the record `key` of the rule or kind `kind` that `service`
// holds, of `agency` (empty for a city's own record) in `city`; `detail`
// says in one line why it is named.
v1::RecordLink MakeRecordLink(std::string_view service, std::string_view kind, std::string key, std::string agency,
                              std::string city, std::string detail);

// Counts one record into `tally`: due, and met or (when `link` is given and
// the tally lists misses) a miss. `max_misses` as the request has it.
void CountRecord(v1::KpiTally& tally, bool met, const v1::RecordLink* miss, int max_misses);

// The tallies summed per (city, kpi, rule), agency left empty, misses
// concatenated up to `max_misses` (the rest counted in misses_unlisted), in
// the order of (city, kpi, rule).
std::vector<v1::KpiTally> GroupByCity(const std::vector<v1::KpiTally>& tallies, int max_misses);

// What GetKpiTallies answers for `request`: `tallies` (per agency, as the
// service counted them for the request's year and filters) grouped by city
// when asked, with as_of.
v1::GetKpiTalliesResponse TalliesAnswer(const v1::GetKpiTalliesRequest& request, std::vector<v1::KpiTally> tallies,
                                        Date as_of);

// The gauge families of a service's tallies, summed per city:
//   gongkai_kpi_records_due{kpi,rule,city} and gongkai_kpi_records_met{kpi,rule,city}
//     for the tallies of a KPI;
//   gongkai_deadline_records_due{kind,city} and gongkai_deadline_records_met{kind,city}
//     for a deadline rule's own tallies (kind = the rule).
// Both families are present (possibly empty) whatever the tallies.
std::vector<ScrapeGauges::Family> KpiTallyFamilies(const std::vector<v1::KpiTally>& tallies);

}  // namespace gongkai::common
