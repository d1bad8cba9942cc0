#include "services/supervision/supervision_store.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "common/calendar/iso_date.h"
#include "common/testing/dates.h"
#include "common/testing/postgres.h"
#include "gongkai/supervision/v1/supervision.pb.h"

namespace gongkai::supervision {
namespace {

using common::UpsertOutcome;
using gongkai::testing::Day;

constexpr char kCity[] = "140100";
constexpr char kOtherCity[] = "140200";
constexpr char kThirdCity[] = "140300";
constexpr char kProvince[] = "province";
// Organisers: the province's justice department and a city's bureau.
constexpr char kOrganiser[] = "11140000MB0000001X";
constexpr char kOrganiser2[] = "11140100MB0000002X";
// Units, one of each city.
constexpr char kUnit1[] = "11140100MB0000011X";
constexpr char kUnit2[] = "11140200MB0000012X";
constexpr char kUnit3[] = "11140300MB0000013X";

const common::Date kToday = Day("2026-11-20");

using Counts = std::vector<std::pair<std::string, int64_t>>;
using TypeCounts = std::vector<std::pair<int, int64_t>>;

std::string Iso(common::Date day) { return common::FormatIsoDate(day); }

// ---------------------------------------------------------------- records as the adapter stores them

// Each record is its proto message serialised; its public form is the same
// message with the platform's fields set, so the two differ.
RecordToStore RoundRecord(const std::string& agency, const std::string& source_id, int64_t version, int year,
                          int quarter, const std::string& started_on, const std::string& ended_on, int expected = 3) {
  v1::Round round;
  round.set_agency_credit_code(agency);
  round.set_source_id(source_id);
  round.set_source_version(version);
  round.set_year(year);
  round.set_quarter(quarter);
  round.set_title(std::string("行政执法案卷交叉评查 v") + std::to_string(version));
  round.add_case_types(v1::PENALTY_CASES);
  round.set_started_on(started_on);
  round.set_ended_on(ended_on);
  RecordToStore r;
  r.kind = RecordKind::kRound;
  r.agency_credit_code = agency;
  r.source_id = source_id;
  r.source_version = version;
  r.record = round.SerializeAsString();
  round.set_city_code(kCity);
  r.public_record = round.SerializeAsString();
  r.columns.year = year;
  r.columns.quarter = quarter;
  r.columns.date_from = Day(started_on);
  r.columns.date_to = Day(ended_on);
  r.columns.expected = expected;
  return r;
}

// A review of a 2026 first-quarter round ended 2026-03-31, with a problem of
// each type listed and, when a deadline is given, a rectification.
RecordToStore ReviewRecord(const std::string& agency, const std::string& source_id, int64_t version,
                           const std::string& round, const std::string& unit, const std::string& unit_city,
                           const std::vector<int>& types = {}, const std::string& deadline = "") {
  v1::Review review;
  review.set_agency_credit_code(agency);
  review.set_source_id(source_id);
  review.set_source_version(version);
  review.set_round_source_id(round);
  review.set_reviewed_unit(unit);
  review.set_reviewed_by(kOrganiser2);
  review.set_files_reviewed(10);
  for (int type : types) {
    auto* problem = review.add_problems();
    problem->set_type(static_cast<v1::ProblemType>(type));
    problem->set_description("送达程序不规范");
    problem->set_files(1);
  }
  const std::string requirement = deadline.empty() ? "" : std::string("限期整改 v") + std::to_string(version);
  review.set_rectification_requirement(requirement);
  review.set_rectification_deadline(deadline);
  RecordToStore r;
  r.kind = RecordKind::kReview;
  r.agency_credit_code = agency;
  r.source_id = source_id;
  r.source_version = version;
  r.record = review.SerializeAsString();
  review.set_city_code(kCity);
  review.set_unit_city_code(unit_city);
  r.public_record = review.SerializeAsString();
  r.columns.year = 2026;
  r.columns.quarter = 1;
  r.columns.clock_start = Day("2026-03-31");
  r.columns.parent_source_id = round;
  r.columns.unit = unit;
  r.columns.unit_city = unit_city;
  for (int type : types) r.problems.push_back({unit, unit_city, "", type});
  if (!deadline.empty()) r.obligations.push_back({"", unit, unit_city, requirement, Day(deadline)});
  return r;
}

// A problem of a special supervision as a test writes it.
struct ProblemOf {
  std::string id;
  std::string unit;
  std::string unit_city;
  std::string domain;
  std::string deadline;
};

RecordToStore SupervisionRecord(const std::string& agency, const std::string& source_id, int64_t version,
                                const std::string& started_on, const std::string& ended_on,
                                const std::vector<ProblemOf>& problems = {}) {
  v1::Supervision supervision;
  supervision.set_agency_credit_code(agency);
  supervision.set_source_id(source_id);
  supervision.set_source_version(version);
  supervision.set_topic(std::string("涉企执法专项监督 v") + std::to_string(version));
  supervision.set_deployment(v1::LOCAL);
  supervision.set_scope("全市行政执法单位");
  supervision.add_methods("实地检查");
  supervision.set_started_on(started_on);
  supervision.set_ended_on(ended_on);
  RecordToStore r;
  r.kind = RecordKind::kSupervision;
  for (const auto& p : problems) {
    auto* problem = supervision.add_problems();
    problem->set_id(p.id);
    problem->set_unit(p.unit);
    problem->set_domain(p.domain);
    problem->set_description("执法不规范");
    const std::string requirement = std::string("整改 ") + p.id;
    problem->set_rectification_requirement(requirement);
    problem->set_rectification_deadline(p.deadline);
    r.problems.push_back({p.unit, p.unit_city, p.domain, 0});
    r.obligations.push_back({p.id, p.unit, p.unit_city, requirement, Day(p.deadline)});
  }
  r.agency_credit_code = agency;
  r.source_id = source_id;
  r.source_version = version;
  r.record = supervision.SerializeAsString();
  supervision.set_city_code(kCity);
  r.public_record = supervision.SerializeAsString();
  r.columns.year = std::stoi(ended_on.substr(0, 4));
  r.columns.clock_start = Day(ended_on);
  r.columns.date_from = Day(started_on);
  r.columns.date_to = Day(ended_on);
  return r;
}

RecordToStore PlanRecord(const std::string& agency, const std::string& source_id, int64_t version, int year,
                         const std::string& approved_on) {
  v1::AssessmentPlan plan;
  plan.set_agency_credit_code(agency);
  plan.set_source_id(source_id);
  plan.set_source_version(version);
  plan.set_year(year);
  plan.set_title("年度行政执法考核方案");
  auto* indicator = plan.add_indicators();
  indicator->set_code("I-1");
  indicator->set_name("执法公示");
  indicator->set_max_score(100);
  plan.add_units(kUnit1);
  plan.set_approved_on(approved_on);
  RecordToStore r;
  r.kind = RecordKind::kAssessmentPlan;
  r.agency_credit_code = agency;
  r.source_id = source_id;
  r.source_version = version;
  r.record = plan.SerializeAsString();
  plan.set_city_code(kCity);
  r.public_record = plan.SerializeAsString();
  r.columns.year = year;
  r.columns.clock_start = Day(approved_on);
  return r;
}

RecordToStore ResultRecord(const std::string& agency, const std::string& source_id, int64_t version,
                           const std::string& plan_source_id, int year, const std::string& concluded_on) {
  v1::AssessmentResult result;
  result.set_agency_credit_code(agency);
  result.set_source_id(source_id);
  result.set_source_version(version);
  result.set_plan_source_id(plan_source_id);
  result.set_concluded_on(concluded_on);
  auto* unit = result.add_units();
  unit->set_unit(kUnit1);
  unit->set_score(92.5);
  unit->set_grade(v1::EXCELLENT);
  RecordToStore r;
  r.kind = RecordKind::kAssessmentResult;
  r.agency_credit_code = agency;
  r.source_id = source_id;
  r.source_version = version;
  r.record = result.SerializeAsString();
  result.set_city_code(kCity);
  result.set_year(year);
  r.public_record = result.SerializeAsString();
  r.columns.year = year;
  r.columns.clock_start = Day(concluded_on);
  r.columns.parent_source_id = plan_source_id;
  return r;
}

ReportToStore ReportRecord(int subject, const std::string& agency, const std::string& source_id,
                           const std::string& problem_id, int64_t version, const std::string& done_on) {
  v1::RectificationReport report;
  report.set_subject(static_cast<v1::Subject>(subject));
  report.set_agency_credit_code(agency);
  report.set_source_id(source_id);
  report.set_problem_id(problem_id);
  report.set_source_version(version);
  report.set_done_on(done_on);
  report.set_description(std::string("已完成整改 v") + std::to_string(version));
  return {subject, agency, source_id, problem_id, version, report.SerializeAsString(), Day(done_on)};
}

common::Rejection RejectionOf(const std::string& kind, const std::string& key, int64_t version) {
  return {kind, key, version, R"({"sourceId":"x"})", {{"reviews[0].files_reviewed", "required"}}, "", 0};
}

std::string KeyOf(const std::string& source_id) { return std::string(kOrganiser) + "/" + source_id; }

std::vector<std::string> SourceIds(const std::vector<StoredRecord>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(r.source_id);
  return out;
}

// A rectification as "<subject>/<source id>/<problem id>".
std::vector<std::string> Keys(const std::vector<RectificationRow>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(std::to_string(r.subject) + "/" + r.source_id + "/" + r.problem_id);
  return out;
}

// A list filter written as a chain: Of(RecordKind::kRound).City(kCity).Year(2026).
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
  Filter& Quarter(int v) {
    f.quarter = v;
    return *this;
  }
  Filter& Unit(const std::string& v) {
    f.unit = v;
    return *this;
  }
  Filter& Round(const std::string& v) {
    f.parent_source_id = v;
    return *this;
  }
  Filter& From(const std::string& v) {
    f.date_from = Day(v);
    return *this;
  }
  Filter& To(const std::string& v) {
    f.date_to = Day(v);
    return *this;
  }
  Filter& Domain(const std::string& v) {
    f.domain = v;
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

class SupervisionStoreTest : public ::testing::Test {
 protected:
  SupervisionStoreTest()
      : pool_(db_.MigratedPool(gongkai_supervision_migrations())),
        store_(std::make_unique<PgSupervisionStore>(*pool_)) {}

  // A write under the province's scope; each row of `kCity` unless `cities`
  // says otherwise.
  std::vector<WriteOutcome> Write(RecordKind kind, const std::vector<RecordToStore>& records,
                                  common::Date today = kToday, std::vector<std::string> cities = {},
                                  const std::vector<common::Rejection>& rejected = {},
                                  const std::string& scope = kProvince) {
    if (cities.empty()) cities.assign(records.size(), kCity);
    return store_->UpsertBatch(kind, scope, records, cities, rejected, today);
  }

  std::vector<UpsertOutcome> Upsert(RecordKind kind, const std::vector<RecordToStore>& records,
                                    common::Date today = kToday, const std::vector<std::string>& cities = {}) {
    std::vector<UpsertOutcome> outcomes;
    for (const auto& w : Write(kind, records, today, cities)) outcomes.push_back(w.outcome);
    return outcomes;
  }

  StoredRecord MustGet(RecordKind kind, const std::string& agency, const std::string& source_id) {
    auto found = store_->Get(kind, agency, source_id);
    if (!found) throw std::runtime_error("not stored: " + agency + "/" + source_id);
    return *found;
  }

  std::vector<std::string> Found(const Filter& filter) { return SourceIds(store_->List(filter.f)); }

  std::vector<std::string> Rectifications(int state, common::Date today, const std::string& unit_city = "",
                                          const std::string& unit = "") {
    RectificationFilter f;
    f.unit_city = unit_city;
    f.unit = unit;
    f.state = state;
    f.today = today;
    return Keys(store_->ListRectifications(f));
  }

  testing::TestDatabase db_;
  std::unique_ptr<common::PgPool> pool_;
  std::unique_ptr<PgSupervisionStore> store_;
};

// ---------------------------------------------------------------- writes

TEST_F(SupervisionStoreTest, ARecordOfEachKindIsStoredAndReadBackWhole) {
  const auto round = RoundRecord(kOrganiser, "R-1", 1, 2026, 1, "2026-01-05", "2026-03-31", 3);
  const auto review = ReviewRecord(kOrganiser, "V-1", 1, "R-1", kUnit2, kOtherCity, {1, 3}, "2026-05-31");
  const auto supervision = SupervisionRecord(kOrganiser2, "S-1", 1, "2026-09-01", "2026-10-15",
                                             {{"P-1", kUnit1, kCity, "market_regulation", "2026-12-31"}});
  const auto plan = PlanRecord(kOrganiser, "A-1", 1, 2026, "2026-02-10");
  const auto result = ResultRecord(kOrganiser, "AR-1", 1, "A-1", 2026, "2026-11-10");
  const std::vector<WriteOutcome> published = {{UpsertOutcome::kAccepted, true}};
  EXPECT_EQ(Write(RecordKind::kRound, {round}), published);
  EXPECT_EQ(Write(RecordKind::kReview, {review}), published);
  EXPECT_EQ(Write(RecordKind::kSupervision, {supervision}, kToday, {kOtherCity}), published);
  EXPECT_EQ(Write(RecordKind::kAssessmentPlan, {plan}), published);
  EXPECT_EQ(Write(RecordKind::kAssessmentResult, {result}), published);

  const StoredRecord r = MustGet(RecordKind::kRound, kOrganiser, "R-1");
  EXPECT_EQ(r.kind, RecordKind::kRound);
  EXPECT_EQ(r.agency_credit_code, kOrganiser);
  EXPECT_EQ(r.source_id, "R-1");
  EXPECT_EQ(r.source_version, 1);
  EXPECT_EQ(r.city_code, kCity);
  EXPECT_EQ(r.record, round.record);
  EXPECT_EQ(r.public_record, round.public_record);
  EXPECT_NE(r.record, r.public_record);
  EXPECT_EQ(r.columns.year, 2026);
  EXPECT_EQ(r.columns.quarter, 1);
  EXPECT_EQ(Iso(*r.columns.date_from), "2026-01-05");
  EXPECT_EQ(Iso(*r.columns.date_to), "2026-03-31");
  EXPECT_EQ(r.columns.expected, 3);
  EXPECT_FALSE(r.columns.clock_start.has_value()) << "a column the kind does not have reads back empty";
  EXPECT_EQ(r.columns.parent_source_id, "");
  EXPECT_EQ(r.columns.unit, "");
  EXPECT_EQ(r.columns.unit_city, "");
  EXPECT_EQ(Iso(r.published_on), "2026-11-20");
  EXPECT_GT(r.change_seq, 0);
  EXPECT_EQ(r.reviews_stored, 1);

  const StoredRecord v = MustGet(RecordKind::kReview, kOrganiser, "V-1");
  EXPECT_EQ(v.record, review.record);
  EXPECT_EQ(v.public_record, review.public_record);
  EXPECT_EQ(v.columns.year, 2026);
  EXPECT_EQ(v.columns.quarter, 1);
  EXPECT_EQ(Iso(*v.columns.clock_start), "2026-03-31");
  EXPECT_FALSE(v.columns.date_from.has_value());
  EXPECT_EQ(v.columns.parent_source_id, "R-1");
  EXPECT_EQ(v.columns.unit, kUnit2);
  EXPECT_EQ(v.columns.unit_city, kOtherCity);
  EXPECT_EQ(v.columns.expected, 0);
  EXPECT_EQ(v.reviews_stored, 0);
  EXPECT_GT(v.change_seq, r.change_seq);

  const StoredRecord s = MustGet(RecordKind::kSupervision, kOrganiser2, "S-1");
  EXPECT_EQ(s.record, supervision.record);
  EXPECT_EQ(s.city_code, kOtherCity) << "the city given for the row";
  EXPECT_EQ(s.columns.year, 2026);
  EXPECT_EQ(Iso(*s.columns.clock_start), "2026-10-15");
  EXPECT_EQ(Iso(*s.columns.date_from), "2026-09-01");
  EXPECT_EQ(Iso(*s.columns.date_to), "2026-10-15");
  EXPECT_EQ(s.columns.quarter, 0);

  const StoredRecord p = MustGet(RecordKind::kAssessmentPlan, kOrganiser, "A-1");
  EXPECT_EQ(p.record, plan.record);
  EXPECT_EQ(p.public_record, plan.public_record);
  EXPECT_EQ(p.columns.year, 2026);
  EXPECT_EQ(Iso(*p.columns.clock_start), "2026-02-10");

  const StoredRecord a = MustGet(RecordKind::kAssessmentResult, kOrganiser, "AR-1");
  EXPECT_EQ(a.record, result.record);
  EXPECT_EQ(a.columns.parent_source_id, "A-1");
  EXPECT_EQ(Iso(*a.columns.clock_start), "2026-11-10");

  EXPECT_FALSE(store_->Get(RecordKind::kReview, kOrganiser, "R-1").has_value()) << "a key is found in its kind only";
  EXPECT_FALSE(store_->Get(RecordKind::kRound, kOrganiser2, "R-1").has_value());
}

TEST_F(SupervisionStoreTest, GetManyReadsTheStoredKeysInTheOrderAskedWhole) {
  const auto r1 = RoundRecord(kOrganiser, "R-1", 1, 2026, 1, "2026-01-05", "2026-03-31");
  const auto r2 = RoundRecord(kOrganiser, "R-2", 1, 2026, 2, "2026-04-05", "2026-06-30");
  Upsert(RecordKind::kRound, {r1, r2});
  const auto found =
      store_->GetMany(RecordKind::kRound, {{kOrganiser, "R-2"}, {kOrganiser, "R-404"}, {kOrganiser, "R-1"}});
  EXPECT_EQ(SourceIds(found), (std::vector<std::string>{"R-2", "R-1"})) << "absent keys are left out";
  EXPECT_EQ(found[0].record, r2.record) << "GetMany carries the record as sent";
  EXPECT_EQ(found[1].public_record, r1.public_record);
  EXPECT_TRUE(store_->GetMany(RecordKind::kRound, {}).empty());
  EXPECT_TRUE(store_->GetMany(RecordKind::kReview, {{kOrganiser, "R-1"}}).empty());
}

TEST_F(SupervisionStoreTest, ANewerVersionReplacesAnEqualOrOlderOneIsUnchanged) {
  Upsert(RecordKind::kRound, {RoundRecord(kOrganiser, "R-1", 2, 2026, 1, "2026-01-05", "2026-03-31")});
  const int64_t first_seq = MustGet(RecordKind::kRound, kOrganiser, "R-1").change_seq;

  EXPECT_EQ(Upsert(RecordKind::kRound, {RoundRecord(kOrganiser, "R-1", 2, 2026, 1, "2026-01-06", "2026-03-31"),
                                        RoundRecord(kOrganiser, "R-2", 1, 2026, 2, "2026-04-05", "2026-06-30"),
                                        RoundRecord(kOrganiser, "R-0", 1, 2026, 3, "2026-07-05", "2026-09-30")}),
            (std::vector<UpsertOutcome>{UpsertOutcome::kUnchanged, UpsertOutcome::kAccepted, UpsertOutcome::kAccepted}))
      << "the same version is unchanged; new keys are accepted";
  EXPECT_EQ(Upsert(RecordKind::kRound, {RoundRecord(kOrganiser, "R-2", 2, 2026, 2, "2026-04-05", "2026-06-30"),
                                        RoundRecord(kOrganiser, "R-1", 1, 2026, 1, "2026-01-07", "2026-03-31")}),
            (std::vector<UpsertOutcome>{UpsertOutcome::kAccepted, UpsertOutcome::kUnchanged}))
      << "a newer version is accepted, an older one unchanged; outcomes in input order";
  StoredRecord r1 = MustGet(RecordKind::kRound, kOrganiser, "R-1");
  EXPECT_EQ(r1.source_version, 2);
  EXPECT_EQ(Iso(*r1.columns.date_from), "2026-01-05");
  EXPECT_EQ(r1.record, RoundRecord(kOrganiser, "R-1", 2, 2026, 1, "2026-01-05", "2026-03-31").record);
  EXPECT_EQ(r1.change_seq, first_seq) << "an unchanged record keeps its change_seq";

  // The province writes a new version for the organiser's city as now registered.
  EXPECT_EQ(Upsert(RecordKind::kRound, {RoundRecord(kOrganiser, "R-1", 3, 2027, 1, "2027-01-05", "2027-03-31")}, kToday,
                   {kOtherCity}),
            std::vector<UpsertOutcome>{UpsertOutcome::kAccepted});
  r1 = MustGet(RecordKind::kRound, kOrganiser, "R-1");
  EXPECT_EQ(r1.source_version, 3);
  EXPECT_EQ(r1.columns.year, 2027);
  EXPECT_EQ(r1.city_code, kOtherCity);
  EXPECT_GT(r1.change_seq, MustGet(RecordKind::kRound, kOrganiser, "R-2").change_seq)
      << "an accepted version takes a new change_seq";
}

TEST_F(SupervisionStoreTest, AWritePublishesANewKeyOrANewClockStartAndNotACorrection) {
  const auto write = [&](int64_t version, const std::string& clock_start, const std::string& day) {
    RecordToStore review = ReviewRecord(kOrganiser, "V-1", version, "R-1", kUnit1, kCity);
    review.columns.clock_start = Day(clock_start);
    return Write(RecordKind::kReview, {review}, Day(day));
  };
  EXPECT_EQ(write(1, "2026-03-31", "2026-04-02"), (std::vector<WriteOutcome>{{UpsertOutcome::kAccepted, true}}));
  EXPECT_EQ(write(2, "2026-03-31", "2026-04-03"), (std::vector<WriteOutcome>{{UpsertOutcome::kAccepted, false}}))
      << "a correction that keeps the clock start";
  EXPECT_EQ(write(3, "2026-06-30", "2026-07-02"), (std::vector<WriteOutcome>{{UpsertOutcome::kAccepted, true}}))
      << "a new clock start";
  EXPECT_EQ(write(3, "2026-09-30", "2026-10-02"), (std::vector<WriteOutcome>{{UpsertOutcome::kUnchanged, false}}));

  // A round has no clock start: only its first version publishes it.
  EXPECT_EQ(Write(RecordKind::kRound, {RoundRecord(kOrganiser, "R-1", 1, 2026, 1, "2026-01-05", "2026-03-31")}),
            (std::vector<WriteOutcome>{{UpsertOutcome::kAccepted, true}}));
  EXPECT_EQ(Write(RecordKind::kRound, {RoundRecord(kOrganiser, "R-1", 2, 2026, 1, "2026-01-05", "2026-03-30")}),
            (std::vector<WriteOutcome>{{UpsertOutcome::kAccepted, false}}));
}

TEST_F(SupervisionStoreTest, PublishedOnIsKeptUnlessTheClockStartMoves) {
  const auto write = [&](int64_t version, const std::string& clock_start, const std::string& day) {
    RecordToStore review = ReviewRecord(kOrganiser, "V-1", version, "R-1", kUnit1, kCity);
    review.columns.clock_start = Day(clock_start);
    Upsert(RecordKind::kReview, {review}, Day(day));
    return Iso(MustGet(RecordKind::kReview, kOrganiser, "V-1").published_on);
  };
  EXPECT_EQ(write(1, "2026-03-31", "2026-04-02"), "2026-04-02") << "a new key: today";
  EXPECT_EQ(write(2, "2026-03-31", "2026-04-06"), "2026-04-02") << "the same clock start keeps the day";
  EXPECT_EQ(write(3, "2026-06-30", "2026-07-02"), "2026-07-02") << "a new clock start: today";
  EXPECT_EQ(write(4, "2026-06-30", "2026-07-05"), "2026-07-02");
  EXPECT_EQ(write(4, "2026-09-30", "2026-10-05"), "2026-07-02") << "an unchanged version moves nothing";

  Upsert(RecordKind::kRound, {RoundRecord(kOrganiser, "R-1", 1, 2026, 1, "2026-01-05", "2026-03-31")},
         Day("2026-04-01"));
  Upsert(RecordKind::kRound, {RoundRecord(kOrganiser, "R-1", 2, 2026, 1, "2026-01-08", "2026-03-30")},
         Day("2026-04-05"));
  EXPECT_EQ(Iso(MustGet(RecordKind::kRound, kOrganiser, "R-1").published_on), "2026-04-01")
      << "a round has no clock start to move";
}

TEST_F(SupervisionStoreTest, ANewVersionReplacesTheProblemsAndObligationsOfItsRecord) {
  Upsert(RecordKind::kReview, {ReviewRecord(kOrganiser, "V-1", 2, "R-1", kUnit1, kCity, {1, 3, 5}, "2026-05-31")});
  Upsert(RecordKind::kSupervision, {SupervisionRecord(kOrganiser, "S-1", 1, "2026-09-01", "2026-10-15",
                                                      {{"P-1", kUnit1, kCity, "market_regulation", "2026-12-31"},
                                                       {"P-2", kUnit2, kOtherCity, "transport", "2026-12-31"},
                                                       {"P-3", kUnit2, kOtherCity, "transport", "2027-01-31"}})});
  EXPECT_EQ(store_->CountProblems(2026, "", 0).total, 6);
  EXPECT_EQ(Rectifications(0, kToday), (std::vector<std::string>{"1/V-1/", "2/S-1/P-1", "2/S-1/P-2", "2/S-1/P-3"}));

  // An older version replaces nothing.
  EXPECT_EQ(Upsert(RecordKind::kReview, {ReviewRecord(kOrganiser, "V-1", 1, "R-1", kUnit1, kCity, {8})}),
            std::vector<UpsertOutcome>{UpsertOutcome::kUnchanged});
  EXPECT_EQ(store_->CountProblems(2026, "", 0).total, 6);

  // The review's new version lists one type and requires no rectification;
  // the supervision's drops P-1 and P-3, moves P-2's deadline, adds P-4.
  EXPECT_EQ(Upsert(RecordKind::kReview, {ReviewRecord(kOrganiser, "V-1", 3, "R-1", kUnit1, kCity, {8})}),
            std::vector<UpsertOutcome>{UpsertOutcome::kAccepted});
  EXPECT_EQ(
      Upsert(RecordKind::kSupervision, {SupervisionRecord(kOrganiser, "S-1", 2, "2026-09-01", "2026-10-15",
                                                          {{"P-2", kUnit2, kOtherCity, "ecology", "2027-02-28"},
                                                           {"P-4", kUnit3, kThirdCity, "transport", "2026-12-15"}})}),
      std::vector<UpsertOutcome>{UpsertOutcome::kAccepted});

  const ProblemCounts counts = store_->CountProblems(2026, "", 0);
  EXPECT_EQ(counts.total, 3);
  EXPECT_EQ(counts.by_type, (TypeCounts{{8, 1}}));
  EXPECT_EQ(counts.by_domain, (Counts{{"ecology", 1}, {"transport", 1}}));
  EXPECT_EQ(counts.by_unit, (Counts{{kUnit1, 1}, {kUnit2, 1}, {kUnit3, 1}}));
  EXPECT_EQ(store_->CountProblems(2026, kCity, 0).total, 1);

  RectificationFilter all;
  all.today = kToday;
  const auto rows = store_->ListRectifications(all);
  ASSERT_EQ(Keys(rows), (std::vector<std::string>{"2/S-1/P-4", "2/S-1/P-2"}));
  EXPECT_EQ(rows[0].unit, kUnit3);
  EXPECT_EQ(rows[0].unit_city, kThirdCity);
  EXPECT_EQ(rows[0].requirement, "整改 P-4");
  EXPECT_EQ(Iso(rows[1].deadline), "2027-02-28");
  EXPECT_EQ(rows[1].agency_credit_code, kOrganiser);
  EXPECT_FALSE(rows[1].report.has_value());
  EXPECT_TRUE(store_->Obligations({{1, kOrganiser, "V-1", ""}, {2, kOrganiser, "S-1", "P-1"}}).empty());
}

TEST_F(SupervisionStoreTest, ReportsAreVersionedAndKeepTheirFirstReportDay) {
  Upsert(RecordKind::kReview, {ReviewRecord(kOrganiser, "V-1", 1, "R-1", kUnit1, kCity, {1}, "2026-05-31")});
  const auto report = [](int64_t version, const std::string& done_on) {
    return ReportRecord(1, kOrganiser, "V-1", "", version, done_on);
  };
  const auto upsert = [&](const std::vector<ReportToStore>& reports, const std::string& day) {
    return store_->UpsertReports(kProvince, reports, {}, Day(day));
  };
  EXPECT_EQ(upsert({report(2, "2026-05-20")}, "2026-05-21"), std::vector<UpsertOutcome>{UpsertOutcome::kAccepted});
  EXPECT_EQ(upsert({report(2, "2026-05-22"), ReportRecord(2, kOrganiser, "S-1", "P-1", 1, "2026-05-22")}, "2026-05-23"),
            (std::vector<UpsertOutcome>{UpsertOutcome::kUnchanged, UpsertOutcome::kAccepted}))
      << "the same version is unchanged; a report of a rectification not stored is kept all the same";
  EXPECT_EQ(upsert({report(1, "2026-05-22")}, "2026-05-24"), std::vector<UpsertOutcome>{UpsertOutcome::kUnchanged});
  const auto first = store_->Obligations({{1, kOrganiser, "V-1", ""}});
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(*first[0].report, report(2, "2026-05-20").report);
  EXPECT_EQ(Iso(*first[0].reported_on), "2026-05-21");

  EXPECT_EQ(upsert({report(3, "2026-05-25")}, "2026-06-10"), std::vector<UpsertOutcome>{UpsertOutcome::kAccepted});
  auto found = store_->Obligations({{1, kOrganiser, "V-1", ""}});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(*found[0].report, report(3, "2026-05-25").report) << "a newer version replaces the report";
  EXPECT_EQ(Iso(*found[0].reported_on), "2026-05-21") << "and keeps the day first reported";

  // A report is kept whatever becomes of its obligation.
  Upsert(RecordKind::kReview, {ReviewRecord(kOrganiser, "V-1", 2, "R-1", kUnit1, kCity)});
  EXPECT_TRUE(store_->Obligations({{1, kOrganiser, "V-1", ""}}).empty());
  Upsert(RecordKind::kReview, {ReviewRecord(kOrganiser, "V-1", 3, "R-1", kUnit1, kCity, {1}, "2026-06-30")});
  found = store_->Obligations({{1, kOrganiser, "V-1", ""}});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(*found[0].report, report(3, "2026-05-25").report);
  EXPECT_EQ(Iso(*found[0].reported_on), "2026-05-21");
  EXPECT_EQ(Iso(found[0].deadline), "2026-06-30");
}

// P-1 is never reported, due 11-10; P-2 never, due 11-30; P-5 never, due
// 11-20; P-3 was reported on its deadline (11-10), P-4 two days after it.
TEST_F(SupervisionStoreTest, RectificationStatesFollowTheReportAndTodayAgainstTheDeadline) {
  Upsert(RecordKind::kSupervision,
         {SupervisionRecord(kOrganiser, "S-1", 1, "2026-09-01", "2026-10-15",
                            {{"P-1", kUnit1, kCity, "transport", "2026-11-10"},
                             {"P-2", kUnit2, kOtherCity, "transport", "2026-11-30"},
                             {"P-3", kUnit1, kCity, "transport", "2026-11-10"},
                             {"P-4", kUnit1, kCity, "transport", "2026-11-10"},
                             {"P-5", kUnit2, kOtherCity, "transport", "2026-11-20"}})},
         Day("2026-10-20"));
  store_->UpsertReports(kProvince, {ReportRecord(2, kOrganiser, "S-1", "P-3", 1, "2026-11-09")}, {}, Day("2026-11-10"));
  store_->UpsertReports(kProvince, {ReportRecord(2, kOrganiser, "S-1", "P-4", 1, "2026-11-09")}, {}, Day("2026-11-12"));

  const common::Date before = Day("2026-11-12");  // after P-1's deadline, before the others'
  EXPECT_EQ(Rectifications(0, before),
            (std::vector<std::string>{"2/S-1/P-1", "2/S-1/P-3", "2/S-1/P-4", "2/S-1/P-5", "2/S-1/P-2"}));
  EXPECT_EQ(Rectifications(1, before), (std::vector<std::string>{"2/S-1/P-5", "2/S-1/P-2"}));
  EXPECT_EQ(Rectifications(2, before), (std::vector<std::string>{"2/S-1/P-1"}));
  EXPECT_EQ(Rectifications(3, before), (std::vector<std::string>{"2/S-1/P-3"})) << "reported on the deadline: done";
  EXPECT_EQ(Rectifications(4, before), (std::vector<std::string>{"2/S-1/P-4"}));

  EXPECT_EQ(Rectifications(1, kToday), (std::vector<std::string>{"2/S-1/P-5", "2/S-1/P-2"}))
      << "open on its deadline day";
  EXPECT_EQ(Rectifications(2, kToday), (std::vector<std::string>{"2/S-1/P-1"}));

  const common::Date after = Day("2026-12-01");  // after every deadline
  EXPECT_TRUE(Rectifications(1, after).empty());
  EXPECT_EQ(Rectifications(2, after), (std::vector<std::string>{"2/S-1/P-1", "2/S-1/P-5", "2/S-1/P-2"}));
  EXPECT_EQ(Rectifications(3, after), (std::vector<std::string>{"2/S-1/P-3"})) << "a report's state stays";
  EXPECT_EQ(Rectifications(4, after), (std::vector<std::string>{"2/S-1/P-4"}));
  EXPECT_EQ(Rectifications(2, after, kOtherCity), (std::vector<std::string>{"2/S-1/P-5", "2/S-1/P-2"}));

  const auto reported = store_->ListRectifications({"", "", 4, after, std::nullopt, 200});
  ASSERT_EQ(reported.size(), 1u);
  EXPECT_EQ(Iso(*reported[0].reported_on), "2026-11-12");
  EXPECT_EQ(*reported[0].report, ReportRecord(2, kOrganiser, "S-1", "P-4", 1, "2026-11-09").report);

  EXPECT_TRUE(store_->OverdueRectifications(Day("2026-11-10")).empty()) << "not overdue on the deadline day";
  EXPECT_EQ(store_->OverdueRectifications(before), (Counts{{kCity, 1}}));
  EXPECT_EQ(store_->OverdueRectifications(after), (Counts{{kCity, 1}, {kOtherCity, 2}}));
}

TEST_F(SupervisionStoreTest, RectificationsArePagedByDeadlineSubjectAndKey) {
  Upsert(RecordKind::kSupervision, {SupervisionRecord(kOrganiser, "S-1", 1, "2026-09-01", "2026-10-15",
                                                      {{"P-1", kUnit1, kCity, "transport", "2026-12-01"},
                                                       {"P-2", kUnit2, kOtherCity, "transport", "2026-12-01"},
                                                       {"P-3", kUnit1, kCity, "transport", "2026-11-25"},
                                                       {"P-4", kUnit1, kCity, "transport", "2026-12-01"},
                                                       {"P-5", kUnit1, kCity, "transport", "2026-12-10"}}),
                                    SupervisionRecord(kOrganiser, "S-0", 1, "2026-09-01", "2026-10-15",
                                                      {{"P-9", kUnit2, kOtherCity, "transport", "2026-12-01"}})});
  Upsert(RecordKind::kReview, {ReviewRecord(kOrganiser, "V-1", 1, "R-1", kUnit1, kCity, {1}, "2026-12-01")});
  const std::vector<std::string> all = {"2/S-1/P-3", "1/V-1/",    "2/S-0/P-9", "2/S-1/P-1",
                                        "2/S-1/P-2", "2/S-1/P-4", "2/S-1/P-5"};
  EXPECT_EQ(Rectifications(0, kToday), all);

  std::vector<std::string> paged;
  RectificationFilter f;
  f.today = kToday;
  f.limit = 3;
  for (int page = 0; page < 10; ++page) {
    const auto rows = store_->ListRectifications(f);
    if (rows.empty()) break;
    EXPECT_LE(rows.size(), 3u);
    for (const auto& key : Keys(rows)) paged.push_back(key);
    f.after = rows.back();
  }
  EXPECT_EQ(paged, all);

  f.after = std::nullopt;
  f.unit_city = kCity;
  EXPECT_EQ(Keys(store_->ListRectifications(f)), (std::vector<std::string>{"2/S-1/P-3", "1/V-1/", "2/S-1/P-1"}));
  f.after = store_->ListRectifications(f).back();
  EXPECT_EQ(Keys(store_->ListRectifications(f)), (std::vector<std::string>{"2/S-1/P-4", "2/S-1/P-5"}));
  EXPECT_EQ(Rectifications(0, kToday, "", kUnit2), (std::vector<std::string>{"2/S-0/P-9", "2/S-1/P-2"}));
  EXPECT_TRUE(Rectifications(0, kToday, kCity, kUnit2).empty());
}

TEST_F(SupervisionStoreTest, RectificationsAreListedByTheYearOfTheirDeadline) {
  Upsert(RecordKind::kSupervision, {SupervisionRecord(kOrganiser, "S-1", 1, "2026-09-01", "2026-10-15",
                                                      {{"P-1", kUnit1, kCity, "transport", "2026-11-30"},
                                                       {"P-2", kUnit2, kOtherCity, "transport", "2026-12-31"},
                                                       {"P-3", kUnit1, kCity, "transport", "2027-01-01"},
                                                       {"P-4", kUnit1, kCity, "transport", "2027-02-28"}})});
  RectificationFilter f;
  f.today = kToday;
  f.year = 2026;
  EXPECT_EQ(Keys(store_->ListRectifications(f)), (std::vector<std::string>{"2/S-1/P-1", "2/S-1/P-2"}));
  f.year = 2027;
  EXPECT_EQ(Keys(store_->ListRectifications(f)), (std::vector<std::string>{"2/S-1/P-3", "2/S-1/P-4"}));
  f.year = 2025;
  EXPECT_TRUE(store_->ListRectifications(f).empty());
  f.year = 0;
  EXPECT_EQ(Keys(store_->ListRectifications(f)),
            (std::vector<std::string>{"2/S-1/P-1", "2/S-1/P-2", "2/S-1/P-3", "2/S-1/P-4"}))
      << "0: every year";

  // With the other filters and the pages.
  f.year = 2027;
  f.unit_city = kCity;
  f.limit = 1;
  const auto first = store_->ListRectifications(f);
  EXPECT_EQ(Keys(first), std::vector<std::string>{"2/S-1/P-3"});
  f.after = first.back();
  EXPECT_EQ(Keys(store_->ListRectifications(f)), std::vector<std::string>{"2/S-1/P-4"});
  f.after = std::nullopt;
  f.limit = 200;
  f.year = 2026;
  EXPECT_EQ(Keys(store_->ListRectifications(f)), std::vector<std::string>{"2/S-1/P-1"});
}

// A rejection stays until an accepted version of its key and kind, under its
// scope, clears it; other keys, kinds and scopes keep theirs.
TEST_F(SupervisionStoreTest, RejectionsAreKeptUnderTheirScopeAndClearedByAnAcceptedVersion) {
  Write(RecordKind::kReview, {}, kToday, {},
        {RejectionOf("review", KeyOf("V-1"), 1), RejectionOf("review", KeyOf("V-2"), 1)});
  Write(RecordKind::kRound, {}, kToday, {}, {RejectionOf("round", KeyOf("V-1"), 1)});
  Write(RecordKind::kReview, {}, kToday, {}, {RejectionOf("review", KeyOf("V-1"), 1)}, kCity);
  const auto stored = store_->ListRejections(kProvince, 0, 10);
  ASSERT_EQ(stored.size(), 3u);
  EXPECT_EQ(stored[2].kind, "review");
  EXPECT_EQ(stored[2].key, KeyOf("V-1"));
  EXPECT_EQ(stored[2].violations.size(), 1u);

  EXPECT_EQ(Upsert(RecordKind::kReview, {ReviewRecord(kOrganiser, "V-1", 2, "R-1", kUnit1, kCity)}),
            std::vector<UpsertOutcome>{UpsertOutcome::kAccepted});
  const auto left = store_->ListRejections(kProvince, 0, 10);
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0].kind, "round") << "a rejection of another kind stays";
  EXPECT_EQ(left[1].key, KeyOf("V-2"));
  EXPECT_EQ(store_->ListRejections(kCity, 0, 10).size(), 1u) << "another scope's rejection stays";

  // An unchanged resend clears nothing.
  Write(RecordKind::kReview, {}, kToday, {}, {RejectionOf("review", KeyOf("V-1"), 3)});
  Upsert(RecordKind::kReview, {ReviewRecord(kOrganiser, "V-1", 2, "R-1", kUnit1, kCity)});
  EXPECT_EQ(store_->ListRejections(kProvince, 0, 10).size(), 3u);

  // Reports' rejections, keyed "<subject>/<agency>/<source_id>/<problem_id>".
  const std::string report_key = std::string("2/") + kOrganiser + "/S-1/P-1";
  store_->UpsertReports(kCity, {}, {RejectionOf(kRectificationKind, report_key, 1)}, kToday);
  ASSERT_EQ(store_->ListRejections(kCity, 0, 10).size(), 2u);
  EXPECT_EQ(store_->ListRejections(kCity, 0, 10)[0].kind, kRectificationKind);
  EXPECT_EQ(store_->UpsertReports(kCity, {ReportRecord(2, kOrganiser, "S-1", "P-1", 1, "2026-11-19")}, {}, kToday),
            std::vector<UpsertOutcome>{UpsertOutcome::kAccepted});
  const auto city_left = store_->ListRejections(kCity, 0, 10);
  ASSERT_EQ(city_left.size(), 1u);
  EXPECT_EQ(city_left[0].kind, "review");
}

// Text the rules let through may hold anything but NUL: quotes, backslashes,
// braces and commas (array literals' syntax), "NULL", line breaks, combining
// and joining characters, bidirectional controls, characters beyond the BMP.
TEST_F(SupervisionStoreTest, OddButNulFreeTextAndBinaryRecordsSurviveARoundTrip) {
  const std::string odd =
      "引号\"双\" 'single' \\反斜杠\\ {大,括号} NULL ,; e\u0301 \u200d \u2028 \u202e 😀 "
      "\U0001F3F3\uFE0F\u200D\U0001F308 tab\there\nline";
  const std::string odd_id = std::string("S-") + odd;
  RecordToStore supervision =
      SupervisionRecord(kOrganiser, odd_id, 1, "2026-09-01", "2026-10-15", {{odd, kUnit1, kCity, odd, "2026-12-31"}});
  supervision.obligations[0].requirement = odd;
  supervision.record = std::string("\0\xff\x01", 3) + supervision.record;
  supervision.public_record = std::string("\xff\0", 2);
  EXPECT_EQ(Upsert(RecordKind::kSupervision, {supervision}), std::vector<UpsertOutcome>{UpsertOutcome::kAccepted});
  const StoredRecord s = MustGet(RecordKind::kSupervision, kOrganiser, odd_id);
  EXPECT_EQ(s.source_id, odd_id);
  EXPECT_EQ(s.record, supervision.record) << "bytes travel as bytes";
  EXPECT_EQ(s.public_record, supervision.public_record);

  const auto rows = store_->Obligations({{2, kOrganiser, odd_id, odd}});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].problem_id, odd);
  EXPECT_EQ(rows[0].requirement, odd);
  EXPECT_EQ(store_->CountProblems(2026, "", 0).by_domain, (Counts{{odd, 1}}));

  RecordToStore review = ReviewRecord(kOrganiser, "V-1", 1, odd, kUnit1, kCity);
  Upsert(RecordKind::kReview, {review});
  EXPECT_EQ(Found(Of(RecordKind::kReview).Round(odd)), std::vector<std::string>{"V-1"});
  EXPECT_EQ(MustGet(RecordKind::kReview, kOrganiser, "V-1").columns.parent_source_id, odd);

  EXPECT_EQ(store_->UpsertReports(kProvince, {ReportRecord(2, kOrganiser, odd_id, odd, 1, "2026-11-19")}, {}, kToday),
            std::vector<UpsertOutcome>{UpsertOutcome::kAccepted});
  EXPECT_TRUE(store_->Obligations({{2, kOrganiser, odd_id, odd}})[0].report.has_value());
}

// ---------------------------------------------------------------- lists and the feed

class ListTest : public SupervisionStoreTest {
 protected:
  ListTest() {
    Upsert(RecordKind::kRound, {RoundRecord(kOrganiser, "R-1", 1, 2026, 1, "2026-01-05", "2026-03-31"),
                                RoundRecord(kOrganiser, "R-2", 1, 2026, 2, "2026-04-05", "2026-06-30"),
                                RoundRecord(kOrganiser, "R-4", 1, 2025, 4, "2025-10-05", "2025-12-31")});
    Upsert(RecordKind::kRound, {RoundRecord(kOrganiser2, "R-3", 1, 2026, 1, "2026-01-05", "2026-03-31")}, kToday,
           {kOtherCity});
    RecordToStore v3 = ReviewRecord(kOrganiser, "V-3", 1, "R-2", kUnit1, kCity);
    v3.columns.quarter = 2;
    v3.columns.clock_start = Day("2026-06-30");
    Upsert(RecordKind::kReview, {ReviewRecord(kOrganiser, "V-1", 1, "R-1", kUnit1, kCity),
                                 ReviewRecord(kOrganiser, "V-2", 1, "R-1", kUnit2, kOtherCity), v3});
    Upsert(RecordKind::kReview, {ReviewRecord(kOrganiser2, "V-4", 1, "R-3", kUnit2, kOtherCity)}, kToday, {kOtherCity});
  }
};

TEST_F(ListTest, RoundsAreListedNewestFirstByCityAgencyYearAndQuarterWithTheirReviews) {
  const auto all = store_->List(Of(RecordKind::kRound).f);
  EXPECT_EQ(SourceIds(all), (std::vector<std::string>{"R-3", "R-4", "R-2", "R-1"}));
  for (const auto& r : all) {
    EXPECT_TRUE(r.record.empty()) << "lists leave the record as sent out";
    EXPECT_FALSE(r.public_record.empty());
  }
  EXPECT_EQ(all[0].reviews_stored, 1);
  EXPECT_EQ(all[1].reviews_stored, 0);
  EXPECT_EQ(all[2].reviews_stored, 1);
  EXPECT_EQ(all[3].reviews_stored, 2);
  EXPECT_EQ(Found(Of(RecordKind::kRound).City(kCity)), (std::vector<std::string>{"R-4", "R-2", "R-1"}));
  EXPECT_EQ(Found(Of(RecordKind::kRound).Agency(kOrganiser2)), std::vector<std::string>{"R-3"});
  EXPECT_EQ(Found(Of(RecordKind::kRound).Year(2026)), (std::vector<std::string>{"R-3", "R-2", "R-1"}));
  EXPECT_EQ(Found(Of(RecordKind::kRound).Quarter(1)), (std::vector<std::string>{"R-3", "R-1"}));
  EXPECT_EQ(Found(Of(RecordKind::kRound).City(kCity).Year(2026).Quarter(1)), std::vector<std::string>{"R-1"});

  const auto first = store_->List(Of(RecordKind::kRound).Limit(2).f);
  ASSERT_EQ(SourceIds(first), (std::vector<std::string>{"R-3", "R-4"}));
  const auto second = store_->List(Of(RecordKind::kRound).Before(first.back().change_seq).Limit(2).f);
  ASSERT_EQ(SourceIds(second), (std::vector<std::string>{"R-2", "R-1"}));
  EXPECT_TRUE(Found(Of(RecordKind::kRound).Before(second.back().change_seq).Limit(2)).empty());

  Upsert(RecordKind::kRound, {RoundRecord(kOrganiser, "R-1", 2, 2026, 1, "2026-01-05", "2026-03-31")});
  EXPECT_EQ(Found(Of(RecordKind::kRound).Limit(2)), (std::vector<std::string>{"R-1", "R-3"}))
      << "a new version moves to the front";
}

TEST_F(ListTest, ReviewsAreListedByTheirUnitsCityUnitRoundYearAndQuarter) {
  const auto all = store_->List(Of(RecordKind::kReview).f);
  EXPECT_EQ(SourceIds(all), (std::vector<std::string>{"V-4", "V-3", "V-2", "V-1"}));
  for (const auto& r : all) EXPECT_TRUE(r.record.empty());
  EXPECT_EQ(Found(Of(RecordKind::kReview).City(kOtherCity)), (std::vector<std::string>{"V-4", "V-2"}))
      << "a review's city is its unit's";
  EXPECT_EQ(Found(Of(RecordKind::kReview).Unit(kUnit1)), (std::vector<std::string>{"V-3", "V-1"}));
  EXPECT_EQ(Found(Of(RecordKind::kReview).Agency(kOrganiser).Round("R-1")), (std::vector<std::string>{"V-2", "V-1"}));
  EXPECT_EQ(Found(Of(RecordKind::kReview).Agency(kOrganiser2)), std::vector<std::string>{"V-4"});
  EXPECT_EQ(Found(Of(RecordKind::kReview).Quarter(2)), std::vector<std::string>{"V-3"});
  EXPECT_EQ(Found(Of(RecordKind::kReview).Year(2026).City(kCity).Quarter(1)), std::vector<std::string>{"V-1"});
  EXPECT_TRUE(Found(Of(RecordKind::kReview).Year(2025)).empty());

  const auto first = store_->List(Of(RecordKind::kReview).Limit(3).f);
  EXPECT_EQ(Found(Of(RecordKind::kReview).Before(first.back().change_seq)), std::vector<std::string>{"V-1"});
}

TEST_F(ListTest, ReviewsAreListedByTheirRoundsEndInclusive) {
  EXPECT_EQ(Found(Of(RecordKind::kReview).From("2026-04-01")), std::vector<std::string>{"V-3"});
  EXPECT_EQ(Found(Of(RecordKind::kReview).From("2026-06-30")), std::vector<std::string>{"V-3"});
  EXPECT_TRUE(Found(Of(RecordKind::kReview).From("2026-07-01")).empty());
  EXPECT_EQ(Found(Of(RecordKind::kReview).To("2026-03-31")), (std::vector<std::string>{"V-4", "V-2", "V-1"}));
  EXPECT_TRUE(Found(Of(RecordKind::kReview).To("2026-03-30")).empty());
  EXPECT_EQ(Found(Of(RecordKind::kReview).From("2026-03-31").To("2026-03-31")),
            (std::vector<std::string>{"V-4", "V-2", "V-1"}));
  EXPECT_TRUE(Found(Of(RecordKind::kReview).From("2026-04-01").To("2026-06-29")).empty());
  EXPECT_EQ(Found(Of(RecordKind::kReview).From("2026-01-01").To("2026-12-31").City(kCity)),
            (std::vector<std::string>{"V-3", "V-1"}));
  EXPECT_EQ(Found(Of(RecordKind::kReview).To("2026-06-30").Unit(kUnit2)), (std::vector<std::string>{"V-4", "V-2"}));
}

TEST_F(SupervisionStoreTest, SupervisionsAreListedByTheirEndAndByTheDomainAndUnitOfAProblem) {
  Upsert(RecordKind::kSupervision,
         {SupervisionRecord(kOrganiser, "S-1", 1, "2026-09-01", "2026-10-15",
                            {{"P-1", kUnit1, kCity, "market_regulation", "2026-12-31"},
                             {"P-2", kUnit2, kOtherCity, "transport", "2026-12-31"}}),
          SupervisionRecord(kOrganiser, "S-2", 1, "2025-11-01", "2025-12-20",
                            {{"P-1", kUnit2, kOtherCity, "market_regulation", "2026-03-31"}})});
  Upsert(RecordKind::kSupervision, {SupervisionRecord(kOrganiser2, "S-3", 1, "2026-05-01", "2026-06-30")}, kToday,
         {kOtherCity});
  // A review under the same key as S-1, whose problem's unit no supervision
  // names: only a supervision's own problems count.
  Upsert(RecordKind::kReview, {ReviewRecord(kOrganiser, "S-1", 1, "R-1", kUnit3, kThirdCity, {1})});

  const auto found = [&](Filter filter) {
    filter.f.kind = RecordKind::kSupervision;
    return Found(filter);
  };
  EXPECT_EQ(found(Filter()), (std::vector<std::string>{"S-3", "S-2", "S-1"}));
  EXPECT_EQ(found(Filter().From("2026-06-30")), (std::vector<std::string>{"S-3", "S-1"}));
  EXPECT_EQ(found(Filter().To("2026-06-30")), (std::vector<std::string>{"S-3", "S-2"}));
  EXPECT_EQ(found(Filter().From("2026-06-30").To("2026-06-30")), std::vector<std::string>{"S-3"});
  EXPECT_TRUE(found(Filter().From("2026-10-16")).empty());
  EXPECT_TRUE(found(Filter().From("2026-07-01").To("2026-10-14")).empty()) << "by the end, not the start";
  EXPECT_EQ(found(Filter().From("2025-12-20").To("2026-10-15")), (std::vector<std::string>{"S-3", "S-2", "S-1"}));

  EXPECT_EQ(found(Filter().Domain("market_regulation")), (std::vector<std::string>{"S-2", "S-1"}));
  EXPECT_EQ(found(Filter().Domain("transport")), std::vector<std::string>{"S-1"});
  EXPECT_TRUE(found(Filter().Domain("agriculture")).empty());
  EXPECT_EQ(found(Filter().Unit(kUnit2)), (std::vector<std::string>{"S-2", "S-1"}));
  EXPECT_EQ(found(Filter().Unit(kUnit1)), std::vector<std::string>{"S-1"});
  EXPECT_TRUE(found(Filter().Unit(kUnit3)).empty()) << "the review's problem is not a supervision's";
  EXPECT_EQ(found(Filter().Domain("transport").Unit(kUnit2)), std::vector<std::string>{"S-1"});
  EXPECT_TRUE(found(Filter().Domain("transport").Unit(kUnit1)).empty()) << "one problem has both";
  EXPECT_EQ(found(Filter().Domain("market_regulation").Unit(kUnit2)), std::vector<std::string>{"S-2"});
  EXPECT_EQ(found(Filter().Domain("market_regulation").Year(2026)), std::vector<std::string>{"S-1"});
  EXPECT_EQ(found(Filter().Unit(kUnit2).City(kCity).From("2026-01-01")), std::vector<std::string>{"S-1"});
  EXPECT_EQ(found(Filter().Domain("market_regulation").Limit(1)), std::vector<std::string>{"S-2"});

  // A new version replaces the problems the filters read.
  Upsert(RecordKind::kSupervision, {SupervisionRecord(kOrganiser, "S-1", 2, "2026-09-01", "2026-10-15",
                                                      {{"P-1", kUnit1, kCity, "market_regulation", "2026-12-31"}})});
  EXPECT_TRUE(found(Filter().Domain("transport")).empty());
  EXPECT_EQ(found(Filter().Unit(kUnit2)), std::vector<std::string>{"S-2"});
  EXPECT_EQ(found(Filter().Domain("market_regulation")), (std::vector<std::string>{"S-1", "S-2"}));
}

TEST_F(SupervisionStoreTest, SupervisionsAndAssessmentsAreListedByCityAgencyAndYear) {
  Upsert(RecordKind::kSupervision, {SupervisionRecord(kOrganiser, "S-1", 1, "2026-09-01", "2026-10-15"),
                                    SupervisionRecord(kOrganiser, "S-2", 1, "2025-11-01", "2025-12-20")});
  Upsert(RecordKind::kSupervision, {SupervisionRecord(kOrganiser2, "S-3", 1, "2026-05-01", "2026-06-30")}, kToday,
         {kOtherCity});
  EXPECT_EQ(Found(Of(RecordKind::kSupervision)), (std::vector<std::string>{"S-3", "S-2", "S-1"}));
  EXPECT_EQ(Found(Of(RecordKind::kSupervision).City(kCity)), (std::vector<std::string>{"S-2", "S-1"}));
  EXPECT_EQ(Found(Of(RecordKind::kSupervision).Agency(kOrganiser2)), std::vector<std::string>{"S-3"});
  EXPECT_EQ(Found(Of(RecordKind::kSupervision).Year(2026)), (std::vector<std::string>{"S-3", "S-1"}))
      << "the year of its end";
  EXPECT_EQ(Found(Of(RecordKind::kSupervision).Limit(1)), std::vector<std::string>{"S-3"});

  Upsert(RecordKind::kAssessmentPlan, {PlanRecord(kOrganiser, "A-1", 1, 2026, "2026-02-10")});
  Upsert(RecordKind::kAssessmentPlan, {PlanRecord(kOrganiser2, "A-2", 1, 2027, "2026-11-10")}, kToday, {kOtherCity});
  Upsert(RecordKind::kAssessmentResult, {ResultRecord(kOrganiser, "AR-1", 1, "A-1", 2026, "2026-11-10")});
  EXPECT_EQ(Found(Of(RecordKind::kAssessmentPlan)), (std::vector<std::string>{"A-2", "A-1"}));
  EXPECT_EQ(Found(Of(RecordKind::kAssessmentPlan).Year(2027)), std::vector<std::string>{"A-2"});
  EXPECT_EQ(Found(Of(RecordKind::kAssessmentPlan).City(kCity)), std::vector<std::string>{"A-1"});
  EXPECT_EQ(Found(Of(RecordKind::kAssessmentResult)), std::vector<std::string>{"AR-1"}) << "kinds are listed apart";
  EXPECT_EQ(Found(Of(RecordKind::kAssessmentResult).Year(2026).Agency(kOrganiser)), std::vector<std::string>{"AR-1"});
  EXPECT_TRUE(Found(Of(RecordKind::kAssessmentResult).City(kOtherCity)).empty());
  for (const auto& r : store_->List(Of(RecordKind::kAssessmentPlan).f)) EXPECT_TRUE(r.record.empty());
}

TEST_F(SupervisionStoreTest, ChangesListEveryKindInSeqOrderEachAtItsLatestChange) {
  const auto review = ReviewRecord(kOrganiser, "V-1", 1, "R-1", kUnit1, kCity);
  Upsert(RecordKind::kRound, {RoundRecord(kOrganiser, "R-1", 1, 2026, 1, "2026-01-05", "2026-03-31")});
  Upsert(RecordKind::kReview, {review});
  Upsert(RecordKind::kSupervision, {SupervisionRecord(kOrganiser, "S-1", 1, "2026-09-01", "2026-10-15")});
  Upsert(RecordKind::kAssessmentPlan, {PlanRecord(kOrganiser, "A-1", 1, 2026, "2026-02-10")});
  Upsert(RecordKind::kAssessmentResult, {ResultRecord(kOrganiser, "AR-1", 1, "A-1", 2026, "2026-11-10")});

  const auto all = store_->Changes(0, 100);
  ASSERT_EQ(SourceIds(all), (std::vector<std::string>{"R-1", "V-1", "S-1", "A-1", "AR-1"}));
  for (std::size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i - 1].change_seq, all[i].change_seq);
  EXPECT_EQ(all[0].kind, RecordKind::kRound);
  EXPECT_EQ(all[0].reviews_stored, 1);
  EXPECT_EQ(all[1].kind, RecordKind::kReview);
  EXPECT_EQ(all[1].public_record, review.public_record);
  EXPECT_EQ(all[4].kind, RecordKind::kAssessmentResult);
  for (const auto& r : all) EXPECT_TRUE(r.record.empty()) << "the feed carries no record as sent";

  EXPECT_EQ(SourceIds(store_->Changes(0, 2)), (std::vector<std::string>{"R-1", "V-1"}));
  EXPECT_EQ(SourceIds(store_->Changes(all[2].change_seq, 100)), (std::vector<std::string>{"A-1", "AR-1"}));
  EXPECT_TRUE(store_->Changes(all[4].change_seq, 100).empty());

  // An unchanged version is no change; a new one comes once, at its latest seq.
  Upsert(RecordKind::kReview, {review, ReviewRecord(kOrganiser, "V-2", 1, "R-1", kUnit2, kOtherCity)});
  Upsert(RecordKind::kRound, {RoundRecord(kOrganiser, "R-1", 2, 2026, 1, "2026-01-05", "2026-03-31")});
  const auto next = store_->Changes(all[4].change_seq, 100);
  ASSERT_EQ(SourceIds(next), (std::vector<std::string>{"V-2", "R-1"}));
  EXPECT_EQ(next[1].source_version, 2);
  EXPECT_EQ(next[1].reviews_stored, 2);
  EXPECT_EQ(SourceIds(store_->Changes(0, 100)), (std::vector<std::string>{"V-1", "S-1", "A-1", "AR-1", "V-2", "R-1"}));
}

// ---------------------------------------------------------------- counts

TEST_F(SupervisionStoreTest, RoundsAndReviewedUnitsOfAYear) {
  Upsert(RecordKind::kRound, {RoundRecord(kOrganiser, "R-1", 1, 2026, 1, "2026-01-05", "2026-03-31", 3),
                              RoundRecord(kOrganiser, "R-9", 1, 2025, 4, "2025-10-05", "2025-12-31", 1)});
  Upsert(RecordKind::kRound, {RoundRecord(kOrganiser2, "R-2", 1, 2026, 2, "2026-04-05", "2026-06-30", 2)}, kToday,
         {kOtherCity});
  RecordToStore v9 = ReviewRecord(kOrganiser, "V-9", 1, "R-9", kUnit1, kCity);
  v9.columns.year = 2025;
  Upsert(RecordKind::kReview, {ReviewRecord(kOrganiser, "V-1", 1, "R-1", kUnit1, kCity),
                               ReviewRecord(kOrganiser, "V-1b", 1, "R-1", kUnit1, kCity),
                               ReviewRecord(kOrganiser, "V-2", 1, "R-1", kUnit2, kOtherCity), v9});
  // Reviews of another organiser's rounds: R-2, and an R-1 of its own that is not stored.
  Upsert(RecordKind::kReview, {ReviewRecord(kOrganiser2, "V-3", 1, "R-2", kUnit1, kCity),
                               ReviewRecord(kOrganiser2, "V-4", 1, "R-1", kUnit3, kThirdCity)});

  const auto rounds = store_->Rounds(2026);
  ASSERT_EQ(rounds.size(), 2u);
  EXPECT_EQ(rounds[0].agency_credit_code, kOrganiser);
  EXPECT_EQ(rounds[0].source_id, "R-1");
  EXPECT_EQ(rounds[0].city_code, kCity);
  EXPECT_EQ(rounds[0].quarter, 1);
  EXPECT_EQ(Iso(rounds[0].ended_on), "2026-03-31");
  EXPECT_EQ(rounds[0].expected, 3);
  EXPECT_EQ(rounds[0].reviews_stored, 3) << "the reviews of its organiser's round";
  EXPECT_EQ(rounds[1].source_id, "R-2");
  EXPECT_EQ(rounds[1].city_code, kOtherCity);
  EXPECT_EQ(rounds[1].quarter, 2);
  EXPECT_EQ(rounds[1].reviews_stored, 1);
  ASSERT_EQ(store_->Rounds(2025).size(), 1u);
  EXPECT_EQ(store_->Rounds(2025)[0].reviews_stored, 1);
  EXPECT_TRUE(store_->Rounds(2024).empty());

  std::vector<std::string> units;
  for (const auto& u : store_->ReviewedUnits(2026)) {
    units.push_back(u.round_agency + " " + u.round_source_id + " " + u.unit + " " + u.unit_city);
  }
  EXPECT_EQ(units, (std::vector<std::string>{
                       std::string(kOrganiser) + " R-1 " + kUnit1 + " " + kCity,
                       std::string(kOrganiser) + " R-1 " + kUnit2 + " " + kOtherCity,
                       std::string(kOrganiser2) + " R-1 " + kUnit3 + " " + kThirdCity,
                       std::string(kOrganiser2) + " R-2 " + kUnit1 + " " + kCity,
                   }))
      << "each unit once per round";
  ASSERT_EQ(store_->ReviewedUnits(2025).size(), 1u);
  EXPECT_EQ(store_->ReviewedUnits(2025)[0].round_source_id, "R-9");
}

// Reviews count one problem per type, supervisions one per problem; each
// grouping most first, ties by key.
TEST_F(SupervisionStoreTest, CountProblemsGroupsAYearsProblemsByUnitDomainTypeAndCity) {
  Upsert(RecordKind::kReview, {ReviewRecord(kOrganiser, "V-1", 1, "R-1", kUnit1, kCity, {1, 3}),
                               ReviewRecord(kOrganiser, "V-2", 1, "R-1", kUnit2, kOtherCity, {1})});
  RecordToStore v9 = ReviewRecord(kOrganiser, "V-9", 1, "R-9", kUnit1, kCity, {5});
  v9.columns.year = 2025;
  Upsert(RecordKind::kReview, {v9});
  Upsert(RecordKind::kSupervision, {SupervisionRecord(kOrganiser, "S-1", 1, "2026-09-01", "2026-10-15",
                                                      {{"P-1", kUnit1, kCity, "market_regulation", "2026-12-31"},
                                                       {"P-2", kUnit1, kCity, "market_regulation", "2026-12-31"},
                                                       {"P-3", kUnit2, kOtherCity, "transport", "2026-12-31"},
                                                       {"P-4", kUnit3, kThirdCity, "market_regulation", "2026-12-31"},
                                                       {"P-5", kUnit3, kThirdCity, "ecology", "2026-12-31"}})});

  const ProblemCounts all = store_->CountProblems(2026, "", 0);
  EXPECT_EQ(all.total, 8);
  EXPECT_EQ(all.by_unit, (Counts{{kUnit1, 4}, {kUnit2, 2}, {kUnit3, 2}}));
  EXPECT_EQ(all.by_domain, (Counts{{"market_regulation", 3}, {"ecology", 1}, {"transport", 1}}))
      << "reviews have no domain";
  EXPECT_EQ(all.by_type, (TypeCounts{{1, 2}, {3, 1}})) << "supervision problems have no type";
  EXPECT_EQ(all.by_city, (Counts{{kCity, 4}, {kOtherCity, 2}, {kThirdCity, 2}}));

  const ProblemCounts reviews = store_->CountProblems(2026, "", static_cast<int>(RecordKind::kReview));
  EXPECT_EQ(reviews.total, 3);
  EXPECT_EQ(reviews.by_unit, (Counts{{kUnit1, 2}, {kUnit2, 1}}));
  EXPECT_TRUE(reviews.by_domain.empty());
  EXPECT_EQ(reviews.by_type, (TypeCounts{{1, 2}, {3, 1}}));
  EXPECT_EQ(reviews.by_city, (Counts{{kCity, 2}, {kOtherCity, 1}}));

  const ProblemCounts supervisions = store_->CountProblems(2026, "", static_cast<int>(RecordKind::kSupervision));
  EXPECT_EQ(supervisions.total, 5);
  EXPECT_EQ(supervisions.by_unit, (Counts{{kUnit1, 2}, {kUnit3, 2}, {kUnit2, 1}}));
  EXPECT_TRUE(supervisions.by_type.empty());
  EXPECT_EQ(supervisions.by_city, (Counts{{kCity, 2}, {kThirdCity, 2}, {kOtherCity, 1}}));

  const ProblemCounts third = store_->CountProblems(2026, kThirdCity, 0);
  EXPECT_EQ(third.total, 2);
  EXPECT_EQ(third.by_unit, (Counts{{kUnit3, 2}}));
  EXPECT_EQ(third.by_domain, (Counts{{"ecology", 1}, {"market_regulation", 1}}));
  EXPECT_TRUE(third.by_type.empty());
  EXPECT_EQ(third.by_city, (Counts{{kThirdCity, 2}}));

  const ProblemCounts last_year = store_->CountProblems(2025, "", 0);
  EXPECT_EQ(last_year.total, 1);
  EXPECT_EQ(last_year.by_type, (TypeCounts{{5, 1}}));
  const ProblemCounts none = store_->CountProblems(2024, "", 0);
  EXPECT_EQ(none.total, 0);
  EXPECT_TRUE(none.by_unit.empty());
  EXPECT_TRUE(none.by_city.empty());
}

// The tallies' and lead rules' reads: records by the year their clock
// starts in (not their own year), rounds by the year they end in.
TEST_F(SupervisionStoreTest, TimedRecordsAndRoundsEndedAreAYearsOfACityAndAnOrganiser) {
  Upsert(RecordKind::kRound, {RoundRecord(kOrganiser, "R-1", 1, 2026, 1, "2026-01-05", "2026-03-31", 3),
                              RoundRecord(kOrganiser, "R-9", 1, 2025, 4, "2025-10-05", "2026-01-09", 2)});
  Upsert(RecordKind::kReview,
         {ReviewRecord(kOrganiser, "V-1", 1, "R-1", kUnit1, kCity),
          ReviewRecord(kOrganiser, "V-2", 1, "R-1", kUnit2, kOtherCity)},
         Day("2026-04-02"));
  Upsert(RecordKind::kSupervision, {SupervisionRecord(kOrganiser2, "S-1", 1, "2026-09-01", "2026-10-15")},
         Day("2026-10-20"), {kOtherCity});
  Upsert(RecordKind::kAssessmentPlan, {PlanRecord(kOrganiser, "A-1", 1, 2026, "2026-02-10")}, Day("2026-02-12"));
  // Results of a 2025 plan concluded in 2026 count in 2026.
  Upsert(RecordKind::kAssessmentResult, {ResultRecord(kOrganiser, "AR-1", 1, "A-0", 2025, "2026-01-20")},
         Day("2026-01-22"));
  Upsert(RecordKind::kAssessmentPlan, {PlanRecord(kOrganiser, "A-0", 1, 2025, "2025-02-10")}, Day("2025-02-12"));

  const auto listed = [](const std::vector<TimedRecord>& records) {
    std::vector<std::string> out;
    for (const auto& r : records) {
      out.push_back(std::to_string(static_cast<int>(r.kind)) + " " + r.source_id + " " + r.city_code + " " +
                    Iso(r.clock_start) + " " + Iso(r.published_on) + " " + r.parent_source_id + " " + r.unit);
    }
    return out;
  };
  EXPECT_EQ(listed(store_->TimedRecords({2026, "", ""})),
            (std::vector<std::string>{
                std::string("2 V-1 140100 2026-03-31 2026-04-02 R-1 ") + kUnit1,
                std::string("2 V-2 140100 2026-03-31 2026-04-02 R-1 ") + kUnit2,
                "3 S-1 140200 2026-10-15 2026-10-20  ",
                "4 A-1 140100 2026-02-10 2026-02-12  ",
                "5 AR-1 140100 2026-01-20 2026-01-22 A-0 ",
            }))
      << "by kind and key; a review under its organiser's city; rounds have no clock";
  EXPECT_EQ(listed(store_->TimedRecords({2026, kOtherCity, ""})),
            (std::vector<std::string>{"3 S-1 140200 2026-10-15 2026-10-20  "}));
  EXPECT_EQ(listed(store_->TimedRecords({2026, "", kOrganiser2})),
            listed(store_->TimedRecords({2026, kOtherCity, ""})));
  EXPECT_EQ(listed(store_->TimedRecords({2025, "", ""})),
            (std::vector<std::string>{"4 A-0 140100 2025-02-10 2025-02-12  "}));

  const auto rounds = store_->RoundsEnded({2026, "", ""});
  ASSERT_EQ(rounds.size(), 2u) << "R-9, of 2025, ended in 2026";
  EXPECT_EQ(rounds[0].source_id, "R-1");
  EXPECT_EQ(rounds[0].expected, 3);
  EXPECT_EQ(rounds[0].reviews_stored, 2);
  EXPECT_EQ(rounds[1].source_id, "R-9");
  EXPECT_EQ(Iso(rounds[1].ended_on), "2026-01-09");
  EXPECT_TRUE(store_->RoundsEnded({2025, "", ""}).empty());
  EXPECT_TRUE(store_->RoundsEnded({2026, kOtherCity, ""}).empty());
  EXPECT_TRUE(store_->RoundsEnded({2026, "", kOrganiser2}).empty());
}

TEST_F(SupervisionStoreTest, UnreportedRectificationsAreThoseNotReportedWithADeadlineInTheRange) {
  Upsert(RecordKind::kSupervision, {SupervisionRecord(kOrganiser, "S-1", 1, "2026-09-01", "2026-09-15",
                                                      {{"P-2", kUnit1, kCity, "transport", "2026-12-31"},
                                                       {"P-1", kUnit2, kOtherCity, "transport", "2026-10-31"},
                                                       {"P-3", kUnit1, kCity, "transport", "2027-01-15"}})});
  Upsert(RecordKind::kReview, {ReviewRecord(kOrganiser, "V-1", 1, "R-1", kUnit1, kCity, {1}, "2026-08-31"),
                               ReviewRecord(kOrganiser, "V-2", 1, "R-1", kUnit3, kThirdCity, {1}, "2026-09-30")});
  ASSERT_EQ(store_->UpsertReports(kProvince, {ReportRecord(1, kOrganiser, "V-1", "", 1, "2026-09-10")}, {}, kToday),
            (std::vector<UpsertOutcome>{UpsertOutcome::kAccepted}));

  EXPECT_EQ(Keys(store_->UnreportedRectifications(Day("2026-01-01"), Day("2026-12-31"))),
            (std::vector<std::string>{"1/V-2/", "2/S-1/P-1", "2/S-1/P-2"}))
      << "by subject and key; the reported review left out";
  EXPECT_EQ(Keys(store_->UnreportedRectifications(Day("2026-10-31"), Day("2026-11-30"))),
            (std::vector<std::string>{"2/S-1/P-1"}));
  const auto rows = store_->UnreportedRectifications(Day("2027-01-01"), Day("2027-12-31"));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].unit, kUnit1);
  EXPECT_EQ(rows[0].unit_city, kCity);
  EXPECT_EQ(Iso(rows[0].deadline), "2027-01-15");
  EXPECT_FALSE(rows[0].reported_on);
}

// ---------------------------------------------------------------- leads

common::v1::Finding FindingOf(const std::string& rule, const std::string& key, const std::string& city,
                              const std::string& detail = "not published, due 2026-03-10") {
  common::v1::Finding f;
  f.set_rule(rule);
  auto* record = f.mutable_record();
  record->set_service("penalties");
  record->set_kind("penalty_decision");
  record->set_key(key);
  record->set_agency_credit_code(kUnit1);
  record->set_city_code(city);
  record->set_detail(detail);
  auto* related = f.add_related();
  related->set_service("registry");
  related->set_kind("qualification_list");
  related->set_detail("not current on 2026-03-01");
  return f;
}

class LeadsStoreTest : public SupervisionStoreTest {
 protected:
  // The leads as "<key> <state> <raised_on> <last_seen_on> <still observed>", newest first.
  std::vector<std::string> Leads(const LeadFilter& filter = {}) {
    std::vector<std::string> out;
    for (const auto& l : store_->ListLeads(filter)) {
      common::v1::RecordLink record;
      record.ParseFromString(l.record);
      out.push_back(record.key() + " " + std::to_string(l.state) + " " + Iso(l.raised_on) + " " + Iso(l.last_seen_on) +
                    (l.still_observed ? " seen" : " gone"));
    }
    return out;
  }
  // The lead of the record `key` (of `rule`, when given).
  LeadRow Lead(const std::string& key, const std::string& rule = "") {
    for (auto& l : store_->ListLeads({})) {
      common::v1::RecordLink record;
      record.ParseFromString(l.record);
      if (record.key() == key && (rule.empty() || l.rule == rule)) return l;
    }
    throw std::runtime_error("no lead of " + key);
  }
};

TEST_F(LeadsStoreTest, ASweepRaisesNewLeadsSeesHeldOnesAgainAndMarksTheRestOfItsRulesAndYearNoLongerObserved) {
  const std::string a = "decision_published_late";
  const std::string b = "agency_list_not_current";
  EXPECT_EQ(store_->RecordFindings(2026, {a, b},
                                   {FindingOf(a, "K-1", kCity), FindingOf(a, "K-2", kCity),
                                    FindingOf(b, "K-1", kOtherCity), FindingOf(a, "K-1", kCity)},
                                   Day("2026-07-01")),
            (LeadSweepCounts{3, 0, 0}))
      << "a finding repeated counts once";
  EXPECT_EQ(Leads(), (std::vector<std::string>{"K-1 1 2026-07-01 2026-07-01 seen", "K-2 1 2026-07-01 2026-07-01 seen",
                                               "K-1 1 2026-07-01 2026-07-01 seen"}));
  const LeadRow k2 = Lead("K-2");
  ASSERT_TRUE(store_->SetLeadState({k2.id, 1, 3, "已核实", "province", "2026-07-01T02:00:00Z"}));

  // The next run of rule a alone: K-1 again (its detail changed), K-3 new,
  // K-2 no longer (closed, it stays closed); rule b's lead untouched.
  EXPECT_EQ(store_->RecordFindings(
                2026, {a},
                {FindingOf(a, "K-1", kCity, "published 2026-07-02, due 2026-03-10"), FindingOf(a, "K-3", kOtherCity)},
                Day("2026-07-02")),
            (LeadSweepCounts{1, 1, 1}));
  const LeadRow k1 = Lead("K-1", a);
  EXPECT_EQ(k1.rule, a);
  EXPECT_EQ(Iso(k1.raised_on), "2026-07-01");
  EXPECT_EQ(Iso(k1.last_seen_on), "2026-07-02");
  EXPECT_EQ(k1.year, 2026);
  common::v1::RecordLink record;
  ASSERT_TRUE(record.ParseFromString(k1.record));
  EXPECT_EQ(record.detail(), "published 2026-07-02, due 2026-03-10");
  EXPECT_EQ(record.service(), "penalties");
  common::v1::Finding related;
  ASSERT_TRUE(related.ParseFromString(k1.related));
  ASSERT_EQ(related.related_size(), 1);
  EXPECT_EQ(related.related(0).kind(), "qualification_list");
  EXPECT_EQ(Lead("K-2").state, 3);
  EXPECT_FALSE(Lead("K-2").still_observed);
  EXPECT_EQ(Leads(LeadFilter{"", b, 0, 0, 50}), (std::vector<std::string>{"K-1 1 2026-07-01 2026-07-01 seen"}));

  // A run of another year touches none of them; a run of the same day again
  // finds nothing new.
  EXPECT_EQ(store_->RecordFindings(2025, {a, b}, {}, Day("2026-07-02")), (LeadSweepCounts{0, 0, 0}));
  EXPECT_EQ(store_->RecordFindings(2026, {a}, {FindingOf(a, "K-1", kCity), FindingOf(a, "K-3", kOtherCity)},
                                   Day("2026-07-02")),
            (LeadSweepCounts{0, 2, 0}));
}

TEST_F(LeadsStoreTest, LeadsAreListedByCityRuleAndStateNewestFirstBelowAnId) {
  store_->RecordFindings(2026, {"r1", "r2"},
                         {FindingOf("r1", "K-1", kCity), FindingOf("r1", "K-2", kOtherCity),
                          FindingOf("r2", "K-3", kCity), FindingOf("r1", "K-4", kCity)},
                         Day("2026-07-01"));
  EXPECT_EQ(Leads().size(), 4u);
  const auto all = store_->ListLeads({});
  EXPECT_GT(all[0].id, all[1].id);
  EXPECT_EQ(Leads({kCity, "", 0, 0, 50}),
            (std::vector<std::string>{"K-4 1 2026-07-01 2026-07-01 seen", "K-3 1 2026-07-01 2026-07-01 seen",
                                      "K-1 1 2026-07-01 2026-07-01 seen"}));
  EXPECT_EQ(Leads({kCity, "r1", 0, 0, 50}).size(), 2u);
  EXPECT_EQ(Leads({kCity, "r1", 0, 0, 1}), (std::vector<std::string>{"K-4 1 2026-07-01 2026-07-01 seen"}));
  EXPECT_EQ(Leads({kCity, "r1", 0, Lead("K-4").id, 50}),
            (std::vector<std::string>{"K-1 1 2026-07-01 2026-07-01 seen"}));
  ASSERT_TRUE(store_->SetLeadState({Lead("K-3").id, 1, 2, "", "city-140100", "2026-07-01T02:00:00Z"}));
  EXPECT_EQ(Leads({"", "", 2, 0, 50}), (std::vector<std::string>{"K-3 2 2026-07-01 2026-07-01 seen"}));
  EXPECT_TRUE(Leads({"", "", 3, 0, 50}).empty());
}

TEST_F(LeadsStoreTest, AStateChangeIsWrittenOnlyWhileTheLeadIsStillInTheStateRead) {
  store_->RecordFindings(2026, {"r1"}, {FindingOf("r1", "K-1", kCity)}, Day("2026-07-01"));
  const int64_t id = Lead("K-1").id;
  const auto closed = store_->SetLeadState({id, 1, 3, "已移交", "city-140100", "2026-07-01T10:20:30Z"});
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->state, 3);
  EXPECT_EQ(closed->closed_reason, "已移交");
  EXPECT_EQ(closed->updated_by, "city-140100");
  EXPECT_EQ(closed->updated_at, "2026-07-01T10:20:30Z");
  EXPECT_FALSE(store_->SetLeadState({id, 1, 2, "", "province", "2026-07-01T10:20:31Z"}))
      << "no longer new: another supervisor moved it";
  EXPECT_FALSE(store_->SetLeadState({id + 100, 1, 2, "", "province", "2026-07-01T10:20:31Z"})) << "no such lead";
  const auto reopened = store_->SetLeadState({id, 3, 2, "", "province", "2026-07-02T00:00:00+08:00"});
  ASSERT_TRUE(reopened);
  EXPECT_EQ(reopened->closed_reason, "");
  EXPECT_EQ(reopened->updated_at, "2026-07-01T16:00:00Z") << "read back in UTC";
  EXPECT_EQ(store_->GetLeads({id, id + 100}).size(), 1u);
}

TEST_F(LeadsStoreTest, LeadsAreAttachedToASupervisionOnceAndCountedByRuleCityAndState) {
  store_->RecordFindings(
      2026, {"r1", "r2"},
      {FindingOf("r1", "K-1", kCity), FindingOf("r1", "K-2", kCity), FindingOf("r2", "K-3", kOtherCity)},
      Day("2026-07-01"));
  const int64_t k1 = Lead("K-1").id;
  const int64_t k2 = Lead("K-2").id;
  EXPECT_EQ(store_->AttachLeads(kOrganiser2, "ZX-2", {k1, k2}), 2);
  EXPECT_EQ(store_->AttachLeads(kOrganiser2, "ZX-2", {k1}), 0) << "attached already";
  EXPECT_EQ(store_->AttachLeads(kOrganiser, "ZX-1", {k1}), 1);
  const auto leads = store_->GetLeads({k2, k1});
  ASSERT_EQ(leads.size(), 2u);
  EXPECT_EQ(leads[0].id, k1) << "by id";
  EXPECT_EQ(leads[0].supervisions,
            (std::vector<std::string>{std::string(kOrganiser) + "/ZX-1", std::string(kOrganiser2) + "/ZX-2"}));
  EXPECT_EQ(leads[1].supervisions, (std::vector<std::string>{std::string(kOrganiser2) + "/ZX-2"}));

  store_->SetLeadState({k2, 1, 2, "", "province", "2026-07-01T00:00:00Z"});
  std::vector<std::string> counts;
  for (const auto& c : store_->CountLeads()) {
    counts.push_back(c.rule + " " + c.city_code + " " + std::to_string(c.state) + " " + std::to_string(c.count));
  }
  EXPECT_EQ(counts, (std::vector<std::string>{"r1 140100 1 1", "r1 140100 2 1", "r2 140200 1 1"}));
}

// The province's statistics over 200,000 problems (2,000 units in 11 cities,
// 17 domains) read problem_counts, not the problems: the plan and its time
// are printed (the bench holds the figure; a test asserts no timing).
TEST_F(SupervisionStoreTest, ProblemStatisticsOver200000ProblemsAreOneQueryOverTheirCounts) {
  constexpr int kSupervisions = 200;
  constexpr int kProblemsEach = 1000;
  constexpr int kUnits = 2000;
  const auto unit_of = [](int n) { return std::string("1114") + std::to_string(1000000 + n) + "MB0000X"; };
  const auto city_of = [](int n) { return std::to_string(140100 + (n % 11) * 100); };
  for (int batch = 0; batch < kSupervisions / 50; ++batch) {
    std::vector<RecordToStore> records;
    for (int s = batch * 50; s < (batch + 1) * 50; ++s) {
      RecordToStore r =
          SupervisionRecord(kOrganiser, std::string("S-") + std::to_string(s), 1, "2026-09-01", "2026-10-15");
      for (int p = 0; p < kProblemsEach; ++p) {
        const int unit = (s * kProblemsEach + p) % kUnits;
        r.problems.push_back({unit_of(unit), city_of(unit), std::string("domain_") + std::to_string((s + p) % 17), 0});
      }
      records.push_back(std::move(r));
    }
    ASSERT_EQ(Upsert(RecordKind::kSupervision, records), std::vector<UpsertOutcome>(50, UpsertOutcome::kAccepted));
  }

  const ProblemCounts counts = store_->CountProblems(2026, "", 0);
  EXPECT_EQ(counts.total, kSupervisions * kProblemsEach);
  EXPECT_EQ(counts.by_unit.size(), static_cast<std::size_t>(kUnits));
  EXPECT_EQ(counts.by_domain.size(), 17u);
  EXPECT_EQ(counts.by_city.size(), 11u);
  int64_t in_cities = 0;
  for (const auto& [city, n] : counts.by_city) in_cities += n;
  EXPECT_EQ(in_cities, counts.total);
  const ProblemCounts city = store_->CountProblems(2026, city_of(0), 0);
  EXPECT_EQ(city.by_city, (Counts{{city_of(0), city.total}}));
  EXPECT_EQ(city.by_unit.size(), static_cast<std::size_t>(kUnits / 11 + 1));

  pool_->Run([](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    tx.exec("VACUUM ANALYZE supervision.problem_counts");
  });
  for (const char* explain : {"EXPLAIN (ANALYZE) EXECUTE supervision_count_problems(2026, '', 0)",
                              "EXPLAIN (ANALYZE) EXECUTE supervision_count_problems(2026, '140100', 0)"}) {
    const std::string plan = pool_->Run([&](pqxx::connection& c) {
      pqxx::work tx(c);
      std::string text;
      for (const auto& row : tx.exec(explain)) text += row[0].as<std::string>() + "\n";
      return text;
    });
    std::cout << explain << "\n" << plan;
    EXPECT_NE(plan.find("problem_counts"), std::string::npos) << plan;
    EXPECT_EQ(plan.find(" on problems "), std::string::npos) << "the problems themselves are not read\n" << plan;
  }
}

}  // namespace
}  // namespace gongkai::supervision
