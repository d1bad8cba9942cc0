// The registry's flowchart and "三定" provisions methods in this process,
// over a real gRPC channel, with in-memory stores: mapping, scope, the
// timeliness block and the error paths.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <map>
#include <memory>
#include <utility>

#include "common/domains.h"
#include "common/errors.h"
#include "common/testing/adapter.h"
#include "common/testing/dates.h"
#include "services/registry/flowchart.h"
#include "services/registry/registry_service.h"

namespace gongkai::registry {
namespace {

using common::Rejection;
using common::UpsertOutcome;
using RecordResult = common::v1::RecordResult;
using gongkai::testing::Day;

const std::string kTaiyuanMarket = "11140100MB1000001A";
const std::string kTaiyuanUrban = "11140100MB1000002B";
const std::string kDatong = "11140200MB1000003C";
const std::string kProvincial = "11140000MB1000004D";
const std::string kUpdatedAt = "2026-06-15T01:00:00Z";

// The stores the flowchart methods do not use.
class UnusedAgencyStore final : public AgencyStore {
 public:
  BatchResult UpsertBatch(const std::string&, const std::vector<Agency>&, const std::vector<Rejection>&,
                          common::Date) override {
    return {};
  }
  std::optional<Agency> Get(const std::string&) override { return std::nullopt; }
  std::vector<Agency> List(const AgencyFilter&) override { return {}; }
  std::vector<Rejection> ListRejections(const std::string&, int64_t, int) override { return {}; }
  ConfirmResult ConfirmQualificationLists(const std::string&, const std::vector<std::string>&, common::Date) override {
    return {};
  }
  std::map<std::string, std::string> CitiesOf(const std::vector<std::string>&) override { return {}; }
  std::vector<CoverageFacts> Coverage(const std::string&, const std::string&, int, common::Date) override { return {}; }
  PlansResult RecordInspectionPlans(const std::vector<InspectionPlan>&) override { return {}; }
};

class UnusedPowersStore final : public PowersStore {
 public:
  std::vector<UpsertOutcome> UpsertBatch(const std::string&, const std::vector<PowersItem>&,
                                         const std::vector<Rejection>&, common::Date) override {
    return {};
  }
  std::vector<PowersItem> List(const PowersFilter&) override { return {}; }
  std::vector<PowersItem> Changes(int64_t, int) override { return {}; }
  std::vector<PowersItem> Find(const std::vector<std::string>&, const std::vector<std::string>&) override { return {}; }
  std::vector<EnforcementUnit> EnforcementUnits(std::size_t) override { return {}; }
};

class UnusedBenchmarkStore final : public BenchmarkStore {
 public:
  std::vector<UpsertOutcome> UpsertBatch(const std::string&, const std::vector<DiscretionBenchmark>&,
                                         const std::vector<Rejection>&, common::Date) override {
    return {};
  }
  std::optional<DiscretionBenchmark> Get(const std::string&, const std::string&, const std::string&) override {
    return std::nullopt;
  }
  std::vector<DiscretionBenchmark> List(const BenchmarkFilter&) override { return {}; }
};

class UnusedOfficerStore final : public OfficerStore {
 public:
  BatchResult UpsertBatch(const std::string&, const std::vector<Officer>&, const std::vector<Rejection>&,
                          common::Date) override {
    return {};
  }
  std::string CodeOf(const Officer&) const override { return ""; }
  std::optional<Officer> ByCertificate(const std::string&) override { return std::nullopt; }
  std::vector<Officer> ListByAgency(const std::string&, const std::string&, int) override { return {}; }
};

class UnusedCertificates final : public CertificateLookup {
 public:
  std::optional<Officer> ByCertificate(const std::string&) const override { return std::nullopt; }
  std::optional<Officer> ByCode(const std::string&) const override { return std::nullopt; }
  void Refresh() override {}
};

// As PgFlowchartStore: each record under its agency's city, the versions
// rule, the publication day of a changed_on (approved_on) kept, one feed.
class FakeFlowchartStore final : public FlowchartStore {
 public:
  std::map<std::string, AgencyFacts> AgenciesOf(const std::vector<std::string>& codes) override {
    std::map<std::string, AgencyFacts> out;
    for (const auto& code : codes) {
      if (agencies.contains(code)) out[code] = agencies.at(code);
    }
    return out;
  }

  std::vector<UpsertOutcome> UpsertFlowcharts(const std::string& scope, const std::vector<Flowchart>& valid,
                                              const std::vector<Rejection>& rejected, common::Date today) override {
    std::vector<UpsertOutcome> out;
    for (const auto& f : valid) {
      auto it = flowcharts.find({f.agency_credit_code, f.domain});
      if (it != flowcharts.end() && it->second.source_version >= f.source_version) {
        out.push_back(UpsertOutcome::kUnchanged);
        continue;
      }
      Flowchart stored = f;
      stored.city_code = agencies.at(f.agency_credit_code).city_code;
      stored.updated_at = kUpdatedAt;
      stored.published_on =
          it != flowcharts.end() && it->second.changed_on == f.changed_on ? it->second.published_on : today;
      stored.change_seq = ++seq_;
      flowcharts[{f.agency_credit_code, f.domain}] = stored;
      out.push_back(UpsertOutcome::kAccepted);
    }
    for (const auto& r : rejected) rejections.emplace_back(scope, r);
    return out;
  }

  std::vector<Flowchart> ListFlowcharts(const FlowchartFilter& f) override {
    std::vector<Flowchart> out;
    for (auto it = flowcharts.upper_bound({f.after_agency_credit_code, f.after_domain});
         it != flowcharts.end() && static_cast<int>(out.size()) < f.limit; ++it) {
      const Flowchart& c = it->second;
      if ((f.agency_credit_code.empty() || c.agency_credit_code == f.agency_credit_code) &&
          (f.domain.empty() || c.domain == f.domain) && (f.city_code.empty() || c.city_code == f.city_code)) {
        out.push_back(c);
      }
    }
    return out;
  }

  std::vector<Flowchart> FlowchartChanges(int64_t after_seq, int limit) override {
    std::vector<Flowchart> out;
    for (const auto& [key, f] : flowcharts) {
      if (f.change_seq > after_seq) out.push_back(f);
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.change_seq < b.change_seq; });
    if (static_cast<int>(out.size()) > limit) out.resize(limit);
    return out;
  }

  std::vector<UpsertOutcome> UpsertProvisions(const std::string& scope, const std::vector<StaffingProvisions>& valid,
                                              const std::vector<Rejection>& rejected, common::Date today) override {
    std::vector<UpsertOutcome> out;
    for (const auto& p : valid) {
      auto it = provisions.find(p.agency_credit_code);
      if (it != provisions.end() && it->second.source_version >= p.source_version) {
        out.push_back(UpsertOutcome::kUnchanged);
        continue;
      }
      StaffingProvisions stored = p;
      stored.city_code = agencies.at(p.agency_credit_code).city_code;
      stored.updated_at = kUpdatedAt;
      stored.published_on =
          it != provisions.end() && it->second.approved_on == p.approved_on ? it->second.published_on : today;
      provisions[p.agency_credit_code] = stored;
      out.push_back(UpsertOutcome::kAccepted);
    }
    for (const auto& r : rejected) rejections.emplace_back(scope, r);
    return out;
  }

  std::vector<StaffingProvisions> ListProvisions(const ProvisionsFilter& f) override {
    std::vector<StaffingProvisions> out;
    for (auto it = provisions.upper_bound(f.after_agency_credit_code);
         it != provisions.end() && static_cast<int>(out.size()) < f.limit; ++it) {
      const StaffingProvisions& p = it->second;
      if ((f.agency_credit_code.empty() || p.agency_credit_code == f.agency_credit_code) &&
          (f.city_code.empty() || p.city_code == f.city_code)) {
        out.push_back(p);
      }
    }
    return out;
  }

  std::map<std::string, AgencyFacts> agencies;  // the registered agencies
  std::map<std::pair<std::string, std::string>, Flowchart> flowcharts;
  std::map<std::string, StaffingProvisions> provisions;
  std::vector<std::pair<std::string, Rejection>> rejections;  // whose, and the rejection

 private:
  int64_t seq_ = 0;
};

std::vector<std::string> Fields(const RecordResult& result) {
  std::vector<std::string> out;
  for (const auto& v : result.violations()) out.push_back(v.field());
  return out;
}

std::vector<std::string> Fields(const grpc::Status& status) {
  std::vector<std::string> out;
  for (const auto& v : common::ViolationsOf(status)) out.push_back(v.field);
  return out;
}

class FlowchartsServiceTest : public ::testing::Test {
 protected:
  FlowchartsServiceTest()
      : ctx_(Day("2026-06-15")),
        service_({agencies_, powers_, benchmarks_, officers_, certificates_, flowcharts_}, ctx_.context(), 100),
        server_(&service_),
        stub_(v1::RegistryService::NewStub(server_.channel())) {
    flowcharts_.agencies = {{kTaiyuanMarket, {"140100", {"market_regulation"}}},
                            {kTaiyuanUrban, {"140100", {"urban_management", "housing_construction"}}},
                            {kDatong, {"140200", {"transport"}}},
                            {kProvincial, {"140000", {"market_regulation"}}}};
  }

  std::unique_ptr<grpc::ClientContext> As(const std::optional<common::CallerIdentity>& caller = std::nullopt) {
    return ctx_.ClientAs(caller);
  }

  static v1::Flowchart MakeFlowchart(const std::string& agency, const std::string& domain, int64_t version = 1) {
    v1::Flowchart f;
    f.set_agency_credit_code(agency);
    f.set_domain(domain);
    f.set_source_version(version);
    f.set_changed_on("2026-06-01");
    f.set_title("行政处罚流程图");
    const char* descriptions[] = {"立案", "调查取证\n两名执法人员", "法制审核", "集体讨论决定", "送达执行"};
    for (int stage = v1::ACCEPTANCE; stage <= v1::EXECUTION; ++stage) {
      auto* step = f.add_steps();
      step->set_stage(static_cast<v1::FlowchartStage>(stage));
      step->set_description(descriptions[stage - 1]);
    }
    f.set_link("https://scjgj.taiyuan.gov.cn/lct/" + domain + ".pdf");
    return f;
  }

  static v1::StaffingProvisions MakeProvisions(const std::string& agency, int64_t version = 1) {
    v1::StaffingProvisions p;
    p.set_agency_credit_code(agency);
    p.set_source_version(version);
    p.set_title("职能配置、内设机构和人员编制规定");
    p.set_document_number("并办发〔2019〕12号");
    p.set_approved_on("2019-03-15");
    p.set_link("https://www.taiyuan.gov.cn/sdgd.html");
    return p;
  }

  grpc::Status Upsert(const common::CallerIdentity& caller, const std::vector<v1::Flowchart>& flowcharts,
                      v1::UpsertFlowchartsResponse* response) {
    v1::UpsertFlowchartsRequest request;
    for (const auto& f : flowcharts) *request.add_flowcharts() = f;
    return stub_->UpsertFlowcharts(As(caller).get(), request, response);
  }

  grpc::Status UpsertProvisions(const common::CallerIdentity& caller,
                                const std::vector<v1::StaffingProvisions>& provisions,
                                v1::UpsertStaffingProvisionsResponse* response) {
    v1::UpsertStaffingProvisionsRequest request;
    for (const auto& p : provisions) *request.add_provisions() = p;
    return stub_->UpsertStaffingProvisions(As(caller).get(), request, response);
  }

  v1::ListFlowchartsResponse List(const v1::ListFlowchartsRequest& request = {}) {
    v1::ListFlowchartsResponse response;
    const grpc::Status status = stub_->ListFlowcharts(As().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  UnusedAgencyStore agencies_;
  UnusedPowersStore powers_;
  UnusedBenchmarkStore benchmarks_;
  UnusedOfficerStore officers_;
  UnusedCertificates certificates_;
  FakeFlowchartStore flowcharts_;
  testing::TestContext ctx_;
  RegistryService service_;
  testing::InProcessServer server_;
  std::unique_ptr<v1::RegistryService::Stub> stub_;
};

// Changed on Monday 2026-06-01, due 20 working days later (the Dragon Boat
// Festival, 19 June, not counted): published on 2026-06-15, on time.
TEST_F(FlowchartsServiceTest, ACityUpsertsFlowchartsAndThePublicListsThemWithTheirTimeliness) {
  const v1::Flowchart sent = MakeFlowchart(kTaiyuanMarket, "market_regulation");
  v1::UpsertFlowchartsResponse response;
  ASSERT_TRUE(Upsert(testing::CityCaller("140100"), {sent}, &response).ok());
  ASSERT_EQ(response.results_size(), 1);
  EXPECT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);
  EXPECT_EQ(response.results(0).key(), kTaiyuanMarket + "/market_regulation");

  const auto listed = List();
  ASSERT_EQ(listed.flowcharts_size(), 1);
  const v1::Flowchart& got = listed.flowcharts(0);
  EXPECT_EQ(got.agency_credit_code(), kTaiyuanMarket);
  EXPECT_EQ(got.domain(), "market_regulation");
  EXPECT_EQ(got.source_version(), 1);
  EXPECT_EQ(got.changed_on(), "2026-06-01");
  EXPECT_EQ(got.title(), sent.title());
  ASSERT_EQ(got.steps_size(), 5);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(got.steps(i).stage(), sent.steps(i).stage());
    EXPECT_EQ(got.steps(i).description(), sent.steps(i).description());
  }
  EXPECT_EQ(got.link(), sent.link());
  EXPECT_EQ(got.city_code(), "140100");
  EXPECT_EQ(got.updated_at(), kUpdatedAt);
  EXPECT_GT(got.change_seq(), 0);
  EXPECT_EQ(got.timeliness().rule(), "flowchart");
  EXPECT_EQ(got.timeliness().clock_start(), "2026-06-01");
  EXPECT_EQ(got.timeliness().due(), "2026-06-30");
  EXPECT_EQ(got.timeliness().done(), "2026-06-15");
  EXPECT_EQ(got.timeliness().status(), common::v1::Timeliness::ON_TIME);
  EXPECT_EQ(listed.next_page_token(), "");
}

// The timeliness is computed when read: a flowchart changed in March and
// published in June was late.
TEST_F(FlowchartsServiceTest, AFlowchartPublishedMoreThanTwentyWorkingDaysAfterItsChangeIsLate) {
  v1::Flowchart sent = MakeFlowchart(kTaiyuanMarket, "market_regulation");
  sent.set_changed_on("2026-03-02");
  v1::UpsertFlowchartsResponse response;
  ASSERT_TRUE(Upsert(testing::CityCaller("140100"), {sent}, &response).ok());
  const auto listed = List();
  ASSERT_EQ(listed.flowcharts_size(), 1);
  EXPECT_EQ(listed.flowcharts(0).timeliness().status(), common::v1::Timeliness::LATE);
  EXPECT_GT(listed.flowcharts(0).timeliness().lag_working_days(), 0);
}

TEST_F(FlowchartsServiceTest, AnUnknownAgencyAnotherDomainOrBadContentRejectsTheRecordNamingTheField) {
  v1::Flowchart unknown = MakeFlowchart("11140100MB1000099X", "market_regulation");
  v1::Flowchart other_domain = MakeFlowchart(kTaiyuanUrban, "transport");
  v1::Flowchart no_steps = MakeFlowchart(kTaiyuanUrban, "urban_management");
  no_steps.clear_steps();
  v1::Flowchart repeated = MakeFlowchart(kTaiyuanMarket, "market_regulation");
  v1::UpsertFlowchartsResponse response;
  ASSERT_TRUE(Upsert(testing::CityCaller("140100"),
                     {MakeFlowchart(kTaiyuanMarket, "market_regulation"), unknown, other_domain, no_steps, repeated},
                     &response)
                  .ok());
  ASSERT_EQ(response.results_size(), 5);
  EXPECT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);
  for (int i = 1; i < 5; ++i) EXPECT_EQ(response.results(i).outcome(), RecordResult::REJECTED) << i;
  EXPECT_EQ(Fields(response.results(1)), std::vector<std::string>{"flowcharts[1].agency_credit_code"});
  EXPECT_EQ(Fields(response.results(2)), std::vector<std::string>{"flowcharts[2].domain"});
  EXPECT_EQ(response.results(2).violations(0).description(),
            "not one of the agency's domains (urban_management, housing_construction)");
  EXPECT_EQ(Fields(response.results(3)), std::vector<std::string>{"flowcharts[3].steps"});
  EXPECT_EQ(Fields(response.results(4)), std::vector<std::string>{"flowcharts[4]"});

  ASSERT_EQ(flowcharts_.rejections.size(), 4u);
  for (const auto& [scope, rejection] : flowcharts_.rejections) {
    EXPECT_EQ(scope, "140100");
    EXPECT_EQ(rejection.kind, "flowchart");
  }
  EXPECT_EQ(flowcharts_.rejections[1].second.key, kTaiyuanUrban + "/transport");
  EXPECT_EQ(flowcharts_.flowcharts.size(), 1u);
}

TEST_F(FlowchartsServiceTest, ABatchNamingAnotherCitysAgencyIsRefusedWhole) {
  v1::UpsertFlowchartsResponse response;
  const grpc::Status status =
      Upsert(testing::CityCaller("140100"),
             {MakeFlowchart(kTaiyuanMarket, "market_regulation"), MakeFlowchart(kDatong, "transport")}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(status.error_message().find(kDatong), std::string::npos) << status.error_message();
  EXPECT_TRUE(flowcharts_.flowcharts.empty());

  v1::UpsertStaffingProvisionsResponse provisions;
  EXPECT_EQ(UpsertProvisions(testing::CityCaller("140100"), {MakeProvisions(kProvincial)}, &provisions).error_code(),
            grpc::StatusCode::PERMISSION_DENIED)
      << "a provincial agency is the province's";
  EXPECT_TRUE(flowcharts_.provisions.empty());
}

TEST_F(FlowchartsServiceTest, TheProvinceWritesOnlyItsProvincialAgenciesRecords) {
  const auto province = testing::ProvinceCaller();
  v1::UpsertFlowchartsResponse response;
  v1::Flowchart bad = MakeFlowchart(kProvincial, "market_regulation");
  bad.set_title("");
  ASSERT_TRUE(Upsert(province, {bad}, &response).ok());
  ASSERT_TRUE(Upsert(province, {MakeFlowchart(kProvincial, "market_regulation", 2)}, &response).ok());
  EXPECT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);
  v1::UpsertStaffingProvisionsResponse provisions;
  ASSERT_TRUE(UpsertProvisions(province, {MakeProvisions(kProvincial)}, &provisions).ok());
  EXPECT_EQ(provisions.results(0).outcome(), RecordResult::ACCEPTED);
  EXPECT_EQ(List().flowcharts(0).city_code(), "140000");
  ASSERT_EQ(flowcharts_.rejections.size(), 1u);
  EXPECT_EQ(flowcharts_.rejections[0].first, "province") << "the province's rejections are kept as its own";

  const grpc::Status status = Upsert(province, {MakeFlowchart(kTaiyuanMarket, "market_regulation")}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(status.error_message().find("provincial"), std::string::npos) << status.error_message();
  EXPECT_EQ(UpsertProvisions(province, {MakeProvisions(kDatong)}, &provisions).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(FlowchartsServiceTest, ThePublicReadsButWritesNothing) {
  v1::UpsertFlowchartsRequest request;
  *request.add_flowcharts() = MakeFlowchart(kTaiyuanMarket, "market_regulation");
  v1::UpsertFlowchartsResponse response;
  EXPECT_EQ(stub_->UpsertFlowcharts(As().get(), request, &response).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(stub_->UpsertFlowcharts(As(testing::DeskCaller(kTaiyuanMarket)).get(), request, &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::UpsertStaffingProvisionsRequest provisions;
  v1::UpsertStaffingProvisionsResponse answer;
  *provisions.add_provisions() = MakeProvisions(kTaiyuanMarket);
  EXPECT_EQ(stub_->UpsertStaffingProvisions(As().get(), provisions, &answer).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(flowcharts_.flowcharts.empty());
  EXPECT_TRUE(flowcharts_.provisions.empty());
  EXPECT_EQ(stub_->UpsertFlowcharts(As(testing::CityCaller("140100")).get(), {}, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT)
      << "an empty batch";
}

TEST_F(FlowchartsServiceTest, TheFeedListsEachChangeOnceAndResumesAfterTheLastSeqSeen) {
  v1::UpsertFlowchartsResponse response;
  ASSERT_TRUE(
      Upsert(testing::CityCaller("140100"),
             {MakeFlowchart(kTaiyuanMarket, "market_regulation"), MakeFlowchart(kTaiyuanUrban, "urban_management"),
              MakeFlowchart(kTaiyuanUrban, "housing_construction")},
             &response)
          .ok());
  v1::ListFlowchartChangesRequest feed;
  v1::ListFlowchartChangesResponse changes;
  ASSERT_TRUE(stub_->ListFlowchartChanges(As().get(), feed, &changes).ok());
  ASSERT_EQ(changes.flowcharts_size(), 3);
  EXPECT_EQ(changes.flowcharts(0).timeliness().rule(), "flowchart");
  const int64_t last = changes.last_seq();
  EXPECT_EQ(last, changes.flowcharts(2).change_seq());

  v1::Flowchart changed = MakeFlowchart(kTaiyuanUrban, "urban_management", 2);
  changed.set_title("城市管理行政处罚流程图（修订）");
  ASSERT_TRUE(Upsert(testing::CityCaller("140100"), {changed}, &response).ok());
  feed.set_after_seq(last);
  ASSERT_TRUE(stub_->ListFlowchartChanges(As().get(), feed, &changes).ok());
  ASSERT_EQ(changes.flowcharts_size(), 1);
  EXPECT_EQ(changes.flowcharts(0).title(), "城市管理行政处罚流程图（修订）");
  feed.set_after_seq(changes.last_seq());
  ASSERT_TRUE(stub_->ListFlowchartChanges(As().get(), feed, &changes).ok());
  EXPECT_EQ(changes.flowcharts_size(), 0);
  EXPECT_EQ(changes.last_seq(), feed.after_seq()) << "unchanged when nothing is new";

  feed.set_after_seq(0);
  feed.set_limit(2);
  ASSERT_TRUE(stub_->ListFlowchartChanges(As().get(), feed, &changes).ok());
  EXPECT_EQ(changes.flowcharts_size(), 2);
  feed.set_after_seq(-1);
  feed.set_limit(-1);
  const grpc::Status status = stub_->ListFlowchartChanges(As().get(), feed, &changes);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(status), (std::vector<std::string>{"after_seq", "limit"}));
}

TEST_F(FlowchartsServiceTest, ListsFilterAndPageByKeyAndRefuseBadFilters) {
  v1::UpsertFlowchartsResponse response;
  ASSERT_TRUE(
      Upsert(testing::CityCaller("140100"),
             {MakeFlowchart(kTaiyuanMarket, "market_regulation"), MakeFlowchart(kTaiyuanUrban, "urban_management"),
              MakeFlowchart(kTaiyuanUrban, "housing_construction")},
             &response)
          .ok());
  ASSERT_TRUE(Upsert(testing::CityCaller("140200"), {MakeFlowchart(kDatong, "transport")}, &response).ok());

  v1::ListFlowchartsRequest request;
  request.set_city_code("140100");
  request.set_page_size(2);
  const auto first = List(request);
  ASSERT_EQ(first.flowcharts_size(), 2);
  EXPECT_NE(first.next_page_token(), "");
  request.set_page_token(first.next_page_token());
  const auto second = List(request);
  ASSERT_EQ(second.flowcharts_size(), 1);
  EXPECT_EQ(second.flowcharts(0).domain(), "urban_management");
  EXPECT_EQ(second.next_page_token(), "");
  v1::ListFlowchartsRequest by_domain;
  by_domain.set_domain("transport");
  ASSERT_EQ(List(by_domain).flowcharts_size(), 1);
  EXPECT_EQ(List(by_domain).flowcharts(0).city_code(), "140200");

  v1::ListFlowchartsRequest bad;
  bad.set_agency_credit_code("a b");
  bad.set_domain("astrology");
  bad.set_city_code("1401");
  bad.set_page_token("forged");
  v1::ListFlowchartsResponse none;
  const grpc::Status status = stub_->ListFlowcharts(As().get(), bad, &none);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(status), (std::vector<std::string>{"agency_credit_code", "domain", "city_code", "page_token"}));
}

TEST_F(FlowchartsServiceTest, ProvisionsRoundTripAndPageByAgency) {
  v1::StaffingProvisions no_link = MakeProvisions(kTaiyuanUrban);
  no_link.clear_link();
  v1::UpsertStaffingProvisionsResponse response;
  ASSERT_TRUE(UpsertProvisions(testing::CityCaller("140100"),
                               {MakeProvisions(kTaiyuanMarket), no_link, MakeProvisions("11140100MB1000099X")},
                               &response)
                  .ok());
  EXPECT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);
  EXPECT_EQ(response.results(0).key(), kTaiyuanMarket);
  EXPECT_EQ(Fields(response.results(1)), std::vector<std::string>{"provisions[1].link"});
  EXPECT_EQ(Fields(response.results(2)), std::vector<std::string>{"provisions[2].agency_credit_code"});
  ASSERT_EQ(flowcharts_.rejections.size(), 2u);
  EXPECT_EQ(flowcharts_.rejections[0].second.kind, "staffing_provisions");
  ASSERT_TRUE(UpsertProvisions(testing::CityCaller("140100"), {MakeProvisions(kTaiyuanUrban)}, &response).ok());

  v1::ListStaffingProvisionsRequest request;
  request.set_page_size(1);
  v1::ListStaffingProvisionsResponse page;
  ASSERT_TRUE(stub_->ListStaffingProvisions(As().get(), request, &page).ok());
  ASSERT_EQ(page.provisions_size(), 1);
  const v1::StaffingProvisions& got = page.provisions(0);
  const v1::StaffingProvisions sent = MakeProvisions(kTaiyuanMarket);
  EXPECT_EQ(got.agency_credit_code(), kTaiyuanMarket);
  EXPECT_EQ(got.source_version(), 1);
  EXPECT_EQ(got.title(), sent.title());
  EXPECT_EQ(got.document_number(), sent.document_number());
  EXPECT_EQ(got.approved_on(), "2019-03-15");
  EXPECT_EQ(got.link(), sent.link());
  EXPECT_EQ(got.city_code(), "140100");
  EXPECT_EQ(got.updated_at(), kUpdatedAt);
  request.set_page_token(page.next_page_token());
  ASSERT_TRUE(stub_->ListStaffingProvisions(As().get(), request, &page).ok());
  ASSERT_EQ(page.provisions_size(), 1);
  EXPECT_EQ(page.provisions(0).agency_credit_code(), kTaiyuanUrban);
  EXPECT_EQ(page.next_page_token(), "");

  v1::ListStaffingProvisionsRequest bad;
  bad.set_city_code("14010x");
  bad.set_page_size(-1);
  const grpc::Status status = stub_->ListStaffingProvisions(As().get(), bad, &page);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(status), (std::vector<std::string>{"city_code", "page_size"}));
}

// public_size.h's arithmetic, measured: the largest flowchart and provisions
// as the lists send them stay within their bounds.
TEST_F(FlowchartsServiceTest, TheLargestFlowchartAndProvisionsFitTheirPublicBounds) {
  std::string longest_domain;
  for (const auto& d : common::EnforcementDomains()) {
    if (d.size() > longest_domain.size()) longest_domain = d;
  }
  flowcharts_.agencies[kTaiyuanMarket].domains.push_back(longest_domain);
  v1::Flowchart largest = MakeFlowchart(kTaiyuanMarket, longest_domain, std::numeric_limits<int64_t>::max());
  largest.set_title(std::string(kFlowchartTitleText.max_bytes, 't'));
  for (auto& step : *largest.mutable_steps()) step.set_description(std::string(kStepDescriptionText.max_bytes, 'd'));
  largest.set_link("https://a.cn/" + std::string(kMaxLinkBytes - 13, 'p'));
  v1::UpsertFlowchartsResponse response;
  ASSERT_TRUE(Upsert(testing::CityCaller("140100"), {largest}, &response).ok());
  ASSERT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED) << response.DebugString();
  const auto listed = List();
  ASSERT_EQ(listed.flowcharts_size(), 1);
  EXPECT_LE(listed.flowcharts(0).ByteSizeLong(), kMaxPublicFlowchartBytes);
  EXPECT_GT(listed.flowcharts(0).ByteSizeLong(), kMaxPublicFlowchartBytes - 300) << "the bound is close";

  v1::StaffingProvisions provisions = MakeProvisions(kTaiyuanMarket, std::numeric_limits<int64_t>::max());
  provisions.set_title(std::string(kLineText.max_bytes, 't'));
  provisions.set_document_number(std::string(kDocumentNumberText.max_bytes, 'n'));
  provisions.set_link("https://a.cn/" + std::string(kMaxLinkBytes - 13, 'p'));
  v1::UpsertStaffingProvisionsResponse stored;
  ASSERT_TRUE(UpsertProvisions(testing::CityCaller("140100"), {provisions}, &stored).ok());
  ASSERT_EQ(stored.results(0).outcome(), RecordResult::ACCEPTED) << stored.DebugString();
  v1::ListStaffingProvisionsResponse page;
  ASSERT_TRUE(stub_->ListStaffingProvisions(As().get(), {}, &page).ok());
  ASSERT_EQ(page.provisions_size(), 1);
  EXPECT_LE(page.provisions(0).ByteSizeLong(), kMaxPublicProvisionsBytes);
}

}  // namespace
}  // namespace gongkai::registry
