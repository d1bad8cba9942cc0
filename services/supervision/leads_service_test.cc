// The supervision adapter's leads (监督线索), served in process over the real
// store (test_support.h): who sees which leads, the states a supervisor
// moves them through, attaching them to a special supervision, and their
// gauge. Leads are raised here as the sweep raises them (RecordFindings).
#include <gtest/gtest.h>
#include <prometheus/metric_family.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/errors.h"
#include "services/supervision/supervision_gauges.h"
#include "services/supervision/test_support.h"

namespace gongkai::supervision {
namespace {

using gongkai::testing::CityCaller;
using gongkai::testing::Day;
using gongkai::testing::ProvinceCaller;
using Stub = v1::SupervisionService::Stub;

const common::CallerIdentity kCityCaller = CityCaller(kCity);
const common::CallerIdentity kOtherCityCaller = CityCaller(kOtherCity);

// A penalty decision of `agency` in `city` published late.
common::v1::Finding LateDecision(const std::string& key, const std::string& agency, const std::string& city) {
  common::v1::Finding f;
  f.set_rule("decision_published_late");
  auto* record = f.mutable_record();
  record->set_service("penalties");
  record->set_kind("penalty_decision");
  record->set_key(agency + "/" + key);
  record->set_agency_credit_code(agency);
  record->set_city_code(city);
  record->set_detail("not published, due 2026-06-10");
  f.set_observed_on("2026-07-15");
  return f;
}

class LeadsServiceTest : public ::testing::Test {
 protected:
  // Leads K-1 and K-2 of kUnitA (kCity), K-3 of kOtherUnit (kOtherCity),
  // raised today, in that order.
  LeadsServiceTest() {
    h.store().RecordFindings(2026, {"decision_published_late"},
                             {LateDecision("K-1", kUnitA, kCity), LateDecision("K-2", kUnitA, kCity),
                              LateDecision("K-3", kOtherUnit, kOtherCity)},
                             kToday);
  }

  v1::ListLeadsResponse List(const v1::ListLeadsRequest& request, const common::CallerIdentity& caller) {
    v1::ListLeadsResponse response;
    const grpc::Status status = h.Call(&Stub::ListLeads, request, &response, caller);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }
  // The keys of the leads listed, newest first.
  std::vector<std::string> Keys(const v1::ListLeadsResponse& listed) {
    std::vector<std::string> keys;
    for (const auto& lead : listed.leads()) keys.push_back(lead.record().key());
    return keys;
  }
  // The id of the lead of the record `key` (of kUnitA, or `agency`).
  int64_t IdOf(const std::string& key, const std::string& agency = kUnitA) {
    const v1::ListLeadsResponse listed = List({}, ProvinceCaller());
    for (const auto& lead : listed.leads()) {
      if (lead.record().key() == agency + "/" + key) return lead.id();
    }
    ADD_FAILURE() << "no lead " << key;
    return 0;
  }
  grpc::Status Set(int64_t id, v1::LeadState state, const std::string& reason, const common::CallerIdentity& caller,
                   v1::Lead* out = nullptr) {
    v1::SetLeadStateRequest request;
    request.set_id(id);
    request.set_state(state);
    request.set_reason(reason);
    v1::Lead lead;
    const grpc::Status status = h.Call(&Stub::SetLeadState, request, &lead, caller);
    if (out) *out = lead;
    return status;
  }
  grpc::Status Attach(const std::vector<int64_t>& ids, const common::CallerIdentity& caller,
                      v1::AttachLeadsResponse* out, const std::string& source_id = kSupervisionId) {
    v1::AttachLeadsRequest request;
    request.set_supervision_organiser(kBureau);
    request.set_supervision_source_id(source_id);
    for (int64_t id : ids) request.add_lead_ids(id);
    return h.Call(&Stub::AttachLeads, request, out, caller);
  }

  AdapterHarness h;
};

TEST_F(LeadsServiceTest, ACitySeesItsOwnCitysLeadsNotAnothersAndTheProvinceEveryOneNewestFirstInPages) {
  EXPECT_EQ(Keys(List({}, kCityCaller)), (std::vector<std::string>{kUnitA + "/K-2", kUnitA + "/K-1"}));
  v1::ListLeadsRequest other;
  other.set_city_code(kOtherCity);
  v1::ListLeadsResponse refused;
  const grpc::Status theirs = h.Call(&Stub::ListLeads, other, &refused, kCityCaller);
  EXPECT_EQ(theirs.error_code(), grpc::StatusCode::PERMISSION_DENIED) << "another city's leads";
  EXPECT_NE(theirs.error_message().find("city_code"), std::string::npos) << theirs.error_message();
  EXPECT_EQ(refused.leads_size(), 0);
  EXPECT_EQ(Keys(List(other, ProvinceCaller())), (std::vector<std::string>{kOtherUnit + "/K-3"}));

  v1::ListLeadsRequest paged;
  paged.set_page_size(2);
  const auto first = List(paged, ProvinceCaller());
  EXPECT_EQ(Keys(first), (std::vector<std::string>{kOtherUnit + "/K-3", kUnitA + "/K-2"}));
  ASSERT_FALSE(first.next_page_token().empty());
  paged.set_page_token(first.next_page_token());
  const auto second = List(paged, ProvinceCaller());
  EXPECT_EQ(Keys(second), (std::vector<std::string>{kUnitA + "/K-1"}));
  EXPECT_TRUE(second.next_page_token().empty());

  const v1::Lead& lead = second.leads(0);
  EXPECT_EQ(lead.rule(), "decision_published_late");
  EXPECT_EQ(lead.record().service(), "penalties");
  EXPECT_EQ(lead.city_code(), kCity);
  EXPECT_EQ(lead.state(), v1::LEAD_NEW);
  EXPECT_EQ(lead.raised_on(), "2026-07-15");
  EXPECT_EQ(lead.last_seen_on(), "2026-07-15");
  EXPECT_TRUE(lead.still_observed());
  EXPECT_EQ(lead.updated_by(), "");
}

TEST_F(LeadsServiceTest, ListLeadsNamesEveryBadFieldAndRefusesThePublic) {
  v1::ListLeadsRequest request;
  request.set_city_code("1401");
  request.set_state(static_cast<v1::LeadState>(7));
  request.set_page_token("not a token");
  v1::ListLeadsResponse response;
  const grpc::Status status = h.Call(&Stub::ListLeads, request, &response, ProvinceCaller());
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  std::vector<std::string> fields;
  for (const auto& v : common::ViolationsOf(status)) fields.push_back(v.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"city_code", "state", "page_token"}));
  EXPECT_EQ(h.Call(&Stub::ListLeads, v1::ListLeadsRequest(), &response, std::nullopt).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(LeadsServiceTest, LeadsAreListedByTheYearTheirRuleJudgedOrOfEveryYear) {
  // A sweep over 2025 raises K-9 (of kCity): a lead of 2025.
  h.store().RecordFindings(2025, {"decision_published_late"}, {LateDecision("K-9", kUnitA, kCity)}, kToday);

  v1::ListLeadsRequest request;
  request.set_year(2025);
  EXPECT_EQ(Keys(List(request, ProvinceCaller())), (std::vector<std::string>{kUnitA + "/K-9"}));
  request.set_year(2026);
  EXPECT_EQ(Keys(List(request, ProvinceCaller())),
            (std::vector<std::string>{kOtherUnit + "/K-3", kUnitA + "/K-2", kUnitA + "/K-1"}));
  EXPECT_EQ(Keys(List(request, kCityCaller)), (std::vector<std::string>{kUnitA + "/K-2", kUnitA + "/K-1"}));
  request.set_year(0);
  EXPECT_EQ(List(request, ProvinceCaller()).leads_size(), 4) << "0: every year";
  request.set_year(2024);
  EXPECT_EQ(List(request, ProvinceCaller()).leads_size(), 0);

  // From 2000 to next year (the harness's today is in 2026).
  for (int year : {1999, 2028}) {
    request.set_year(year);
    v1::ListLeadsResponse response;
    const grpc::Status status = h.Call(&Stub::ListLeads, request, &response, ProvinceCaller());
    ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << year;
    std::vector<std::string> fields;
    for (const auto& v : common::ViolationsOf(status)) fields.push_back(v.field);
    EXPECT_EQ(fields, std::vector<std::string>{"year"}) << year;
  }
}

TEST_F(LeadsServiceTest, ASupervisorTakesALeadInHandClosesItWithAReasonAndReopensIt) {
  const int64_t id = IdOf("K-1");
  v1::Lead lead;
  ASSERT_TRUE(Set(id, v1::LEAD_IN_HANDLING, "", kCityCaller, &lead).ok());
  EXPECT_EQ(lead.state(), v1::LEAD_IN_HANDLING);
  EXPECT_EQ(lead.updated_by(), kCityCaller.principal);
  EXPECT_EQ(lead.updated_at().substr(0, 9), "2026-07-1") << lead.updated_at();

  const grpc::Status no_reason = Set(id, v1::LEAD_CLOSED, "", kCityCaller);
  ASSERT_EQ(no_reason.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(common::ViolationsOf(no_reason).at(0).field, "reason");

  ASSERT_TRUE(Set(id, v1::LEAD_CLOSED, "已责令限期公开并通报", ProvinceCaller(), &lead).ok());
  EXPECT_EQ(lead.state(), v1::LEAD_CLOSED);
  EXPECT_EQ(lead.closed_reason(), "已责令限期公开并通报");
  EXPECT_EQ(lead.updated_by(), "province");

  const grpc::Status again = Set(id, v1::LEAD_CLOSED, "再次关闭", kCityCaller);
  EXPECT_EQ(again.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(again.error_message().find("LEAD_CLOSED cannot go to LEAD_CLOSED"), std::string::npos)
      << again.error_message();

  ASSERT_TRUE(Set(id, v1::LEAD_IN_HANDLING, "", kCityCaller, &lead).ok()) << "reopened";
  EXPECT_EQ(lead.state(), v1::LEAD_IN_HANDLING);
  EXPECT_EQ(lead.closed_reason(), "");
}

TEST_F(LeadsServiceTest, AnotherCitysLeadIsNotFoundAsOneThatDoesNotExist) {
  const int64_t theirs = IdOf("K-3", kOtherUnit);
  const grpc::Status other = Set(theirs, v1::LEAD_IN_HANDLING, "", kCityCaller);
  const grpc::Status absent = Set(theirs + 1000, v1::LEAD_IN_HANDLING, "", kCityCaller);
  EXPECT_EQ(other.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(absent.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(other.error_message(), "no lead " + std::to_string(theirs));
  EXPECT_TRUE(Set(theirs, v1::LEAD_IN_HANDLING, "", kOtherCityCaller).ok());
}

TEST_F(LeadsServiceTest, LeadsOfTheCallersScopeAreAttachedToAStoredSupervisionOfItOnce) {
  v1::UpsertResponse written;
  ASSERT_TRUE(h.Upsert(std::vector<Supervision>{MakeSupervision()}, &written, kCityCaller).ok());
  const int64_t k1 = IdOf("K-1");
  const int64_t k2 = IdOf("K-2");
  v1::AttachLeadsResponse response;
  ASSERT_TRUE(Attach({k1, k2}, kCityCaller, &response).ok());
  EXPECT_EQ(response.attached(), 2);
  ASSERT_TRUE(Attach({k1}, ProvinceCaller(), &response).ok());
  EXPECT_EQ(response.attached(), 0) << "attached already";
  const auto listed = List({}, kCityCaller);
  ASSERT_EQ(listed.leads_size(), 2);
  EXPECT_EQ(listed.leads(0).supervisions(0), kBureau + "/" + kSupervisionId);

  // Another city's lead is not found; another city's supervision refused;
  // a supervision not stored not found.
  const int64_t k3 = IdOf("K-3", kOtherUnit);
  EXPECT_EQ(Attach({k1, k3}, kCityCaller, &response).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Attach({k3}, kOtherCityCaller, &response).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Attach({k1}, kCityCaller, &response, "ZX-NONE").error_code(), grpc::StatusCode::NOT_FOUND);
  const grpc::Status repeated = Attach({k1, k1}, kCityCaller, &response);
  ASSERT_EQ(repeated.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(common::ViolationsOf(repeated).at(0).field, "lead_ids[1]");
}

TEST_F(LeadsServiceTest, TheGaugeCountsLeadsByRuleCityAndState) {
  ASSERT_TRUE(Set(IdOf("K-1"), v1::LEAD_CLOSED, "已核实", kCityCaller).ok());
  const auto gauges = MakeSupervisionGauges(h.store(), h.registry(), h.context().deadlines, h.clock(), {});
  std::map<std::string, double> samples;
  for (const auto& family : gauges->Collect()) {
    if (family.name != "gongkai_leads") continue;
    for (const auto& metric : family.metric) {
      std::map<std::string, std::string> labels;
      for (const auto& l : metric.label) labels[l.name] = l.value;
      samples[labels["rule"] + " " + labels["city"] + " " + labels["state"]] = metric.gauge.value;
    }
  }
  EXPECT_EQ(samples, (std::map<std::string, double>{{"decision_published_late 140100 closed", 1},
                                                    {"decision_published_late 140100 new", 1},
                                                    {"decision_published_late 140200 new", 1}}));
}

}  // namespace
}  // namespace gongkai::supervision
