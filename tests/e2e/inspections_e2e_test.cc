// The inspections service end to end through the gateway, over real
// processes and a real database: annual inspection plans and the registry's
// coverage item they complete, spot-check tasks checked against the
// registry's random-check lists and certificates, the platform's draw
// recomputed with OpenSSL alone, masked results and their search, the gauges
// of overdue results, of this year's tallies and of the live-inspection
// pilot, and the registry's and the inspections' service-only methods closed
// to every caller of the gateway.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/calendar/calendar_loader.h"
#include "common/calendar/iso_date.h"
#include "common/identifiers.h"
#include "gongkai/inspections/v1/inspections.grpc.pb.h"
#include "gongkai/registry/v1/registry.grpc.pb.h"
#include "gongkai/supervision/v1/supervision.grpc.pb.h"
#include "tests/e2e/platform.h"
#include "tests/e2e/records.h"

namespace gongkai {
namespace {

using inspections::v1::CheckObject;
using inspections::v1::InspectionsService;
using inspections::v1::Plan;
using inspections::v1::Result;
using inspections::v1::Task;
using registry::v1::RegistryService;
using RecordResult = common::v1::RecordResult;
using Timeliness = common::v1::Timeliness;
using testing::CreditCode;

// The platform's day: a Monday whose next day is a working day (data/calendar:
// Fri 06-19 is the Dragon Boat Festival).
constexpr char kToday[] = "2026-06-15";
// The draw date of the platform's draws: the next working day.
constexpr char kDrawDate[] = "2026-06-16";
constexpr char kCity[] = "city-140100";

// The test agency's powers items (registry): two inspections on its
// random-check list, one not on it, and a penalty.
constexpr char kRandomItem[] = "JC-RANDOM-1";
constexpr char kOtherRandomItem[] = "JC-RANDOM-2";
constexpr char kPlainItem[] = "JC-PLAIN";
constexpr char kPenaltyItem[] = "CF-1";

// SHA-256 of `bytes` in lowercase hexadecimal, by OpenSSL alone.
std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr) != 1) {
    ADD_FAILURE() << "EVP_Digest failed";
    return {};
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xF];
  }
  return hex;
}

// The bytes that hexadecimal `hex` spells.
std::string HexToBytes(const std::string& hex) {
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return bytes;
}

// The digest a draw publishes of a set of identifiers: SHA-256 of the
// identifiers sorted by bytes, each followed by "\n".
std::string SetDigest(std::vector<std::string> ids) {
  std::sort(ids.begin(), ids.end());
  std::string text;
  for (const auto& id : ids) text += id + "\n";
  return Sha256Hex(text);
}

// The draw recomputed from the published seed: the `n` ids of lowest
// SHA256(seed "\n" role "\n" id), lowest first.
std::vector<std::string> Recompute(const std::string& seed, const std::string& role,
                                   const std::vector<std::string>& ids, int n) {
  std::vector<std::pair<std::string, std::string>> scored;
  for (const auto& id : ids) scored.emplace_back(Sha256Hex(seed + "\n" + role + "\n" + id), id);
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> drawn;
  for (int i = 0; i < n && i < static_cast<int>(scored.size()); ++i) drawn.push_back(scored[i].second);
  return drawn;
}

template <typename Repeated>
std::vector<std::string> ListOf(const Repeated& repeated) {
  return std::vector<std::string>(repeated.begin(), repeated.end());
}

std::set<std::string> FieldsOf(const RecordResult& result) {
  std::set<std::string> fields;
  for (const auto& v : result.violations()) fields.insert(v.field());
  return fields;
}

std::string CitizenId(const std::string& first17) { return first17 + common::CitizenIdCheckCharacter(first17); }

class InspectionsEndToEnd : public testing::PlatformTest {
 protected:
  testing::PlatformOptions Options() override {
    testing::PlatformOptions options;
    options.pinned_date = kToday;
    return options;
  }

  void SetUp() override {
    PlatformTest::SetUp();
    auto calendar = common::LoadCalendar(std::string(GONGKAI_SOURCE_DIR) + "/data/calendar", "cn");
    ASSERT_TRUE(calendar.ok()) << calendar.error;
    calendar_ = std::move(*calendar.value);
    agency_ = AddAgency("140100", 71);

    registry::v1::UpsertPowersRequest powers;
    *powers.add_items() = testing::InspectionItem(agency_, kRandomItem, true);
    *powers.add_items() = testing::InspectionItem(agency_, kOtherRandomItem, true);
    *powers.add_items() = testing::InspectionItem(agency_, kPlainItem, false);
    auto* penalty = powers.add_items();
    *penalty = testing::InspectionItem(agency_, kPenaltyItem, false);
    penalty->set_name("对生产经营不符合食品安全标准食品的行政处罚");
    penalty->set_category(registry::v1::PENALTY);
    registry::v1::UpsertPowersResponse stored_powers;
    grpc::Status status = Call(kCity, &RegistryService::Stub::UpsertPowers, powers, &stored_powers);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const auto& r : stored_powers.results()) ASSERT_EQ(r.outcome(), RecordResult::ACCEPTED) << r.DebugString();

    // Three officers valid for years, one whose certificate ends on 06-20,
    // one whose certificate ended before June.
    registry::v1::UpsertOfficersRequest officers;
    for (const char* number : {"TY-A1", "TY-A2", "TY-A3"}) {
      *officers.add_officers() = testing::CertifiedOfficer(number, agency_, "2025-01-01", "2030-12-31");
    }
    *officers.add_officers() = testing::CertifiedOfficer("TY-SHORT", agency_, "2025-01-01", "2026-06-20");
    *officers.add_officers() = testing::CertifiedOfficer("TY-OLD", agency_, "2024-01-01", "2026-05-31");
    registry::v1::UpsertOfficersResponse stored_officers;
    status = Call(kCity, &RegistryService::Stub::UpsertOfficers, officers, &stored_officers);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const auto& r : stored_officers.results()) {
      ASSERT_EQ(r.outcome(), RecordResult::ACCEPTED) << r.DebugString();
    }
  }

  // The day `n` working days after `date` (before it for n < 0).
  std::string WorkingDaysFrom(const std::string& date, int n) const {
    return common::FormatIsoDate(calendar_.AddWorkingDays(*common::ParseIsoDate(date), n).value);
  }

  inspections::v1::UpsertResponse UpsertPlans(const std::vector<Plan>& plans) {
    inspections::v1::UpsertPlansRequest request;
    for (const auto& p : plans) *request.add_plans() = p;
    inspections::v1::UpsertResponse response;
    grpc::Status status = Call(kCity, &InspectionsService::Stub::UpsertPlans, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  inspections::v1::UpsertResponse UpsertTasks(const std::vector<Task>& tasks) {
    inspections::v1::UpsertTasksRequest request;
    for (const auto& t : tasks) *request.add_tasks() = t;
    inspections::v1::UpsertResponse response;
    grpc::Status status = Call(kCity, &InspectionsService::Stub::UpsertTasks, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  inspections::v1::UpsertResponse UpsertResults(const std::vector<Result>& results) {
    inspections::v1::UpsertResultsRequest request;
    for (const auto& r : results) *request.add_results() = r;
    inspections::v1::UpsertResponse response;
    grpc::Status status = Call(kCity, &InspectionsService::Stub::UpsertResults, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  grpc::Status GetPlan(const std::string& source_id, Plan* plan) {
    inspections::v1::GetRecordRequest request;
    request.set_agency_credit_code(agency_);
    request.set_source_id(source_id);
    return Call("", &InspectionsService::Stub::GetPlan, request, plan);
  }

  grpc::Status GetTask(const std::string& source_id, Task* task) {
    inspections::v1::GetRecordRequest request;
    request.set_agency_credit_code(agency_);
    request.set_source_id(source_id);
    return Call("", &InspectionsService::Stub::GetTask, request, task);
  }

  // The public task list of the test agency.
  inspections::v1::ListTasksResponse ListTasks() {
    inspections::v1::ListTasksRequest request;
    request.set_agency_credit_code(agency_);
    inspections::v1::ListTasksResponse response;
    grpc::Status status = Call("", &InspectionsService::Stub::ListTasks, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  // Every page of the public feed from its start; each page's bytes are
  // added to `bytes`.
  std::vector<inspections::v1::Change> Feed(std::string* bytes) {
    std::vector<inspections::v1::Change> changes;
    int64_t after = 0;
    for (int pages = 0; pages < 1000; ++pages) {
      inspections::v1::ListChangesRequest request;
      request.set_after_seq(after);
      request.set_limit(20);
      inspections::v1::ListChangesResponse page;
      grpc::Status status = Call("", &InspectionsService::Stub::ListChanges, request, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok() || page.changes_size() == 0) break;
      *bytes += page.SerializeAsString();
      for (const auto& c : page.changes()) changes.push_back(c);
      after = page.last_seq();
    }
    return changes;
  }

  // The source ids SearchResults answers to `request` (first page).
  std::set<std::string> Search(const inspections::v1::SearchResultsRequest& request,
                               inspections::v1::SearchResultsResponse* answer = nullptr) {
    inspections::v1::SearchResultsResponse response;
    grpc::Status status = Call("", &InspectionsService::Stub::SearchResults, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::set<std::string> ids;
    for (const auto& r : response.results()) ids.insert(r.source_id());
    if (answer != nullptr) *answer = response;
    return ids;
  }

  // The registry's coverage entry of the test agency.
  registry::v1::AgencyCoverage Coverage() {
    registry::v1::GetCoverageRequest request;
    request.set_agency_credit_code(agency_);
    registry::v1::GetCoverageResponse response;
    grpc::Status status = Call("", &RegistryService::Stub::GetCoverage, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    for (const auto& a : response.agencies()) {
      if (a.credit_code() == agency_) return a;
    }
    ADD_FAILURE() << "the coverage does not list " << agency_;
    return {};
  }

  static bool Misses(const registry::v1::AgencyCoverage& coverage, const std::string& item) {
    return std::find(coverage.missing().begin(), coverage.missing().end(), item) != coverage.missing().end();
  }

  std::string InspectionsMetrics() const {
    return testing::HttpGet(platform_->service("inspections").ports.metrics, "/metrics");
  }

  common::WorkingDayCalendar calendar_;
  std::string agency_;
};

// 1. Plans: public at once with their 20 WD timeliness, every missing element
// named, powers items checked, and the registry's coverage item completed.
TEST_F(InspectionsEndToEnd, PlansArePublicAtOnceWithTheirTimelinessAndCompleteTheAgencysCoverage) {
  // Before any plan, the agency (it holds inspection powers) lacks this year's.
  const auto before = Coverage();
  EXPECT_TRUE(before.holds_inspection_powers());
  EXPECT_FALSE(before.inspection_plan_published());
  EXPECT_TRUE(Misses(before, "inspection_plan")) << before.DebugString();

  const std::string approved_recently = WorkingDaysFrom(kToday, -5);
  const std::string approved_long_ago = WorkingDaysFrom(kToday, -30);
  auto stored = UpsertPlans({testing::InspectionPlan(agency_, "JH-2026", 2026, approved_recently, kRandomItem),
                             testing::InspectionPlan(agency_, "JH-2026-B", 2026, approved_long_ago, "")});
  ASSERT_EQ(stored.results_size(), 2);
  EXPECT_EQ(stored.results(0).outcome(), RecordResult::ACCEPTED) << stored.DebugString();
  EXPECT_EQ(stored.results(1).outcome(), RecordResult::ACCEPTED) << stored.DebugString();

  Plan on_time;
  grpc::Status status = GetPlan("JH-2026", &on_time);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(on_time.city_code(), "140100");
  EXPECT_EQ(on_time.published_on(), kToday);
  ASSERT_EQ(on_time.items_size(), 1);
  EXPECT_EQ(on_time.items(0).powers_item_source_id(), kRandomItem);
  EXPECT_EQ(on_time.timeliness().rule(), "inspection_plan");
  EXPECT_EQ(on_time.timeliness().clock_start(), approved_recently);
  EXPECT_EQ(on_time.timeliness().due(), WorkingDaysFrom(approved_recently, 20));
  EXPECT_EQ(on_time.timeliness().status(), Timeliness::ON_TIME);

  Plan late;
  status = GetPlan("JH-2026-B", &late);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const std::string late_due = WorkingDaysFrom(approved_long_ago, 20);
  EXPECT_EQ(late.timeliness().due(), late_due);
  EXPECT_EQ(late.timeliness().status(), Timeliness::LATE);
  EXPECT_EQ(late.timeliness().lag_working_days(),
            calendar_.WorkingDaysBetween(*common::ParseIsoDate(late_due), *common::ParseIsoDate(kToday)).value);

  // Both in the public list of the city and the year; none in another city's.
  inspections::v1::ListPlansRequest list;
  list.set_year(2026);
  list.set_city_code("140100");
  inspections::v1::ListPlansResponse page;
  ASSERT_TRUE(Call("", &InspectionsService::Stub::ListPlans, list, &page).ok());
  std::set<std::string> listed;
  for (const auto& p : page.plans()) listed.insert(p.source_id());
  EXPECT_EQ(listed, (std::set<std::string>{"JH-2026", "JH-2026-B"}));
  list.set_city_code("140200");
  ASSERT_TRUE(Call("", &InspectionsService::Stub::ListPlans, list, &page).ok());
  EXPECT_EQ(page.plans_size(), 0);

  // A plan missing its elements is refused, each named; so is an item that
  // names a powers item of another category than inspection.
  Plan bare = testing::InspectionPlan(agency_, "JH-bare", 2026, approved_recently, "");
  bare.clear_objects();
  bare.clear_items();
  bare.clear_approved_on();
  Plan unscheduled = testing::InspectionPlan(agency_, "JH-unscheduled", 2026, approved_recently, "");
  unscheduled.mutable_items(0)->set_method(inspections::v1::METHOD_UNSPECIFIED);
  unscheduled.mutable_items(0)->clear_months();
  unscheduled.mutable_items(0)->clear_quarters();
  Plan penalty = testing::InspectionPlan(agency_, "JH-penalty", 2026, approved_recently, kPenaltyItem);
  auto refused = UpsertPlans({bare, unscheduled, penalty});
  ASSERT_EQ(refused.results_size(), 3);
  for (const auto& r : refused.results()) EXPECT_EQ(r.outcome(), RecordResult::REJECTED) << r.DebugString();
  const auto bare_fields = FieldsOf(refused.results(0));
  for (const char* field : {"plans[0].objects", "plans[0].items", "plans[0].approved_on"}) {
    EXPECT_TRUE(bare_fields.contains(field)) << field << " in " << refused.results(0).DebugString();
  }
  const auto unscheduled_fields = FieldsOf(refused.results(1));
  EXPECT_TRUE(unscheduled_fields.contains("plans[1].items[0].method")) << refused.results(1).DebugString();
  EXPECT_TRUE(std::any_of(unscheduled_fields.begin(), unscheduled_fields.end(),
                          [](const std::string& f) {
                            return f.starts_with("plans[1].items[0].") &&
                                   (f.find("months") != std::string::npos || f.find("quarters") != std::string::npos ||
                                    f.find("schedule") != std::string::npos);
                          }))
      << "the schedule is named: " << refused.results(1).DebugString();
  EXPECT_TRUE(FieldsOf(refused.results(2)).contains("plans[2].items[0].powers_item_source_id"))
      << refused.results(2).DebugString();
  Plan absent;
  EXPECT_EQ(GetPlan("JH-bare", &absent).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(GetPlan("JH-penalty", &absent).error_code(), grpc::StatusCode::NOT_FOUND);

  // The registry hears of the published plan shortly after it was stored.
  EXPECT_TRUE(testing::Eventually([&] { return Coverage().inspection_plan_published(); }, 10000));
  const auto after = Coverage();
  EXPECT_TRUE(after.holds_inspection_powers());
  EXPECT_FALSE(Misses(after, "inspection_plan")) << after.DebugString();
}

// 2. Tasks: officers and items checked against the registry, and the agency's
// city alone writes them.
TEST_F(InspectionsEndToEnd, TasksNeedValidOfficersAndItemsOnTheRandomCheckList) {
  const std::vector<CheckObject> objects = {
      testing::Organisation("太原市晋阳食品有限公司", CreditCode("140105", 201)),
      testing::Organisation("太原市汾河餐饮管理有限公司", CreditCode("140105", 202))};
  // TY-SHORT's certificate ends on 06-20, within the check period.
  const Task expiring = testing::SpotCheckTask(agency_, "RW-1", {kRandomItem}, objects, {"TY-A1", "TY-SHORT"},
                                               "2026-06-01", "2026-06-30");
  const Task not_listed =
      testing::SpotCheckTask(agency_, "RW-2", {kPlainItem}, objects, {"TY-A1", "TY-A2"}, "2026-06-01", "2026-06-30");
  const Task good = testing::SpotCheckTask(agency_, "RW-3", {kRandomItem, kOtherRandomItem}, objects,
                                           {"TY-A1", "TY-A2"}, "2026-06-01", "2026-06-30");
  auto stored = UpsertTasks({expiring, not_listed, good});
  ASSERT_EQ(stored.results_size(), 3);

  ASSERT_EQ(stored.results(0).outcome(), RecordResult::REJECTED) << stored.DebugString();
  const auto expiring_fields = FieldsOf(stored.results(0));
  EXPECT_TRUE(expiring_fields.contains("tasks[0].officers[1]")) << stored.results(0).DebugString();
  EXPECT_FALSE(expiring_fields.contains("tasks[0].officers[0]")) << "TY-A1 is valid over the whole period";

  ASSERT_EQ(stored.results(1).outcome(), RecordResult::REJECTED) << stored.DebugString();
  EXPECT_TRUE(FieldsOf(stored.results(1)).contains("tasks[1].items[0]")) << stored.results(1).DebugString();

  EXPECT_EQ(stored.results(2).outcome(), RecordResult::ACCEPTED) << stored.DebugString();
  Task shown;
  grpc::Status status = GetTask("RW-3", &shown);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(shown.city_code(), "140100");
  EXPECT_EQ(shown.published_on(), kToday);
  EXPECT_EQ(shown.objects_size(), 2);
  EXPECT_EQ(ListOf(shown.items()), (std::vector<std::string>{kRandomItem, kOtherRandomItem}));
  EXPECT_EQ(shown.results_expected(), 2);
  EXPECT_EQ(shown.results_published(), 0);
  EXPECT_FALSE(shown.has_draw());
  EXPECT_EQ(GetTask("RW-1", &shown).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(GetTask("RW-2", &shown).error_code(), grpc::StatusCode::NOT_FOUND);

  // The city keeps its refused tasks.
  inspections::v1::ListRejectionsResponse rejections;
  ASSERT_TRUE(
      Call(kCity, &InspectionsService::Stub::ListRejections, inspections::v1::ListRejectionsRequest(), &rejections)
          .ok());
  std::set<std::string> keys;
  for (const auto& r : rejections.rejections()) keys.insert(r.key());
  EXPECT_TRUE(keys.contains(agency_ + "/RW-1"));
  EXPECT_TRUE(keys.contains(agency_ + "/RW-2"));

  // Datong cannot write for a Taiyuan agency.
  Task changed = good;
  changed.set_source_version(2);
  changed.set_name("被他市改写的抽查任务");
  inspections::v1::UpsertTasksRequest request;
  *request.add_tasks() = changed;
  inspections::v1::UpsertResponse response;
  EXPECT_EQ(Call("city-140200", &InspectionsService::Stub::UpsertTasks, request, &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(GetTask("RW-3", &shown).ok());
  EXPECT_EQ(shown.source_version(), 1);
  EXPECT_EQ(shown.name(), good.name());
}

// 3. The draw: committed at registration, revealed from its draw date, and
// recomputed here from what was published, with OpenSSL alone.
TEST_F(InspectionsEndToEnd, DrawIsCommittedAtOnceRevealedOnItsDateAndRecomputedFromWhatWasPublished) {
  Task task = testing::SpotCheckTask(agency_, "DRAW-1", {kRandomItem}, {}, {}, kDrawDate, "2026-06-30");
  task.set_pool_size(20);
  std::vector<std::string> pool;
  for (int i = 0; i < 20; ++i) pool.push_back(CreditCode("140105", 300 + i));
  const std::vector<std::string> officers = {"TY-A1", "TY-OLD", "TY-A2", "TY-A3"};
  const std::vector<std::string> eligible = {"TY-A1", "TY-A2", "TY-A3"};
  auto* draw = task.mutable_draw();
  for (const auto& id : pool) draw->add_pool(id);
  draw->set_objects(3);
  for (const auto& number : officers) draw->add_officers(number);
  draw->set_officers_drawn(2);
  draw->set_draw_date(kDrawDate);
  auto stored = UpsertTasks({task});
  ASSERT_EQ(stored.results_size(), 1);
  ASSERT_EQ(stored.results(0).outcome(), RecordResult::ACCEPTED) << stored.DebugString();

  // Before the draw date: the commitment and the digests, no seed, nothing
  // drawn, in every public answer.
  auto expect_unrevealed = [](const inspections::v1::Draw& d, const std::string& where) {
    EXPECT_EQ(d.seed_commitment().size(), 64u) << where;
    EXPECT_TRUE(d.seed().empty()) << where;
    EXPECT_EQ(d.drawn_objects_size(), 0) << where;
    EXPECT_EQ(d.drawn_officers_size(), 0) << where;
    EXPECT_FALSE(d.revealed()) << where;
  };
  Task committed;
  grpc::Status status = GetTask("DRAW-1", &committed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::string before = committed.SerializeAsString();
  const auto& c = committed.draw();
  expect_unrevealed(c, "GetTask");
  EXPECT_EQ(ListOf(c.pool()).size(), pool.size()) << "the pool is published";
  EXPECT_EQ(c.pool_digest(), SetDigest(pool));
  EXPECT_EQ(c.officers_digest(), SetDigest(eligible));
  EXPECT_EQ(ListOf(c.excluded_officers()), (std::vector<std::string>{"TY-OLD"}));
  EXPECT_EQ(c.committed_on(), kToday);
  EXPECT_EQ(c.draw_date(), kDrawDate);
  EXPECT_EQ(committed.objects_size(), 0);
  EXPECT_EQ(committed.results_expected(), 3);

  const auto listed = ListTasks();
  before += listed.SerializeAsString();
  bool in_list = false;
  for (const auto& t : listed.tasks()) {
    if (t.source_id() != "DRAW-1") continue;
    in_list = true;
    expect_unrevealed(t.draw(), "ListTasks");
    EXPECT_EQ(t.draw().seed_commitment(), c.seed_commitment());
  }
  EXPECT_TRUE(in_list);
  bool in_feed = false;
  for (const auto& change : Feed(&before)) {
    if (!change.has_task() || change.task().source_id() != "DRAW-1") continue;
    in_feed = true;
    expect_unrevealed(change.task().draw(), "ListChanges");
    EXPECT_EQ(change.task().draw().seed_commitment(), c.seed_commitment());
  }
  EXPECT_TRUE(in_feed);

  // The inspections service alone moves to the draw date.
  platform_->Restart("inspections", {{"GONGKAI_PINNED_DATE", kDrawDate}});
  Task revealed;
  ASSERT_TRUE(testing::Eventually([&] { return GetTask("DRAW-1", &revealed).ok(); }, 30000))
      << "the gateway reaches the restarted service";
  const auto& r = revealed.draw();
  ASSERT_TRUE(r.revealed()) << r.DebugString();
  ASSERT_EQ(r.seed().size(), 64u);
  EXPECT_EQ(r.seed().find_first_not_of("0123456789abcdef"), std::string::npos) << r.seed();
  EXPECT_EQ(r.seed_commitment(), c.seed_commitment()) << "the commitment never changes";
  EXPECT_EQ(Sha256Hex(r.seed()), r.seed_commitment()) << "the seed is the one committed to";
  const std::vector<std::string> published_pool = ListOf(r.pool());
  EXPECT_EQ(SetDigest(published_pool), r.pool_digest());
  EXPECT_EQ(r.officers_digest(), SetDigest(eligible));
  EXPECT_EQ(ListOf(r.drawn_objects()), Recompute(r.seed(), "object", published_pool, 3));
  EXPECT_EQ(ListOf(r.drawn_officers()), Recompute(r.seed(), "officer", eligible, 2));
  EXPECT_EQ(r.drawn_objects_size(), 3);
  EXPECT_EQ(r.drawn_officers_size(), 2);

  // The seed was in none of the answers before its date, as text or as bytes.
  EXPECT_EQ(before.find(r.seed()), std::string::npos);
  EXPECT_EQ(before.find(HexToBytes(r.seed())), std::string::npos);

  // No redraw: a new version that changes the pool is refused, the draw stays.
  Task redraw = task;
  redraw.set_source_version(2);
  redraw.mutable_draw()->set_pool(0, CreditCode("140105", 399));
  auto refused = UpsertTasks({redraw});
  ASSERT_EQ(refused.results_size(), 1);
  ASSERT_EQ(refused.results(0).outcome(), RecordResult::REJECTED) << refused.DebugString();
  const auto redraw_fields = FieldsOf(refused.results(0));
  EXPECT_TRUE(std::any_of(redraw_fields.begin(), redraw_fields.end(), [](const std::string& f) {
    return f.starts_with("tasks[0].draw");
  })) << refused.DebugString();
  Task still;
  ASSERT_TRUE(GetTask("DRAW-1", &still).ok());
  EXPECT_EQ(still.source_version(), 1);
  EXPECT_EQ(ListOf(still.draw().pool()), ListOf(r.pool()));
  EXPECT_EQ(ListOf(still.draw().drawn_objects()), ListOf(r.drawn_objects()));

  // Results: only for an object drawn.
  std::string not_drawn;
  for (const auto& id : pool) {
    if (std::find(r.drawn_objects().begin(), r.drawn_objects().end(), id) == r.drawn_objects().end()) {
      not_drawn = id;
      break;
    }
  }
  const Result stray =
      testing::SpotCheckResult(agency_, "DRAW-1-R1", "DRAW-1",
                               testing::Organisation("太原市未抽中食品有限公司", not_drawn), {kRandomItem}, kDrawDate);
  const Result checked = testing::SpotCheckResult(agency_, "DRAW-1-R2", "DRAW-1",
                                                  testing::Organisation("太原市抽中食品有限公司", r.drawn_objects(0)),
                                                  {kRandomItem}, kDrawDate);
  auto results = UpsertResults({stray, checked});
  ASSERT_EQ(results.results_size(), 2);
  ASSERT_EQ(results.results(0).outcome(), RecordResult::REJECTED) << results.DebugString();
  const auto stray_fields = FieldsOf(results.results(0));
  EXPECT_TRUE(std::any_of(stray_fields.begin(), stray_fields.end(), [](const std::string& f) {
    return f.starts_with("results[0].object");
  })) << results.DebugString();
  EXPECT_EQ(results.results(1).outcome(), RecordResult::ACCEPTED) << results.DebugString();
  ASSERT_TRUE(GetTask("DRAW-1", &still).ok());
  EXPECT_EQ(still.results_published(), 1);
  EXPECT_EQ(still.results_expected(), 3);
}

// 4. Results: one per object, a natural person masked in every public answer
// and whole for the city, a problem without a deadline refused, every search
// filter, and 20 WD from the task's end.
TEST_F(InspectionsEndToEnd, ResultsArePublishedMaskedAndFoundByEveryFilter) {
  const std::string person_id = CitizenId("14010519800101123");
  const CheckObject jinyang = testing::Organisation("太原市晋阳食品有限公司", CreditCode("140105", 201));
  const CheckObject fenhe = testing::Organisation("太原市汾河餐饮管理有限公司", CreditCode("140105", 202));
  const CheckObject person = testing::NaturalPerson("张三", person_id);
  const std::string check_to = "2026-06-05";
  auto task =
      UpsertTasks({testing::SpotCheckTask(agency_, "RS-1", {kRandomItem, kOtherRandomItem}, {jinyang, fenhe, person},
                                          {"TY-A1", "TY-A2"}, "2026-06-01", check_to)});
  ASSERT_EQ(task.results_size(), 1);
  ASSERT_EQ(task.results(0).outcome(), RecordResult::ACCEPTED) << task.DebugString();

  Result no_problem = testing::SpotCheckResult(agency_, "RS-1-1", "RS-1", jinyang, {kRandomItem}, "2026-06-02");
  Result corrected =
      testing::SpotCheckResult(agency_, "RS-1-2", "RS-1", fenhe, {kRandomItem, kOtherRandomItem}, "2026-06-03");
  corrected.set_outcome(inspections::v1::CORRECTION_ORDERED);
  corrected.set_problems("后厨未落实餐具清洗消毒制度，部分餐具未经消毒即投入使用。");
  corrected.set_rectification_requirement("立即整改，建立并执行餐具清洗消毒记录制度。");
  corrected.set_rectification_deadline("2026-06-20");
  Result case_opened = testing::SpotCheckResult(agency_, "RS-1-3", "RS-1", person, {kOtherRandomItem}, "2026-06-04");
  case_opened.set_outcome(inspections::v1::CASE_OPENED);
  case_opened.set_problems("张三经营的食品摊点销售超过保质期的食品。");
  case_opened.set_rectification_requirement("张三应立即停止销售并下架全部过期食品。");
  case_opened.set_rectification_deadline("2026-06-10");
  Result no_deadline = corrected;
  no_deadline.set_source_id("RS-1-4");
  no_deadline.clear_rectification_deadline();
  auto stored = UpsertResults({no_problem, corrected, case_opened, no_deadline});
  ASSERT_EQ(stored.results_size(), 4);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(stored.results(i).outcome(), RecordResult::ACCEPTED) << stored.DebugString();
  ASSERT_EQ(stored.results(3).outcome(), RecordResult::REJECTED) << stored.DebugString();
  EXPECT_TRUE(FieldsOf(stored.results(3)).contains("results[3].rectification_deadline"))
      << stored.results(3).DebugString();

  // Every public answer, as bytes on the wire.
  inspections::v1::SearchResultsRequest all;
  all.set_city_code("140100");
  inspections::v1::SearchResultsResponse everything;
  EXPECT_EQ(Search(all, &everything), (std::set<std::string>{"RS-1-1", "RS-1-2", "RS-1-3"}));
  std::string bytes = everything.SerializeAsString();
  Feed(&bytes);
  Task shown_task;
  ASSERT_TRUE(GetTask("RS-1", &shown_task).ok());
  bytes += shown_task.SerializeAsString();
  bytes += ListTasks().SerializeAsString();
  EXPECT_EQ(shown_task.results_published(), 3);
  EXPECT_EQ(shown_task.results_expected(), 3);

  EXPECT_EQ(bytes.find("张三"), std::string::npos);
  EXPECT_EQ(bytes.find(person_id), std::string::npos);
  EXPECT_EQ(bytes.find(person_id.substr(6, 8)), std::string::npos) << "the birth date digits";
  std::map<std::string, Result> by_id;
  for (const auto& r : everything.results()) by_id[r.source_id()] = r;
  const Result& masked = by_id["RS-1-3"];
  EXPECT_EQ(masked.object().kind(), CheckObject::NATURAL_PERSON);
  EXPECT_EQ(masked.object().name(), "张某某");
  EXPECT_TRUE(masked.object().id_number().starts_with(person_id.substr(0, 6))) << masked.object().id_number();
  EXPECT_TRUE(masked.object().id_number().ends_with(person_id.substr(14))) << masked.object().id_number();
  EXPECT_NE(masked.problems().find("张某某"), std::string::npos) << masked.problems();
  EXPECT_EQ(by_id["RS-1-2"].object().name(), "太原市汾河餐饮管理有限公司") << "organisations are published whole";
  EXPECT_EQ(by_id["RS-1-2"].rectification_deadline(), "2026-06-20");

  // 20 WD from the task's end, published today.
  for (const auto& [id, r] : by_id) {
    EXPECT_EQ(r.city_code(), "140100") << id;
    EXPECT_EQ(r.domain(), "market_regulation") << id;
    EXPECT_EQ(r.published_on(), kToday) << id;
    EXPECT_EQ(r.timeliness().rule(), "spot_check_result") << id;
    EXPECT_EQ(r.timeliness().clock_start(), check_to) << id;
    EXPECT_EQ(r.timeliness().due(), WorkingDaysFrom(check_to, 20)) << id;
    EXPECT_EQ(r.timeliness().status(), Timeliness::ON_TIME) << id;
  }

  // The city that owns it and the province read it as sent; no one else.
  inspections::v1::GetRecordRequest get;
  get.set_agency_credit_code(agency_);
  get.set_source_id("RS-1-3");
  for (const char* principal : {kCity, "province"}) {
    Result whole;
    grpc::Status status = Call(principal, &InspectionsService::Stub::GetResult, get, &whole);
    ASSERT_TRUE(status.ok()) << principal << ": " << status.error_message();
    EXPECT_EQ(whole.object().name(), "张三") << principal;
    EXPECT_EQ(whole.object().id_number(), person_id) << principal;
    EXPECT_EQ(whole.problems(), case_opened.problems()) << principal;
  }
  Result other;
  EXPECT_EQ(Call("city-140200", &InspectionsService::Stub::GetResult, get, &other).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Call("", &InspectionsService::Stub::GetResult, get, &other).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  // Search by a fragment of the published name (a person's masked one only),
  // credit code, agency, item, date and outcome.
  inspections::v1::SearchResultsRequest by_name;
  by_name.set_object_name("晋阳");
  EXPECT_EQ(Search(by_name), (std::set<std::string>{"RS-1-1"}));
  by_name.set_object_name("张某");
  EXPECT_EQ(Search(by_name), (std::set<std::string>{"RS-1-3"}));
  by_name.set_object_name("张三");
  EXPECT_TRUE(Search(by_name).empty()) << "a person is found by the published name only";
  inspections::v1::SearchResultsRequest by_code;
  by_code.set_credit_code(fenhe.credit_code());
  EXPECT_EQ(Search(by_code), (std::set<std::string>{"RS-1-2"}));
  inspections::v1::SearchResultsRequest by_agency;
  by_agency.set_agency_credit_code(agency_);
  EXPECT_EQ(Search(by_agency).size(), 3u);
  by_agency.set_agency_credit_code(CreditCode("140100", 72));
  EXPECT_TRUE(Search(by_agency).empty());
  inspections::v1::SearchResultsRequest by_item;
  by_item.set_item(kOtherRandomItem);
  EXPECT_EQ(Search(by_item), (std::set<std::string>{"RS-1-2", "RS-1-3"}));
  inspections::v1::SearchResultsRequest by_date;
  by_date.set_date_from("2026-06-03");
  by_date.set_date_to("2026-06-03");
  EXPECT_EQ(Search(by_date), (std::set<std::string>{"RS-1-2"}));
  by_date.clear_date_to();
  EXPECT_EQ(Search(by_date), (std::set<std::string>{"RS-1-2", "RS-1-3"}));
  inspections::v1::SearchResultsRequest by_outcome;
  by_outcome.set_outcome(inspections::v1::CASE_OPENED);
  EXPECT_EQ(Search(by_outcome), (std::set<std::string>{"RS-1-3"}));
}

// 5. The gauges: results overdue per city, this year's tallies, the pilot's
// units and sectors of this year; broadcasts listed by state.
TEST_F(InspectionsEndToEnd, GaugesCountOverdueResultsAndThePilotAndBroadcastsListByState) {
  // A check that ended 25 WD ago: its results were due 20 WD after it.
  const std::string check_from = WorkingDaysFrom(kToday, -30);
  const std::string check_to = WorkingDaysFrom(kToday, -25);
  ASSERT_LT(WorkingDaysFrom(check_to, 20), std::string(kToday));
  std::vector<CheckObject> objects;
  for (int i = 0; i < 3; ++i) {
    objects.push_back(
        testing::Organisation("太原市第" + std::to_string(i + 1) + "食品有限公司", CreditCode("140105", 401 + i)));
  }
  auto task = UpsertTasks(
      {testing::SpotCheckTask(agency_, "OV-1", {kRandomItem}, objects, {"TY-A1", "TY-A2"}, check_from, check_to)});
  ASSERT_EQ(task.results_size(), 1);
  ASSERT_EQ(task.results(0).outcome(), RecordResult::ACCEPTED) << task.DebugString();
  auto result =
      UpsertResults({testing::SpotCheckResult(agency_, "OV-1-1", "OV-1", objects[0], {kRandomItem}, check_to)});
  ASSERT_EQ(result.results_size(), 1);
  ASSERT_EQ(result.results(0).outcome(), RecordResult::ACCEPTED) << result.DebugString();
  inspections::v1::SearchResultsRequest search;
  search.set_task_source_id("OV-1");
  inspections::v1::SearchResultsResponse found;
  EXPECT_EQ(Search(search, &found), (std::set<std::string>{"OV-1-1"}));
  ASSERT_EQ(found.results_size(), 1);
  EXPECT_EQ(found.results(0).timeliness().status(), Timeliness::LATE) << "published after its due date";

  // Pilot units of this year: two in Taiyuan, of two sectors, one in Datong
  // of one of them; one of last year counts for nothing.
  const std::string datong = AddAgency("140200", 73);
  auto unit = [](const std::string& agency, const std::string& source_id, int year, inspections::v1::Sector sector) {
    inspections::v1::PilotUnit u;
    u.set_agency_credit_code(agency);
    u.set_source_id(source_id);
    u.set_source_version(1);
    u.set_year(year);
    u.set_sector(sector);
    u.set_channel(inspections::v1::SHORT_VIDEO);
    u.set_platform("抖音");
    u.set_account("市场监管执法直播间" + source_id);
    return u;
  };
  inspections::v1::UpsertPilotUnitsRequest taiyuan_units;
  *taiyuan_units.add_units() = unit(agency_, "PU-FOOD", 2026, inspections::v1::FOOD_SERVICE_SAFETY);
  *taiyuan_units.add_units() = unit(agency_, "PU-EQUIP", 2026, inspections::v1::SPECIAL_EQUIPMENT);
  *taiyuan_units.add_units() = unit(agency_, "PU-2025", 2025, inspections::v1::DRUG_SAFETY);
  inspections::v1::UpsertResponse units_stored;
  ASSERT_TRUE(Call(kCity, &InspectionsService::Stub::UpsertPilotUnits, taiyuan_units, &units_stored).ok());
  for (const auto& r : units_stored.results()) EXPECT_EQ(r.outcome(), RecordResult::ACCEPTED) << r.DebugString();
  inspections::v1::UpsertPilotUnitsRequest datong_units;
  *datong_units.add_units() = unit(datong, "PU-FOOD", 2026, inspections::v1::FOOD_SERVICE_SAFETY);
  ASSERT_TRUE(Call("city-140200", &InspectionsService::Stub::UpsertPilotUnits, datong_units, &units_stored).ok());
  for (const auto& r : units_stored.results()) EXPECT_EQ(r.outcome(), RecordResult::ACCEPTED) << r.DebugString();

  const std::string metrics = InspectionsMetrics();
  EXPECT_NE(metrics.find("gongkai_disclosures_overdue{city=\"140100\",kind=\"spot_check_result\"} 2"),
            std::string::npos)
      << metrics;
  // The province's view states the same count (the inspections' answer to
  // GetKpiTallies, its overdue), and the two missing results as open misses.
  supervision::v1::GetKpisRequest kpis_request;
  kpis_request.set_year(2026);
  kpis_request.set_max_misses(100);
  supervision::v1::GetKpisResponse kpis;
  grpc::Status kpis_status = Call("province", &supervision::v1::SupervisionService::Stub::GetKpis, kpis_request, &kpis);
  ASSERT_TRUE(kpis_status.ok()) << kpis_status.error_message();
  int64_t overdue_results = 0;
  for (const auto& c : kpis.overdue()) {
    if (c.kind() == "spot_check_result" && c.city_code() == "140100") overdue_results += c.count();
  }
  EXPECT_EQ(overdue_results, 2) << kpis.ShortDebugString();
  int open_misses = 0;
  for (const auto& figure : kpis.total().rules()) {
    if (figure.rule() != "spot_check_result") continue;
    for (const auto& miss : figure.misses()) open_misses += miss.open() ? 1 : 0;
  }
  EXPECT_EQ(open_misses, 2) << "the late result is not open";
  // This year's tallies: the task's three objects are due (one result
  // published late, two missing past their due date), none met; market
  // regulation is a key domain. The ratios are Prometheus' recording rules.
  for (const char* sample : {"gongkai_deadline_records_due{city=\"140100\",kind=\"spot_check_result\"} 3",
                             "gongkai_deadline_records_met{city=\"140100\",kind=\"spot_check_result\"} 0",
                             "gongkai_kpi_records_due{city=\"140100\",kpi=\"key_domain_timeliness\","
                             "rule=\"spot_check_result\"} 3",
                             "gongkai_kpi_records_met{city=\"140100\",kpi=\"key_domain_timeliness\","
                             "rule=\"spot_check_result\"} 0"}) {
    EXPECT_NE(metrics.find(sample), std::string::npos) << sample << "\n" << metrics;
  }
  EXPECT_EQ(metrics.find("gongkai_kpi_ratio"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("gongkai_live_pilot_units{scope=\"province\"} 3"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("gongkai_live_pilot_sectors{scope=\"province\"} 2"), std::string::npos);
  EXPECT_NE(metrics.find("gongkai_live_pilot_units{scope=\"140100\"} 2"), std::string::npos);
  EXPECT_NE(metrics.find("gongkai_live_pilot_sectors{scope=\"140100\"} 2"), std::string::npos);
  EXPECT_NE(metrics.find("gongkai_live_pilot_units{scope=\"140200\"} 1"), std::string::npos);

  inspections::v1::ListPilotUnitsRequest list_units;
  inspections::v1::ListPilotUnitsResponse pilot;
  ASSERT_TRUE(Call("", &InspectionsService::Stub::ListPilotUnits, list_units, &pilot).ok());
  EXPECT_EQ(pilot.units_size(), 3);
  EXPECT_EQ(pilot.unit_count(), 3);
  EXPECT_EQ(pilot.sector_count(), 2);
  // The pilot's targets, the plan's by default, as the gauges export them.
  EXPECT_EQ(pilot.targets().units(), 10);
  EXPECT_EQ(pilot.targets().sectors(), 3);
  EXPECT_EQ(pilot.targets().date(), "2026-12-31");
  EXPECT_NE(metrics.find("gongkai_live_pilot_target{measure=\"units\"} 10"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("gongkai_live_pilot_target{measure=\"sectors\"} 3"), std::string::npos) << metrics;
  list_units.set_city_code("140200");
  ASSERT_TRUE(Call("", &InspectionsService::Stub::ListPilotUnits, list_units, &pilot).ok());
  EXPECT_EQ(pilot.unit_count(), 1);
  EXPECT_EQ(pilot.sector_count(), 1);
  EXPECT_EQ(pilot.targets().units(), 10) << "whatever the city asked";

  // Broadcasts of the food-safety unit: one to come, one live, one ended with
  // its replay.
  auto broadcast = [&](const std::string& source_id, const std::string& planned, const std::string& started,
                       const std::string& ended) {
    inspections::v1::Broadcast b;
    b.set_agency_credit_code(agency_);
    b.set_source_id(source_id);
    b.set_source_version(1);
    b.set_pilot_unit_source_id("PU-FOOD");
    b.set_title("校园周边餐饮单位食品安全检查直播（" + source_id + "）");
    b.set_planned_start(planned);
    b.set_started_at(started);
    b.set_ended_at(ended);
    *b.mutable_object() = objects[1];
    b.set_live_url("https://live.example.cn/ty/" + source_id);
    if (!ended.empty()) b.set_replay_url("https://live.example.cn/ty/" + source_id + "/replay");
    return b;
  };
  inspections::v1::UpsertBroadcastsRequest broadcasts;
  *broadcasts.add_broadcasts() = broadcast("BC-UPCOMING", "2026-06-22T10:00:00+08:00", "", "");
  *broadcasts.add_broadcasts() = broadcast("BC-LIVE", "2026-06-15T09:00:00+08:00", "2026-06-15T09:02:00+08:00", "");
  *broadcasts.add_broadcasts() =
      broadcast("BC-REPLAY", "2026-06-10T14:00:00+08:00", "2026-06-10T14:00:00+08:00", "2026-06-10T15:30:00+08:00");
  inspections::v1::UpsertResponse broadcasts_stored;
  ASSERT_TRUE(Call(kCity, &InspectionsService::Stub::UpsertBroadcasts, broadcasts, &broadcasts_stored).ok());
  for (const auto& r : broadcasts_stored.results()) {
    EXPECT_EQ(r.outcome(), RecordResult::ACCEPTED) << r.DebugString();
  }
  using Listing = inspections::v1::ListBroadcastsRequest;
  for (const auto& [state, expected] : std::vector<std::pair<Listing::State, std::string>>{
           {Listing::UPCOMING, "BC-UPCOMING"}, {Listing::LIVE, "BC-LIVE"}, {Listing::REPLAY, "BC-REPLAY"}}) {
    inspections::v1::ListBroadcastsRequest request;
    request.set_state(state);
    inspections::v1::ListBroadcastsResponse listed;
    ASSERT_TRUE(Call("", &InspectionsService::Stub::ListBroadcasts, request, &listed).ok());
    ASSERT_EQ(listed.broadcasts_size(), 1) << Listing::State_Name(state) << listed.DebugString();
    EXPECT_EQ(listed.broadcasts(0).source_id(), expected);
    EXPECT_EQ(listed.broadcasts(0).sector(), inspections::v1::FOOD_SERVICE_SAFETY);
    EXPECT_EQ(listed.broadcasts(0).city_code(), "140100");
  }
}

// 6. The registry's and the inspections' methods for the other services have
// no access option: the gateway routes them to no one.
TEST_F(InspectionsEndToEnd, GatewayRefusesTheServiceOnlyMethodsToEveryone) {
  registry::v1::CheckCertificatesRequest check;
  check.add_certificate_numbers("TY-A1");
  check.set_from("2026-06-01");
  check.set_to("2026-06-30");
  registry::v1::GetPowersItemsRequest powers;
  powers.add_agency_credit_codes(agency_);
  powers.add_source_ids(kRandomItem);
  registry::v1::RecordInspectionPlansRequest record;
  auto* notice = record.add_notices();
  notice->set_agency_credit_code(agency_);
  notice->set_year(2026);
  notice->set_published_on(kToday);
  common::v1::GetKpiTalliesRequest tallies;
  tallies.set_year(2026);
  common::v1::ListFindingsRequest findings;
  findings.set_year(2026);
  findings.add_rules()->set_name("spot_check_results_late");

  // The public has no credential to show; every principal's role is refused.
  const std::vector<std::pair<std::string, grpc::StatusCode>> callers = {
      {"", grpc::StatusCode::UNAUTHENTICATED},
      {kCity, grpc::StatusCode::PERMISSION_DENIED},
      {"province", grpc::StatusCode::PERMISSION_DENIED},
      {"desk", grpc::StatusCode::PERMISSION_DENIED}};
  for (const auto& [principal, code] : callers) {
    registry::v1::CheckCertificatesResponse certificates;
    EXPECT_EQ(Call(principal, &RegistryService::Stub::CheckCertificates, check, &certificates).error_code(), code)
        << "CheckCertificates as '" << principal << "'";
    EXPECT_EQ(certificates.checks_size(), 0);
    registry::v1::GetPowersItemsResponse items;
    EXPECT_EQ(Call(principal, &RegistryService::Stub::GetPowersItems, powers, &items).error_code(), code)
        << "GetPowersItems as '" << principal << "'";
    EXPECT_EQ(items.items_size(), 0);
    registry::v1::RecordInspectionPlansResponse recorded;
    EXPECT_EQ(Call(principal, &RegistryService::Stub::RecordInspectionPlans, record, &recorded).error_code(), code)
        << "RecordInspectionPlans as '" << principal << "'";
    common::v1::GetKpiTalliesResponse counted;
    EXPECT_EQ(Call(principal, &InspectionsService::Stub::GetKpiTallies, tallies, &counted).error_code(), code)
        << "GetKpiTallies as '" << principal << "'";
    common::v1::ListFindingsResponse found;
    EXPECT_EQ(Call(principal, &InspectionsService::Stub::ListFindings, findings, &found).error_code(), code)
        << "ListFindings as '" << principal << "'";
  }

  // The notices refused recorded nothing: the agency still lacks its plan.
  const auto coverage = Coverage();
  EXPECT_TRUE(coverage.holds_inspection_powers());
  EXPECT_FALSE(coverage.inspection_plan_published());
  EXPECT_TRUE(Misses(coverage, "inspection_plan"));
}

}  // namespace
}  // namespace gongkai
