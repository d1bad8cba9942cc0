#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/calendar/deadline_engine.h"
#include "common/clock.h"
#include "common/kpi.h"
#include "services/penalties/penalty.h"

namespace gongkai::penalties {

// The deadline rule a kind of record is published under.
common::RecordKind DeadlineKind(PenaltyKind kind);
// Its name in metrics: "penalty_decision" or "coercive_measure".
std::string KindLabel(PenaltyKind kind);

// Records (stored, or rejected and so not stored) of one kind, city, domain,
// clock start and publication day, counted together.
struct PublicationCount {
  PenaltyKind kind = PenaltyKind::kDecision;
  std::string city_code;
  std::string domain;
  std::optional<common::Date> clock_start;   // nullopt: a rejected record that claims no readable date
  std::optional<common::Date> published_on;  // nullopt: a rejected record, not stored
  int64_t count = 0;
};

// Records published on time out of those due, for one scope.
struct OnTimeShare {
  double on_time = 0;
  double due = 0;
  // 1 when nothing was due.
  double Ratio() const { return common::Share(on_time, due); }
};

// What the timeliness gauges show on a day.
struct PublicationTimeliness {
  // (KindLabel, city) -> records past their deadline and still not published.
  std::map<std::pair<std::string, std::string>, double> overdue;
  // Scope (a city code, or "province") -> the key-domain records due by now
  // (published, or unpublished past their deadline) and those published by
  // their deadline.
  std::map<std::string, OnTimeShare> key_domain;
};

// The deadline of a record of a kind whose clock started on a day.
using DueDate = std::function<common::Date(PenaltyKind kind, common::Date clock_start)>;

// Tallies the counts as of `today`: a record not published is overdue once
// `today` is past its due date; a key-domain record counts towards its city's
// and the province's share once published, or once overdue. A count with no
// readable clock start is left out.
PublicationTimeliness TallyPublications(const std::vector<PublicationCount>& counts, const DueDate& due,
                                        common::Date today);

}  // namespace gongkai::penalties
