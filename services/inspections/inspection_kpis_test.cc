#include "services/inspections/inspection_kpis.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "common/calendar/iso_date.h"
#include "common/kpi.h"
#include "common/kpi_tallies.h"
#include "common/testing/dates.h"
#include "services/inspections/draw.h"
#include "services/inspections/test_records.h"

namespace gongkai::inspections {
namespace {

using common::v1::Finding;
using common::v1::KpiTally;
using common::v1::ListFindingsRequest;
using gongkai::testing::Day;
using std::chrono::days;

const std::string kCity = "140100";
const std::string kAgency2 = CreditCode("11140100MB0000102");
const std::string kCompany2 = CreditCode("91140100MA0KABCD2");

// Due 10 calendar days after the clock start; a working day is a day: the
// arithmetic under test does not depend on the calendar. kAgency is of a key
// domain, kAgency2 not.
KpiFacts Facts() {
  KpiFacts facts;
  facts.due = [](common::RecordKind, common::Date clock_start) { return clock_start + days(10); };
  facts.add_working_days = [](common::Date day, int n) { return day + days(n); };
  facts.agency_in_key_domain = [](const std::string& agency) { return agency == kAgency; };
  return facts;
}

StoredRecord PlanRow(const std::string& agency, const std::string& source_id, const std::string& approved_on,
                     const std::string& published_on) {
  v1::Plan plan;
  plan.set_agency_credit_code(agency);
  plan.set_source_id(source_id);
  plan.set_year(2026);
  plan.set_approved_on(approved_on);
  StoredRecord row;
  row.kind = RecordKind::kPlan;
  row.agency_credit_code = agency;
  row.source_id = source_id;
  row.city_code = kCity;
  row.record = plan.SerializeAsString();
  row.columns.year = 2026;
  row.columns.clock_start = Day(approved_on);
  row.published_on = Day(published_on);
  return row;
}

StoredRecord TaskRow(const v1::Task& task, const std::string& seed = "") {
  StoredRecord row;
  row.kind = RecordKind::kTask;
  row.agency_credit_code = task.agency_credit_code();
  row.source_id = task.source_id();
  row.city_code = kCity;
  row.record = task.SerializeAsString();
  row.columns.domain = task.domain();
  row.columns.date_from = Day(task.check_from());
  row.columns.date_to = Day(task.check_to());
  row.columns.seed = seed;
  return row;
}

StoredRecord ResultRow(const std::string& source_id, const v1::Task& task, const v1::CheckObject& object,
                       const std::string& stored_on) {
  const v1::Result result = ResultOf(source_id, task.source_id(), object, task.check_to());
  StoredRecord row;
  row.kind = RecordKind::kResult;
  row.agency_credit_code = task.agency_credit_code();
  row.source_id = source_id;
  row.city_code = kCity;
  row.record = result.SerializeAsString();
  row.columns.task_source_id = task.source_id();
  row.published_on = Day(stored_on);
  row.task_check_to = Day(task.check_to());
  return row;
}

// ValidTask (checked to 2026-06-30, results due 2026-07-10) with three
// objects: kCompany, the person kPersonId, kCompany2.
v1::Task ThreeObjectTask() {
  v1::Task task = ValidTask();
  *task.add_objects() = Org("太原市某某饮品有限公司", kCompany2);
  return task;
}

const KpiTally* Find(const std::vector<KpiTally>& tallies, const std::string& agency, const std::string& kpi,
                     const std::string& rule) {
  for (const auto& t : tallies) {
    if (t.agency_credit_code() == agency && t.kpi() == kpi && t.rule() == rule) return &t;
  }
  return nullptr;
}

std::vector<std::string> Keys(const KpiTally& tally) {
  std::vector<std::string> keys;
  for (const auto& m : tally.misses()) keys.push_back(m.key());
  return keys;
}

const std::string kKeyDomain(common::kKpiKeyDomainTimeliness);

// ---------------------------------------------------------------- tallies

TEST(CountTallies, APlanIsMetWhenFirstStoredByItsDueDateAndListedAsAMissOtherwise) {
  KpiRecords records;
  records.plans = {PlanRow(kAgency, "P-ON-TIME", "2026-03-02", "2026-03-12"),
                   PlanRow(kAgency, "P-LATE", "2026-03-02", "2026-03-13")};
  const auto tallies = CountTallies(records, 2026, Facts(), Day("2026-06-15"), 10);
  const KpiTally* plans = Find(tallies, kAgency, "", "inspection_plan");
  ASSERT_NE(plans, nullptr);
  EXPECT_EQ(plans->due(), 2);
  EXPECT_EQ(plans->met(), 1);
  EXPECT_EQ(plans->city_code(), kCity);
  ASSERT_EQ(plans->misses_size(), 1);
  const auto& miss = plans->misses(0);
  EXPECT_EQ(miss.service(), "inspections");
  EXPECT_EQ(miss.kind(), "inspection_plan");
  EXPECT_EQ(miss.key(), kAgency + "/P-LATE");
  EXPECT_EQ(miss.agency_credit_code(), kAgency);
  EXPECT_EQ(miss.city_code(), kCity);
  EXPECT_EQ(miss.detail(), "published 2026-03-13, due 2026-03-12");
}

TEST(CountTallies, APlanCountsInTheYearItsClockStartsIn) {
  KpiRecords records;
  records.plans = {PlanRow(kAgency, "P-2025", "2025-12-20", "2025-12-22")};
  EXPECT_EQ(Find(CountTallies(records, 2026, Facts(), Day("2026-06-15"), 0), kAgency, "", "inspection_plan"), nullptr);
  EXPECT_NE(Find(CountTallies(records, 2025, Facts(), Day("2026-06-15"), 0), kAgency, "", "inspection_plan"), nullptr);
}

TEST(CountTallies, EachObjectOfATaskIsOneResultDueWhenStoredOrPastItsDueDateMetWhenStoredByIt) {
  const v1::Task task = ThreeObjectTask();
  KpiRecords records;
  records.tasks = {TaskRow(task)};
  // kCompany on time (and again, late: the first counts); the person late;
  // kCompany2 without a result.
  records.results = {ResultRow("R-1", task, Org("太原市某某食品有限公司", kCompany), "2026-07-10"),
                     ResultRow("R-1B", task, Org("太原市某某食品有限公司", kCompany), "2026-07-20"),
                     ResultRow("R-2", task, Person("张三", kPersonId), "2026-07-11")};
  // On the due date the missing result is not due yet.
  auto tallies = CountTallies(records, 2026, Facts(), Day("2026-07-10"), 10);
  const KpiTally* results = Find(tallies, kAgency, "", "spot_check_result");
  ASSERT_NE(results, nullptr);
  EXPECT_EQ(results->due(), 2);
  EXPECT_EQ(results->met(), 1);
  // The day after, it is; the misses by key, the person by position only.
  tallies = CountTallies(records, 2026, Facts(), Day("2026-07-11"), 10);
  results = Find(tallies, kAgency, "", "spot_check_result");
  ASSERT_NE(results, nullptr);
  EXPECT_EQ(results->due(), 3);
  EXPECT_EQ(results->met(), 1);
  const std::string task_key = kAgency + "/" + task.source_id() + "/";
  EXPECT_EQ(Keys(*results), (std::vector<std::string>{task_key + "#2", task_key + kCompany2}));
  EXPECT_EQ(results->misses(0).detail(), "published 2026-07-11, due 2026-07-10");
  EXPECT_EQ(results->misses(1).detail(), "not published, due 2026-07-10");
  for (const auto& miss : results->misses()) {
    EXPECT_EQ(miss.key().find(kPersonId), std::string::npos);
    EXPECT_EQ(miss.detail().find("张"), std::string::npos);
  }
}

TEST(CountTallies, ResultsCountInTheYearTheirTasksCheckEndsIn) {
  v1::Task task = ValidTask();
  task.set_check_from("2025-12-01");
  task.set_check_to("2025-12-31");
  KpiRecords records;
  records.tasks = {TaskRow(task)};
  EXPECT_EQ(Find(CountTallies(records, 2026, Facts(), Day("2026-06-15"), 0), kAgency, "", "spot_check_result"),
            nullptr);
  const KpiTally* last_year =
      Find(CountTallies(records, 2025, Facts(), Day("2026-06-15"), 0), kAgency, "", "spot_check_result");
  ASSERT_NE(last_year, nullptr);
  EXPECT_EQ(last_year->due(), 2);
}

TEST(CountTallies, KeyDomainTimelinessCountsTasksOfAKeyDomainAndPlansOfAnAgencyOfOne) {
  v1::Task market = ValidTask();
  v1::Task education = ValidTask();
  education.set_source_id("TY-CC-2026-002");
  education.set_domain("education");
  KpiRecords records;
  records.tasks = {TaskRow(market), TaskRow(education)};
  records.plans = {PlanRow(kAgency, "P-KEY", "2026-03-02", "2026-03-05"),
                   PlanRow(kAgency2, "P-OTHER", "2026-03-02", "2026-03-05")};
  const auto tallies = CountTallies(records, 2026, Facts(), Day("2026-08-01"), 0);
  EXPECT_EQ(Find(tallies, kAgency, "", "spot_check_result")->due(), 4);
  const KpiTally* key_results = Find(tallies, kAgency, kKeyDomain, "spot_check_result");
  ASSERT_NE(key_results, nullptr);
  EXPECT_EQ(key_results->due(), 2);
  const KpiTally* key_plans = Find(tallies, kAgency, kKeyDomain, "inspection_plan");
  ASSERT_NE(key_plans, nullptr);
  EXPECT_EQ(key_plans->met(), 1);
  EXPECT_NE(Find(tallies, kAgency2, "", "inspection_plan"), nullptr);
  EXPECT_EQ(Find(tallies, kAgency2, kKeyDomain, "inspection_plan"), nullptr);
}

TEST(CountTallies, APlatformDrawExpectsTheObjectsDrawnKeyedByTheirPoolIdentifiers) {
  v1::Task task = ValidTask();
  task.clear_objects();
  task.clear_officers();
  const std::vector<std::string> pool{kCompany, kCompany2, "TY-OBJ-7"};
  *task.mutable_draw() = Commit(DrawOf(pool), kSeed, {}, Day("2026-05-20"));
  const v1::Draw revealed = Published(task.draw(), kSeed, Day("2026-06-01"));
  const std::vector<std::string> drawn(revealed.drawn_objects().begin(), revealed.drawn_objects().end());
  ASSERT_EQ(drawn.size(), 2u);
  KpiRecords records;
  records.tasks = {TaskRow(task, kSeed)};
  const auto tallies = CountTallies(records, 2026, Facts(), Day("2026-08-01"), 10);
  const KpiTally* results = Find(tallies, kAgency, "", "spot_check_result");
  ASSERT_NE(results, nullptr);
  EXPECT_EQ(results->due(), 2);
  std::set<std::string> keys;
  for (const auto& key : Keys(*results)) keys.insert(key);
  const std::string prefix = kAgency + "/" + task.source_id() + "/";
  EXPECT_EQ(keys, (std::set<std::string>{prefix + drawn[0], prefix + drawn[1]}));
}

TEST(CountTallies, MissesPastMaxMissesAreCountedUnlisted) {
  const v1::Task task = ThreeObjectTask();
  KpiRecords records;
  records.tasks = {TaskRow(task)};
  const auto tallies = CountTallies(records, 2026, Facts(), Day("2026-08-01"), 1);
  const KpiTally* results = Find(tallies, kAgency, "", "spot_check_result");
  ASSERT_NE(results, nullptr);
  EXPECT_EQ(results->misses_size(), 1);
  EXPECT_EQ(results->misses_unlisted(), 2);
  EXPECT_EQ(
      Find(CountTallies(records, 2026, Facts(), Day("2026-08-01"), 0), kAgency, "", "spot_check_result")->misses_size(),
      0);
}

// ---------------------------------------------------------------- findings

ListFindingsRequest Asking(std::initializer_list<std::pair<std::string, int>> rules, int year = 2026) {
  ListFindingsRequest request;
  request.set_year(year);
  for (const auto& [name, threshold] : rules) {
    auto* rule = request.add_rules();
    rule->set_name(name);
    rule->set_threshold(threshold);
  }
  return request;
}

// Every list current.
std::vector<ListState> AllCurrent(const std::vector<ListQuery>& queries) {
  return std::vector<ListState>(queries.size());
}

std::vector<std::string> FindingKeys(const common::v1::ListFindingsResponse& response, const std::string& rule) {
  std::vector<std::string> keys;
  for (const auto& f : response.findings()) {
    if (f.rule() == rule) keys.push_back(f.record().key());
  }
  return keys;
}

TEST(Findings, SpotCheckResultsLateTripsForAResultStoredLateOrMissingPastItsDueDateByMoreThanTheThreshold) {
  const v1::Task task = ThreeObjectTask();
  KpiRecords records;
  records.tasks = {TaskRow(task)};
  // Due 2026-07-10: kCompany on time, the person 3 days late, kCompany2
  // missing (5 days past due on 2026-07-15).
  records.results = {ResultRow("R-1", task, Org("太原市某某食品有限公司", kCompany), "2026-07-10"),
                     ResultRow("R-2", task, Person("张三", kPersonId), "2026-07-13")};
  const std::string prefix = kAgency + "/" + task.source_id() + "/";
  auto found = Findings(Asking({{"spot_check_results_late", 0}}), records, Facts(), AllCurrent, Day("2026-07-15"));
  EXPECT_EQ(FindingKeys(found, "spot_check_results_late"),
            (std::vector<std::string>{prefix + "#2", prefix + kCompany2}));
  ASSERT_EQ(found.findings_size(), 2);
  EXPECT_EQ(found.findings(0).observed_on(), "2026-07-15");
  EXPECT_EQ(found.findings(0).record().detail(), "published 2026-07-13, due 2026-07-10");
  ASSERT_EQ(found.findings(0).related_size(), 1);
  EXPECT_EQ(found.findings(0).related(0).key(), kAgency + "/" + task.source_id());
  EXPECT_EQ(found.findings(0).related(0).kind(), "spot_check_task");
  // A threshold of 3: 3 days late is not more than 3; 5 days missing is.
  found = Findings(Asking({{"spot_check_results_late", 3}}), records, Facts(), AllCurrent, Day("2026-07-15"));
  EXPECT_EQ(FindingKeys(found, "spot_check_results_late"), (std::vector<std::string>{prefix + kCompany2}));
  // Missing but not yet past its due date: only the late one.
  found = Findings(Asking({{"spot_check_results_late", 0}}), records, Facts(), AllCurrent, Day("2026-07-10"));
  EXPECT_EQ(FindingKeys(found, "spot_check_results_late"), (std::vector<std::string>{prefix + "#2"}));
}

TEST(Findings, AgencyListNotCurrentTripsForATaskOrPlanOfAnAgencyWhoseListWasNotCurrentThatDay) {
  v1::Task task = ValidTask();  // kAgency, checked from 2026-06-01
  v1::Task other = ValidTask();
  other.set_agency_credit_code(kAgency2);
  KpiRecords records;
  records.tasks = {TaskRow(task), TaskRow(other)};
  records.plans = {PlanRow(kAgency, "P-1", "2026-02-02", "2026-02-03"),   // before the list lapsed
                   PlanRow(kAgency, "P-2", "2026-05-06", "2026-05-07")};  // after
  std::vector<ListQuery> asked;
  const ListStates states = [&](const std::vector<ListQuery>& queries) {
    asked = queries;
    std::vector<ListState> out;
    for (const auto& q : queries) {
      const bool lapsed = q.agency_credit_code == kAgency && q.on >= Day("2026-05-01");
      out.push_back(lapsed ? ListState{false, "not confirmed this year"} : ListState{});
    }
    return out;
  };
  const auto found = Findings(Asking({{"agency_list_not_current", 0}}), records, Facts(), states, Day("2026-07-15"));
  EXPECT_EQ(FindingKeys(found, "agency_list_not_current"),
            (std::vector<std::string>{kAgency + "/P-2", kAgency + "/" + task.source_id()}));
  EXPECT_EQ(asked.size(), 4u) << "one query per agency and day";
  ASSERT_EQ(found.findings_size(), 2);
  const Finding& plan = found.findings(0);
  EXPECT_EQ(plan.record().kind(), "inspection_plan");
  ASSERT_EQ(plan.related_size(), 1);
  EXPECT_EQ(plan.related(0).service(), "registry");
  EXPECT_EQ(plan.related(0).kind(), "qualification_list");
  EXPECT_EQ(plan.related(0).detail(), "not current on 2026-05-06: not confirmed this year");
  EXPECT_EQ(found.findings(1).record().kind(), "spot_check_task");
}

TEST(Findings, TheRegistryIsAskedOnlyWhenTheListRuleIsAskedAndOtherServicesRulesAreIgnored) {
  KpiRecords records;
  records.tasks = {TaskRow(ValidTask())};
  bool asked = false;
  const ListStates states = [&](const std::vector<ListQuery>& queries) {
    asked = true;
    return AllCurrent(queries);
  };
  const auto request = Asking({{"fine_outside_tier", 0}, {"request_overdue", 0}});
  EXPECT_FALSE(RunsAnyRule(request));
  EXPECT_EQ(Findings(request, records, Facts(), states, Day("2026-08-01")).findings_size(), 0);
  EXPECT_FALSE(asked);
  EXPECT_TRUE(RunsAnyRule(Asking({{"fine_outside_tier", 0}, {"agency_list_not_current", 0}})));
}

TEST(Findings, AtMostTenThousandFindingsAreListedAndTheAnswerSaysItWasTruncated) {
  v1::Task task = ValidTask();
  task.clear_objects();
  for (int i = 0; i < 10'001; ++i) {
    auto* object = task.add_objects();
    object->set_kind(v1::CheckObject::ORGANIZATION);
    object->set_name("企业" + std::to_string(i));
    object->set_object_code("OBJ-" + std::to_string(i));
  }
  KpiRecords records;
  records.tasks = {TaskRow(task)};
  const auto found =
      Findings(Asking({{"spot_check_results_late", 0}}), records, Facts(), AllCurrent, Day("2026-08-01"));
  EXPECT_EQ(found.findings_size(), 10'000);
  EXPECT_TRUE(found.truncated());
}

TEST(CheckFindingsRequest, NamesAYearOutOfRangeAndANegativeThreshold) {
  auto request = Asking({{"spot_check_results_late", -1}}, 1999);
  const auto violations = common::CheckFindingsRequest(request);
  ASSERT_EQ(violations.size(), 2u);
  EXPECT_EQ(violations[0].field, "year");
  EXPECT_EQ(violations[1].field, "rules[0].threshold");
  EXPECT_TRUE(common::CheckFindingsRequest(Asking({{"spot_check_results_late", 5}})).empty());
  EXPECT_EQ(common::CheckFindingsRequest(Asking({{"spot_check_results_late", 366}})).size(), 1u)
      << "a threshold over 365";
}

}  // namespace
}  // namespace gongkai::inspections
