#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "common/batch.h"
#include "common/clock.h"
#include "common/migrations.h"
#include "common/pg_pool.h"
#include "common/rejections.h"
#include "gongkai/common/v1/kpi.pb.h"

namespace gongkai {
// The supervision schema's migrations, compiled in from migrations/*.sql.
const common::MigrationSet& gongkai_supervision_migrations();
}  // namespace gongkai

namespace gongkai::supervision {

// The service's record kinds; their names in batch results, rejections and
// metrics are RecordKindName's. Rectification reports are kept apart
// (UpsertReports) and their rejections are of kind "rectification".
enum class RecordKind { kRound = 1, kReview = 2, kSupervision = 3, kAssessmentPlan = 4, kAssessmentResult = 5 };
// "round", "review", "supervision", "assessment_plan", "assessment_result".
const char* RecordKindName(RecordKind kind);
inline constexpr char kRectificationKind[] = "rectification";

// The columns a record is found and counted by, besides its key. Which are
// set depends on the kind:
//   round              year, quarter, date_from/date_to (started_on/ended_on),
//                      expected (its reviewed units)
//   review             year, quarter (its round's), clock_start (its round's
//                      ended_on), parent_source_id (the round), unit (the
//                      reviewed unit), unit_city (its city)
//   supervision        year (of ended_on), clock_start = date_to = ended_on,
//                      date_from = started_on
//   assessment_plan    year, clock_start (approved_on)
//   assessment_result  year (its plan's), clock_start (concluded_on),
//                      parent_source_id (the plan)
// A column a kind does not have is stored as NULL and read back empty.
struct Columns {
  int year = 0;
  int quarter = 0;
  std::optional<common::Date> clock_start;
  std::optional<common::Date> date_from;
  std::optional<common::Date> date_to;
  int expected = 0;
  std::string parent_source_id;
  std::string unit;
  std::string unit_city;
};

// A problem of a review (one per ProblemType it lists: type set, domain "")
// or of a supervision (one per Problem: domain set, type 0), as the
// statistics count it.
struct ProblemRow {
  std::string unit;
  std::string unit_city;
  std::string domain;
  int type = 0;  // v1::ProblemType
};

// A rectification a record requires: a review's (problem_id "") or a
// supervision problem's (its id).
struct Obligation {
  std::string problem_id;
  std::string unit;
  std::string unit_city;
  std::string requirement;
  common::Date deadline{};
};

// One valid record as the store keeps it: the record as sent and its public
// form, each a serialised supervision.v1 message, with the problems and
// rectifications it holds. Storing an accepted version replaces the
// record's problems and obligations (reports of rectifications are kept,
// whatever becomes of the obligation they report on).
struct RecordToStore {
  RecordKind kind = RecordKind::kRound;
  std::string agency_credit_code;
  std::string source_id;
  int64_t source_version = 0;
  std::string record;
  std::string public_record;
  Columns columns;
  std::vector<ProblemRow> problems;
  std::vector<Obligation> obligations;
};

struct StoredRecord {
  RecordKind kind = RecordKind::kRound;
  std::string agency_credit_code;
  std::string source_id;
  int64_t source_version = 0;
  std::string city_code;
  std::string record;         // serialised as sent
  std::string public_record;  // serialised public form
  Columns columns;
  // The first day a version with this clock start was stored (a new version
  // keeps it unless its clock_start column changed).
  common::Date published_on{};
  int64_t change_seq = 0;
  // Rounds: the reviews stored for it (set by every read).
  int reviews_stored = 0;
};

// What a write did with each valid record, in order; `first_publication`:
// a new key, or a new clock start (what the disclosure counters count).
struct WriteOutcome {
  common::UpsertOutcome outcome = common::UpsertOutcome::kUnchanged;
  bool first_publication = false;
  bool operator==(const WriteOutcome&) const = default;
};

// Filters of the public lists; "" / 0 / nullopt = any. Newest first by
// change_seq, keyset below `before_seq` (0 = from the newest). Rounds: city,
// agency, year, quarter. Reviews: unit_city (city_code is the reviewed unit's
// city), unit, agency + parent_source_id (the round), year, quarter, dates
// (clock_start: the round's end). Supervisions: city, agency, year, dates
// (ended_on), domain and unit (of one of its problems). Assessment plans and
// results: city, agency, year.
struct ListFilter {
  RecordKind kind = RecordKind::kRound;
  std::string city_code;
  std::string agency_credit_code;
  int year = 0;
  int quarter = 0;
  // Reviews: the reviewed unit; supervisions: a problem's unit (整改责任单位).
  std::string unit;
  std::string parent_source_id;
  // Inclusive: reviews by their round's end, supervisions by their end.
  std::optional<common::Date> date_from;
  std::optional<common::Date> date_to;
  // Supervisions: a problem's domain (with `unit`, of the same problem).
  std::string domain;
  int64_t before_seq = 0;
  int limit = 50;
};

// A rectification report as kept: the key (subject 1 review, 2 supervision
// problem; the record's agency and source id; the problem id), the report
// as sent (serialised v1::RectificationReport), and the first day a report
// of this key was stored.
struct ReportToStore {
  int subject = 0;
  std::string agency_credit_code;
  std::string source_id;
  std::string problem_id;
  int64_t source_version = 0;
  std::string report;
  common::Date done_on{};
};

// A rectification required, with its report when there is one.
struct RectificationRow {
  int subject = 0;
  std::string agency_credit_code;
  std::string source_id;
  std::string problem_id;
  std::string unit;
  std::string unit_city;
  std::string requirement;
  common::Date deadline{};
  // Present once reported: the report as sent and the day first reported.
  std::optional<std::string> report;
  std::optional<common::Date> reported_on;
};

// Rectifications by state as of `today` (1 open: unreported, deadline not
// passed; 2 overdue: unreported, deadline passed; 3 done: reported on or
// before the deadline; 4 done late; 0 any), of a unit's city and unit ("" any),
// ordered by (deadline, subject, agency, source id, problem id), keyset after
// `after` (the last row of the previous page; nullopt for the first); of the
// rectifications whose deadline is in `year` (0 any).
struct RectificationFilter {
  std::string unit_city;
  std::string unit;
  int state = 0;
  common::Date today{};
  std::optional<RectificationRow> after;
  int limit = 200;
  int year = 0;
};

// Counts for the gauges, the coverage, the tallies and the lead rules.
// The records of a year the tallies and the lead rules read: those whose
// clock starts (a round: ends) in `year`, of an organiser's city and of an
// organiser ("" any).
struct TallyScope {
  int year = 0;
  std::string city_code;
  std::string agency_credit_code;
};
// A record of a deadline rule: its key, its organiser's city, its clock
// start and the first day it was stored with it; a review's round and unit.
struct TimedRecord {
  RecordKind kind = RecordKind::kReview;
  std::string agency_credit_code;
  std::string source_id;
  std::string city_code;
  common::Date clock_start{};
  common::Date published_on{};
  std::string parent_source_id;
  std::string unit;
};
// Rounds as the coverage and the gauges read them: a review round's
// reviewed units and reviews stored.
struct RoundSummary {
  std::string agency_credit_code;
  std::string source_id;
  std::string city_code;
  int quarter = 0;
  common::Date ended_on{};
  int expected = 0;
  int reviews_stored = 0;
};
// A unit reviewed in a round of the year.
struct ReviewedUnit {
  std::string round_agency;
  std::string round_source_id;
  std::string unit;
  std::string unit_city;
};
// Leads (002_leads.sql): one record tripping one rule. `record` is its
// serialised common.v1.RecordLink, `related` a serialised common.v1.Finding
// holding only its related links; `state` a v1::LeadState; `supervisions`
// the special supervisions it is attached to ("<organiser>/<source id>", in
// that order); `updated_at` RFC 3339 ("" until a supervisor set the state).
struct LeadRow {
  int64_t id = 0;
  std::string rule;
  std::string record;
  std::string related;
  std::string city_code;
  int year = 0;
  int state = 1;
  std::string closed_reason;
  common::Date raised_on{};
  common::Date last_seen_on{};
  bool still_observed = true;
  std::vector<std::string> supervisions;
  std::string updated_by;
  std::string updated_at;
};
// ListLeads: of a city, of a rule, in a state ("" / 0 any), newest first by
// id, below `before_id` (0: from the newest); of the leads whose year (the
// year of the run that last found them) is `year` (0 any).
struct LeadFilter {
  std::string city_code;
  std::string rule;
  int state = 0;
  int64_t before_id = 0;
  int limit = 50;
  int year = 0;
};
// A state change of one lead, written only while the lead is still in
// `from` (another supervisor may have moved it since it was read).
struct LeadStateChange {
  int64_t id = 0;
  int from = 0;
  int to = 0;
  std::string closed_reason;  // "" unless closing
  std::string updated_by;
  std::string updated_at;  // RFC 3339
};
struct LeadSweepCounts {
  int raised = 0;
  int seen_again = 0;
  int no_longer_observed = 0;
  bool operator==(const LeadSweepCounts&) const = default;
};
// Leads by rule, city and state (a v1::LeadState), for the gauges.
struct LeadCount {
  std::string rule;
  std::string city_code;
  int state = 0;
  int64_t count = 0;
};

// Problems of a year grouped: by unit (with its city), by domain, by type,
// by city; each vector sorted by count, most first, then key.
struct ProblemCounts {
  int64_t total = 0;
  std::vector<std::pair<std::string, int64_t>> by_unit;
  std::vector<std::pair<std::string, int64_t>> by_domain;
  std::vector<std::pair<int, int64_t>> by_type;
  std::vector<std::pair<std::string, int64_t>> by_city;
};

class SupervisionStore {
 public:
  virtual ~SupervisionStore() = default;
  // Stores a batch of one kind on `today` in one transaction and a few
  // statements whatever its size: a record whose stored source_version is
  // older (or absent) is written (ACCEPTED, its change_seq advanced under
  // the feed lock, its problems and obligations replaced), else UNCHANGED.
  // `city_code` of each row is `row_cities[i]` (the organiser's registered
  // city: the province may write for any). Records the rejections under
  // `scope` (a city code or "province") and clears, for each accepted
  // record, the rejections of kind RecordKindName(kind) keyed
  // "<agency_credit_code>/<source_id>" of `scope`. Keys must be distinct
  // within a batch.
  virtual std::vector<WriteOutcome> UpsertBatch(RecordKind kind, const std::string& scope,
                                                const std::vector<RecordToStore>& valid,
                                                const std::vector<std::string>& row_cities,
                                                const std::vector<common::Rejection>& rejected, common::Date today) = 0;
  virtual std::optional<StoredRecord> Get(RecordKind kind, const std::string& agency, const std::string& source_id) = 0;
  // The stored records of one kind among the keys asked; absent ones left out.
  virtual std::vector<StoredRecord> GetMany(RecordKind kind,
                                            const std::vector<std::pair<std::string, std::string>>& keys) = 0;
  // Newest first, at most filter.limit, without the record as sent.
  virtual std::vector<StoredRecord> List(const ListFilter& filter) = 0;
  // Every kind changed after `after_seq`, in change_seq order, without the
  // record as sent.
  virtual std::vector<StoredRecord> Changes(int64_t after_seq, int limit) = 0;
  virtual std::vector<common::Rejection> ListRejections(const std::string& scope, int64_t before_id, int limit) = 0;

  // Rectification reports: versioned per key as records are (a newer
  // source_version replaces the report, keeping the first reported_on; else
  // UNCHANGED), in one transaction with the rejections (kind
  // kRectificationKind, keyed "<subject>/<agency>/<source_id>/<problem_id>").
  virtual std::vector<common::UpsertOutcome> UpsertReports(const std::string& scope,
                                                           const std::vector<ReportToStore>& valid,
                                                           const std::vector<common::Rejection>& rejected,
                                                           common::Date today) = 0;
  // The obligations among the keys (subject, agency, source id, problem id)
  // asked, with their reports; absent ones left out.
  virtual std::vector<RectificationRow> Obligations(
      const std::vector<std::tuple<int, std::string, std::string, std::string>>& keys) = 0;
  virtual std::vector<RectificationRow> ListRectifications(const RectificationFilter& filter) = 0;
  // Unreported obligations whose deadline is before `today`, per unit city.
  virtual std::vector<std::pair<std::string, int64_t>> OverdueRectifications(common::Date today) = 0;

  // The reviews stored of the (organiser, round source id, reviewed unit)
  // asked: each found key with its review's source id.
  virtual std::map<std::tuple<std::string, std::string, std::string>, std::string> ReviewsOfUnits(
      const std::vector<std::tuple<std::string, std::string, std::string>>& keys) = 0;

  // For the coverage, the statistics and the gauges.
  virtual std::vector<RoundSummary> Rounds(int year) = 0;
  virtual std::vector<ReviewedUnit> ReviewedUnits(int year) = 0;
  // Problems of reviews of the year's rounds and supervisions ended in the
  // year (kind: 0 both, or kReview / kSupervision), of a unit city ("" all).
  virtual ProblemCounts CountProblems(int year, const std::string& unit_city, int kind) = 0;
  // Reviews, supervisions, assessment plans and results whose clock starts
  // in the scope's year, by kind, organiser and source id.
  virtual std::vector<TimedRecord> TimedRecords(const TallyScope& scope) = 0;
  // Rounds that end in the scope's year, with their reviews stored, by
  // organiser and source id.
  virtual std::vector<RoundSummary> RoundsEnded(const TallyScope& scope) = 0;
  // Obligations not reported done whose deadline is from `first` to `last`,
  // by (subject, agency, source id, problem id).
  virtual std::vector<RectificationRow> UnreportedRectifications(common::Date first, common::Date last) = 0;

  // Leads. One run of the rules `rules_run` over `year`: a lead per finding
  // not held yet (LEAD_NEW, raised and last seen today), those held seen
  // again today (still_observed, with the finding's record and related
  // links; their state is kept), and those of those rules and year not
  // found again marked no longer observed. One transaction; a concurrent run
  // waits (advisory lock). A finding repeating an earlier one's (rule,
  // record) counts once.
  virtual LeadSweepCounts RecordFindings(int year, const std::vector<std::string>& rules_run,
                                         const std::vector<common::v1::Finding>& findings, common::Date today) = 0;
  // At most filter.limit, newest first.
  virtual std::vector<LeadRow> ListLeads(const LeadFilter& filter) = 0;
  // The leads among the ids asked, by id; absent ones left out.
  virtual std::vector<LeadRow> GetLeads(const std::vector<int64_t>& ids) = 0;
  // The lead as changed; nullopt when it is absent or no longer in
  // change.from.
  virtual std::optional<LeadRow> SetLeadState(const LeadStateChange& change) = 0;
  // Attaches the leads to the special supervision; answers how many were not
  // attached to it before.
  virtual int AttachLeads(const std::string& organiser, const std::string& source_id,
                          const std::vector<int64_t>& ids) = 0;
  virtual std::vector<LeadCount> CountLeads() = 0;
};

class PgSupervisionStore final : public SupervisionStore {
 public:
  explicit PgSupervisionStore(common::PgPool& pool);
  std::vector<WriteOutcome> UpsertBatch(RecordKind kind, const std::string& scope,
                                        const std::vector<RecordToStore>& valid,
                                        const std::vector<std::string>& row_cities,
                                        const std::vector<common::Rejection>& rejected, common::Date today) override;
  std::optional<StoredRecord> Get(RecordKind kind, const std::string& agency, const std::string& source_id) override;
  std::vector<StoredRecord> GetMany(RecordKind kind,
                                    const std::vector<std::pair<std::string, std::string>>& keys) override;
  std::vector<StoredRecord> List(const ListFilter& filter) override;
  std::vector<StoredRecord> Changes(int64_t after_seq, int limit) override;
  std::vector<common::Rejection> ListRejections(const std::string& scope, int64_t before_id, int limit) override;
  std::vector<common::UpsertOutcome> UpsertReports(const std::string& scope, const std::vector<ReportToStore>& valid,
                                                   const std::vector<common::Rejection>& rejected,
                                                   common::Date today) override;
  std::vector<RectificationRow> Obligations(
      const std::vector<std::tuple<int, std::string, std::string, std::string>>& keys) override;
  std::vector<RectificationRow> ListRectifications(const RectificationFilter& filter) override;
  std::vector<std::pair<std::string, int64_t>> OverdueRectifications(common::Date today) override;
  std::map<std::tuple<std::string, std::string, std::string>, std::string> ReviewsOfUnits(
      const std::vector<std::tuple<std::string, std::string, std::string>>& keys) override;
  std::vector<RoundSummary> Rounds(int year) override;
  std::vector<ReviewedUnit> ReviewedUnits(int year) override;
  ProblemCounts CountProblems(int year, const std::string& unit_city, int kind) override;
  std::vector<TimedRecord> TimedRecords(const TallyScope& scope) override;
  std::vector<RoundSummary> RoundsEnded(const TallyScope& scope) override;
  std::vector<RectificationRow> UnreportedRectifications(common::Date first, common::Date last) override;
  LeadSweepCounts RecordFindings(int year, const std::vector<std::string>& rules_run,
                                 const std::vector<common::v1::Finding>& findings, common::Date today) override;
  std::vector<LeadRow> ListLeads(const LeadFilter& filter) override;
  std::vector<LeadRow> GetLeads(const std::vector<int64_t>& ids) override;
  std::optional<LeadRow> SetLeadState(const LeadStateChange& change) override;
  int AttachLeads(const std::string& organiser, const std::string& source_id, const std::vector<int64_t>& ids) override;
  std::vector<LeadCount> CountLeads() override;

 private:
  common::PgPool& pool_;
  common::RejectionLog rejections_;
};

}  // namespace gongkai::supervision
