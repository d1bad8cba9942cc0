#pragma once

// What the supervision adapter tests share: the agencies of two cities and
// of the province, a registry that knows them (FakeRegistry), valid records
// of every kind with pinned 2026 dates (Make*), and the adapter served on a
// loopback port over the real PostgreSQL store in a fresh database, on a
// pinned day (AdapterHarness).

#include <grpcpp/grpcpp.h>
#include <prometheus/registry.h>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/disclosure_metrics.h"
#include "common/errors.h"
#include "common/identifiers.h"
#include "common/pg_pool.h"
#include "common/testing/adapter.h"
#include "common/testing/dates.h"
#include "common/testing/postgres.h"
#include "gongkai/supervision/v1/supervision.grpc.pb.h"
#include "services/registry/registry_client.h"
#include "services/supervision/supervision_service.h"
#include "services/supervision/supervision_store.h"

namespace gongkai::supervision {

// ---------------------------------------------------------------- agencies

// `first17` completed with its check character: a valid unified social
// credit code (GB 32100) and a valid citizen ID number (GB 11643).
inline std::string CreditCode(const std::string& first17) {
  return first17 + common::CreditCodeCheckCharacter(first17);
}
inline std::string CitizenId(const std::string& first17) { return first17 + common::CitizenIdCheckCharacter(first17); }

inline const std::string kCity = "140100";          // 太原市
inline const std::string kOtherCity = "140200";     // 大同市
inline const std::string kProvinceCity = "140000";  // a provincial agency's registered city

// Registered to kCity: the supervision bureau (the organiser, not an
// enforcement unit) and three enforcement units.
inline const std::string kBureau = CreditCode("11140100MB0000101");  // 太原市司法局
inline const std::string kUnitA = CreditCode("11140100MB0000102");   // 太原市市场监督管理局
inline const std::string kUnitB = CreditCode("11140100MB0000103");   // 太原市生态环境局
inline const std::string kUnitC = CreditCode("11140100MB0000104");   // 太原市交通运输局
// Registered to kOtherCity: its bureau and two enforcement units.
inline const std::string kOtherBureau = CreditCode("11140200MB0000201");  // 大同市司法局
inline const std::string kOtherUnit = CreditCode("11140200MB0000202");    // 大同市市场监督管理局
inline const std::string kOtherUnit2 = CreditCode("11140200MB0000203");   // 大同市生态环境局
// The province's supervising body, registered to kProvinceCity.
inline const std::string kProvinceBureau = CreditCode("11140000MB0000001");  // 山西省司法厅
// A valid credit code the registry does not know.
inline const std::string kUnknownUnit = CreditCode("11140100MB0000999");

// A company and a natural person, parties of excellent cases.
inline const std::string kCompany = CreditCode("91140100MA0KABCD1");
inline const std::string kPersonId = CitizenId("14010119850315123");

// The keys of the records the builders make by default.
inline const std::string kRoundId = "PC-2026-Q2";
inline const std::string kSupervisionId = "ZX-2026-01";
inline const std::string kPlanId = "KH-2026";
inline const std::string kResultId = "KHJG-2026";

// The day the harness starts on: after the default round's and
// supervision's end, within their deadlines.
inline const common::Date kToday = testing::Day("2026-07-15");

// A registry of canned agencies: CitiesOf (through Agency) answers their
// cities, EnforcementUnits the enforcement units among them by credit code.
// While `down`, both throw UNAVAILABLE as the real client does. The
// registry's other calls are not used by this service: they throw
// std::logic_error. Set up by a test before its calls.
class FakeRegistry final : public registry::RegistryClient {
 public:
  struct Registered {
    std::string name;
    std::string city_code;
    bool enforcement = true;
  };

  void Add(const std::string& credit_code, const std::string& name, const std::string& city_code,
           bool enforcement = true) {
    std::lock_guard lock(mutex_);
    agencies_[credit_code] = {name, city_code, enforcement};
  }
  void SetDown(bool down) {
    std::lock_guard lock(mutex_);
    down_ = down;
  }

  std::optional<registry::AgencyInfo> Agency(const std::string& credit_code) override {
    std::lock_guard lock(mutex_);
    Available();
    const auto it = agencies_.find(credit_code);
    if (it == agencies_.end()) return std::nullopt;
    return registry::AgencyInfo{it->second.city_code, {}, it->second.name};
  }

  // Every agency's list current on every day.
  std::vector<QualificationAnswer> QualificationLists(const std::vector<QualificationQuery>& queries) override {
    return std::vector<QualificationAnswer>(queries.size(), QualificationAnswer{true, true, ""});
  }
  std::vector<EnforcementUnitInfo> EnforcementUnits() override {
    std::lock_guard lock(mutex_);
    Available();
    ++enforcement_unit_calls_;
    std::vector<EnforcementUnitInfo> out;
    for (const auto& [code, agency] : agencies_) {
      if (agency.enforcement) out.push_back({code, agency.name, agency.city_code});
    }
    return out;
  }

  std::optional<std::vector<registry::TierRange>> Benchmark(const std::string&, const std::string&,
                                                            const std::string&) override {
    throw std::logic_error("not used");
  }
  std::map<std::string, CertificateInfo> CheckCertificates(const std::vector<std::string>&, common::Date,
                                                           common::Date) override {
    throw std::logic_error("not used");
  }
  std::vector<PowersItemInfo> PowersItems(const std::vector<std::string>&, const std::vector<std::string>&) override {
    throw std::logic_error("not used");
  }
  void RecordInspectionPlans(const std::vector<InspectionPlanNotice>&) override { throw std::logic_error("not used"); }

  int enforcement_unit_calls() {
    std::lock_guard lock(mutex_);
    return enforcement_unit_calls_;
  }

 private:
  void Available() const {
    if (down_) throw common::ServiceError::Unavailable("the registry is down");
  }

  std::mutex mutex_;
  std::map<std::string, Registered> agencies_;  // by credit code; guarded by mutex_
  bool down_ = false;                           // guarded by mutex_
  int enforcement_unit_calls_ = 0;              // guarded by mutex_
};

// Registers the agencies above: kBureau, kOtherBureau and kProvinceBureau
// (not enforcement units), kUnitA, kUnitB, kUnitC (kCity), kOtherUnit and
// kOtherUnit2 (kOtherCity), all enforcement units. kUnknownUnit is left out.
inline void AddTestAgencies(FakeRegistry& registry) {
  registry.Add(kBureau, "太原市司法局", kCity, false);
  registry.Add(kUnitA, "太原市市场监督管理局", kCity);
  registry.Add(kUnitB, "太原市生态环境局", kCity);
  registry.Add(kUnitC, "太原市交通运输局", kCity);
  registry.Add(kOtherBureau, "大同市司法局", kOtherCity, false);
  registry.Add(kOtherUnit, "大同市市场监督管理局", kOtherCity);
  registry.Add(kOtherUnit2, "大同市生态环境局", kOtherCity);
  registry.Add(kProvinceBureau, "山西省司法厅", kProvinceCity, false);
}

// ---------------------------------------------------------------- records

// A valid round of `agency` for 2026's second quarter, from 2026-06-01 to
// 2026-06-30: penalty and licensing files, kUnitA and kUnitB reviewing,
// kUnitA, kUnitB and kUnitC reviewed.
inline Round MakeRound(const std::string& agency = kBureau, const std::string& source_id = kRoundId) {
  Round r;
  r.set_agency_credit_code(agency);
  r.set_source_id(source_id);
  r.set_source_version(1);
  r.set_year(2026);
  r.set_quarter(2);
  r.set_title("2026年第二季度行政执法案卷交叉评查");
  r.add_case_types(v1::PENALTY_CASES);
  r.add_case_types(v1::LICENSING_CASES);
  r.add_reviewing_units(kUnitA);
  r.add_reviewing_units(kUnitB);
  r.add_reviewed_units(kUnitA);
  r.add_reviewed_units(kUnitB);
  r.add_reviewed_units(kUnitC);
  r.set_started_on("2026-06-01");
  r.set_ended_on("2026-06-30");
  return r;
}

// A valid review of `reviewed_unit` by `reviewed_by` in round `round_source_id`
// of `agency`: 30 files, one excellent case whose party is the natural
// person 张三 (kPersonId, named in its title and summary with a phone number),
// one procedural defect in 3 files, rectification required by 2026-08-31.
inline Review MakeReview(const std::string& source_id, const std::string& reviewed_unit = kUnitC,
                         const std::string& reviewed_by = kUnitA, const std::string& agency = kBureau,
                         const std::string& round_source_id = kRoundId) {
  Review r;
  r.set_agency_credit_code(agency);
  r.set_source_id(source_id);
  r.set_source_version(1);
  r.set_round_source_id(round_source_id);
  r.set_reviewed_unit(reviewed_unit);
  r.set_reviewed_by(reviewed_by);
  r.set_files_reviewed(30);
  auto* c = r.add_excellent_cases();
  c->set_case_number("并交罚〔2026〕15号");
  c->set_case_type(v1::PENALTY_CASES);
  c->set_title("张三超限运输案");
  c->mutable_party()->set_kind(v1::CaseParty::NATURAL_PERSON);
  c->mutable_party()->set_name("张三");
  c->mutable_party()->set_id_number(kPersonId);
  c->set_summary("当事人张三（电话13812345678）超限运输，执法人员现场取证规范，文书完整，裁量适当。");
  auto* p = r.add_problems();
  p->set_type(v1::PROCEDURAL_DEFECT);
  p->set_description("部分案卷告知程序记录不完整。");
  p->set_files(3);
  r.set_rectification_requirement("补齐告知程序记录，完善案卷归档。");
  r.set_rectification_deadline("2026-08-31");
  return r;
}

// A valid local special supervision of `agency` from 2026-05-01 to
// 2026-06-30: two problems (P1 at kUnitA in market regulation, P2 at kUnitB
// in ecology and environment, rectification by 2026-09-30) and one named
// case of kUnitA (circulated criticism) illustrating P1.
inline Supervision MakeSupervision(const std::string& agency = kBureau, const std::string& source_id = kSupervisionId) {
  Supervision s;
  s.set_agency_credit_code(agency);
  s.set_source_id(source_id);
  s.set_source_version(1);
  s.set_topic("涉企执法\"一刀切\"专项整治");
  s.set_deployment(v1::LOCAL);
  s.set_scope("全市市场监管、生态环境领域涉企行政执法行为。");
  s.add_methods("实地检查");
  s.add_methods("案卷抽查");
  s.set_started_on("2026-05-01");
  s.set_ended_on("2026-06-30");
  auto* p1 = s.add_problems();
  p1->set_id("P1");
  p1->set_unit(kUnitA);
  p1->set_domain("market_regulation");
  p1->set_description("对同类企业一律责令停业整顿，未区分情节。");
  p1->set_rectification_requirement("按情节分类处置，建立包容审慎监管清单。");
  p1->set_rectification_deadline("2026-09-30");
  auto* p2 = s.add_problems();
  p2->set_id("P2");
  p2->set_unit(kUnitB);
  p2->set_domain("ecology_environment");
  p2->set_description("检查频次过高，干扰企业正常经营。");
  p2->set_rectification_requirement("合并检查事项，推行综合查一次。");
  p2->set_rectification_deadline("2026-09-30");
  auto* n = s.add_named_cases();
  n->set_unit(kUnitA);
  n->set_title("某区市场监管所\"一刀切\"停业整顿案");
  n->set_description("该所对辖区内餐饮企业一律责令停业整顿，未区分违法情节。");
  n->add_handling(v1::CIRCULATED_CRITICISM);
  n->set_problem_id("P1");
  return s;
}

// A valid assessment plan of `agency` for 2026, approved on 2026-03-15: two
// indicators (ZD 制度建设 30 points, ZF 执法行为 70 points), assessing kUnitA
// and kUnitB.
inline AssessmentPlan MakePlan(const std::string& agency = kBureau, const std::string& source_id = kPlanId) {
  AssessmentPlan p;
  p.set_agency_credit_code(agency);
  p.set_source_id(source_id);
  p.set_source_version(1);
  p.set_year(2026);
  p.set_title("2026年度行政执法工作考核方案");
  auto* zd = p.add_indicators();
  zd->set_code("ZD");
  zd->set_name("制度建设");
  zd->set_max_score(30);
  auto* zf = p.add_indicators();
  zf->set_code("ZF");
  zf->set_name("执法行为");
  zf->set_max_score(70);
  p.add_units(kUnitA);
  p.add_units(kUnitB);
  p.set_approved_on("2026-03-15");
  return p;
}

// A valid result of plan `plan_source_id` of `agency`, concluded on
// 2026-07-01: kUnitA 90 (28 + 62, excellent), kUnitB 75 (25 + 50, good).
inline AssessmentResult MakeResult(const std::string& agency = kBureau, const std::string& source_id = kResultId,
                                   const std::string& plan_source_id = kPlanId) {
  AssessmentResult r;
  r.set_agency_credit_code(agency);
  r.set_source_id(source_id);
  r.set_source_version(1);
  r.set_plan_source_id(plan_source_id);
  r.set_concluded_on("2026-07-01");
  const auto add = [&](const std::string& unit, double zd, double zf, v1::Grade grade) {
    auto* u = r.add_units();
    u->set_unit(unit);
    u->set_score(zd + zf);
    u->set_grade(grade);
    auto* s1 = u->add_indicator_scores();
    s1->set_code("ZD");
    s1->set_score(zd);
    auto* s2 = u->add_indicator_scores();
    s2->set_code("ZF");
    s2->set_score(zf);
  };
  add(kUnitA, 28, 62, v1::EXCELLENT);
  add(kUnitB, 25, 50, v1::GOOD);
  return r;
}

// A valid report that the rectification of `subject` (the review's or
// supervision's key, `problem_id` "" for a review) was done on `done_on`.
inline RectificationReport MakeReport(v1::Subject subject, const std::string& agency, const std::string& source_id,
                                      const std::string& problem_id = "", const std::string& done_on = "2026-07-10") {
  RectificationReport r;
  r.set_subject(subject);
  r.set_agency_credit_code(agency);
  r.set_source_id(source_id);
  r.set_problem_id(problem_id);
  r.set_source_version(1);
  r.set_done_on(done_on);
  r.set_description("已完成整改，补齐相关记录并建立长效机制。");
  return r;
}

// ---------------------------------------------------------------- the adapter

// The supervision adapter served in this process on a loopback port, reached
// through a real gRPC channel, over PgSupervisionStore in a fresh migrated
// database (the fixture scripts/test starts) and FakeRegistry with
// AddTestAgencies, on a pinned day (`clock().Set` moves it).
class AdapterHarness {
 public:
  using Stub = v1::SupervisionService::Stub;

  explicit AdapterHarness(common::Date today = kToday, SupervisionSettings settings = {})
      : pool_(db_.MigratedPool(gongkai_supervision_migrations())),
        store_(*pool_),
        ctx_(today),
        metrics_(prometheus_),
        service_(store_, registry_, ctx_.context(), metrics_, settings),
        server_(&service_),
        stub_(v1::SupervisionService::NewStub(server_.channel())) {
    AddTestAgencies(registry_);
  }

  // Calls `method` as `caller` (nullopt: the public, with no identity).
  template <typename Request, typename Response>
  grpc::Status Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    const Request& request, Response* response, const std::optional<common::CallerIdentity>& caller) {
    return (stub_.get()->*method)(ctx_.ClientAs(caller).get(), request, response);
  }

  // One batch of each kind, as `caller`.
  grpc::Status Upsert(const std::vector<Round>& records, v1::UpsertResponse* response,
                      const common::CallerIdentity& caller) {
    v1::UpsertRoundsRequest request;
    for (const auto& r : records) *request.add_rounds() = r;
    return Call(&Stub::UpsertRounds, request, response, caller);
  }
  grpc::Status Upsert(const std::vector<Review>& records, v1::UpsertResponse* response,
                      const common::CallerIdentity& caller) {
    v1::UpsertReviewsRequest request;
    for (const auto& r : records) *request.add_reviews() = r;
    return Call(&Stub::UpsertReviews, request, response, caller);
  }
  grpc::Status Upsert(const std::vector<Supervision>& records, v1::UpsertResponse* response,
                      const common::CallerIdentity& caller) {
    v1::UpsertSupervisionsRequest request;
    for (const auto& r : records) *request.add_supervisions() = r;
    return Call(&Stub::UpsertSupervisions, request, response, caller);
  }
  grpc::Status Upsert(const std::vector<AssessmentPlan>& records, v1::UpsertResponse* response,
                      const common::CallerIdentity& caller) {
    v1::UpsertAssessmentPlansRequest request;
    for (const auto& r : records) *request.add_plans() = r;
    return Call(&Stub::UpsertAssessmentPlans, request, response, caller);
  }
  grpc::Status Upsert(const std::vector<AssessmentResult>& records, v1::UpsertResponse* response,
                      const common::CallerIdentity& caller) {
    v1::UpsertAssessmentResultsRequest request;
    for (const auto& r : records) *request.add_results() = r;
    return Call(&Stub::UpsertAssessmentResults, request, response, caller);
  }
  grpc::Status Upsert(const std::vector<RectificationReport>& records, v1::UpsertResponse* response,
                      const common::CallerIdentity& caller) {
    v1::ReportRectificationsRequest request;
    for (const auto& r : records) *request.add_reports() = r;
    return Call(&Stub::ReportRectifications, request, response, caller);
  }

  FakeRegistry& registry() { return registry_; }
  PgSupervisionStore& store() { return store_; }
  common::PgPool& pool() { return *pool_; }
  common::PinnedClock& clock() { return ctx_.clock(); }
  // The signer, deadlines and clock the service was handed.
  common::ServiceContext context() const { return ctx_.context(); }
  // Where the service's disclosure counters are registered.
  prometheus::Registry& metrics() { return prometheus_; }

 private:
  testing::TestDatabase db_;
  std::unique_ptr<common::PgPool> pool_;
  PgSupervisionStore store_;
  FakeRegistry registry_;
  testing::TestContext ctx_;
  prometheus::Registry prometheus_;
  common::DisclosureMetrics metrics_;
  SupervisionService service_;
  testing::InProcessServer server_;
  std::unique_ptr<Stub> stub_;
};

}  // namespace gongkai::supervision
