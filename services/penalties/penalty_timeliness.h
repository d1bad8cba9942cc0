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

// What a rejected record claims, as sent, of the facts that decide whether it
// may ever be published (RetentionOf): a record is not stored until it is
// valid, so these are all the platform knows of it.
// The store judges the ID number where it is kept (kPublicationCounts) and
// passes on only id_shows_minor; person_id is for a caller holding the record.
struct PublicationClaims {
  bool minor = false;           // party.minor set
  bool minor_tier = false;      // a decision's severity MINOR
  std::string person_id;        // a natural person party's ID number, as sent ("" for none)
  bool id_shows_minor = false;  // that ID number, judged already, shows a minor (IdShowsMinor)
};

// Whether a rejected record is one the rules never publish (DOMAIN.md,
// "Never published"), judged as RetentionOf judges a stored one with its
// clock start as the decision date: a minor's case (marked, or its ID number
// showing the party under 18 on that day), or a MINOR-tier decision (never
// published under either rule set). Such a record is never due. Any other tier, or none (its
// correction must name one), counts as one that is published.
bool NeverPublished(PenaltyKind kind, const PublicationClaims& claims, common::Date clock_start);

// Records (stored, or rejected and so not stored) of one kind, city, domain,
// clock start and publication day, counted together.
struct PublicationCount {
  PenaltyKind kind = PenaltyKind::kDecision;
  std::string city_code;
  std::string domain;
  std::optional<common::Date> clock_start;   // nullopt: a rejected record that claims no readable date
  std::optional<common::Date> published_on;  // the first public day; nullopt: never public (yet)
  int64_t count = 0;
  // Records the rules never publish (a stored record never public, or a
  // rejected one NeverPublished): neither due nor overdue.
  bool never_published = false;
};

// Records published on time out of those due, for one scope.
struct OnTimeShare {
  double on_time = 0;
  double due = 0;
  // 1 when nothing was due.
  double Ratio() const { return common::Share(on_time, due); }
};

// The records' timeliness on a day, over every year: `overdue` is what
// gongkai_disclosures_overdue shows (the year's due and met figures are
// penalty_kpis.h's tallies).
struct PublicationTimeliness {
  // (KindLabel, city) -> records past their deadline and still not published.
  std::map<std::pair<std::string, std::string>, double> overdue;
  // Scope (a city code, or "province") -> the key-domain records due by now
  // (published, or unpublished past their deadline) and those published by
  // their deadline.
  std::map<std::string, OnTimeShare> key_domain;
  // (KindLabel, scope) -> the same over every domain, per deadline rule.
  std::map<std::pair<std::string, std::string>, OnTimeShare> on_time;
};

// The deadline of a record of a kind whose clock started on a day.
using DueDate = std::function<common::Date(PenaltyKind kind, common::Date clock_start)>;

// Tallies the counts as of `today`: a record not published is overdue once
// `today` is past its due date; a record counts towards its kind's share, and
// a key-domain record towards the key-domain share, of its city and the
// province once published (on its first public day, withdrawn since or not),
// or once overdue. A count with no readable clock start, and one of records
// never published, is left out.
PublicationTimeliness TallyPublications(const std::vector<PublicationCount>& counts, const DueDate& due,
                                        common::Date today);

}  // namespace gongkai::penalties
