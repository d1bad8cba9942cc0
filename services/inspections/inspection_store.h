#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/batch.h"
#include "common/clock.h"
#include "common/migrations.h"
#include "common/pg_pool.h"
#include "common/rejections.h"

namespace gongkai {
// The inspections schema's migrations, compiled in from migrations/*.sql.
const common::MigrationSet& gongkai_inspections_migrations();
}  // namespace gongkai

namespace gongkai::inspections {

// The service's record kinds; their names in batch results, rejections and
// metrics are RecordKindName's.
enum class RecordKind { kPlan = 1, kTask = 2, kResult = 3, kPilotUnit = 4, kBroadcast = 5 };
// "plan", "task", "result", "pilot_unit", "broadcast".
const char* RecordKindName(RecordKind kind);

// The columns a record is found and counted by, besides its key. Which are
// set depends on the kind:
//   plan        year, clock_start (PlanClockStart)
//   task        domain, date_from/date_to (the check period), expected_results,
//               seed and draw_date (a platform draw; the seed is never served
//               to anyone but PublicTask, which hides it before the draw date)
//   result      domain, task_source_id, date_from = date_to = checked_on,
//               object_name (as published), credit_code, items, outcome
//   pilot_unit  year, sector
//   broadcast   pilot_unit_source_id, planned_start, started_at, ended_at
//               (RFC 3339 text; stored as instants and read back in UTC to
//               the second, e.g. 2026-12-02T06:00:00Z), has_replay
// A column a kind does not have is stored as NULL and read back empty.
struct Columns {
  int year = 0;
  std::string domain;
  std::optional<common::Date> clock_start;
  std::optional<common::Date> date_from;
  std::optional<common::Date> date_to;
  int expected_results = 0;
  std::string seed;
  std::optional<common::Date> draw_date;
  std::string task_source_id;
  std::string object_name;
  std::string credit_code;
  std::vector<std::string> items;
  int outcome = 0;
  int sector = 0;
  std::string pilot_unit_source_id;
  std::string planned_start;
  std::string started_at;
  std::string ended_at;
  bool has_replay = false;
};

// One valid record as the store keeps it: the record as sent (for a platform
// draw, with its draw committed: draw.h Commit) and its public form ("" for
// a task, whose public form depends on the day: PublicTask), each a
// serialised inspections.v1 message.
struct RecordToStore {
  RecordKind kind = RecordKind::kPlan;
  std::string agency_credit_code;
  std::string source_id;
  int64_t source_version = 0;
  std::string record;
  std::string public_record;
  Columns columns;
};

// A stored record.
struct StoredRecord {
  RecordKind kind = RecordKind::kPlan;
  std::string agency_credit_code;
  std::string source_id;
  int64_t source_version = 0;
  std::string city_code;
  std::string record;         // serialised as sent (committed draw included)
  std::string public_record;  // serialised; "" for tasks
  Columns columns;
  // The first day a version with this clock start was stored: a new
  // version keeps it unless its clock start (plans: PlanClockStart; tasks
  // and results: none, so never) changed.
  common::Date published_on{};
  int64_t change_seq = 0;
  // Results: the stored task's check_to (the clock start of its 20 WD);
  // nullopt when the task is not stored. Set by every read (Get, GetMany,
  // List, Changes), as is results_stored.
  std::optional<common::Date> task_check_to;
  // Tasks: the results stored for it.
  int results_stored = 0;
};

// What a write did with each valid record, in order: its outcome, and
// whether this write published it (a new key, or a new clock start: the day
// its deadline counts to), which the disclosure counters count.
struct WriteOutcome {
  common::UpsertOutcome outcome = common::UpsertOutcome::kUnchanged;
  bool first_publication = false;
  bool operator==(const WriteOutcome&) const = default;
};

// Filters of the public lists; "" / nullopt / 0 = any. Newest first by
// change_seq, keyset below `before_seq` (0 = the first page: the newest).
// Each kind reads the filters it has: plans city, agency, year; tasks city,
// agency, dates; results city, agency, dates, object_name, credit_code,
// item, task_source_id, domain, outcome; pilot units city, agency, year;
// broadcasts city, agency, broadcast_state.
struct ListFilter {
  RecordKind kind = RecordKind::kPlan;
  std::string city_code;
  std::string agency_credit_code;
  int year = 0;
  // Tasks: the check period meets [date_from, date_to]; results: checked_on within it.
  std::optional<common::Date> date_from;
  std::optional<common::Date> date_to;
  // Results only.
  // Contained in the published name, in any case, its %, _ and backslash
  // taken literally (trigram index from 3 characters).
  std::string object_name;
  std::string credit_code;
  std::string item;
  std::string task_source_id;
  // The domain of the result's task (Columns::domain).
  std::string domain;
  int outcome = 0;
  // Broadcasts only: 1 upcoming (not started), 2 live (started, not ended),
  // 3 replay (ended, with a replay address).
  int broadcast_state = 0;
  // Keyset: rows with change_seq below this (0 = from the newest).
  int64_t before_seq = 0;
  int limit = 50;
};

// A plan published for an agency and year, for the registry's coverage
// (RecordInspectionPlans): kept in the same transaction as the plan, pushed
// to the registry after.
struct PlanNotice {
  std::string agency_credit_code;
  int year = 0;
  common::Date published_on{};
};

// Counts for the gauges, grouped.
// Results by their task's city, domain and check end, and their own first
// publication (results whose task is not stored are not counted).
struct ResultCount {
  std::string city_code;
  std::string domain;
  common::Date check_to{};
  common::Date published_on{};
  int64_t count = 0;
};
struct ExpectedCount {  // results expected (objects drawn) by task check end
  std::string city_code;
  std::string domain;
  common::Date check_to{};
  int64_t expected = 0;
};
struct PlanCount {  // plans by clock start and publication
  std::string city_code;
  common::Date clock_start{};
  common::Date published_on{};
  int64_t count = 0;
};
struct PilotCount {  // pilot units of a year by city and sector
  std::string city_code;
  int sector = 0;
  int64_t units = 0;
};

// The records of a year the KPI tallies and the lead findings read
// (inspection_kpis.h), of one city and one agency when given ("" = any).
struct KpiFilter {
  int year = 0;
  std::string city_code;
  std::string agency_credit_code;
};
// The records read for a KpiFilter, each with the record as sent, by agency
// and source id.
struct KpiRecords {
  // Plans whose clock start is in the year, or of the year or the next (those
  // approved in the year: approved_on lies in the plan's year or the year
  // before).
  std::vector<StoredRecord> plans;
  // Tasks whose check period meets the year, with their seed.
  std::vector<StoredRecord> tasks;
  // The results of the tasks whose check ends in the year, task_check_to set.
  std::vector<StoredRecord> results;
};

class InspectionStore {
 public:
  virtual ~InspectionStore() = default;
  // Stores a batch of one kind under `city_code` on `today`, in one
  // transaction and a few statements whatever its size: a record whose
  // stored source_version is older (or absent) is written (ACCEPTED, its
  // change_seq advanced under the feed lock), else UNCHANGED; a task's seed,
  // once stored, is never replaced. Records the rejections (RejectionLog)
  // and, for accepted plans, a PlanNotice per agency and year (the earliest
  // day kept). Keys must be distinct within a batch. A record stored under
  // another city is never taken over (UNCHANGED). An accepted record clears
  // the rejections of kind RecordKindName(kind) keyed
  // "<agency_credit_code>/<source_id>" (as the adapter's BatchWrite keys
  // them) of `city_code`.
  virtual std::vector<WriteOutcome> UpsertBatch(RecordKind kind, const std::string& city_code,
                                                const std::vector<RecordToStore>& valid,
                                                const std::vector<common::Rejection>& rejected, common::Date today) = 0;
  virtual std::optional<StoredRecord> Get(RecordKind kind, const std::string& agency, const std::string& source_id) = 0;
  // The stored records of one kind among the keys (agency, source id) asked;
  // absent ones are left out. Unless `whole`, without the record as sent and
  // a task's results_stored: a cheap read of the columns (and change_seq).
  virtual std::vector<StoredRecord> GetMany(RecordKind kind,
                                            const std::vector<std::pair<std::string, std::string>>& keys,
                                            bool whole = true) = 0;
  // Newest first (by change_seq), at most filter.limit; without the record
  // as sent (`record` empty) except for tasks, which need it for PublicTask.
  virtual std::vector<StoredRecord> List(const ListFilter& filter) = 0;
  // Plans, tasks and results changed after `after_seq`, in change_seq order
  // (one feed for the three kinds; each record at its latest change).
  virtual std::vector<StoredRecord> Changes(int64_t after_seq, int limit) = 0;
  virtual std::vector<common::Rejection> ListRejections(const std::string& city_code, int64_t before_id, int limit) = 0;
  // Plan notices not yet pushed, at most `limit`; and marking them pushed.
  virtual std::vector<PlanNotice> PendingPlanNotices(int limit) = 0;
  virtual void MarkPlanNoticesPushed(const std::vector<PlanNotice>& notices) = 0;
  // Grouped counts for the gauges.
  virtual std::vector<ResultCount> ResultCounts() = 0;
  virtual std::vector<ExpectedCount> ExpectedCounts() = 0;
  virtual std::vector<PlanCount> PlanCounts() = 0;
  virtual std::vector<PilotCount> PilotCounts(int year) = 0;
  // What the KPI tallies and the lead findings read of the filter's year, in
  // one transaction (KpiRecords).
  virtual KpiRecords ReadKpiRecords(const KpiFilter& filter) = 0;
};

class PgInspectionStore final : public InspectionStore {
 public:
  explicit PgInspectionStore(common::PgPool& pool);
  std::vector<WriteOutcome> UpsertBatch(RecordKind kind, const std::string& city_code,
                                        const std::vector<RecordToStore>& valid,
                                        const std::vector<common::Rejection>& rejected, common::Date today) override;
  std::optional<StoredRecord> Get(RecordKind kind, const std::string& agency, const std::string& source_id) override;
  std::vector<StoredRecord> GetMany(RecordKind kind, const std::vector<std::pair<std::string, std::string>>& keys,
                                    bool whole = true) override;
  std::vector<StoredRecord> List(const ListFilter& filter) override;
  std::vector<StoredRecord> Changes(int64_t after_seq, int limit) override;
  std::vector<common::Rejection> ListRejections(const std::string& city_code, int64_t before_id, int limit) override;
  std::vector<PlanNotice> PendingPlanNotices(int limit) override;
  void MarkPlanNoticesPushed(const std::vector<PlanNotice>& notices) override;
  std::vector<ResultCount> ResultCounts() override;
  std::vector<ExpectedCount> ExpectedCounts() override;
  std::vector<PlanCount> PlanCounts() override;
  std::vector<PilotCount> PilotCounts(int year) override;
  KpiRecords ReadKpiRecords(const KpiFilter& filter) override;

 private:
  common::PgPool& pool_;
  common::RejectionLog rejections_;
};

}  // namespace gongkai::inspections
