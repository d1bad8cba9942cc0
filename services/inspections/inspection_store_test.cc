#include "services/inspections/inspection_store.h"

#include <gtest/gtest.h>

#include <memory>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/calendar/iso_date.h"
#include "common/testing/dates.h"
#include "common/testing/postgres.h"
#include "gongkai/inspections/v1/inspections.pb.h"

namespace gongkai::inspections {
namespace {

using common::UpsertOutcome;
using gongkai::testing::Day;

constexpr char kCity[] = "140100";
constexpr char kOtherCity[] = "140200";
constexpr char kAgency[] = "11140100MB0000001X";
constexpr char kAgency2[] = "11140100MB0000002X";
constexpr char kOtherAgency[] = "11140200MB0000003X";  // of kOtherCity

const common::Date kToday = Day("2026-11-20");

// ---------------------------------------------------------------- records as the adapter stores them

// Each record is its proto message serialised; its public form is the same
// message with the platform's fields set, so the two differ.
RecordToStore PlanRecord(const std::string& agency, const std::string& source_id, int64_t version, int year,
                         const std::string& clock_start) {
  v1::Plan plan;
  plan.set_agency_credit_code(agency);
  plan.set_source_id(source_id);
  plan.set_source_version(version);
  plan.set_year(year);
  plan.set_title(std::string("年度行政检查计划 v") + std::to_string(version));
  plan.add_objects("食品生产企业");
  plan.set_approved_on(clock_start);
  RecordToStore r;
  r.kind = RecordKind::kPlan;
  r.agency_credit_code = agency;
  r.source_id = source_id;
  r.source_version = version;
  r.record = plan.SerializeAsString();
  plan.set_city_code(kCity);
  r.public_record = plan.SerializeAsString();
  r.columns.year = year;
  r.columns.clock_start = Day(clock_start);
  return r;
}

RecordToStore TaskRecord(const std::string& agency, const std::string& source_id, int64_t version,
                         const std::string& check_from, const std::string& check_to, int expected,
                         const std::string& domain = "market_regulation") {
  v1::Task task;
  task.set_agency_credit_code(agency);
  task.set_source_id(source_id);
  task.set_source_version(version);
  task.set_name(std::string("双随机抽查任务 v") + std::to_string(version));
  task.add_items("I-1");
  task.set_domain(domain);
  task.set_check_from(check_from);
  task.set_check_to(check_to);
  RecordToStore r;
  r.kind = RecordKind::kTask;
  r.agency_credit_code = agency;
  r.source_id = source_id;
  r.source_version = version;
  r.record = task.SerializeAsString();
  r.columns.domain = domain;
  r.columns.date_from = Day(check_from);
  r.columns.date_to = Day(check_to);
  r.columns.expected_results = expected;
  return r;
}

// A platform draw's task: with its seed and draw date.
RecordToStore DrawnTaskRecord(const std::string& source_id, int64_t version, const std::string& seed) {
  RecordToStore r = TaskRecord(kAgency, source_id, version, "2026-12-01", "2026-12-10", 5);
  v1::Task task;
  task.ParseFromString(r.record);
  task.mutable_draw()->add_pool("91140100MA0000000X");
  task.mutable_draw()->set_draw_date("2026-11-25");
  r.record = task.SerializeAsString();
  r.columns.seed = seed;
  r.columns.draw_date = Day("2026-11-25");
  return r;
}

RecordToStore ResultRecord(const std::string& agency, const std::string& source_id, int64_t version,
                           const std::string& task_source_id, const std::string& checked_on,
                           const std::string& object_name, const std::string& credit_code,
                           const std::vector<std::string>& items, int outcome,
                           const std::string& domain = "market_regulation") {
  v1::Result result;
  result.set_agency_credit_code(agency);
  result.set_source_id(source_id);
  result.set_source_version(version);
  result.set_task_source_id(task_source_id);
  result.mutable_object()->set_kind(credit_code.empty() ? v1::CheckObject::NATURAL_PERSON
                                                        : v1::CheckObject::ORGANIZATION);
  result.mutable_object()->set_name(object_name);
  result.mutable_object()->set_credit_code(credit_code);
  for (const auto& item : items) result.add_items(item);
  result.set_outcome(static_cast<v1::Outcome>(outcome));
  result.set_checked_on(checked_on);
  RecordToStore r;
  r.kind = RecordKind::kResult;
  r.agency_credit_code = agency;
  r.source_id = source_id;
  r.source_version = version;
  r.record = result.SerializeAsString();
  result.set_domain(domain);
  r.public_record = result.SerializeAsString();
  r.columns.domain = domain;
  r.columns.task_source_id = task_source_id;
  r.columns.date_from = Day(checked_on);
  r.columns.date_to = Day(checked_on);
  r.columns.object_name = object_name;
  r.columns.credit_code = credit_code;
  r.columns.items = items;
  r.columns.outcome = outcome;
  return r;
}

RecordToStore PilotUnitRecord(const std::string& agency, const std::string& source_id, int year, int sector) {
  v1::PilotUnit unit;
  unit.set_agency_credit_code(agency);
  unit.set_source_id(source_id);
  unit.set_source_version(1);
  unit.set_year(year);
  unit.set_sector(static_cast<v1::Sector>(sector));
  unit.set_channel(v1::SHORT_VIDEO);
  unit.set_platform("抖音");
  unit.set_account("某局直播间");
  RecordToStore r;
  r.kind = RecordKind::kPilotUnit;
  r.agency_credit_code = agency;
  r.source_id = source_id;
  r.source_version = 1;
  r.record = unit.SerializeAsString();
  unit.set_city_code(kCity);
  r.public_record = unit.SerializeAsString();
  r.columns.year = year;
  r.columns.sector = sector;
  return r;
}

RecordToStore BroadcastRecord(const std::string& source_id, const std::string& started_at, const std::string& ended_at,
                              bool has_replay) {
  v1::Broadcast broadcast;
  broadcast.set_agency_credit_code(kAgency);
  broadcast.set_source_id(source_id);
  broadcast.set_source_version(1);
  broadcast.set_pilot_unit_source_id("U-1");
  broadcast.set_title("餐饮后厨检查直播");
  broadcast.set_planned_start("2026-12-02T14:00:00+08:00");
  broadcast.set_started_at(started_at);
  broadcast.set_ended_at(ended_at);
  broadcast.set_live_url("https://live.example/1");
  if (has_replay) broadcast.set_replay_url("https://live.example/1/replay");
  RecordToStore r;
  r.kind = RecordKind::kBroadcast;
  r.agency_credit_code = kAgency;
  r.source_id = source_id;
  r.source_version = 1;
  r.record = broadcast.SerializeAsString();
  broadcast.set_city_code(kCity);
  r.public_record = broadcast.SerializeAsString();
  r.columns.pilot_unit_source_id = "U-1";
  r.columns.planned_start = "2026-12-02T14:00:00+08:00";
  r.columns.started_at = started_at;
  r.columns.ended_at = ended_at;
  r.columns.has_replay = has_replay;
  return r;
}

common::Rejection RejectionOf(const std::string& kind, const std::string& source_id, int64_t version) {
  return {kind,
          std::string(kAgency) + "/" + source_id,
          version,
          R"({"sourceId":"x"})",
          {{"plans[0].title", "required"}},
          "",
          0};
}

std::vector<std::string> SourceIds(const std::vector<StoredRecord>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(r.source_id);
  return out;
}

std::string Iso(common::Date day) { return common::FormatIsoDate(day); }

// A list filter written as a chain: Of(RecordKind::kPlan).City(kCity).Year(2027).
struct Filter {
  ListFilter f;
  Filter& City(const std::string& v) {
    f.city_code = v;
    return *this;
  }
  Filter& Agency(const std::string& v) {
    f.agency_credit_code = v;
    return *this;
  }
  Filter& Year(int v) {
    f.year = v;
    return *this;
  }
  Filter& From(common::Date v) {
    f.date_from = v;
    return *this;
  }
  Filter& To(common::Date v) {
    f.date_to = v;
    return *this;
  }
  Filter& Name(const std::string& v) {
    f.object_name = v;
    return *this;
  }
  Filter& CreditCode(const std::string& v) {
    f.credit_code = v;
    return *this;
  }
  Filter& Item(const std::string& v) {
    f.item = v;
    return *this;
  }
  Filter& Task(const std::string& v) {
    f.task_source_id = v;
    return *this;
  }
  Filter& Outcome(int v) {
    f.outcome = v;
    return *this;
  }
  Filter& Domain(const std::string& v) {
    f.domain = v;
    return *this;
  }
  Filter& State(int v) {
    f.broadcast_state = v;
    return *this;
  }
  Filter& Before(int64_t v) {
    f.before_seq = v;
    return *this;
  }
  Filter& Limit(int v) {
    f.limit = v;
    return *this;
  }
};

Filter Of(RecordKind kind) {
  Filter filter;
  filter.f.kind = kind;
  return filter;
}

Filter Results() { return Of(RecordKind::kResult); }

class InspectionStoreTest : public ::testing::Test {
 protected:
  InspectionStoreTest()
      : pool_(db_.MigratedPool(gongkai_inspections_migrations())),
        store_(std::make_unique<PgInspectionStore>(*pool_)) {}

  // The outcomes of a write (WriteAndPublish has whether each published).
  std::vector<UpsertOutcome> Upsert(RecordKind kind, const std::vector<RecordToStore>& records,
                                    common::Date today = kToday, const std::string& city = kCity,
                                    const std::vector<common::Rejection>& rejected = {}) {
    std::vector<UpsertOutcome> outcomes;
    for (const auto& w : store_->UpsertBatch(kind, city, records, rejected, today)) outcomes.push_back(w.outcome);
    return outcomes;
  }

  StoredRecord MustGet(RecordKind kind, const std::string& agency, const std::string& source_id) {
    auto found = store_->Get(kind, agency, source_id);
    if (!found) throw std::runtime_error("not stored: " + agency + "/" + source_id);
    return *found;
  }

  std::vector<StoredRecord> List(const Filter& filter) { return store_->List(filter.f); }

  testing::TestDatabase db_;
  std::unique_ptr<common::PgPool> pool_;
  std::unique_ptr<PgInspectionStore> store_;
};

// ---------------------------------------------------------------- writes

TEST_F(InspectionStoreTest, ABatchOfEachKindIsStoredAndReadBackWhole) {
  const auto plan = PlanRecord(kAgency, "P-1", 1, 2027, "2026-11-10");
  const auto task = DrawnTaskRecord("T-1", 1, std::string(64, 'a'));
  const auto result = ResultRecord(kAgency, "R-1", 1, "T-1", "2026-12-02", "满50%减商行", "91140100MA0000000X",
                                   {"I-1", "I,2 \"quoted\""}, 2);
  const auto unit = PilotUnitRecord(kAgency, "U-1", 2027, 3);
  const auto broadcast = BroadcastRecord("B-1", "2026-12-02T14:05:30+08:00", "", false);
  EXPECT_EQ(Upsert(RecordKind::kPlan, {plan, PlanRecord(kAgency, "P-2", 1, 2027, "2026-11-11")}),
            (std::vector<UpsertOutcome>{UpsertOutcome::kAccepted, UpsertOutcome::kAccepted}));
  EXPECT_EQ(Upsert(RecordKind::kTask, {task}), std::vector<UpsertOutcome>{UpsertOutcome::kAccepted});
  EXPECT_EQ(Upsert(RecordKind::kResult, {result}), std::vector<UpsertOutcome>{UpsertOutcome::kAccepted});
  EXPECT_EQ(Upsert(RecordKind::kPilotUnit, {unit}), std::vector<UpsertOutcome>{UpsertOutcome::kAccepted});
  EXPECT_EQ(Upsert(RecordKind::kBroadcast, {broadcast}), std::vector<UpsertOutcome>{UpsertOutcome::kAccepted});

  const StoredRecord p = MustGet(RecordKind::kPlan, kAgency, "P-1");
  EXPECT_EQ(p.kind, RecordKind::kPlan);
  EXPECT_EQ(p.agency_credit_code, kAgency);
  EXPECT_EQ(p.source_id, "P-1");
  EXPECT_EQ(p.source_version, 1);
  EXPECT_EQ(p.city_code, kCity);
  EXPECT_EQ(p.record, plan.record);
  EXPECT_EQ(p.public_record, plan.public_record);
  EXPECT_EQ(p.columns.year, 2027);
  EXPECT_EQ(Iso(*p.columns.clock_start), "2026-11-10");
  EXPECT_FALSE(p.columns.date_from.has_value()) << "a column the kind does not have reads back empty";
  EXPECT_EQ(p.columns.domain, "");
  EXPECT_EQ(Iso(p.published_on), "2026-11-20");
  EXPECT_GT(p.change_seq, 0);
  EXPECT_LT(p.change_seq, MustGet(RecordKind::kPlan, kAgency, "P-2").change_seq) << "seq in the batch's order";

  const StoredRecord t = MustGet(RecordKind::kTask, kAgency, "T-1");
  EXPECT_EQ(t.record, task.record);
  EXPECT_EQ(t.public_record, "") << "a task's public form is made when it is read";
  EXPECT_EQ(t.columns.domain, "market_regulation");
  EXPECT_EQ(Iso(*t.columns.date_from), "2026-12-01");
  EXPECT_EQ(Iso(*t.columns.date_to), "2026-12-10");
  EXPECT_EQ(t.columns.expected_results, 5);
  EXPECT_EQ(t.columns.seed, std::string(64, 'a'));
  EXPECT_EQ(Iso(*t.columns.draw_date), "2026-11-25");
  EXPECT_EQ(t.results_stored, 1);

  const StoredRecord r = MustGet(RecordKind::kResult, kAgency, "R-1");
  EXPECT_EQ(r.record, result.record);
  EXPECT_EQ(r.public_record, result.public_record);
  EXPECT_EQ(r.columns.task_source_id, "T-1");
  EXPECT_EQ(Iso(*r.columns.date_from), "2026-12-02");
  EXPECT_EQ(Iso(*r.columns.date_to), "2026-12-02");
  EXPECT_EQ(r.columns.object_name, "满50%减商行");
  EXPECT_EQ(r.columns.credit_code, "91140100MA0000000X");
  EXPECT_EQ(r.columns.items, (std::vector<std::string>{"I-1", "I,2 \"quoted\""}));
  EXPECT_EQ(r.columns.outcome, 2);
  ASSERT_TRUE(r.task_check_to.has_value());
  EXPECT_EQ(Iso(*r.task_check_to), "2026-12-10");

  const StoredRecord u = MustGet(RecordKind::kPilotUnit, kAgency, "U-1");
  EXPECT_EQ(u.record, unit.record);
  EXPECT_EQ(u.public_record, unit.public_record);
  EXPECT_EQ(u.columns.year, 2027);
  EXPECT_EQ(u.columns.sector, 3);

  const StoredRecord b = MustGet(RecordKind::kBroadcast, kAgency, "B-1");
  EXPECT_EQ(b.record, broadcast.record);
  EXPECT_EQ(b.public_record, broadcast.public_record);
  EXPECT_EQ(b.columns.pilot_unit_source_id, "U-1");
  EXPECT_EQ(b.columns.planned_start, "2026-12-02T06:00:00Z") << "instants read back in UTC";
  EXPECT_EQ(b.columns.started_at, "2026-12-02T06:05:30Z");
  EXPECT_EQ(b.columns.ended_at, "");
  EXPECT_FALSE(b.columns.has_replay);

  EXPECT_FALSE(store_->Get(RecordKind::kTask, kAgency, "P-1").has_value()) << "a key is found in its kind only";
  EXPECT_FALSE(store_->Get(RecordKind::kPlan, kAgency2, "P-1").has_value());
}

TEST_F(InspectionStoreTest, GetManyReadsTheStoredKeysInTheOrderAskedWithResultsTasksAndCounts) {
  Upsert(RecordKind::kTask, {TaskRecord(kAgency, "T-1", 1, "2026-11-01", "2026-11-10", 3)});
  Upsert(RecordKind::kResult, {ResultRecord(kAgency, "R-1", 1, "T-1", "2026-11-02", "甲公司", "", {"I-1"}, 1),
                               ResultRecord(kAgency, "R-2", 1, "T-1", "2026-11-03", "乙公司", "", {"I-1"}, 1),
                               ResultRecord(kAgency, "R-3", 1, "T-9", "2026-11-03", "丙公司", "", {"I-1"}, 1)});

  const auto results = store_->GetMany(RecordKind::kResult, {{kAgency, "R-3"}, {kAgency, "R-404"}, {kAgency, "R-1"}});
  EXPECT_EQ(SourceIds(results), (std::vector<std::string>{"R-3", "R-1"})) << "absent keys are left out";
  EXPECT_FALSE(results[0].task_check_to.has_value()) << "its task is not stored";
  ASSERT_TRUE(results[1].task_check_to.has_value());
  EXPECT_EQ(Iso(*results[1].task_check_to), "2026-11-10");
  EXPECT_FALSE(results[1].record.empty()) << "GetMany carries the record as sent";

  const auto tasks = store_->GetMany(RecordKind::kTask, {{kAgency, "T-1"}});
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].results_stored, 2);
  EXPECT_TRUE(store_->GetMany(RecordKind::kTask, {}).empty());
}

TEST_F(InspectionStoreTest, ANewerVersionReplacesAnEqualOrOlderOneIsUnchanged) {
  Upsert(RecordKind::kPlan, {PlanRecord(kAgency, "P-1", 2, 2027, "2026-11-10")});
  const int64_t first_seq = MustGet(RecordKind::kPlan, kAgency, "P-1").change_seq;

  EXPECT_EQ(
      Upsert(RecordKind::kPlan,
             {PlanRecord(kAgency, "P-1", 2, 2027, "2026-11-10"), PlanRecord(kAgency, "P-2", 1, 2027, "2026-11-10"),
              PlanRecord(kAgency, "P-0", 1, 2027, "2026-11-10")}),
      (std::vector<UpsertOutcome>{UpsertOutcome::kUnchanged, UpsertOutcome::kAccepted, UpsertOutcome::kAccepted}));
  EXPECT_EQ(Upsert(RecordKind::kPlan, {PlanRecord(kAgency, "P-2", 2, 2027, "2026-11-10"),
                                       PlanRecord(kAgency, "P-1", 1, 2027, "2026-11-10")}),
            (std::vector<UpsertOutcome>{UpsertOutcome::kAccepted, UpsertOutcome::kUnchanged}))
      << "outcomes in input order";
  StoredRecord p1 = MustGet(RecordKind::kPlan, kAgency, "P-1");
  EXPECT_EQ(p1.source_version, 2);
  EXPECT_EQ(p1.record, PlanRecord(kAgency, "P-1", 2, 2027, "2026-11-10").record);
  EXPECT_EQ(p1.change_seq, first_seq) << "an unchanged record keeps its change_seq";

  EXPECT_EQ(Upsert(RecordKind::kPlan, {PlanRecord(kAgency, "P-1", 3, 2028, "2026-11-10")}),
            std::vector<UpsertOutcome>{UpsertOutcome::kAccepted});
  p1 = MustGet(RecordKind::kPlan, kAgency, "P-1");
  EXPECT_EQ(p1.source_version, 3);
  EXPECT_EQ(p1.columns.year, 2028);
  EXPECT_EQ(p1.record, PlanRecord(kAgency, "P-1", 3, 2028, "2026-11-10").record);
  EXPECT_GT(p1.change_seq, MustGet(RecordKind::kPlan, kAgency, "P-2").change_seq)
      << "an accepted version takes a new change_seq";
}

TEST_F(InspectionStoreTest, AnotherCitysKeyIsNotTakenOver) {
  Upsert(RecordKind::kResult, {ResultRecord(kAgency, "R-1", 1, "T-1", "2026-11-02", "甲公司", "", {"I-1"}, 1)});
  EXPECT_EQ(Upsert(RecordKind::kResult,
                   {ResultRecord(kAgency, "R-1", 5, "T-1", "2026-11-02", "乙公司", "", {"I-1"}, 1),
                    ResultRecord(kOtherAgency, "R-1", 1, "T-1", "2026-11-02", "丙公司", "", {"I-1"}, 1)},
                   kToday, kOtherCity),
            (std::vector<UpsertOutcome>{UpsertOutcome::kUnchanged, UpsertOutcome::kAccepted}));
  const StoredRecord r = MustGet(RecordKind::kResult, kAgency, "R-1");
  EXPECT_EQ(r.city_code, kCity);
  EXPECT_EQ(r.source_version, 1);
  EXPECT_EQ(r.columns.object_name, "甲公司");
  EXPECT_EQ(MustGet(RecordKind::kResult, kOtherAgency, "R-1").city_code, kOtherCity);
}

TEST_F(InspectionStoreTest, AStoredSeedIsKeptOverANewVersion) {
  Upsert(RecordKind::kTask, {DrawnTaskRecord("T-1", 1, std::string(64, 'a'))});
  // A version made with another seed (a second first registration) is not
  // written: its commitment would not be the stored seed's.
  EXPECT_EQ(Upsert(RecordKind::kTask, {DrawnTaskRecord("T-1", 2, std::string(64, 'b'))}),
            std::vector<UpsertOutcome>{UpsertOutcome::kUnchanged});
  EXPECT_EQ(MustGet(RecordKind::kTask, kAgency, "T-1").source_version, 1);
  RecordToStore v2 = DrawnTaskRecord("T-1", 2, std::string(64, 'a'));
  EXPECT_EQ(Upsert(RecordKind::kTask, {v2}), std::vector<UpsertOutcome>{UpsertOutcome::kAccepted});
  StoredRecord t = MustGet(RecordKind::kTask, kAgency, "T-1");
  EXPECT_EQ(t.source_version, 2);
  EXPECT_EQ(t.record, v2.record) << "the rest of the version is stored";
  EXPECT_EQ(t.columns.seed, std::string(64, 'a')) << "the seed is never replaced";

  // A task stored without a seed takes the first one sent.
  Upsert(RecordKind::kTask, {TaskRecord(kAgency, "T-2", 1, "2026-12-01", "2026-12-10", 5)});
  EXPECT_EQ(MustGet(RecordKind::kTask, kAgency, "T-2").columns.seed, "");
  Upsert(RecordKind::kTask, {DrawnTaskRecord("T-2", 2, std::string(64, 'c'))});
  EXPECT_EQ(MustGet(RecordKind::kTask, kAgency, "T-2").columns.seed, std::string(64, 'c'));
  Upsert(RecordKind::kTask, {DrawnTaskRecord("T-2", 3, "")});
  EXPECT_EQ(MustGet(RecordKind::kTask, kAgency, "T-2").columns.seed, std::string(64, 'c'));
}

TEST_F(InspectionStoreTest, PublishedOnIsKeptUnlessTheClockStartMoves) {
  Upsert(RecordKind::kPlan, {PlanRecord(kAgency, "P-1", 1, 2027, "2026-11-10")}, Day("2026-11-20"));
  Upsert(RecordKind::kPlan, {PlanRecord(kAgency, "P-1", 2, 2027, "2026-11-10")}, Day("2026-11-23"));
  EXPECT_EQ(Iso(MustGet(RecordKind::kPlan, kAgency, "P-1").published_on), "2026-11-20")
      << "the same clock start keeps the first publication day";
  Upsert(RecordKind::kPlan, {PlanRecord(kAgency, "P-1", 3, 2027, "2026-11-24")}, Day("2026-11-25"));
  EXPECT_EQ(Iso(MustGet(RecordKind::kPlan, kAgency, "P-1").published_on), "2026-11-25")
      << "a changed plan is published anew";
  Upsert(RecordKind::kPlan, {PlanRecord(kAgency, "P-1", 4, 2027, "2026-11-24")}, Day("2026-11-27"));
  EXPECT_EQ(Iso(MustGet(RecordKind::kPlan, kAgency, "P-1").published_on), "2026-11-25");

  // Tasks and results have no clock start: a new version never moves it.
  Upsert(RecordKind::kTask, {TaskRecord(kAgency, "T-1", 1, "2026-11-01", "2026-11-10", 3)}, Day("2026-11-20"));
  Upsert(RecordKind::kTask, {TaskRecord(kAgency, "T-1", 2, "2026-11-01", "2026-11-12", 4)}, Day("2026-11-26"));
  EXPECT_EQ(Iso(MustGet(RecordKind::kTask, kAgency, "T-1").published_on), "2026-11-20");
  Upsert(RecordKind::kResult, {ResultRecord(kAgency, "R-1", 1, "T-1", "2026-11-02", "甲公司", "", {"I-1"}, 1)},
         Day("2026-11-20"));
  Upsert(RecordKind::kResult, {ResultRecord(kAgency, "R-1", 2, "T-1", "2026-11-03", "甲公司", "", {"I-1"}, 2)},
         Day("2026-11-26"));
  EXPECT_EQ(Iso(MustGet(RecordKind::kResult, kAgency, "R-1").published_on), "2026-11-20");
}

TEST_F(InspectionStoreTest, AWritePublishesANewKeyOrANewClockStartAndNotACorrection) {
  const auto write = [&](int version, const std::string& approved, const std::string& day) {
    return store_->UpsertBatch(RecordKind::kPlan, kCity, {PlanRecord(kAgency, "P-1", version, 2027, approved)}, {},
                               Day(day));
  };
  EXPECT_EQ(write(1, "2026-11-10", "2026-11-20"), (std::vector<WriteOutcome>{{UpsertOutcome::kAccepted, true}}));
  EXPECT_EQ(write(2, "2026-11-10", "2026-11-23"), (std::vector<WriteOutcome>{{UpsertOutcome::kAccepted, false}}))
      << "a correction that keeps the clock start";
  EXPECT_EQ(write(3, "2026-11-24", "2026-11-25"), (std::vector<WriteOutcome>{{UpsertOutcome::kAccepted, true}}))
      << "a changed plan";
  EXPECT_EQ(write(3, "2026-11-26", "2026-11-27"), (std::vector<WriteOutcome>{{UpsertOutcome::kUnchanged, false}}));
}

// A rejection stays until an accepted version of its key and kind clears
// it; other keys, kinds and cities keep theirs.
TEST_F(InspectionStoreTest, RejectionsAreStoredAndClearedByAnAcceptedResend) {
  Upsert(RecordKind::kPlan, {}, kToday, kCity, {RejectionOf("plan", "P-1", 1), RejectionOf("plan", "P-2", 1)});
  Upsert(RecordKind::kTask, {}, kToday, kCity, {RejectionOf("task", "P-1", 1)});
  Upsert(RecordKind::kPlan, {}, kToday, kOtherCity, {RejectionOf("plan", "P-1", 1)});
  const auto stored = store_->ListRejections(kCity, 0, 10);
  ASSERT_EQ(stored.size(), 3u);
  EXPECT_EQ(stored[2].kind, "plan");
  EXPECT_EQ(stored[2].key, std::string(kAgency) + "/P-1");
  EXPECT_EQ(stored[2].violations.size(), 1u);

  EXPECT_EQ(Upsert(RecordKind::kPlan, {PlanRecord(kAgency, "P-1", 2, 2027, "2026-11-10")}),
            std::vector<UpsertOutcome>{UpsertOutcome::kAccepted});
  const auto left = store_->ListRejections(kCity, 0, 10);
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0].kind, "task") << "a rejection of another kind stays";
  EXPECT_EQ(left[1].key, std::string(kAgency) + "/P-2");
  EXPECT_EQ(store_->ListRejections(kOtherCity, 0, 10).size(), 1u) << "another city's rejection stays";

  // An unchanged resend clears nothing.
  Upsert(RecordKind::kPlan, {}, kToday, kCity, {RejectionOf("plan", "P-1", 3)});
  Upsert(RecordKind::kPlan, {PlanRecord(kAgency, "P-1", 2, 2027, "2026-11-10")});
  EXPECT_EQ(store_->ListRejections(kCity, 0, 10).size(), 3u);
}

TEST_F(InspectionStoreTest, PlanNoticesKeepTheEarliestDayAndArePushedOnce) {
  Upsert(RecordKind::kPlan, {PlanRecord(kAgency, "P-1", 1, 2027, "2026-11-10")}, Day("2026-11-20"));
  Upsert(RecordKind::kPlan,
         {PlanRecord(kAgency, "P-2", 1, 2027, "2026-11-12"), PlanRecord(kAgency, "P-3", 1, 2028, "2026-11-12"),
          PlanRecord(kAgency2, "P-4", 1, 2027, "2026-11-12")},
         Day("2026-11-22"));
  // Not accepted: no notice.
  Upsert(RecordKind::kPlan, {PlanRecord(kAgency, "P-1", 1, 2029, "2026-11-10")}, Day("2026-11-23"));
  Upsert(RecordKind::kPlan, {PlanRecord(kAgency, "P-1", 9, 2029, "2026-11-10")}, Day("2026-11-23"), kOtherCity);
  // Other kinds with a year: no notice.
  Upsert(RecordKind::kPilotUnit, {PilotUnitRecord(kAgency, "U-1", 2030, 1)}, Day("2026-11-23"));

  auto pending = store_->PendingPlanNotices(10);
  ASSERT_EQ(pending.size(), 3u);
  EXPECT_EQ(pending[0].agency_credit_code, kAgency);
  EXPECT_EQ(pending[0].year, 2027);
  EXPECT_EQ(Iso(pending[0].published_on), "2026-11-20") << "the earliest plan of the agency and year";
  EXPECT_EQ(pending[1].agency_credit_code, kAgency);
  EXPECT_EQ(pending[1].year, 2028);
  EXPECT_EQ(Iso(pending[1].published_on), "2026-11-22");
  EXPECT_EQ(pending[2].agency_credit_code, kAgency2);
  EXPECT_EQ(pending[2].year, 2027);
  EXPECT_EQ(store_->PendingPlanNotices(1).size(), 1u);

  store_->MarkPlanNoticesPushed({pending[0], pending[2]});
  pending = store_->PendingPlanNotices(10);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].year, 2028);

  // A later plan of a year already noted adds nothing, pushed or not.
  Upsert(RecordKind::kPlan, {PlanRecord(kAgency, "P-1", 2, 2027, "2026-11-10")}, Day("2026-11-26"));
  Upsert(RecordKind::kPlan, {PlanRecord(kAgency, "P-5", 1, 2028, "2026-11-10")}, Day("2026-11-26"));
  pending = store_->PendingPlanNotices(10);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].year, 2028);
  EXPECT_EQ(Iso(pending[0].published_on), "2026-11-22");
  store_->MarkPlanNoticesPushed(pending);
  EXPECT_TRUE(store_->PendingPlanNotices(10).empty());
}

// ---------------------------------------------------------------- lists

TEST_F(InspectionStoreTest, PlansAreListedNewestFirstByCityAgencyAndYearAndPagedBelowASeq) {
  Upsert(RecordKind::kPlan,
         {PlanRecord(kAgency, "P-1", 1, 2027, "2026-11-10"), PlanRecord(kAgency, "P-2", 1, 2028, "2026-11-10"),
          PlanRecord(kAgency2, "P-3", 1, 2027, "2026-11-10")});
  Upsert(RecordKind::kPlan, {PlanRecord(kOtherAgency, "P-4", 1, 2027, "2026-11-10")}, kToday, kOtherCity);
  // Another kind is never listed with plans.
  Upsert(RecordKind::kPilotUnit, {PilotUnitRecord(kAgency, "U-1", 2027, 1)});

  const auto all = List(Of(RecordKind::kPlan));
  EXPECT_EQ(SourceIds(all), (std::vector<std::string>{"P-4", "P-3", "P-2", "P-1"}));
  for (const auto& p : all) {
    EXPECT_TRUE(p.record.empty()) << "lists of plans leave the record as sent out";
    EXPECT_FALSE(p.public_record.empty());
  }
  EXPECT_EQ(SourceIds(List(Of(RecordKind::kPlan).City(kCity))), (std::vector<std::string>{"P-3", "P-2", "P-1"}));
  EXPECT_EQ(SourceIds(List(Of(RecordKind::kPlan).Agency(kAgency))), (std::vector<std::string>{"P-2", "P-1"}));
  EXPECT_EQ(SourceIds(List(Of(RecordKind::kPlan).Year(2027))), (std::vector<std::string>{"P-4", "P-3", "P-1"}));
  EXPECT_EQ(SourceIds(List(Of(RecordKind::kPlan).City(kCity).Agency(kAgency).Year(2027))),
            std::vector<std::string>{"P-1"});

  const auto first = List(Of(RecordKind::kPlan).Limit(2));
  ASSERT_EQ(SourceIds(first), (std::vector<std::string>{"P-4", "P-3"}));
  const auto second = List(Of(RecordKind::kPlan).Before(first.back().change_seq).Limit(2));
  ASSERT_EQ(SourceIds(second), (std::vector<std::string>{"P-2", "P-1"}));
  EXPECT_TRUE(List(Of(RecordKind::kPlan).Before(second.back().change_seq).Limit(2)).empty());

  // A new version moves to the front.
  Upsert(RecordKind::kPlan, {PlanRecord(kAgency, "P-1", 2, 2027, "2026-11-10")});
  EXPECT_EQ(SourceIds(List(Of(RecordKind::kPlan).Limit(2))), (std::vector<std::string>{"P-1", "P-4"}));
}

TEST_F(InspectionStoreTest, TasksAreListedByTheRangeTheirCheckPeriodMeetsWithTheirRecordAndResults) {
  const std::vector<RecordToStore> tasks = {TaskRecord(kAgency, "T-1", 1, "2026-11-01", "2026-11-10", 3),
                                            TaskRecord(kAgency2, "T-2", 1, "2026-11-15", "2026-11-30", 3),
                                            TaskRecord(kAgency, "T-3", 1, "2026-12-01", "2026-12-05", 3)};
  Upsert(RecordKind::kTask, tasks);
  Upsert(RecordKind::kTask, {TaskRecord(kOtherAgency, "T-4", 1, "2026-11-01", "2026-11-10", 3)}, kToday, kOtherCity);
  Upsert(RecordKind::kResult, {ResultRecord(kAgency, "R-1", 1, "T-1", "2026-11-02", "甲公司", "", {"I-1"}, 1),
                               ResultRecord(kAgency, "R-2", 1, "T-1", "2026-11-03", "乙公司", "", {"I-1"}, 1)});

  const auto all = List(Of(RecordKind::kTask));
  EXPECT_EQ(SourceIds(all), (std::vector<std::string>{"T-4", "T-3", "T-2", "T-1"}));
  for (const auto& t : all) {
    EXPECT_FALSE(t.record.empty()) << "tasks carry the record as sent (PublicTask)";
    EXPECT_EQ(t.results_stored, t.source_id == "T-1" ? 2 : 0) << t.source_id;
  }
  EXPECT_EQ(all[1].record, tasks[2].record);
  EXPECT_EQ(all[3].record, tasks[0].record);
  EXPECT_EQ(SourceIds(List(Of(RecordKind::kTask).City(kCity))), (std::vector<std::string>{"T-3", "T-2", "T-1"}));
  EXPECT_EQ(SourceIds(List(Of(RecordKind::kTask).Agency(kAgency))), (std::vector<std::string>{"T-3", "T-1"}));
  EXPECT_EQ(SourceIds(List(Of(RecordKind::kTask).City(kCity).From(Day("2026-11-10")))),
            (std::vector<std::string>{"T-3", "T-2", "T-1"}))
      << "a period ending on the first day meets the range";
  EXPECT_EQ(SourceIds(List(Of(RecordKind::kTask).City(kCity).To(Day("2026-11-14")))), std::vector<std::string>{"T-1"});
  EXPECT_TRUE(List(Of(RecordKind::kTask).City(kCity).From(Day("2026-11-11")).To(Day("2026-11-14"))).empty());
  EXPECT_EQ(SourceIds(List(Of(RecordKind::kTask).City(kCity).From(Day("2026-11-20")).To(Day("2026-12-01")))),
            (std::vector<std::string>{"T-3", "T-2"}))
      << "a period starting on the last day meets the range";

  const auto page = List(Of(RecordKind::kTask).Limit(3));
  EXPECT_EQ(SourceIds(List(Of(RecordKind::kTask).Before(page.back().change_seq))), std::vector<std::string>{"T-1"});
}

class ResultListTest : public InspectionStoreTest {
 protected:
  ResultListTest() {
    Upsert(RecordKind::kTask, {TaskRecord(kAgency, "T-1", 1, "2026-11-01", "2026-11-10", 3),
                               TaskRecord(kAgency, "T-2", 1, "2026-11-01", "2026-11-15", 3)});
    Upsert(RecordKind::kResult,
           {ResultRecord(kAgency, "R-1", 1, "T-1", "2026-11-02", "张某某", "", {"I-1"}, 1),
            ResultRecord(kAgency, "R-2", 1, "T-1", "2026-11-05", "满50%减公司", "C1", {"I-1", "I-2"}, 2),
            ResultRecord(kAgency, "R-3", 1, "T-2", "2026-11-08", "满500减公司", "C2", {"I-2"}, 1),
            ResultRecord(kAgency, "R-4", 1, "T-2", "2026-11-09", "a_b商行", "C3", {"I-3"}, 7),
            ResultRecord(kAgency, "R-5", 1, "T-2", "2026-11-10", "AXB商行", "C4", {"I-3"}, 7),
            ResultRecord(kAgency, "R-6", 1, "T-2", "2026-11-11", "C:\\x目录公司", "C5", {"I-3"}, 1),
            ResultRecord(kAgency2, "R-7", 1, "T-9", "2026-11-12", "乙公司", "C6", {"I-1"}, 1)});
    Upsert(RecordKind::kResult, {ResultRecord(kOtherAgency, "R-8", 1, "T-1", "2026-11-12", "丙公司", "C7", {"I-1"}, 1)},
           kToday, kOtherCity);
  }

  std::vector<std::string> Found(const Filter& filter) { return SourceIds(List(filter)); }
};

TEST_F(ResultListTest, ResultsAreListedNewestFirstWithTheirTasksCheckEndAndNoRecord) {
  const auto all = List(Of(RecordKind::kResult));
  EXPECT_EQ(SourceIds(all), (std::vector<std::string>{"R-8", "R-7", "R-6", "R-5", "R-4", "R-3", "R-2", "R-1"}));
  for (const auto& r : all) {
    EXPECT_TRUE(r.record.empty()) << "lists of results leave the record as sent out";
    EXPECT_FALSE(r.public_record.empty());
  }
  EXPECT_FALSE(all[0].task_check_to.has_value()) << "R-8: no task T-1 of its agency";
  EXPECT_FALSE(all[1].task_check_to.has_value()) << "R-7: task not stored";
  EXPECT_EQ(Iso(*all[2].task_check_to), "2026-11-15");
  EXPECT_EQ(Iso(*all[7].task_check_to), "2026-11-10");

  const auto first = List(Of(RecordKind::kResult).Limit(5));
  EXPECT_EQ(SourceIds(first), (std::vector<std::string>{"R-8", "R-7", "R-6", "R-5", "R-4"}));
  EXPECT_EQ(Found(Results().Before(first.back().change_seq).Limit(5)), (std::vector<std::string>{"R-3", "R-2", "R-1"}));
}

TEST_F(ResultListTest, ResultsAreFilteredByCityAgencyTaskCreditCodeItemOutcomeAndCheckedOn) {
  EXPECT_EQ(Found(Results().City(kOtherCity)), std::vector<std::string>{"R-8"});
  EXPECT_EQ(Found(Results().Agency(kAgency2)), std::vector<std::string>{"R-7"});
  EXPECT_EQ(Found(Results().Task("T-1")), (std::vector<std::string>{"R-8", "R-2", "R-1"}));
  EXPECT_EQ(Found(Results().Agency(kAgency).Task("T-1")), (std::vector<std::string>{"R-2", "R-1"}));
  EXPECT_EQ(Found(Results().CreditCode("C1")), std::vector<std::string>{"R-2"});
  EXPECT_TRUE(Found(Results().CreditCode("C")).empty()) << "the credit code is matched whole";
  EXPECT_EQ(Found(Results().Item("I-2")), (std::vector<std::string>{"R-3", "R-2"}));
  EXPECT_EQ(Found(Results().Outcome(7)), (std::vector<std::string>{"R-5", "R-4"}));
  EXPECT_EQ(Found(Results().From(Day("2026-11-05")).To(Day("2026-11-08"))), (std::vector<std::string>{"R-3", "R-2"}));
  EXPECT_EQ(Found(Results().From(Day("2026-11-11"))), (std::vector<std::string>{"R-8", "R-7", "R-6"}));
  EXPECT_EQ(Found(Results().To(Day("2026-11-02"))), std::vector<std::string>{"R-1"});
  EXPECT_EQ(Found(Results().City(kCity).Item("I-3").Outcome(1)), std::vector<std::string>{"R-6"});
}

TEST_F(ResultListTest, ResultsAreFilteredByTheirTasksDomainWithOrWithoutAName) {
  Upsert(RecordKind::kResult,
         {ResultRecord(kAgency2, "R-9", 1, "T-8", "2026-11-12", "丁公司", "C8", {"I-1"}, 1, "transport"),
          ResultRecord(kAgency2, "R-10", 1, "T-8", "2026-11-13", "戊商行", "C9", {"I-1"}, 1, "transport")});
  EXPECT_EQ(Found(Results().Domain("transport")), (std::vector<std::string>{"R-10", "R-9"}));
  EXPECT_EQ(Found(Results().Domain("market_regulation").Agency(kAgency2)), std::vector<std::string>{"R-7"});
  EXPECT_EQ(Found(Results().Domain("market_regulation").City(kCity)).size(), 7u)
      << "R-1 to R-7, without the transport results";
  EXPECT_TRUE(Found(Results().Domain("agriculture")).empty());
  EXPECT_EQ(Found(Results().Domain("transport").Name("公司")), std::vector<std::string>{"R-9"});
  EXPECT_TRUE(Found(Results().Domain("market_regulation").Name("丁公司")).empty());
  EXPECT_EQ(Found(Results().Name("丁公司")), std::vector<std::string>{"R-9"});
}

// The name is a substring as it is, in any case: ILIKE's % and _ and its
// escape character, the backslash, match only themselves.
TEST_F(ResultListTest, ObjectNameIsASubstringWithPercentUnderscoreAndBackslashLiteral) {
  EXPECT_EQ(Found(Results().Name("50%")), std::vector<std::string>{"R-2"});
  EXPECT_EQ(Found(Results().Name("%")), std::vector<std::string>{"R-2"});
  EXPECT_EQ(Found(Results().Name("a_b")), std::vector<std::string>{"R-4"});
  EXPECT_EQ(Found(Results().Name("_")), std::vector<std::string>{"R-4"});
  EXPECT_EQ(Found(Results().Name("C:\\x")), std::vector<std::string>{"R-6"});
  EXPECT_EQ(Found(Results().Name("axb")), std::vector<std::string>{"R-5"}) << "in any case";
  EXPECT_EQ(Found(Results().Name("减公司")), (std::vector<std::string>{"R-3", "R-2"}));
  EXPECT_EQ(Found(Results().Name("某")), std::vector<std::string>{"R-1"}) << "one character";
  EXPECT_EQ(Found(Results().Name("减公司").CreditCode("C2")), std::vector<std::string>{"R-3"});
  EXPECT_EQ(Found(Results().Name("公司").Item("I-1").Outcome(1)), (std::vector<std::string>{"R-8", "R-7"}));
  EXPECT_TRUE(Found(Results().Name("丁公司")).empty());

  const auto first = List(Of(RecordKind::kResult).Name("公司").Limit(2));
  EXPECT_EQ(SourceIds(first), (std::vector<std::string>{"R-8", "R-7"}));
  EXPECT_EQ(Found(Results().Name("公司").Before(first.back().change_seq).Limit(2)),
            (std::vector<std::string>{"R-6", "R-3"}));
}

// On a table with some thousands of results, a search by object name is
// planned for its name, even on a connection whose plans are made for any
// name (plan_cache_mode = force_generic_plan, what PostgreSQL may settle on
// for a prepared statement), and that plan reads the trigram index.
TEST_F(InspectionStoreTest, AnObjectNameSearchIsPlannedForItsNameAndUsesTheTrigramIndex) {
  std::vector<RecordToStore> results;
  for (int i = 0; i < 3000; ++i) {
    results.push_back(ResultRecord(kAgency, std::string("R-") + std::to_string(i), 1, "T-1", "2026-11-02",
                                   std::string("某某食品有限公司") + std::to_string(i * 7),
                                   std::string("C") + std::to_string(i), {"I-1"}, 1));
  }
  results[1234].columns.object_name = "对未取得食品生产许可证从事生产的商行";
  Upsert(RecordKind::kResult, results);
  // One connection: the store prepares its statement on it, and the test
  // reads the statement's plans there.
  auto pool = db_.MigratedPool(gongkai_inspections_migrations(), 1);
  PgInspectionStore store(*pool);
  pool->Run([](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    tx.exec("SET plan_cache_mode = force_generic_plan");
  });
  for (int call = 0; call < 3; ++call) {
    EXPECT_EQ(SourceIds(store.List(Results().Name("许可证").Limit(51).f)), std::vector<std::string>{"R-1234"});
  }
  pool->Run([](pqxx::connection& c) {
    pqxx::work tx(c);
    const auto plans = tx.exec(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
        "WHERE name = 'inspections_list_results_by_name'");
    ASSERT_EQ(plans.size(), 1u);
    EXPECT_EQ(plans[0][0].as<int>(), 0);
    EXPECT_EQ(plans[0][1].as<int>(), 3);
  });

  const std::string plan = pool->Run([](pqxx::connection& c) {
    pqxx::work tx(c);
    // Rows written since the index was built wait in GIN's pending list,
    // which the planner counts as read on every search, until a vacuum
    // (autovacuum) merges them; so here.
    tx.exec("SELECT gin_clean_pending_list('inspections.records_results_object_name')");
    tx.exec("ANALYZE inspections.records");
    tx.exec("SET LOCAL plan_cache_mode = force_custom_plan");
    std::string text;
    for (const auto& row : tx.exec(
             "EXPLAIN EXECUTE inspections_list_results_by_name('', '', '', '', '', '', '', 0, '', '许可证', 0, 51)")) {
      text += row[0].as<std::string>() + "\n";
    }
    return text;
  });
  EXPECT_NE(plan.find("Bitmap Index Scan on records_results_object_name"), std::string::npos) << plan;
}

TEST_F(InspectionStoreTest, PilotUnitsAreListedByYearAndCity) {
  Upsert(RecordKind::kPilotUnit, {PilotUnitRecord(kAgency, "U-1", 2027, 1), PilotUnitRecord(kAgency, "U-2", 2026, 2),
                                  PilotUnitRecord(kAgency2, "U-3", 2027, 3)});
  Upsert(RecordKind::kPilotUnit, {PilotUnitRecord(kOtherAgency, "U-4", 2027, 1)}, kToday, kOtherCity);
  const auto all = List(Of(RecordKind::kPilotUnit));
  EXPECT_EQ(SourceIds(all), (std::vector<std::string>{"U-4", "U-3", "U-2", "U-1"}));
  for (const auto& u : all) EXPECT_TRUE(u.record.empty());
  EXPECT_EQ(SourceIds(List(Of(RecordKind::kPilotUnit).Year(2027))), (std::vector<std::string>{"U-4", "U-3", "U-1"}));
  EXPECT_EQ(SourceIds(List(Of(RecordKind::kPilotUnit).City(kCity).Year(2027))),
            (std::vector<std::string>{"U-3", "U-1"}));
  EXPECT_EQ(SourceIds(List(Of(RecordKind::kPilotUnit).Agency(kAgency))), (std::vector<std::string>{"U-2", "U-1"}));
  EXPECT_EQ(SourceIds(List(Of(RecordKind::kPilotUnit).Limit(1))), std::vector<std::string>{"U-4"});
}

TEST_F(InspectionStoreTest, BroadcastsAreListedByState) {
  Upsert(RecordKind::kBroadcast,
         {BroadcastRecord("B-1", "", "", false), BroadcastRecord("B-2", "2026-12-02T14:01:00+08:00", "", false),
          BroadcastRecord("B-3", "2026-12-02T14:01:00+08:00", "2026-12-02T15:00:00+08:00", true),
          BroadcastRecord("B-4", "2026-12-02T14:01:00+08:00", "2026-12-02T15:00:00+08:00", false)});
  const auto found = [&](int state) { return SourceIds(List(Of(RecordKind::kBroadcast).State(state))); };
  EXPECT_EQ(found(0), (std::vector<std::string>{"B-4", "B-3", "B-2", "B-1"}));
  EXPECT_EQ(found(1), std::vector<std::string>{"B-1"}) << "upcoming: not started";
  EXPECT_EQ(found(2), std::vector<std::string>{"B-2"}) << "live: started, not ended";
  EXPECT_EQ(found(3), std::vector<std::string>{"B-3"}) << "replay: ended, with a replay address";
  for (const auto& b : List(Of(RecordKind::kBroadcast))) EXPECT_TRUE(b.record.empty());
  EXPECT_TRUE(List(Of(RecordKind::kBroadcast).City(kOtherCity)).empty());
  EXPECT_EQ(SourceIds(List(Of(RecordKind::kBroadcast).Agency(kAgency).State(3))), std::vector<std::string>{"B-3"});
}

// ---------------------------------------------------------------- the feed

TEST_F(InspectionStoreTest, ChangesListPlansTasksAndResultsInSeqOrderEachAtItsLatestChange) {
  const auto plan = PlanRecord(kAgency, "P-1", 1, 2027, "2026-11-10");
  const auto task = TaskRecord(kAgency, "T-1", 1, "2026-11-01", "2026-11-10", 3);
  const auto result = ResultRecord(kAgency, "R-1", 1, "T-1", "2026-11-02", "甲公司", "C1", {"I-1"}, 1);
  Upsert(RecordKind::kPlan, {plan});
  Upsert(RecordKind::kPilotUnit, {PilotUnitRecord(kAgency, "U-1", 2027, 1)});
  Upsert(RecordKind::kTask, {task});
  Upsert(RecordKind::kBroadcast, {BroadcastRecord("B-1", "", "", false)});
  Upsert(RecordKind::kResult, {result});

  const auto all = store_->Changes(0, 100);
  ASSERT_EQ(SourceIds(all), (std::vector<std::string>{"P-1", "T-1", "R-1"}))
      << "pilot units and broadcasts are not fed";
  EXPECT_LT(all[0].change_seq, all[1].change_seq);
  EXPECT_LT(all[1].change_seq, all[2].change_seq);
  EXPECT_EQ(all[0].kind, RecordKind::kPlan);
  EXPECT_EQ(all[0].record, "") << "a plan's change carries its public form only";
  EXPECT_EQ(all[0].public_record, plan.public_record);
  EXPECT_EQ(all[1].kind, RecordKind::kTask);
  EXPECT_EQ(all[1].record, task.record) << "a task's change carries the record PublicTask needs";
  EXPECT_EQ(all[1].results_stored, 1);
  EXPECT_EQ(all[2].kind, RecordKind::kResult);
  EXPECT_EQ(all[2].record, "");
  EXPECT_EQ(all[2].public_record, result.public_record);
  EXPECT_EQ(Iso(*all[2].task_check_to), "2026-11-10");

  EXPECT_EQ(SourceIds(store_->Changes(0, 2)), (std::vector<std::string>{"P-1", "T-1"}));
  EXPECT_EQ(SourceIds(store_->Changes(all[1].change_seq, 100)), std::vector<std::string>{"R-1"});
  EXPECT_TRUE(store_->Changes(all[2].change_seq, 100).empty());

  // An unchanged version is no change; a new one comes once, at its latest seq.
  Upsert(RecordKind::kPlan, {plan, PlanRecord(kAgency, "P-2", 1, 2027, "2026-11-10")});
  Upsert(RecordKind::kTask, {TaskRecord(kAgency, "T-1", 2, "2026-11-01", "2026-11-10", 3)});
  const auto next = store_->Changes(all[2].change_seq, 100);
  EXPECT_EQ(SourceIds(next), (std::vector<std::string>{"P-2", "T-1"}));
  EXPECT_EQ(next[1].source_version, 2);
  EXPECT_EQ(SourceIds(store_->Changes(0, 100)), (std::vector<std::string>{"P-1", "R-1", "P-2", "T-1"}));
}

// ---------------------------------------------------------------- counts

TEST_F(InspectionStoreTest, ResultAndExpectedCountsGroupByTaskCityDomainAndCheckEnd) {
  Upsert(RecordKind::kTask, {TaskRecord(kAgency, "T-1", 1, "2026-11-01", "2026-11-10", 5),
                             TaskRecord(kAgency2, "T-2", 1, "2026-11-02", "2026-11-10", 3),
                             TaskRecord(kAgency, "T-3", 1, "2026-11-01", "2026-11-20", 4, "transport")});
  Upsert(RecordKind::kTask, {TaskRecord(kOtherAgency, "T-4", 1, "2026-11-01", "2026-11-10", 2)}, kToday, kOtherCity);
  Upsert(RecordKind::kResult,
         {ResultRecord(kAgency, "R-1", 1, "T-1", "2026-11-02", "甲", "C1", {"I-1"}, 1),
          ResultRecord(kAgency, "R-2", 1, "T-1", "2026-11-03", "乙", "C2", {"I-1"}, 1),
          ResultRecord(kAgency2, "R-4", 1, "T-2", "2026-11-03", "丁", "C4", {"I-1"}, 1),
          ResultRecord(kAgency, "R-9", 1, "T-9", "2026-11-03", "无任务", "C9", {"I-1"}, 1)},
         Day("2026-11-12"));
  Upsert(RecordKind::kResult, {ResultRecord(kAgency, "R-3", 1, "T-1", "2026-11-04", "丙", "C3", {"I-1"}, 1)},
         Day("2026-11-15"));
  Upsert(RecordKind::kResult, {ResultRecord(kOtherAgency, "R-5", 1, "T-4", "2026-11-04", "戊", "C5", {"I-1"}, 1)},
         Day("2026-11-12"), kOtherCity);

  std::vector<std::string> expected;
  for (const auto& c : store_->ExpectedCounts()) {
    expected.push_back(c.city_code + " " + c.domain + " " + Iso(c.check_to) + " " + std::to_string(c.expected));
  }
  EXPECT_EQ(expected,
            (std::vector<std::string>{"140100 market_regulation 2026-11-10 8", "140100 transport 2026-11-20 4",
                                      "140200 market_regulation 2026-11-10 2"}));

  std::vector<std::string> results;
  for (const auto& c : store_->ResultCounts()) {
    results.push_back(c.city_code + " " + c.domain + " " + Iso(c.check_to) + " " + Iso(c.published_on) + " " +
                      std::to_string(c.count));
  }
  EXPECT_EQ(results, (std::vector<std::string>{"140100 market_regulation 2026-11-10 2026-11-12 3",
                                               "140100 market_regulation 2026-11-10 2026-11-15 1",
                                               "140200 market_regulation 2026-11-10 2026-11-12 1"}))
      << "a result whose task is not stored is not counted";
}

TEST_F(InspectionStoreTest, PlanCountsGroupByCityClockStartAndPublication) {
  Upsert(RecordKind::kPlan,
         {PlanRecord(kAgency, "P-1", 1, 2027, "2026-11-01"), PlanRecord(kAgency2, "P-2", 1, 2027, "2026-11-01")},
         Day("2026-11-12"));
  Upsert(RecordKind::kPlan, {PlanRecord(kAgency, "P-3", 1, 2028, "2026-11-05")}, Day("2026-11-15"));
  Upsert(RecordKind::kPlan, {PlanRecord(kOtherAgency, "P-4", 1, 2027, "2026-11-01")}, Day("2026-11-12"), kOtherCity);
  std::vector<std::string> counts;
  for (const auto& c : store_->PlanCounts()) {
    counts.push_back(c.city_code + " " + Iso(c.clock_start) + " " + Iso(c.published_on) + " " +
                     std::to_string(c.count));
  }
  EXPECT_EQ(counts, (std::vector<std::string>{"140100 2026-11-01 2026-11-12 2", "140100 2026-11-05 2026-11-15 1",
                                              "140200 2026-11-01 2026-11-12 1"}));
}

TEST_F(InspectionStoreTest, PilotCountsGroupAYearsUnitsByCityAndSector) {
  Upsert(RecordKind::kPilotUnit, {PilotUnitRecord(kAgency, "U-1", 2027, 1), PilotUnitRecord(kAgency2, "U-2", 2027, 1),
                                  PilotUnitRecord(kAgency, "U-3", 2027, 2), PilotUnitRecord(kAgency, "U-4", 2026, 3)});
  Upsert(RecordKind::kPilotUnit, {PilotUnitRecord(kOtherAgency, "U-5", 2027, 1)}, kToday, kOtherCity);
  std::vector<std::string> counts;
  for (const auto& c : store_->PilotCounts(2027)) {
    counts.push_back(c.city_code + " " + std::to_string(c.sector) + " " + std::to_string(c.units));
  }
  EXPECT_EQ(counts, (std::vector<std::string>{"140100 1 2", "140100 2 1", "140200 1 1"}));
  ASSERT_EQ(store_->PilotCounts(2026).size(), 1u);
  EXPECT_EQ(store_->PilotCounts(2026)[0].sector, 3);
  EXPECT_TRUE(store_->PilotCounts(2025).empty());
}

TEST_F(InspectionStoreTest, KpiRecordsReadAYearsPlansTasksAndTheirResultsWithTheRecordAsSentFilteredByCityAndAgency) {
  // Plans: P-1 and P-2 start their clock in 2026; P-3 (of 2027) was approved
  // in 2026 and started it in 2027; P-4 of 2025 started it in 2025; P-5
  // of 2025 was changed in 2026.
  Upsert(RecordKind::kPlan,
         {PlanRecord(kAgency, "P-1", 1, 2026, "2026-02-01"), PlanRecord(kAgency2, "P-2", 1, 2026, "2026-03-01"),
          PlanRecord(kAgency, "P-3", 1, 2027, "2027-01-05"), PlanRecord(kAgency, "P-4", 1, 2025, "2025-02-01"),
          PlanRecord(kAgency, "P-5", 1, 2024, "2026-04-01")});
  Upsert(RecordKind::kPlan, {PlanRecord(kOtherAgency, "P-6", 1, 2026, "2026-02-01")}, kToday, kOtherCity);
  // Tasks: T-1 ends in 2026, T-2 meets 2026 but ends in 2027, T-3 ended in
  // 2025, T-4 of the other city ends in 2026.
  Upsert(RecordKind::kTask, {TaskRecord(kAgency, "T-1", 1, "2026-11-01", "2026-11-10", 2),
                             TaskRecord(kAgency2, "T-2", 1, "2026-12-20", "2027-01-10", 1),
                             TaskRecord(kAgency, "T-3", 1, "2025-11-01", "2025-11-10", 1),
                             DrawnTaskRecord("T-5", 1, std::string(64, 'a'))});
  Upsert(RecordKind::kTask, {TaskRecord(kOtherAgency, "T-4", 1, "2026-11-01", "2026-11-10", 1)}, kToday, kOtherCity);
  Upsert(RecordKind::kResult,
         {ResultRecord(kAgency, "R-1", 1, "T-1", "2026-11-02", "甲", "C1", {"I-1"}, 1),
          ResultRecord(kAgency2, "R-2", 1, "T-2", "2027-01-02", "乙", "C2", {"I-1"}, 1),
          ResultRecord(kAgency, "R-3", 1, "T-3", "2025-11-02", "丙", "C3", {"I-1"}, 1)},
         Day("2026-11-12"));
  Upsert(RecordKind::kResult, {ResultRecord(kOtherAgency, "R-4", 1, "T-4", "2026-11-04", "丁", "C4", {"I-1"}, 1)},
         kToday, kOtherCity);

  const KpiRecords all = store_->ReadKpiRecords({2026, "", ""});
  EXPECT_EQ(SourceIds(all.plans), (std::vector<std::string>{"P-1", "P-3", "P-5", "P-2", "P-6"}))
      << "by agency and source id";
  EXPECT_EQ(SourceIds(all.tasks), (std::vector<std::string>{"T-1", "T-5", "T-2", "T-4"}));
  EXPECT_EQ(SourceIds(all.results), (std::vector<std::string>{"R-1", "R-4"}));
  ASSERT_FALSE(all.plans.empty());
  v1::Plan plan;
  ASSERT_TRUE(plan.ParseFromString(all.plans[0].record));
  EXPECT_EQ(plan.approved_on(), "2026-02-01");
  EXPECT_EQ(all.tasks[1].columns.seed, std::string(64, 'a'));
  v1::Task task;
  ASSERT_TRUE(task.ParseFromString(all.tasks[0].record));
  EXPECT_EQ(task.check_to(), "2026-11-10");
  ASSERT_FALSE(all.results.empty());
  v1::Result result;
  ASSERT_TRUE(result.ParseFromString(all.results[0].record));
  EXPECT_EQ(result.object().credit_code(), "C1");
  EXPECT_EQ(all.results[0].task_check_to, Day("2026-11-10"));
  EXPECT_EQ(all.results[0].published_on, Day("2026-11-12"));

  const KpiRecords city = store_->ReadKpiRecords({2026, kOtherCity, ""});
  EXPECT_EQ(SourceIds(city.plans), std::vector<std::string>{"P-6"});
  EXPECT_EQ(SourceIds(city.tasks), std::vector<std::string>{"T-4"});
  EXPECT_EQ(SourceIds(city.results), std::vector<std::string>{"R-4"});
  const KpiRecords agency = store_->ReadKpiRecords({2026, "", kAgency2});
  EXPECT_EQ(SourceIds(agency.plans), std::vector<std::string>{"P-2"});
  EXPECT_EQ(SourceIds(agency.tasks), std::vector<std::string>{"T-2"});
  EXPECT_TRUE(agency.results.empty()) << "T-2's check ends in 2027";
  const KpiRecords next = store_->ReadKpiRecords({2027, "", ""});
  EXPECT_EQ(SourceIds(next.results), std::vector<std::string>{"R-2"});
}

}  // namespace
}  // namespace gongkai::inspections
