// The inspections adapter in process: a real gRPC client against the service
// on a loopback port, with the in-memory store and registry of
// service_test_fakes.h behind it and the date pinned. Mapping, scope, the
// registry's part, the draw's commitment and reveal, masking and error
// paths; the e2e tests prove the whole path.
#include "services/inspections/inspections_service.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "common/calendar/iso_date.h"
#include "common/disclosure_metrics.h"
#include "common/errors.h"
#include "common/paging.h"
#include "common/testing/adapter.h"
#include "common/testing/dates.h"
#include "services/inspections/inspections_gauges.h"
#include "services/inspections/plan_notices.h"
#include "services/inspections/service_test_fakes.h"
#include "services/inspections/test_records.h"

namespace gongkai::inspections {
namespace {

using common::v1::RecordResult;
using common::v1::Timeliness;
using gongkai::testing::Day;
using Stub = v1::InspectionsService::Stub;

// kAgency (test_records.h) is registered to 140100.
const std::string kAgency2 = CreditCode("11140100MB0000102");        // registered to 140100
const std::string kOtherAgency = CreditCode("11140200MB0000201");    // registered to 140200
const std::string kPartner = CreditCode("11140200MB0000202");        // registered to 140200
const std::string kUnknownAgency = CreditCode("11140100MB0000999");  // not registered
const std::string kCompany2 = CreditCode("91140100MA0KABCD2");
const std::string kCompany3 = CreditCode("91140100MA0KABCD3");
const std::string kCompany4 = CreditCode("91140100MA0KABCD4");

// Certificates of kAgency valid from 2024 to 2028, one of kAgency ending on
// 2026-06-30, one of kOtherAgency, and a number never issued.
const std::string kCert1 = "14010020260001";
const std::string kCert2 = "14010020260002";
const std::string kCert3 = "14010020260003";
const std::string kCertEnding = "14010020260009";
const std::string kCertElsewhere = "14020020260001";
const std::string kUnknownCert = "14010020269999";

// A platform draw's pool: four companies.
const std::vector<std::string> kPool = {kCompany, kCompany2, kCompany3, kCompany4};

// SHA-256 of `bytes` in lowercase hexadecimal, computed here, apart from the
// service's own draw.h.
std::string Sha256(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < size; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

// The digest of a set of ids as DOMAIN.md defines it: sorted by bytes, each
// followed by "\n".
std::string Digest(std::vector<std::string> ids) {
  std::sort(ids.begin(), ids.end());
  std::string text;
  for (const auto& id : ids) text += id + "\n";
  return Sha256(text);
}

// The draw as DOMAIN.md defines it: the `n` ids of lowest
// SHA256(seed "\n" role "\n" id), in that order.
std::vector<std::string> DrawnBy(const std::string& seed, const std::string& role, const std::vector<std::string>& ids,
                                 int n) {
  std::vector<std::pair<std::string, std::string>> scored;
  for (const auto& id : ids) scored.emplace_back(Sha256(seed + "\n" + role + "\n" + id), id);
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (int i = 0; i < n && i < static_cast<int>(scored.size()); ++i) out.push_back(scored[i].second);
  return out;
}

std::vector<std::string> Strings(const google::protobuf::RepeatedPtrField<std::string>& field) {
  return {field.begin(), field.end()};
}

std::vector<std::string> Fields(const RecordResult& result) {
  std::vector<std::string> fields;
  for (const auto& v : result.violations()) fields.push_back(v.field());
  return fields;
}

std::vector<std::string> Fields(const common::Violations& violations) {
  std::vector<std::string> fields;
  for (const auto& v : violations) fields.push_back(v.field);
  return fields;
}

bool HasFieldStartingWith(const RecordResult& result, const std::string& prefix) {
  return std::any_of(result.violations().begin(), result.violations().end(),
                     [&](const auto& v) { return v.field().rfind(prefix, 0) == 0; });
}

v1::GetRecordRequest KeyOf(const std::string& agency, const std::string& source_id) {
  v1::GetRecordRequest request;
  request.set_agency_credit_code(agency);
  request.set_source_id(source_id);
  return request;
}

// A valid annual plan of `agency` for `year`, approved on `approved_on`: two
// kinds of subject, one item checked by random draw in March and September.
v1::Plan PlanOf(const std::string& agency, const std::string& source_id, const std::string& approved_on,
                int year = 2026) {
  v1::Plan p;
  p.set_agency_credit_code(agency);
  p.set_source_id(source_id);
  p.set_source_version(1);
  p.set_year(year);
  p.set_title(std::to_string(year) + "年度行政检查计划");
  p.add_objects("食品生产企业");
  p.add_objects("食品销售经营者");
  auto* item = p.add_items();
  item->set_description("食品生产经营者监督检查");
  item->set_method(v1::RANDOM);
  item->add_months(3);
  item->add_months(9);
  p.set_approved_on(approved_on);
  return p;
}

// The company `credit_code`, a food producer.
v1::CheckObject Company(const std::string& credit_code) { return Org("太原市某某食品有限公司", credit_code); }

// A valid task of kAgency: item JC-001, two companies checked by kCert1 and
// kCert2 from 2026-06-01 to 2026-07-31.
v1::Task TaskOf(const std::string& source_id) {
  v1::Task t;
  t.set_agency_credit_code(kAgency);
  t.set_source_id(source_id);
  t.set_source_version(1);
  t.set_name("2026年食品生产企业双随机抽查");
  t.add_items("JC-001");
  t.set_domain("market_regulation");
  t.set_pool_size(120);
  *t.add_objects() = Company(kCompany);
  *t.add_objects() = Company(kCompany2);
  t.add_officers(kCert1);
  t.add_officers(kCert2);
  t.set_check_from("2026-06-01");
  t.set_check_to("2026-07-31");
  return t;
}

// A valid platform draw registered on 2026-06-15: 2 of kPool, 2 of four
// officers (kCertEnding is not valid over the check period), drawn on
// 2026-06-22, the day the check starts.
v1::Task DrawTaskOf(const std::string& source_id) {
  v1::Task t = TaskOf(source_id);
  t.clear_objects();
  t.clear_officers();
  t.set_pool_size(static_cast<int32_t>(kPool.size()));
  t.set_check_from("2026-06-22");
  t.set_check_to("2026-07-31");
  auto* d = t.mutable_draw();
  for (const auto& id : kPool) d->add_pool(id);
  d->set_objects(2);
  for (const auto& number : {kCert1, kCert2, kCert3, kCertEnding}) d->add_officers(number);
  d->set_officers_drawn(2);
  d->set_draw_date("2026-06-22");
  return t;
}

v1::PilotUnit UnitOf(const std::string& agency, const std::string& source_id, v1::Sector sector, int year = 2026) {
  v1::PilotUnit u;
  u.set_agency_credit_code(agency);
  u.set_source_id(source_id);
  u.set_source_version(1);
  u.set_year(year);
  u.set_sector(sector);
  u.set_channel(v1::SHORT_VIDEO);
  u.set_platform("抖音");
  u.set_account("太原市场监管");
  return u;
}

// A broadcast of kAgency's unit `unit` planned for 2026-06-20 14:00.
v1::Broadcast BroadcastOf(const std::string& source_id, const std::string& unit) {
  v1::Broadcast b;
  b.set_agency_credit_code(kAgency);
  b.set_source_id(source_id);
  b.set_source_version(1);
  b.set_pilot_unit_source_id(unit);
  b.set_title("餐饮单位后厨检查直播");
  b.set_planned_start("2026-06-20T14:00:00+08:00");
  b.set_live_url("https://live.example.cn/" + source_id);
  return b;
}

// One adapter over the shared fakes, served in process, on its own pinned
// day; its PlanNotices is not started (tests push by hand).
class Adapter {
 public:
  Adapter(common::Date today, FakeInspectionStore& store, FakeRegistry& registry, PilotTargets targets = {})
      : ctx_(today),
        metrics_(prometheus_),
        notices_(store, registry, std::chrono::hours(1)),
        service_(store, registry, ctx_.context(), metrics_, notices_, 100, targets),
        server_(&service_),
        stub_(v1::InspectionsService::NewStub(server_.channel())) {}

  // Calls `method` as `caller` (nullopt: the public, with no identity).
  template <typename Request, typename Response>
  grpc::Status Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    const Request& request, Response* response, const std::optional<common::CallerIdentity>& caller) {
    return (stub_.get()->*method)(ctx_.ClientAs(caller).get(), request, response);
  }

  PlanNotices& notices() { return notices_; }

 private:
  testing::TestContext ctx_;
  prometheus::Registry prometheus_;
  common::DisclosureMetrics metrics_;
  PlanNotices notices_;
  InspectionsService service_;
  testing::InProcessServer server_;
  std::unique_ptr<Stub> stub_;
};

class InspectionsServiceTest : public ::testing::Test {
 protected:
  InspectionsServiceTest() : adapter_(Day("2026-06-15"), store_, registry_) {
    registry_.agencies[kAgency] = {"140100", {"market_regulation"}, ""};
    registry_.agencies[kAgency2] = {"140100", {"market_regulation"}, ""};
    registry_.agencies[kOtherAgency] = {"140200", {"market_regulation"}, ""};
    registry_.agencies[kPartner] = {"140200", {"market_regulation"}, ""};
    const int inspection = registry::v1::INSPECTION;
    registry_.items[{kAgency, "JC-001"}] = {inspection, true};
    registry_.items[{kAgency, "JC-002"}] = {inspection, false};  // not on the random-check list
    registry_.items[{kAgency, "CF-001"}] = {registry::v1::PENALTY, false};
    registry_.items[{kAgency2, "JC-101"}] = {inspection, true};
    for (const auto& number : {kCert1, kCert2, kCert3}) {
      registry_.certificates[number] = {kAgency, Day("2024-01-01"), Day("2028-12-31")};
    }
    registry_.certificates[kCertEnding] = {kAgency, Day("2024-01-01"), Day("2026-06-30")};
    registry_.certificates[kCertElsewhere] = {kOtherAgency, Day("2024-01-01"), Day("2028-12-31")};
  }

  // Calls `method` on 2026-06-15 as `caller` (nullopt: the public).
  template <typename Request, typename Response>
  grpc::Status Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    const Request& request, Response* response,
                    const std::optional<common::CallerIdentity>& caller = testing::CityCaller("140100")) {
    return adapter_.Call(method, request, response, caller);
  }

  grpc::Status UpsertPlans(const std::vector<v1::Plan>& plans, v1::UpsertResponse* response,
                           const std::string& city = "140100") {
    v1::UpsertPlansRequest request;
    for (const auto& p : plans) *request.add_plans() = p;
    return Call(&Stub::UpsertPlans, request, response, testing::CityCaller(city));
  }

  grpc::Status UpsertTasks(const std::vector<v1::Task>& tasks, v1::UpsertResponse* response) {
    v1::UpsertTasksRequest request;
    for (const auto& t : tasks) *request.add_tasks() = t;
    return Call(&Stub::UpsertTasks, request, response);
  }

  grpc::Status UpsertResults(Adapter& adapter, const std::vector<v1::Result>& results, v1::UpsertResponse* response) {
    v1::UpsertResultsRequest request;
    for (const auto& r : results) *request.add_results() = r;
    return adapter.Call(&Stub::UpsertResults, request, response, testing::CityCaller("140100"));
  }

  grpc::Status UpsertUnits(const std::vector<v1::PilotUnit>& units, v1::UpsertResponse* response,
                           const std::string& city = "140100") {
    v1::UpsertPilotUnitsRequest request;
    for (const auto& u : units) *request.add_units() = u;
    return Call(&Stub::UpsertPilotUnits, request, response, testing::CityCaller(city));
  }

  grpc::Status UpsertBroadcasts(const std::vector<v1::Broadcast>& broadcasts, v1::UpsertResponse* response) {
    v1::UpsertBroadcastsRequest request;
    for (const auto& b : broadcasts) *request.add_broadcasts() = b;
    return Call(&Stub::UpsertBroadcasts, request, response);
  }

  // The task of kAgency as `adapter` shows it to the public.
  v1::Task PublicTask(Adapter& adapter, const std::string& source_id) {
    v1::Task task;
    const grpc::Status status = adapter.Call(&Stub::GetTask, KeyOf(kAgency, source_id), &task, std::nullopt);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return task;
  }

  // Registers DrawTaskOf(source_id) on 2026-06-15.
  void RegisterDraw(const std::string& source_id) {
    v1::UpsertResponse response;
    ASSERT_TRUE(UpsertTasks({DrawTaskOf(source_id)}, &response).ok());
    ASSERT_EQ(response.results_size(), 1);
    ASSERT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED)
        << "violations: " << ::testing::PrintToString(Fields(response.results(0)));
  }

  FakeInspectionStore store_;
  FakeRegistry registry_;
  Adapter adapter_;
};

// ---------------------------------------------------------------- plans

TEST_F(InspectionsServiceTest, ACitysPlansArePublishedAtOnceOnTimeOrLateByTheirApprovalDay) {
  v1::UpsertResponse response;
  ASSERT_TRUE(
      UpsertPlans({PlanOf(kAgency, "P-1", "2026-06-01"), PlanOf(kAgency, "P-2", "2026-03-02")}, &response).ok());
  ASSERT_EQ(response.results_size(), 2);
  EXPECT_EQ(response.results(0).key(), kAgency + "/P-1");
  EXPECT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);
  EXPECT_EQ(response.results(1).outcome(), RecordResult::ACCEPTED);

  v1::Plan on_time;
  ASSERT_TRUE(Call(&Stub::GetPlan, KeyOf(kAgency, "P-1"), &on_time, std::nullopt).ok());
  EXPECT_EQ(on_time.title(), "2026年度行政检查计划");
  EXPECT_EQ(on_time.city_code(), "140100");
  EXPECT_EQ(on_time.published_on(), "2026-06-15");
  EXPECT_GT(on_time.change_seq(), 0);
  EXPECT_EQ(on_time.timeliness().clock_start(), "2026-06-01");
  EXPECT_EQ(on_time.timeliness().done(), "2026-06-15");
  EXPECT_EQ(on_time.timeliness().status(), Timeliness::ON_TIME);

  v1::Plan late;
  ASSERT_TRUE(Call(&Stub::GetPlan, KeyOf(kAgency, "P-2"), &late, std::nullopt).ok());
  EXPECT_EQ(late.published_on(), "2026-06-15");
  EXPECT_EQ(late.timeliness().clock_start(), "2026-03-02");
  EXPECT_EQ(late.timeliness().status(), Timeliness::LATE);
  EXPECT_GT(late.timeliness().lag_working_days(), 0);

  v1::Plan missing;
  EXPECT_EQ(Call(&Stub::GetPlan, KeyOf(kAgency, "P-3"), &missing, std::nullopt).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(InspectionsServiceTest, AnInvalidPlanIsRejectedWithItsFieldAndListedInTheCitysRejections) {
  v1::Plan bad = PlanOf(kAgency, "P-4", "2026-06-01");
  bad.set_title("");
  v1::UpsertResponse response;
  ASSERT_TRUE(UpsertPlans({PlanOf(kAgency, "P-3", "2026-06-01"), bad}, &response).ok());
  ASSERT_EQ(response.results_size(), 2);
  EXPECT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);
  EXPECT_EQ(response.results(1).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(Fields(response.results(1)), std::vector<std::string>{"plans[1].title"});

  v1::ListRejectionsResponse rejections;
  ASSERT_TRUE(Call(&Stub::ListRejections, v1::ListRejectionsRequest(), &rejections).ok());
  ASSERT_EQ(rejections.rejections_size(), 1);
  EXPECT_EQ(rejections.rejections(0).kind(), "plan");
  EXPECT_EQ(rejections.rejections(0).key(), kAgency + "/P-4");
  EXPECT_EQ(rejections.rejections(0).source_version(), 1);
  ASSERT_EQ(rejections.rejections(0).violations_size(), 1);
  EXPECT_EQ(rejections.rejections(0).violations(0).field(), "plans[1].title");
  EXPECT_NE(rejections.rejections(0).raw_json().find("P-4"), std::string::npos);

  v1::ListRejectionsResponse elsewhere;
  ASSERT_TRUE(Call(&Stub::ListRejections, v1::ListRejectionsRequest(), &elsewhere, testing::CityCaller("140200")).ok());
  EXPECT_EQ(elsewhere.rejections_size(), 0) << "another city's rejections are not listed";

  // A corrected version is accepted and clears the rejection of its key.
  bad.set_title("2026年度行政检查计划（修订）");
  bad.set_source_version(2);
  v1::UpsertResponse fixed;
  ASSERT_TRUE(UpsertPlans({bad}, &fixed).ok());
  EXPECT_EQ(fixed.results(0).outcome(), RecordResult::ACCEPTED);
  v1::ListRejectionsResponse after;
  ASSERT_TRUE(Call(&Stub::ListRejections, v1::ListRejectionsRequest(), &after).ok());
  EXPECT_EQ(after.rejections_size(), 0);
}

TEST_F(InspectionsServiceTest, APlanNamingAnotherCitysAgencyRefusesTheWholeBatch) {
  v1::UpsertResponse response;
  const grpc::Status status =
      UpsertPlans({PlanOf(kAgency, "P-5", "2026-06-01"), PlanOf(kOtherAgency, "P-6", "2026-06-01")}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(store_.written().empty());
  EXPECT_TRUE(store_.rejections().empty());
  v1::Plan plan;
  EXPECT_EQ(Call(&Stub::GetPlan, KeyOf(kAgency, "P-5"), &plan, std::nullopt).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(InspectionsServiceTest, APartnerAgencyTheRegistryDoesNotKnowIsAViolationOfThatPartner) {
  v1::Plan known = PlanOf(kAgency, "P-7", "2026-06-01");
  known.mutable_items(0)->set_method(v1::JOINT);
  known.mutable_items(0)->add_partner_agencies(kPartner);  // of another city: joint checks cross boundaries
  v1::Plan unknown = known;
  unknown.set_source_id("P-8");
  unknown.mutable_items(0)->add_partner_agencies(kUnknownAgency);
  v1::UpsertResponse response;
  ASSERT_TRUE(UpsertPlans({known, unknown}, &response).ok());
  ASSERT_EQ(response.results_size(), 2);
  EXPECT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);
  EXPECT_EQ(response.results(1).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(Fields(response.results(1)), std::vector<std::string>{"plans[1].items[0].partner_agencies[1]"});
}

TEST_F(InspectionsServiceTest, APlanItemMustNameAnInspectionItemOfThePlansOwnAgency) {
  const auto naming = [](const std::string& source_id, const std::string& item) {
    v1::Plan p = PlanOf(kAgency, source_id, "2026-06-01");
    p.mutable_items(0)->set_powers_item_source_id(item);
    return p;
  };
  v1::UpsertResponse response;
  ASSERT_TRUE(UpsertPlans({naming("P-9", "JC-001"), naming("P-10", "CF-001"), naming("P-11", "JC-101"),
                           naming("P-12", "JC-404")},
                          &response)
                  .ok());
  ASSERT_EQ(response.results_size(), 4);
  EXPECT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);
  EXPECT_EQ(Fields(response.results(1)), std::vector<std::string>{"plans[1].items[0].powers_item_source_id"})
      << "an item of category 处罚";
  EXPECT_EQ(Fields(response.results(2)), std::vector<std::string>{"plans[2].items[0].powers_item_source_id"})
      << "another agency's inspection item";
  EXPECT_EQ(Fields(response.results(3)), std::vector<std::string>{"plans[3].items[0].powers_item_source_id"})
      << "an item the registry does not hold";
}

TEST_F(InspectionsServiceTest, ThePublicMayReadPlansButNotWriteThem) {
  v1::UpsertPlansRequest request;
  *request.add_plans() = PlanOf(kAgency, "P-13", "2026-06-01");
  v1::UpsertResponse response;
  EXPECT_EQ(Call(&Stub::UpsertPlans, request, &response, std::nullopt).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Call(&Stub::UpsertPlans, request, &response, testing::ProvinceCaller()).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(store_.written().empty());

  ASSERT_TRUE(Call(&Stub::UpsertPlans, request, &response).ok());
  v1::ListPlansResponse listed;
  ASSERT_TRUE(Call(&Stub::ListPlans, v1::ListPlansRequest(), &listed, std::nullopt).ok());
  ASSERT_EQ(listed.plans_size(), 1);
  EXPECT_EQ(listed.plans(0).source_id(), "P-13");
  EXPECT_EQ(listed.plans(0).city_code(), "140100");
  v1::Plan plan;
  EXPECT_TRUE(Call(&Stub::GetPlan, KeyOf(kAgency, "P-13"), &plan, std::nullopt).ok());
}

TEST_F(InspectionsServiceTest, ListPlansFiltersByYearCityAndAgency) {
  v1::UpsertResponse response;
  ASSERT_TRUE(UpsertPlans({PlanOf(kAgency, "P-1", "2026-06-01"), PlanOf(kAgency2, "P-2", "2026-06-01"),
                           PlanOf(kAgency, "P-3", "2026-06-01", 2027)},
                          &response)
                  .ok());
  ASSERT_TRUE(UpsertPlans({PlanOf(kOtherAgency, "P-4", "2026-06-01")}, &response, "140200").ok());
  const auto listed = [&](int year, const std::string& city, const std::string& agency) {
    v1::ListPlansRequest request;
    request.set_year(year);
    request.set_city_code(city);
    request.set_agency_credit_code(agency);
    v1::ListPlansResponse response;
    EXPECT_TRUE(Call(&Stub::ListPlans, request, &response, std::nullopt).ok());
    std::vector<std::string> ids;
    for (const auto& p : response.plans()) ids.push_back(p.source_id());
    return ids;
  };
  EXPECT_EQ(listed(0, "", ""), (std::vector<std::string>{"P-4", "P-3", "P-2", "P-1"}));
  EXPECT_EQ(listed(2026, "", ""), (std::vector<std::string>{"P-4", "P-2", "P-1"}));
  EXPECT_EQ(listed(0, "140200", ""), std::vector<std::string>{"P-4"});
  EXPECT_EQ(listed(2026, "140100", kAgency), std::vector<std::string>{"P-1"});
}

TEST_F(InspectionsServiceTest, PlanNoticesSendTheRegistryOneNoticePerAgencyAndYear) {
  v1::UpsertResponse response;
  ASSERT_TRUE(UpsertPlans({PlanOf(kAgency, "P-1", "2026-06-01"), PlanOf(kAgency, "P-2", "2026-05-06"),
                           PlanOf(kAgency2, "P-3", "2026-06-01"), PlanOf(kAgency, "P-4", "2026-06-01", 2027)},
                          &response)
                  .ok());
  for (const auto& r : response.results()) ASSERT_EQ(r.outcome(), RecordResult::ACCEPTED);

  EXPECT_EQ(adapter_.notices().PushPending(), 3);
  const auto calls = registry_.plan_calls();
  ASSERT_EQ(calls.size(), 1u);
  ASSERT_EQ(calls[0].size(), 3u);
  std::set<std::tuple<std::string, int, std::string>> sent;
  for (const auto& n : calls[0]) sent.insert({n.agency_credit_code, n.year, common::FormatIsoDate(n.published_on)});
  const std::set<std::tuple<std::string, int, std::string>> expected = {
      {kAgency, 2026, "2026-06-15"}, {kAgency, 2027, "2026-06-15"}, {kAgency2, 2026, "2026-06-15"}};
  EXPECT_EQ(sent, expected);

  // Nothing pending is sent again, and a plan sent again unchanged adds nothing.
  ASSERT_TRUE(UpsertPlans({PlanOf(kAgency, "P-1", "2026-06-01")}, &response).ok());
  EXPECT_EQ(response.results(0).outcome(), RecordResult::UNCHANGED);
  EXPECT_EQ(adapter_.notices().PushPending(), 0);
  EXPECT_EQ(registry_.plan_calls().size(), 1u);
}

TEST_F(InspectionsServiceTest, PlanNoticesHeldBackByARegistryOutageGoOutLater) {
  v1::UpsertResponse response;
  ASSERT_TRUE(UpsertPlans({PlanOf(kAgency, "P-1", "2026-06-01")}, &response).ok());
  registry_.down = true;
  EXPECT_THROW(adapter_.notices().PushPending(), common::ServiceError);
  registry_.down = false;
  EXPECT_EQ(adapter_.notices().PushPending(), 1);
  ASSERT_EQ(registry_.plan_calls().size(), 1u);
  EXPECT_EQ(registry_.plan_calls()[0].at(0).agency_credit_code, kAgency);
}

// ---------------------------------------------------------------- tasks

TEST_F(InspectionsServiceTest, OfficersWithoutACertificateValidOverTheCheckPeriodAreViolationsOfThoseOfficers) {
  v1::Task t = TaskOf("T-1");
  t.clear_officers();
  for (const auto& number : {kCert1, kCert2, kCertEnding, kUnknownCert, kCertElsewhere}) t.add_officers(number);
  v1::UpsertResponse response;
  ASSERT_TRUE(UpsertTasks({t}, &response).ok());
  ASSERT_EQ(response.results_size(), 1);
  EXPECT_EQ(response.results(0).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(Fields(response.results(0)),
            (std::vector<std::string>{"tasks[0].officers[2]", "tasks[0].officers[3]", "tasks[0].officers[4]"}));
  const auto calls = registry_.certificate_calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].numbers, Strings(t.officers()));
  EXPECT_EQ(common::FormatIsoDate(calls[0].from), "2026-06-01");
  EXPECT_EQ(common::FormatIsoDate(calls[0].to), "2026-07-31");

  // Over a period its certificate covers, the same officer may check.
  v1::Task shorter = TaskOf("T-2");
  shorter.set_officers(1, kCertEnding);
  shorter.set_check_to("2026-06-30");
  ASSERT_TRUE(UpsertTasks({shorter}, &response).ok());
  EXPECT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED)
      << ::testing::PrintToString(Fields(response.results(0)));
}

TEST_F(InspectionsServiceTest, TaskItemsNotOnARandomCheckListOfItsAgenciesAreViolations) {
  v1::Task t = TaskOf("T-3");
  t.clear_items();
  for (const auto& item : {"JC-001", "JC-002", "CF-001", "JC-101"}) t.add_items(item);
  v1::Task joint = TaskOf("T-4");
  joint.add_joint_agencies(kAgency2);
  joint.clear_items();
  joint.add_items("JC-101");  // on the joint agency's list
  v1::UpsertResponse response;
  ASSERT_TRUE(UpsertTasks({t, joint}, &response).ok());
  ASSERT_EQ(response.results_size(), 2);
  EXPECT_EQ(response.results(0).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(Fields(response.results(0)),
            (std::vector<std::string>{"tasks[0].items[1]", "tasks[0].items[2]", "tasks[0].items[3]"}));
  EXPECT_EQ(response.results(1).outcome(), RecordResult::ACCEPTED)
      << ::testing::PrintToString(Fields(response.results(1)));
}

TEST_F(InspectionsServiceTest, APlatformDrawShowsItsCommitmentAndDigestsButNoSeedBeforeTheDrawDate) {
  RegisterDraw("T-D1");
  const auto stored = store_.stored(RecordKind::kTask, kAgency, "T-D1");
  ASSERT_TRUE(stored.has_value());
  const std::string seed = stored->columns.seed;
  ASSERT_EQ(seed.size(), 64u) << "the store keeps the seed";

  for (const auto& caller : {std::optional<common::CallerIdentity>(), std::optional(testing::CityCaller("140100"))}) {
    v1::Task task;
    ASSERT_TRUE(Call(&Stub::GetTask, KeyOf(kAgency, "T-D1"), &task, caller).ok());
    const v1::Draw& d = task.draw();
    EXPECT_EQ(d.seed_commitment(), Sha256(seed));
    EXPECT_EQ(d.pool_digest(), Digest(kPool));
    EXPECT_EQ(d.officers_digest(), Digest({kCert1, kCert2, kCert3}));
    EXPECT_EQ(d.committed_on(), "2026-06-15");
    EXPECT_EQ(Strings(d.pool()), kPool) << "GetTask publishes the pool";
    EXPECT_EQ(d.seed(), "");
    EXPECT_FALSE(d.revealed());
    EXPECT_EQ(d.drawn_objects_size(), 0);
    EXPECT_EQ(d.drawn_officers_size(), 0);
    EXPECT_EQ(task.SerializeAsString().find(seed), std::string::npos);
    EXPECT_EQ(task.city_code(), "140100");
    EXPECT_EQ(task.results_expected(), 2);
  }

  v1::ListTasksResponse listed;
  ASSERT_TRUE(Call(&Stub::ListTasks, v1::ListTasksRequest(), &listed, std::nullopt).ok());
  ASSERT_EQ(listed.tasks_size(), 1);
  EXPECT_EQ(listed.tasks(0).draw().seed_commitment(), Sha256(seed));
  EXPECT_EQ(listed.tasks(0).draw().pool_size(), 0) << "lists carry the digest only";
  EXPECT_EQ(listed.SerializeAsString().find(seed), std::string::npos);

  v1::ListChangesResponse feed;
  ASSERT_TRUE(Call(&Stub::ListChanges, v1::ListChangesRequest(), &feed, std::nullopt).ok());
  ASSERT_EQ(feed.changes_size(), 1);
  EXPECT_TRUE(feed.changes(0).has_task());
  EXPECT_EQ(feed.SerializeAsString().find(seed), std::string::npos);
}

TEST_F(InspectionsServiceTest, APlatformDrawListsTheOfficersItExcluded) {
  RegisterDraw("T-D1");
  const v1::Task task = PublicTask(adapter_, "T-D1");
  EXPECT_EQ(Strings(task.draw().excluded_officers()), std::vector<std::string>{kCertEnding});
  EXPECT_EQ(Strings(task.draw().officers()), (std::vector<std::string>{kCert1, kCert2, kCert3, kCertEnding}));
}

TEST_F(InspectionsServiceTest, OnTheDrawDateAnotherInstanceRevealsTheSeedAndTheDrawAnyoneCanRecompute) {
  RegisterDraw("T-D1");
  Adapter on_draw_day(Day("2026-06-22"), store_, registry_);
  const v1::Task task = PublicTask(on_draw_day, "T-D1");
  const v1::Draw& d = task.draw();
  EXPECT_TRUE(d.revealed());
  ASSERT_EQ(d.seed().size(), 64u);
  EXPECT_EQ(d.seed(), store_.stored(RecordKind::kTask, kAgency, "T-D1")->columns.seed);
  EXPECT_EQ(Sha256(d.seed()), d.seed_commitment()) << "the commitment is SHA-256 of the seed revealed";
  EXPECT_EQ(d.pool_digest(), Digest(kPool));
  EXPECT_EQ(Strings(d.drawn_objects()), DrawnBy(d.seed(), "object", kPool, 2));
  EXPECT_EQ(Strings(d.drawn_officers()), DrawnBy(d.seed(), "officer", {kCert1, kCert2, kCert3}, 2));

  // The instance still on 2026-06-15 keeps it hidden.
  const v1::Task before = PublicTask(adapter_, "T-D1");
  EXPECT_EQ(before.draw().seed(), "");
  EXPECT_EQ(before.draw().drawn_objects_size(), 0);
}

TEST_F(InspectionsServiceTest, ANewVersionChangingTheDrawsPoolIsRejectedNamingTheDraw) {
  RegisterDraw("T-D1");
  const std::string commitment = PublicTask(adapter_, "T-D1").draw().seed_commitment();
  const std::string seed = store_.stored(RecordKind::kTask, kAgency, "T-D1")->columns.seed;

  v1::Task changed = DrawTaskOf("T-D1");
  changed.set_source_version(2);
  changed.mutable_draw()->set_pool(3, CreditCode("91140100MA0KABCD5"));
  v1::UpsertResponse response;
  ASSERT_TRUE(UpsertTasks({changed}, &response).ok());
  EXPECT_EQ(response.results(0).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(Fields(response.results(0)), std::vector<std::string>{"tasks[0].draw"});
  ASSERT_EQ(response.results(0).violations_size(), 1);
  EXPECT_NE(response.results(0).violations(0).description().find(commitment), std::string::npos)
      << "the violation quotes the commitment";

  // A new version that keeps the draw is taken, and the draw stays as committed.
  v1::Task renamed = DrawTaskOf("T-D1");
  renamed.set_source_version(3);
  renamed.set_name("2026年食品生产企业双随机抽查（更正）");
  ASSERT_TRUE(UpsertTasks({renamed}, &response).ok());
  EXPECT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED)
      << ::testing::PrintToString(Fields(response.results(0)));
  const v1::Task task = PublicTask(adapter_, "T-D1");
  EXPECT_EQ(task.name(), renamed.name());
  EXPECT_EQ(task.draw().seed_commitment(), commitment);
  EXPECT_EQ(Strings(task.draw().pool()), kPool);
  EXPECT_EQ(store_.stored(RecordKind::kTask, kAgency, "T-D1")->columns.seed, seed);
}

TEST_F(InspectionsServiceTest, ANewVersionOfADrawnTaskMayNotMoveItsCheckPeriodButMayReorderItsPool) {
  RegisterDraw("T-D2");
  v1::Task moved = DrawTaskOf("T-D2");
  moved.set_source_version(2);
  moved.set_check_to("2026-09-30");
  v1::UpsertResponse response;
  ASSERT_TRUE(UpsertTasks({moved}, &response).ok());
  EXPECT_EQ(response.results(0).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(Fields(response.results(0)), std::vector<std::string>{"tasks[0].draw"});

  // The same pool in another order is the same commitment.
  v1::Task reordered = DrawTaskOf("T-D2");
  reordered.set_source_version(3);
  std::reverse(reordered.mutable_draw()->mutable_pool()->begin(), reordered.mutable_draw()->mutable_pool()->end());
  ASSERT_TRUE(UpsertTasks({reordered}, &response).ok());
  EXPECT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED)
      << ::testing::PrintToString(Fields(response.results(0)));
}

TEST_F(InspectionsServiceTest, ATaskWithResultsMayNotMoveItsCheckPeriod) {
  v1::UpsertResponse response;
  ASSERT_TRUE(UpsertTasks({TaskOf("T-7")}, &response).ok());
  ASSERT_TRUE(UpsertResults(adapter_, {ResultOf("R-7", "T-7", Company(kCompany), "2026-06-10")}, &response).ok());
  ASSERT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);
  v1::Task moved = TaskOf("T-7");
  moved.set_source_version(2);
  moved.set_check_to("2026-06-29");
  ASSERT_TRUE(UpsertTasks({moved}, &response).ok());
  EXPECT_EQ(response.results(0).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(Fields(response.results(0)), std::vector<std::string>{"tasks[0].check_to"});
  v1::Task renamed = TaskOf("T-7");
  renamed.set_source_version(3);
  renamed.set_name("更正后的任务名称");
  ASSERT_TRUE(UpsertTasks({renamed}, &response).ok());
  EXPECT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);
}

TEST_F(InspectionsServiceTest, TooFewEligibleOfficersIsAViolationOfOfficersDrawn) {
  v1::Task t = DrawTaskOf("T-D2");
  t.mutable_draw()->clear_officers();
  for (const auto& number : {kCert1, kCertEnding, kUnknownCert}) t.mutable_draw()->add_officers(number);
  v1::UpsertResponse response;
  ASSERT_TRUE(UpsertTasks({t}, &response).ok());
  EXPECT_EQ(response.results(0).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(Fields(response.results(0)), std::vector<std::string>{"tasks[0].draw.officers_drawn"});
  EXPECT_FALSE(store_.stored(RecordKind::kTask, kAgency, "T-D2").has_value());
}

// ---------------------------------------------------------------- results

TEST_F(InspectionsServiceTest, AResultWhoseTaskIsNotStoredIsAViolationOfTaskSourceId) {
  v1::UpsertResponse response;
  ASSERT_TRUE(UpsertResults(adapter_, {ResultOf("R-1", "T-404", Company(kCompany), "2026-06-10")}, &response).ok());
  EXPECT_EQ(response.results(0).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(Fields(response.results(0)), std::vector<std::string>{"results[0].task_source_id"});
}

TEST_F(InspectionsServiceTest, ANaturalPersonIsMaskedInSearchAndFeedButWholeForTheOwningCity) {
  v1::Task task = TaskOf("T-P");
  *task.add_objects() = Person("张三", kPersonId);
  v1::UpsertResponse response;
  ASSERT_TRUE(UpsertTasks({task}, &response).ok());
  ASSERT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED)
      << ::testing::PrintToString(Fields(response.results(0)));
  v1::Result result = ResultOf("R-P", "T-P", Person("张三", kPersonId), "2026-06-10");
  result.set_outcome(v1::CORRECTION_ORDERED);
  result.set_problems("张三经营的餐馆未公示食品经营许可证。");
  result.set_rectification_requirement("责令张三公示食品经营许可证。");
  result.set_rectification_deadline("2026-06-20");
  ASSERT_TRUE(UpsertResults(adapter_, {result}, &response).ok());
  ASSERT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED)
      << ::testing::PrintToString(Fields(response.results(0)));

  const auto expect_masked = [](const v1::Result& shown) {
    EXPECT_EQ(shown.object().name(), "张某某");
    const std::string& id = shown.object().id_number();
    EXPECT_EQ(id.substr(0, 6), kPersonId.substr(0, 6));
    ASSERT_GE(id.size(), 4u);
    EXPECT_EQ(id.substr(id.size() - 4), kPersonId.substr(kPersonId.size() - 4));
    EXPECT_EQ(shown.problems().find("张三"), std::string::npos);
    EXPECT_EQ(shown.rectification_requirement().find("张三"), std::string::npos);
    const std::string bytes = shown.SerializeAsString();
    EXPECT_EQ(bytes.find("张三"), std::string::npos);
    EXPECT_EQ(bytes.find(kPersonId), std::string::npos);
    EXPECT_EQ(shown.city_code(), "140100");
    EXPECT_EQ(shown.domain(), "market_regulation");
  };

  v1::SearchResultsRequest search;
  search.set_object_name("张某");
  v1::SearchResultsResponse found;
  ASSERT_TRUE(Call(&Stub::SearchResults, search, &found, std::nullopt).ok());
  ASSERT_EQ(found.results_size(), 1);
  expect_masked(found.results(0));
  search.set_object_name("张三");
  v1::SearchResultsResponse by_real_name;
  ASSERT_TRUE(Call(&Stub::SearchResults, search, &by_real_name, std::nullopt).ok());
  EXPECT_EQ(by_real_name.results_size(), 0) << "the public finds the published name only";

  v1::ListChangesResponse feed;
  ASSERT_TRUE(Call(&Stub::ListChanges, v1::ListChangesRequest(), &feed, std::nullopt).ok());
  int results_in_feed = 0;
  for (const auto& change : feed.changes()) {
    if (!change.has_result()) continue;
    ++results_in_feed;
    expect_masked(change.result());
  }
  EXPECT_EQ(results_in_feed, 1);

  v1::Result whole;
  ASSERT_TRUE(Call(&Stub::GetResult, KeyOf(kAgency, "R-P"), &whole).ok());
  EXPECT_EQ(whole.object().name(), "张三");
  EXPECT_EQ(whole.object().id_number(), kPersonId);
  EXPECT_EQ(whole.problems(), result.problems());
  EXPECT_EQ(whole.city_code(), "140100");
  v1::Result province;
  ASSERT_TRUE(Call(&Stub::GetResult, KeyOf(kAgency, "R-P"), &province, testing::ProvinceCaller()).ok());
  EXPECT_EQ(province.object().name(), "张三");
  v1::Result other;
  EXPECT_EQ(Call(&Stub::GetResult, KeyOf(kAgency, "R-P"), &other, testing::CityCaller("140200")).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Call(&Stub::GetResult, KeyOf(kAgency, "R-P"), &other, std::nullopt).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(InspectionsServiceTest, SearchResultsFiltersByTheTasksDomainAndRefusesAnUnknownDomain) {
  v1::Task transport = TaskOf("T-TR");
  transport.set_domain("transport");
  v1::UpsertResponse response;
  ASSERT_TRUE(UpsertTasks({TaskOf("T-MR"), transport}, &response).ok());
  ASSERT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);
  ASSERT_EQ(response.results(1).outcome(), RecordResult::ACCEPTED);
  ASSERT_TRUE(UpsertResults(adapter_,
                            {ResultOf("R-MR", "T-MR", Company(kCompany), "2026-06-10"),
                             ResultOf("R-TR", "T-TR", Company(kCompany2), "2026-06-11")},
                            &response)
                  .ok());
  ASSERT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);
  ASSERT_EQ(response.results(1).outcome(), RecordResult::ACCEPTED);

  const auto found = [&](const std::string& domain) {
    v1::SearchResultsRequest search;
    search.set_domain(domain);
    v1::SearchResultsResponse answer;
    EXPECT_TRUE(Call(&Stub::SearchResults, search, &answer, std::nullopt).ok());
    std::vector<std::string> ids;
    for (const auto& r : answer.results()) ids.push_back(r.source_id() + ":" + r.domain());
    return ids;
  };
  EXPECT_EQ(found(""), (std::vector<std::string>{"R-TR:transport", "R-MR:market_regulation"}));
  EXPECT_EQ(found("transport"), std::vector<std::string>{"R-TR:transport"});
  EXPECT_EQ(found("market_regulation"), std::vector<std::string>{"R-MR:market_regulation"});
  EXPECT_TRUE(found("agriculture").empty());

  v1::SearchResultsRequest bad;
  bad.set_domain("astrology");
  v1::SearchResultsResponse refused;
  const grpc::Status status = Call(&Stub::SearchResults, bad, &refused, std::nullopt);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(common::ViolationsOf(status)), std::vector<std::string>{"domain"});
}

TEST_F(InspectionsServiceTest, AResultForAnObjectNotDrawnIsRejected) {
  v1::UpsertResponse response;
  ASSERT_TRUE(UpsertTasks({TaskOf("T-5")}, &response).ok());
  ASSERT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);
  ASSERT_TRUE(UpsertResults(adapter_,
                            {ResultOf("R-5", "T-5", Company(kCompany), "2026-06-10"),
                             ResultOf("R-6", "T-5", Company(kCompany3), "2026-06-10")},
                            &response)
                  .ok());
  EXPECT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);
  EXPECT_EQ(response.results(1).outcome(), RecordResult::REJECTED);
  EXPECT_TRUE(HasFieldStartingWith(response.results(1), "results[1].object"))
      << ::testing::PrintToString(Fields(response.results(1)));
}

TEST_F(InspectionsServiceTest, AResultForAPoolObjectThePlatformDidNotDrawIsRejected) {
  RegisterDraw("T-D1");
  Adapter on_draw_day(Day("2026-06-22"), store_, registry_);
  const std::vector<std::string> drawn = Strings(PublicTask(on_draw_day, "T-D1").draw().drawn_objects());
  ASSERT_EQ(drawn.size(), 2u);
  std::string not_drawn;
  for (const auto& id : kPool) {
    if (std::find(drawn.begin(), drawn.end(), id) == drawn.end()) not_drawn = id;
  }
  v1::UpsertResponse response;
  ASSERT_TRUE(UpsertResults(on_draw_day,
                            {ResultOf("R-D1", "T-D1", Company(drawn[0]), "2026-06-22"),
                             ResultOf("R-D2", "T-D1", Company(not_drawn), "2026-06-22")},
                            &response)
                  .ok());
  EXPECT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED)
      << ::testing::PrintToString(Fields(response.results(0)));
  EXPECT_EQ(response.results(1).outcome(), RecordResult::REJECTED);
  EXPECT_TRUE(HasFieldStartingWith(response.results(1), "results[1].object"))
      << ::testing::PrintToString(Fields(response.results(1)));
}

// ---------------------------------------------------------------- pilot

TEST_F(InspectionsServiceTest, PilotUnitsAndBroadcastsAreStoredAndBroadcastsListedByState) {
  v1::UpsertResponse response;
  ASSERT_TRUE(UpsertUnits({UnitOf(kAgency, "U-1", v1::FOOD_SERVICE_SAFETY)}, &response).ok());
  ASSERT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);

  v1::Broadcast upcoming = BroadcastOf("B-1", "U-1");
  v1::CheckObject person;
  person.set_kind(v1::CheckObject::NATURAL_PERSON);
  person.set_name("李四");
  *upcoming.mutable_object() = person;
  v1::Broadcast live = BroadcastOf("B-2", "U-1");
  live.set_started_at("2026-06-14T14:00:00+08:00");
  v1::Broadcast replay = BroadcastOf("B-3", "U-1");
  replay.set_started_at("2026-06-10T14:00:00+08:00");
  replay.set_ended_at("2026-06-10T15:00:00+08:00");
  replay.set_replay_url("https://live.example.cn/B-3/replay");
  ASSERT_TRUE(UpsertBroadcasts({upcoming, live, replay}, &response).ok());
  ASSERT_EQ(response.results_size(), 3);
  for (const auto& r : response.results()) {
    EXPECT_EQ(r.outcome(), RecordResult::ACCEPTED) << r.key() << ": " << ::testing::PrintToString(Fields(r));
  }

  const auto listed = [&](v1::ListBroadcastsRequest::State state) {
    v1::ListBroadcastsRequest request;
    request.set_state(state);
    v1::ListBroadcastsResponse response;
    EXPECT_TRUE(Call(&Stub::ListBroadcasts, request, &response, std::nullopt).ok());
    return response;
  };
  const auto ids = [](const v1::ListBroadcastsResponse& response) {
    std::vector<std::string> out;
    for (const auto& b : response.broadcasts()) out.push_back(b.source_id());
    return out;
  };
  EXPECT_EQ(ids(listed(v1::ListBroadcastsRequest::STATE_UNSPECIFIED)), (std::vector<std::string>{"B-3", "B-2", "B-1"}));
  const auto upcoming_listed = listed(v1::ListBroadcastsRequest::UPCOMING);
  ASSERT_EQ(ids(upcoming_listed), std::vector<std::string>{"B-1"});
  EXPECT_EQ(upcoming_listed.broadcasts(0).object().name(), "李某某");
  EXPECT_EQ(upcoming_listed.broadcasts(0).sector(), v1::FOOD_SERVICE_SAFETY);
  EXPECT_EQ(upcoming_listed.broadcasts(0).city_code(), "140100");
  EXPECT_EQ(ids(listed(v1::ListBroadcastsRequest::LIVE)), std::vector<std::string>{"B-2"});
  const auto replays = listed(v1::ListBroadcastsRequest::REPLAY);
  ASSERT_EQ(ids(replays), std::vector<std::string>{"B-3"});
  EXPECT_EQ(replays.broadcasts(0).replay_url(), "https://live.example.cn/B-3/replay");
}

TEST_F(InspectionsServiceTest, ABroadcastOfAnUnknownPilotUnitIsAViolation) {
  v1::UpsertResponse response;
  ASSERT_TRUE(UpsertUnits({UnitOf(kAgency, "U-1", v1::GAS_SAFETY)}, &response).ok());
  v1::Broadcast another_agencys = BroadcastOf("B-5", "U-1");
  another_agencys.set_agency_credit_code(kAgency2);  // U-1 is kAgency's
  ASSERT_TRUE(
      UpsertBroadcasts({BroadcastOf("B-4", "U-9"), another_agencys, BroadcastOf("B-6", "U-1")}, &response).ok());
  ASSERT_EQ(response.results_size(), 3);
  EXPECT_EQ(response.results(0).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(Fields(response.results(0)), std::vector<std::string>{"broadcasts[0].pilot_unit_source_id"});
  EXPECT_EQ(Fields(response.results(1)), std::vector<std::string>{"broadcasts[1].pilot_unit_source_id"});
  EXPECT_EQ(response.results(2).outcome(), RecordResult::ACCEPTED);
}

TEST_F(InspectionsServiceTest, ListPilotUnitsCountsUnitsAndDistinctSectorsOfTheYear) {
  v1::UpsertResponse response;
  ASSERT_TRUE(
      UpsertUnits({UnitOf(kAgency, "U-1", v1::FOOD_SERVICE_SAFETY), UnitOf(kAgency, "U-2", v1::GAS_SAFETY),
                   UnitOf(kAgency2, "U-3", v1::FOOD_SERVICE_SAFETY), UnitOf(kAgency, "U-4", v1::DRUG_SAFETY, 2027)},
                  &response)
          .ok());
  ASSERT_TRUE(UpsertUnits({UnitOf(kOtherAgency, "U-5", v1::FIRE_SAFETY)}, &response, "140200").ok());

  v1::ListPilotUnitsRequest request;
  request.set_year(2026);
  request.set_city_code("140100");
  v1::ListPilotUnitsResponse city;
  ASSERT_TRUE(Call(&Stub::ListPilotUnits, request, &city, std::nullopt).ok());
  EXPECT_EQ(city.units_size(), 3);
  EXPECT_EQ(city.unit_count(), 3);
  EXPECT_EQ(city.sector_count(), 2);

  request.set_page_size(1);
  v1::ListPilotUnitsResponse page;
  ASSERT_TRUE(Call(&Stub::ListPilotUnits, request, &page, std::nullopt).ok());
  EXPECT_EQ(page.units_size(), 1);
  EXPECT_EQ(page.unit_count(), 3) << "counts are over the year and city, whatever the page";

  v1::ListPilotUnitsRequest province_request;  // year 0: this year (2026)
  v1::ListPilotUnitsResponse province;
  ASSERT_TRUE(Call(&Stub::ListPilotUnits, province_request, &province, std::nullopt).ok());
  EXPECT_EQ(province.unit_count(), 4);
  EXPECT_EQ(province.sector_count(), 3);
}

TEST_F(InspectionsServiceTest, ListPilotUnitsStatesThePilotsTargetsWhateverIsAsked) {
  // The plan's, when the settings give none.
  v1::ListPilotUnitsResponse plan;
  ASSERT_TRUE(Call(&Stub::ListPilotUnits, v1::ListPilotUnitsRequest(), &plan, std::nullopt).ok());
  EXPECT_EQ(plan.targets().units(), 10);
  EXPECT_EQ(plan.targets().sectors(), 3);
  EXPECT_EQ(plan.targets().date(), "2026-12-31");

  // The service's settings, for any year, city and page.
  Adapter configured(Day("2026-06-15"), store_, registry_, PilotTargets{12, 4, Day("2027-06-30")});
  v1::ListPilotUnitsRequest request;
  request.set_year(2025);
  request.set_city_code("140200");
  request.set_page_size(1);
  v1::ListPilotUnitsResponse response;
  ASSERT_TRUE(configured.Call(&Stub::ListPilotUnits, request, &response, std::nullopt).ok());
  EXPECT_EQ(response.targets().units(), 12);
  EXPECT_EQ(response.targets().sectors(), 4);
  EXPECT_EQ(response.targets().date(), "2027-06-30");
}

// ---------------------------------------------------------------- paging, errors

TEST_F(InspectionsServiceTest, ListPlansWithPageSizeOneWalksEveryPlanOnce) {
  std::vector<v1::Plan> plans;
  for (int i = 1; i <= 5; ++i) plans.push_back(PlanOf(kAgency, "P-" + std::to_string(i), "2026-06-01"));
  v1::UpsertResponse response;
  ASSERT_TRUE(UpsertPlans(plans, &response).ok());

  v1::ListPlansRequest request;
  request.set_page_size(1);
  std::vector<std::string> seen;
  int pages = 0;
  do {
    v1::ListPlansResponse page;
    ASSERT_TRUE(Call(&Stub::ListPlans, request, &page, std::nullopt).ok());
    ASSERT_EQ(page.plans_size(), 1);
    seen.push_back(page.plans(0).source_id());
    request.set_page_token(page.next_page_token());
    ASSERT_LE(++pages, 5) << "the last page has no next page token";
  } while (!request.page_token().empty());
  EXPECT_EQ(seen, (std::vector<std::string>{"P-5", "P-4", "P-3", "P-2", "P-1"}));
}

TEST_F(InspectionsServiceTest, AForgedPageTokenIsInvalidNamingPageToken) {
  for (const std::string& token :
       {std::string("Zm9yZ2Vk"), common::EncodePageToken({"not-a-seq"}), common::EncodePageToken({"0"})}) {
    v1::ListPlansRequest request;
    request.set_page_token(token);
    v1::ListPlansResponse response;
    const grpc::Status status = Call(&Stub::ListPlans, request, &response, std::nullopt);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << token;
    EXPECT_EQ(Fields(common::ViolationsOf(status)), std::vector<std::string>{"page_token"}) << token;
  }
}

TEST_F(InspectionsServiceTest, ARegistryThatIsDownMakesAWriteUnavailable) {
  registry_.down = true;
  v1::UpsertResponse response;
  EXPECT_EQ(UpsertPlans({PlanOf(kAgency, "P-1", "2026-06-01")}, &response).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(UpsertTasks({TaskOf("T-1")}, &response).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_TRUE(store_.written().empty());
  EXPECT_TRUE(store_.rejections().empty());
}

// ---------------------------------------------------------------- the province view

const common::CallerIdentity kSupervision{common::v1::ROLE_SERVICE, "", "", "service-supervision"};

class KpiCallsTest : public InspectionsServiceTest {
 protected:
  // On 2026-06-15: kAgency's plan P-1 approved 2026-06-01 (on time) and
  // kAgency2's P-2 approved 2026-05-06 (due 2026-06-02: late); kAgency's task
  // T-1 (kCompany and kCompany2, checked 2026-06-01 to 2026-07-31) with
  // kCompany's result. Read on 2026-09-30, past the results' due date:
  // kCompany2's is missing.
  KpiCallsTest() : later_(Day("2026-09-30"), store_, registry_) {
    v1::UpsertResponse response;
    EXPECT_TRUE(
        UpsertPlans({PlanOf(kAgency, "P-1", "2026-06-01"), PlanOf(kAgency2, "P-2", "2026-05-06")}, &response).ok());
    EXPECT_TRUE(UpsertTasks({TaskOf("T-1")}, &response).ok());
    EXPECT_TRUE(UpsertResults(adapter_, {ResultOf("T-1-R1", "T-1", Company(kCompany), "2026-06-10")}, &response).ok());
    for (const auto& r : response.results()) EXPECT_EQ(r.outcome(), RecordResult::ACCEPTED) << r.DebugString();
  }

  grpc::Status Tallies(const common::v1::GetKpiTalliesRequest& request, common::v1::GetKpiTalliesResponse* response,
                       const std::optional<common::CallerIdentity>& caller = kSupervision) {
    return later_.Call(&Stub::GetKpiTallies, request, response, caller);
  }

  static const common::v1::KpiTally* Find(const common::v1::GetKpiTalliesResponse& response, const std::string& agency,
                                          const std::string& kpi, const std::string& rule) {
    for (const auto& t : response.tallies()) {
      if (t.agency_credit_code() == agency && t.kpi() == kpi && t.rule() == rule) return &t;
    }
    return nullptr;
  }

  Adapter later_;
};

TEST_F(KpiCallsTest, TalliesAndFindingsAreForThePlatformsServicesOnly) {
  common::v1::GetKpiTalliesRequest request;
  request.set_year(2026);
  common::v1::GetKpiTalliesResponse response;
  EXPECT_EQ(Tallies(request, &response, testing::CityCaller("140100")).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Tallies(request, &response, testing::ProvinceCaller()).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  common::v1::ListFindingsRequest findings;
  findings.set_year(2026);
  common::v1::ListFindingsResponse found;
  EXPECT_EQ(later_.Call(&Stub::ListFindings, findings, &found, testing::ProvinceCaller()).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(KpiCallsTest, ABadTalliesOrFindingsRequestIsInvalidNamingItsFields) {
  common::v1::GetKpiTalliesRequest request;
  request.set_year(1999);
  request.set_max_misses(101);
  common::v1::GetKpiTalliesResponse response;
  const grpc::Status status = Tallies(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(common::ViolationsOf(status)), (std::vector<std::string>{"year", "max_misses"}));
  common::v1::ListFindingsRequest findings;
  findings.set_year(2026);
  auto* rule = findings.add_rules();
  rule->set_name("spot_check_results_late");
  rule->set_threshold(-2);
  common::v1::ListFindingsResponse found;
  const grpc::Status refused = later_.Call(&Stub::ListFindings, findings, &found, kSupervision);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(common::ViolationsOf(refused)), std::vector<std::string>{"rules[0].threshold"});
}

TEST_F(KpiCallsTest, TalliesCountTheYearsPlansAndEachTaskObjectsResultPerAgencyWithTheirMisses) {
  common::v1::GetKpiTalliesRequest request;
  request.set_year(2026);
  request.set_max_misses(10);
  common::v1::GetKpiTalliesResponse response;
  ASSERT_TRUE(Tallies(request, &response).ok());
  EXPECT_EQ(response.as_of(), "2026-09-30");
  const auto* plans = Find(response, kAgency, "", "inspection_plan");
  ASSERT_NE(plans, nullptr);
  EXPECT_EQ(plans->due(), 1);
  EXPECT_EQ(plans->met(), 1);
  const auto* late_plans = Find(response, kAgency2, "", "inspection_plan");
  ASSERT_NE(late_plans, nullptr);
  EXPECT_EQ(late_plans->due(), 1);
  EXPECT_EQ(late_plans->met(), 0);
  ASSERT_EQ(late_plans->misses_size(), 1);
  EXPECT_EQ(late_plans->misses(0).key(), kAgency2 + "/P-2");
  EXPECT_EQ(late_plans->misses(0).detail(), "published 2026-06-15, due 2026-06-02");
  EXPECT_FALSE(late_plans->misses(0).open()) << "published, though late";
  const auto* results = Find(response, kAgency, "", "spot_check_result");
  ASSERT_NE(results, nullptr);
  EXPECT_EQ(results->due(), 2);
  EXPECT_EQ(results->met(), 1);
  ASSERT_EQ(results->misses_size(), 1);
  EXPECT_EQ(results->misses(0).key(), kAgency + "/T-1/" + kCompany2);
  EXPECT_EQ(results->misses(0).service(), "inspections");
  EXPECT_EQ(results->misses(0).city_code(), "140100");
  EXPECT_TRUE(results->misses(0).detail().starts_with("not published, due 2026-08-")) << results->misses(0).detail();
  EXPECT_TRUE(results->misses(0).open()) << "still without a result, past its due date";
  // Every agency here is of market regulation, a key domain.
  const auto* key_results = Find(response, kAgency, "key_domain_timeliness", "spot_check_result");
  ASSERT_NE(key_results, nullptr);
  EXPECT_EQ(key_results->due(), 2);
  EXPECT_NE(Find(response, kAgency2, "key_domain_timeliness", "inspection_plan"), nullptr);
  // Another year has none of them.
  request.set_year(2025);
  ASSERT_TRUE(Tallies(request, &response).ok());
  EXPECT_EQ(response.tallies_size(), 0);
}

TEST_F(KpiCallsTest, TalliesFilterByAgencyAndSumPerCityWhenAsked) {
  common::v1::GetKpiTalliesRequest request;
  request.set_year(2026);
  request.set_agency_credit_code(kAgency2);
  common::v1::GetKpiTalliesResponse response;
  ASSERT_TRUE(Tallies(request, &response).ok());
  ASSERT_GT(response.tallies_size(), 0);
  for (const auto& t : response.tallies()) EXPECT_EQ(t.agency_credit_code(), kAgency2);
  request.clear_agency_credit_code();
  request.set_group_by_city(true);
  ASSERT_TRUE(Tallies(request, &response).ok());
  const auto* plans = Find(response, "", "", "inspection_plan");
  ASSERT_NE(plans, nullptr);
  EXPECT_EQ(plans->city_code(), "140100");
  EXPECT_EQ(plans->due(), 2);
  EXPECT_EQ(plans->met(), 1);
  request.set_city_code("140200");
  ASSERT_TRUE(Tallies(request, &response).ok());
  EXPECT_EQ(response.tallies_size(), 0);
}

TEST_F(KpiCallsTest, TalliesCarryTheOverdueResultsTheGaugeCountsOfTheCityAskedAndNoneForAnAgency) {
  // kCompany2's result of T-1 is past its due date without one stored.
  common::v1::GetKpiTalliesRequest request;
  request.set_year(2026);
  request.set_group_by_city(true);
  common::v1::GetKpiTalliesResponse response;
  ASSERT_TRUE(Tallies(request, &response).ok());
  ASSERT_EQ(response.overdue_size(), 1) << response.ShortDebugString();
  EXPECT_EQ(response.overdue(0).kind(), "spot_check_result");
  EXPECT_EQ(response.overdue(0).city_code(), "140100");
  EXPECT_EQ(response.overdue(0).count(), 1);
  // The very figures the gauge exports, read on the same day.
  testing::TestContext ctx(Day("2026-09-30"));
  const KpiFacts facts = FactsOf(ctx.context().deadlines, registry_);
  const auto gauged = ReadOverdue(store_, facts, Day("2026-09-30"));
  ASSERT_EQ(gauged.size(), 1u);
  EXPECT_EQ(gauged[0].ShortDebugString(), response.overdue(0).ShortDebugString());

  // Overdue is of the day read, whatever the year asked.
  request.set_year(2025);
  ASSERT_TRUE(Tallies(request, &response).ok());
  EXPECT_EQ(response.overdue_size(), 1);
  // Another city's has none; an agency's none, the counts being per city.
  request.set_year(2026);
  request.set_city_code("140200");
  ASSERT_TRUE(Tallies(request, &response).ok());
  EXPECT_EQ(response.overdue_size(), 0);
  request.set_city_code("140100");
  ASSERT_TRUE(Tallies(request, &response).ok());
  EXPECT_EQ(response.overdue_size(), 1);
  request.clear_city_code();
  request.set_group_by_city(false);
  request.set_agency_credit_code(kAgency);
  ASSERT_TRUE(Tallies(request, &response).ok());
  EXPECT_EQ(response.overdue_size(), 0);
}

TEST_F(KpiCallsTest, FindingsNameLateResultsAndRecordsOfAnAgencyWhoseListWasNotCurrentIgnoringOtherRules) {
  registry_.lists_not_current[kAgency] = Day("2026-05-20");
  common::v1::ListFindingsRequest request;
  request.set_year(2026);
  for (const char* name : {"fine_outside_tier", "spot_check_results_late", "agency_list_not_current"}) {
    request.add_rules()->set_name(name);
  }
  common::v1::ListFindingsResponse response;
  ASSERT_TRUE(later_.Call(&Stub::ListFindings, request, &response, kSupervision).ok());
  std::vector<std::pair<std::string, std::string>> found;
  for (const auto& f : response.findings()) {
    found.emplace_back(f.rule(), f.record().key());
    EXPECT_EQ(f.observed_on(), "2026-09-30");
  }
  EXPECT_EQ(found, (std::vector<std::pair<std::string, std::string>>{
                       {"spot_check_results_late", kAgency + "/T-1/" + kCompany2},
                       {"agency_list_not_current", kAgency + "/P-1"},
                       {"agency_list_not_current", kAgency + "/T-1"}}));
  EXPECT_FALSE(response.truncated());
  // The registry asked once, for each agency and day: P-1 and T-1 on
  // 2026-06-01, P-2 on 2026-05-06.
  ASSERT_EQ(registry_.list_calls().size(), 1u);
  EXPECT_EQ(registry_.list_calls()[0].size(), 2u);
}

TEST_F(KpiCallsTest, ARegistryThatIsDownMakesTheTalliesUnavailable) {
  registry_.down = true;
  common::v1::GetKpiTalliesRequest request;
  request.set_year(2026);
  common::v1::GetKpiTalliesResponse response;
  EXPECT_EQ(Tallies(request, &response).error_code(), grpc::StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace gongkai::inspections
