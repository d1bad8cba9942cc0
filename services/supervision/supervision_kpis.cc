#include "services/supervision/supervision_kpis.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include "common/calendar/iso_date.h"
#include "common/errors.h"
#include "common/kpi_tallies.h"
#include "common/proto_strings.h"
#include "services/supervision/supervision_rules.h"

namespace gongkai::supervision {
namespace {

using common::FormatIsoDate;
using common::v1::Finding;
using common::v1::KpiTally;
using common::v1::RecordLink;

const std::string kCaseReview(common::RecordKindName(common::RecordKind::kCaseReview));

RecordLink LinkOf(const std::string& kind, const std::string& key, const std::string& agency, const std::string& city,
                  const std::string& detail) {
  return common::MakeRecordLink(kServiceName, kind, key, agency, city, detail);
}

std::string PublishedDetail(common::Date published_on, common::Date deadline) {
  return "published " + FormatIsoDate(published_on) + ", due " + FormatIsoDate(deadline);
}
std::string MissingDetail(common::Date deadline) { return "not published, due " + FormatIsoDate(deadline); }

std::string RecordKey(const TimedRecord& r) { return r.agency_credit_code + "/" + r.source_id; }
std::string MissingKey(const MissingReview& m) { return m.organiser + "/" + m.round_source_id + "/" + m.unit; }

// The round a review (or a missing one) belongs to, as a related link.
RecordLink RoundLink(const std::string& organiser, const std::string& round, const std::string& city,
                     common::Date ended_on) {
  return LinkOf(RecordKindName(RecordKind::kRound), organiser + "/" + round, organiser, city,
                "the round, ended " + FormatIsoDate(ended_on));
}

// The deadlines of the engine on the calendar in use, each asked once: many
// records share a rule and a clock start.
DueDate CachedDue(const common::Deadlines& deadlines) {
  auto calendar = deadlines.calendar();
  auto cache = std::make_shared<std::map<std::pair<common::RecordKind, common::Date>, common::Date>>();
  return [&deadlines, calendar, cache](common::RecordKind rule, common::Date clock_start) {
    auto it = cache->find({rule, clock_start});
    if (it == cache->end()) {
      it = cache->emplace(std::pair{rule, clock_start}, deadlines.engine().Due(*calendar, rule, clock_start).value)
               .first;
    }
    return it->second;
  };
}

// The reviews `rounds` still expect, of the rounds `wanted` keeps: with their
// units when `by_unit` (read from the rounds as sent, less those reviewed),
// else as many unnamed as the round's reviewed units exceed its reviews.
std::vector<MissingReview> MissingReviews(SupervisionStore& store, const std::vector<RoundSummary>& rounds,
                                          const std::function<bool(const RoundSummary&)>& wanted, bool by_unit) {
  std::vector<MissingReview> out;
  std::vector<std::pair<std::string, std::string>> keys;
  std::map<std::pair<std::string, std::string>, const RoundSummary*> by_key;
  for (const RoundSummary& round : rounds) {
    if (round.expected <= round.reviews_stored || !wanted(round)) continue;
    if (!by_unit) {
      for (int i = round.reviews_stored; i < round.expected; ++i) {
        out.push_back({round.agency_credit_code, round.source_id, round.city_code, round.ended_on, ""});
      }
      continue;
    }
    keys.emplace_back(round.agency_credit_code, round.source_id);
    by_key[keys.back()] = &round;
  }
  if (keys.empty()) return out;
  std::vector<std::tuple<std::string, std::string, std::string>> units;
  for (const StoredRecord& stored : store.GetMany(RecordKind::kRound, keys)) {
    Round round;
    common::ParseStored(stored.record, &round);
    for (const std::string& unit : round.reviewed_units()) {
      units.emplace_back(stored.agency_credit_code, stored.source_id, unit);
    }
  }
  const auto reviewed = store.ReviewsOfUnits(units);
  for (const auto& key : units) {
    if (reviewed.contains(key)) continue;
    const auto& [organiser, round_id, unit] = key;
    const RoundSummary& round = *by_key.at({organiser, round_id});
    out.push_back({organiser, round_id, round.city_code, round.ended_on, unit});
  }
  return out;
}

// Each finding's key within its rule, for the order findings are listed in.
void SortByKey(std::vector<Finding>& findings) {
  std::stable_sort(findings.begin(), findings.end(),
                   [](const Finding& a, const Finding& b) { return a.record().key() < b.record().key(); });
}

}  // namespace

std::vector<KpiTally> TallyRecords(const std::vector<TimedRecord>& records, const std::vector<MissingReview>& missing,
                                   const DueDate& due, int max_misses, common::Date today) {
  // (organiser, rule) -> its city and its records by key: met, and the
  // link a miss is listed with.
  struct Entry {
    std::string key;
    bool met = false;
    std::optional<RecordLink> link;
  };
  struct Part {
    std::string city_code;
    std::vector<Entry> entries;
  };
  std::map<std::pair<std::string, std::string>, Part> parts;
  const auto add = [&](const std::string& organiser, const std::string& city, const std::string& rule, Entry entry) {
    Part& part = parts[{organiser, rule}];
    part.city_code = city;
    part.entries.push_back(std::move(entry));
  };
  for (const TimedRecord& r : records) {
    const auto rule = RuleOf(r.kind);
    if (!rule) continue;
    const common::Date deadline = due(*rule, r.clock_start);
    const Standing standing = PublishedStanding(deadline, r.published_on, today);
    if (!standing.due) continue;
    const std::string name(common::RecordKindName(*rule));
    Entry entry{RecordKey(r), standing.met, std::nullopt};
    if (!standing.met) {
      entry.link =
          LinkOf(name, entry.key, r.agency_credit_code, r.city_code, PublishedDetail(r.published_on, deadline));
    }
    add(r.agency_credit_code, r.city_code, name, std::move(entry));
  }
  for (const MissingReview& m : missing) {
    const common::Date deadline = due(common::RecordKind::kCaseReview, m.ended_on);
    if (!MissingStanding(deadline, today).due) continue;
    Entry entry{MissingKey(m), false, std::nullopt};
    if (!m.unit.empty()) {
      // Still not published, past its deadline: open.
      entry.link = LinkOf(kCaseReview, entry.key, m.organiser, m.city_code, MissingDetail(deadline));
      entry.link->set_open(true);
    }
    add(m.organiser, m.city_code, kCaseReview, std::move(entry));
  }

  std::vector<KpiTally> tallies;
  for (auto& [key, part] : parts) {
    std::stable_sort(part.entries.begin(), part.entries.end(),
                     [](const Entry& a, const Entry& b) { return a.key < b.key; });
    KpiTally tally;
    tally.set_agency_credit_code(key.first);
    tally.set_city_code(part.city_code);
    tally.set_rule(key.second);
    for (const Entry& e : part.entries) {
      common::CountRecord(tally, e.met, e.link ? &*e.link : nullptr, max_misses);
    }
    tallies.push_back(std::move(tally));
  }
  return tallies;
}

std::vector<Finding> ReviewResultsLate(const std::vector<TimedRecord>& reviews,
                                       const std::vector<MissingReview>& missing, const DueDate& due,
                                       const Allowance& allowance, common::Date today) {
  std::vector<Finding> out;
  const auto add = [&](RecordLink record, RecordLink round) {
    Finding f;
    f.set_rule(kReviewResultsLate);
    *f.mutable_record() = std::move(record);
    *f.add_related() = std::move(round);
    f.set_observed_on(FormatIsoDate(today));
    out.push_back(std::move(f));
  };
  for (const TimedRecord& r : reviews) {
    if (r.kind != RecordKind::kReview) continue;
    const common::Date deadline = due(common::RecordKind::kCaseReview, r.clock_start);
    if (!(r.published_on > allowance(deadline))) continue;
    add(LinkOf(kCaseReview, RecordKey(r), r.agency_credit_code, r.city_code, PublishedDetail(r.published_on, deadline)),
        RoundLink(r.agency_credit_code, r.parent_source_id, r.city_code, r.clock_start));
  }
  for (const MissingReview& m : missing) {
    const common::Date deadline = due(common::RecordKind::kCaseReview, m.ended_on);
    if (m.unit.empty() || !(allowance(deadline) < today)) continue;
    add(LinkOf(kCaseReview, MissingKey(m), m.organiser, m.city_code, MissingDetail(deadline)),
        RoundLink(m.organiser, m.round_source_id, m.city_code, m.ended_on));
  }
  SortByKey(out);
  return out;
}

std::vector<Finding> RectificationsOverdue(const std::vector<RectificationRow>& unreported, int days,
                                           common::Date today) {
  std::vector<Finding> out;
  for (const RectificationRow& row : unreported) {
    if (row.reported_on || !(row.deadline + std::chrono::days(days) < today)) continue;
    const bool review = row.subject == v1::REVIEW;
    Finding f;
    f.set_rule(kRectificationOverdue);
    *f.mutable_record() =
        LinkOf(kRectificationKind,
               std::to_string(row.subject) + "/" + row.agency_credit_code + "/" + row.source_id + "/" + row.problem_id,
               row.unit, row.unit_city, "not reported done, deadline " + FormatIsoDate(row.deadline));
    *f.add_related() = LinkOf(
        review ? kCaseReview : std::string(common::RecordKindName(common::RecordKind::kSpecialSupervision)),
        row.agency_credit_code + "/" + row.source_id, row.agency_credit_code, "",
        review ? "the review requiring it" : "the special supervision requiring it (problem " + row.problem_id + ")");
    f.set_observed_on(FormatIsoDate(today));
    out.push_back(std::move(f));
  }
  SortByKey(out);
  return out;
}

std::vector<KpiTally> SupervisionTallies(SupervisionStore& store, const common::Deadlines& deadlines,
                                         const common::v1::GetKpiTalliesRequest& request, common::Date today) {
  common::ThrowIfAny(common::CheckKpiTalliesRequest(request), "bad tallies request");
  const TallyScope scope{request.year(), request.city_code(), request.agency_credit_code()};
  const DueDate due = CachedDue(deadlines);
  const auto past_due = [&](const RoundSummary& round) {
    return MissingStanding(due(common::RecordKind::kCaseReview, round.ended_on), today).due;
  };
  const std::vector<MissingReview> missing =
      MissingReviews(store, store.RoundsEnded(scope), past_due, request.max_misses() > 0);
  return TallyRecords(store.TimedRecords(scope), missing, due, request.max_misses(), today);
}

std::vector<common::v1::OverdueCount> SupervisionOverdue(SupervisionStore& store, const common::Deadlines& deadlines,
                                                         common::Date today) {
  const int year = static_cast<int>(std::chrono::year_month_day(today).year());
  std::vector<RoundSummary> rounds = store.Rounds(year - 1);
  const std::vector<RoundSummary> this_year = store.Rounds(year);
  rounds.insert(rounds.end(), this_year.begin(), this_year.end());
  std::vector<common::v1::OverdueCount> out;
  for (const auto& [city, n] : ReviewsOverdue(rounds, CachedDue(deadlines), today)) {  // by city
    common::v1::OverdueCount& count = out.emplace_back();
    count.set_kind(kCaseReview);
    count.set_city_code(city);
    count.set_count(static_cast<int64_t>(n));
  }
  return out;
}

common::v1::ListFindingsResponse SupervisionFindings(SupervisionStore& store, const common::Deadlines& deadlines,
                                                     const common::v1::ListFindingsRequest& request,
                                                     common::Date today) {
  common::ThrowIfAny(common::CheckFindingsRequest(request), "bad findings request");

  const TallyScope scope{request.year(), "", ""};
  const DueDate due = CachedDue(deadlines);
  const auto calendar = deadlines.calendar();
  common::v1::ListFindingsResponse answer;
  std::set<std::string> run;
  for (const common::v1::LeadRule& rule : request.rules()) {
    if (!run.insert(rule.name()).second) continue;  // a rule asked twice runs once, as first asked
    std::vector<Finding> found;
    if (rule.name() == kReviewResultsLate) {
      const int n = rule.threshold();
      const Allowance allowance = [&](common::Date deadline) {
        return n == 0 ? deadline : calendar->AddWorkingDays(deadline, n).value;
      };
      const auto past_allowance = [&](const RoundSummary& round) {
        return allowance(due(common::RecordKind::kCaseReview, round.ended_on)) < today;
      };
      found = ReviewResultsLate(store.TimedRecords(scope),
                                MissingReviews(store, store.RoundsEnded(scope), past_allowance, true), due, allowance,
                                today);
    } else if (rule.name() == kRectificationOverdue) {
      const std::chrono::year y{request.year()};
      const common::Date first = y / std::chrono::January / 1;
      // Tripped: a deadline more than `days` before today.
      const common::Date last =
          std::min(common::Date(y / std::chrono::December / 31), today - std::chrono::days(rule.threshold() + 1));
      if (first <= last)
        found = RectificationsOverdue(store.UnreportedRectifications(first, last), rule.threshold(), today);
    } else {
      continue;
    }
    for (Finding& f : found) {
      if (answer.findings_size() >= kMaxFindings) {
        answer.set_truncated(true);
        break;
      }
      *answer.add_findings() = std::move(f);
    }
    if (answer.truncated()) break;
  }
  return answer;
}

}  // namespace gongkai::supervision
