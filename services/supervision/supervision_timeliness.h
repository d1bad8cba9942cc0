#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/calendar/deadline_engine.h"
#include "common/clock.h"
#include "common/kpi.h"
#include "services/supervision/supervision_store.h"

namespace gongkai::supervision {

// Records published by their deadline out of those due, for one scope.
struct OnTimeShare {
  double met = 0;
  double due = 0;
  double Ratio() const { return common::Share(met, due); }  // 1 when nothing was due
};

// The deadline of a record of a deadline rule whose clock started on a day.
using DueDate = std::function<common::Date(common::RecordKind rule, common::Date clock_start)>;

// The deadline rule of each kind: reviews kCaseReview (15 WD), supervisions
// kSpecialSupervision (30 WD), assessment plans and results kAssessment
// (20 WD); rounds have none (nullopt).
std::optional<common::RecordKind> RuleOf(RecordKind kind);

// What the gauges show on a day.
struct SupervisionTimeliness {
  // (rule name, scope: a city code or "province") -> records due by today
  // and those published by their deadline. A published record is due; a
  // review expected (a completed round's reviewed unit without a review)
  // is due once its deadline passed, and never met.
  std::map<std::pair<std::string, std::string>, OnTimeShare> on_time;
  // City -> reviews expected past their deadline and not published
  // (a round's reviewed units minus the reviews stored, never below zero).
  std::map<std::string, double> reviews_overdue;
};
SupervisionTimeliness TallyTimeliness(const std::vector<PublishedCount>& published,
                                      const std::vector<RoundSummary>& rounds, const DueDate& due, common::Date today);

}  // namespace gongkai::supervision
