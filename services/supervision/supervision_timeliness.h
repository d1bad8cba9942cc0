#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/calendar/deadline_engine.h"
#include "common/clock.h"
#include "services/supervision/supervision_store.h"

namespace gongkai::supervision {

// The deadline of a record of a deadline rule whose clock started on a day.
using DueDate = std::function<common::Date(common::RecordKind rule, common::Date clock_start)>;

// The deadline rule of each kind: reviews kCaseReview (15 WD), supervisions
// kSpecialSupervision (30 WD), assessment plans and results kAssessment
// (20 WD); rounds have none (nullopt).
std::optional<common::RecordKind> RuleOf(RecordKind kind);

// Where a record of a deadline rule stands on a day: whether it is due, and
// whether it met its deadline. The one definition the tallies, the gauges
// and the lead rules count by.
struct Standing {
  bool due = false;
  bool met = false;
  bool operator==(const Standing&) const = default;
};

// A record first stored on `published_on` is done, hence due, and met when
// stored by its deadline; one stored after today (a clock moved back) is due
// only once its deadline passed.
Standing PublishedStanding(common::Date deadline, common::Date published_on, common::Date today);

// A record expected and not stored (a completed round's reviewed unit
// without its review) is due once its deadline passed, and never met.
Standing MissingStanding(common::Date deadline, common::Date today);

// City (the round's organiser's) -> reviews expected past their deadline and
// not stored: a round's reviewed units minus the reviews stored, never below
// zero.
std::map<std::string, double> ReviewsOverdue(const std::vector<RoundSummary>& rounds, const DueDate& due,
                                             common::Date today);

}  // namespace gongkai::supervision
