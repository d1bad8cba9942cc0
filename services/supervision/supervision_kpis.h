#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/deadlines.h"
#include "gongkai/common/v1/kpi.pb.h"
#include "services/supervision/supervision_store.h"
#include "services/supervision/supervision_timeliness.h"

namespace gongkai::supervision {

// The supervision service's part of the province's view (docs/DOMAIN.md,
// "The plan's KPIs" and "Supervision leads"): its deadline rules' tallies per
// organiser, and the lead rules it holds the records of. The gauges, GetKpis
// and the lead sweeps all count through here.

// The service's name in services/services.table, as its record links name it.
inline constexpr char kServiceName[] = "supervision";
// The lead rules this service runs, and their default thresholds.
inline constexpr char kReviewResultsLate[] = "review_results_late";       // working days
inline constexpr char kRectificationOverdue[] = "rectification_overdue";  // calendar days
// The findings one answer lists.
inline constexpr int kMaxFindings = 10'000;

// The tallies of the case_review, special_supervision and assessment rules
// of the request's year, per organiser (its registered city the tally's),
// filtered by the organiser's city and the organiser, as
// common::TalliesAnswer takes them. A record counts in the year its clock
// starts (a review: its round's end); it is due and met as Standing says; a
// completed round's reviewed unit without a review is a review due once its
// deadline passed, never met. Misses (max_misses) are linked as
// "<organiser>/<source id>", a missing review as
// "<organiser>/<round source id>/<unit>" (open: the others were published,
// late), by key. Throws INVALID_ARGUMENT
// (common::CheckKpiTalliesRequest) for a bad request.
std::vector<common::v1::KpiTally> SupervisionTallies(SupervisionStore& store, const common::Deadlines& deadlines,
                                                     const common::v1::GetKpiTalliesRequest& request,
                                                     common::Date today);

// The reviews overdue on `today` (ReviewsOverdue over the rounds of its year
// and of the year before, whose December rounds have their reviews due in
// January), per the round's organiser's city, as OverdueCounts of kind
// "case_review" by city. What gongkai_disclosures_overdue exports and the
// province view's own tallies answer (their overdue).
std::vector<common::v1::OverdueCount> SupervisionOverdue(SupervisionStore& store, const common::Deadlines& deadlines,
                                                         common::Date today);

// The findings of the rules of the request this service holds
// (review_results_late, rectification_overdue; others are ignored) over the
// records of the request's year: at most kMaxFindings (truncated past them),
// each rule's by record key, the rules in the order asked. Throws
// INVALID_ARGUMENT for a year outside 2000-2100 or a threshold outside
// 0-common::kMaxLeadThreshold.
common::v1::ListFindingsResponse SupervisionFindings(SupervisionStore& store, const common::Deadlines& deadlines,
                                                     const common::v1::ListFindingsRequest& request,
                                                     common::Date today);

// ---------------------------------------------------------------- the pure parts

// A review expected of a round and not stored: the round (its organiser and
// that organiser's city, its end) and the reviewed unit ("" when the units
// were not read: counted, never listed).
struct MissingReview {
  std::string organiser;
  std::string round_source_id;
  std::string city_code;
  common::Date ended_on{};
  std::string unit;
};

// The tallies of `records` and `missing` (SupervisionTallies), per
// organiser and rule, in that order; misses listed up to `max_misses`.
std::vector<common::v1::KpiTally> TallyRecords(const std::vector<TimedRecord>& records,
                                               const std::vector<MissingReview>& missing, const DueDate& due,
                                               int max_misses, common::Date today);

// The deadline a lead rule allows past a record's: `deadline` plus the
// rule's threshold.
using Allowance = std::function<common::Date(common::Date deadline)>;

// review_results_late: each review of `reviews` first stored after its
// allowance, and each missing review whose allowance is before today, by
// key; its round related.
std::vector<common::v1::Finding> ReviewResultsLate(const std::vector<TimedRecord>& reviews,
                                                   const std::vector<MissingReview>& missing, const DueDate& due,
                                                   const Allowance& allowance, common::Date today);

// rectification_overdue: each of `unreported` whose deadline plus `days`
// calendar days is before today, keyed as its reports are
// ("<subject>/<organiser>/<source id>/<problem id>"), of its unit, by key;
// the record requiring it related.
std::vector<common::v1::Finding> RectificationsOverdue(const std::vector<RectificationRow>& unreported, int days,
                                                       common::Date today);

}  // namespace gongkai::supervision
