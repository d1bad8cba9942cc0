// Enforcement flowcharts (执法流程图) and "三定" provisions end to end through
// the gateway: a city sends its agencies', the public lists them and mirrors
// the flowchart feed, another city is refused, and the province sends its
// provincial agencies'.
#include <gtest/gtest.h>

#include "gongkai/registry/v1/registry.grpc.pb.h"
#include "tests/e2e/platform.h"
#include "tests/e2e/records.h"

namespace gongkai {
namespace {

using registry::v1::RegistryService;
using RecordResult = common::v1::RecordResult;

class FlowchartsEndToEnd : public testing::PlatformTest {
 protected:
  static registry::v1::Flowchart MakeFlowchart(const std::string& agency, const std::string& domain,
                                               const std::string& changed_on, int64_t version = 1) {
    registry::v1::Flowchart f;
    f.set_agency_credit_code(agency);
    f.set_domain(domain);
    f.set_source_version(version);
    f.set_changed_on(changed_on);
    f.set_title("行政处罚流程图");
    const char* descriptions[] = {"立案审批", "两名执法人员调查取证\n出示执法证件", "法制审核", "集体讨论决定",
                                  "送达并执行"};
    for (int stage = registry::v1::ACCEPTANCE; stage <= registry::v1::EXECUTION; ++stage) {
      auto* step = f.add_steps();
      step->set_stage(static_cast<registry::v1::FlowchartStage>(stage));
      step->set_description(descriptions[stage - 1]);
    }
    f.set_link("https://scjgj.taiyuan.gov.cn/lct/" + domain + ".pdf");
    return f;
  }

  static registry::v1::StaffingProvisions MakeProvisions(const std::string& agency) {
    registry::v1::StaffingProvisions p;
    p.set_agency_credit_code(agency);
    p.set_source_version(1);
    p.set_title("职能配置、内设机构和人员编制规定");
    p.set_document_number("并办发〔2019〕12号");
    p.set_approved_on("2019-03-15");
    p.set_link("https://www.taiyuan.gov.cn/sdgd/" + agency + ".html");
    return p;
  }

  grpc::Status UpsertFlowcharts(const std::string& principal, const std::vector<registry::v1::Flowchart>& flowcharts,
                                registry::v1::UpsertFlowchartsResponse* response) {
    registry::v1::UpsertFlowchartsRequest request;
    for (const auto& f : flowcharts) *request.add_flowcharts() = f;
    return Call(principal, &RegistryService::Stub::UpsertFlowcharts, request, response);
  }

  grpc::Status UpsertProvisions(const std::string& principal, const registry::v1::StaffingProvisions& provisions,
                                registry::v1::UpsertStaffingProvisionsResponse* response) {
    registry::v1::UpsertStaffingProvisionsRequest request;
    *request.add_provisions() = provisions;
    return Call(principal, &RegistryService::Stub::UpsertStaffingProvisions, request, response);
  }
};

TEST_F(FlowchartsEndToEnd, ACityPublishesFlowchartsAndProvisionsThePublicListsAndMirrorsThem) {
  const std::string agency = AddAgency("140100", 41, {"market_regulation", "transport"});
  registry::v1::Flowchart late = MakeFlowchart(agency, "transport", "2026-09-01");
  registry::v1::Flowchart wrong_domain = MakeFlowchart(agency, "agriculture", IsoDaysAgo(3));
  registry::v1::UpsertFlowchartsResponse response;
  ASSERT_TRUE(UpsertFlowcharts("city-140100",
                               {MakeFlowchart(agency, "market_regulation", IsoDaysAgo(5)), late, wrong_domain},
                               &response)
                  .ok());
  EXPECT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);
  EXPECT_EQ(response.results(1).outcome(), RecordResult::ACCEPTED);
  ASSERT_EQ(response.results(2).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(response.results(2).violations(0).field(), "flowcharts[2].domain");

  // The public list, with each flowchart's 20 WD: on time, and late (due
  // 2026-09-29, with Sunday 20 September worked and 25 September off).
  registry::v1::ListFlowchartsRequest list;
  list.set_agency_credit_code(agency);
  registry::v1::ListFlowchartsResponse listed;
  ASSERT_TRUE(Call("", &RegistryService::Stub::ListFlowcharts, list, &listed).ok());
  ASSERT_EQ(listed.flowcharts_size(), 2);
  EXPECT_EQ(listed.flowcharts(0).domain(), "market_regulation");
  EXPECT_EQ(listed.flowcharts(0).city_code(), "140100");
  EXPECT_EQ(listed.flowcharts(0).steps_size(), 5);
  EXPECT_EQ(listed.flowcharts(0).steps(1).description(), "两名执法人员调查取证\n出示执法证件");
  EXPECT_EQ(listed.flowcharts(0).timeliness().rule(), "flowchart");
  EXPECT_EQ(listed.flowcharts(0).timeliness().status(), common::v1::Timeliness::ON_TIME);
  EXPECT_EQ(listed.flowcharts(1).timeliness().due(), "2026-09-29");
  EXPECT_EQ(listed.flowcharts(1).timeliness().status(), common::v1::Timeliness::LATE);

  // The feed: everything once, in order; resuming sees only what changed since.
  registry::v1::ListFlowchartChangesRequest feed;
  registry::v1::ListFlowchartChangesResponse changes;
  ASSERT_TRUE(Call("", &RegistryService::Stub::ListFlowchartChanges, feed, &changes).ok());
  ASSERT_EQ(changes.flowcharts_size(), 2);
  const int64_t last = changes.last_seq();
  registry::v1::Flowchart corrected = late;
  corrected.set_source_version(2);
  corrected.set_title("交通运输行政处罚流程图（更正）");
  ASSERT_TRUE(UpsertFlowcharts("city-140100", {corrected}, &response).ok());
  EXPECT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);
  feed.set_after_seq(last);
  ASSERT_TRUE(Call("", &RegistryService::Stub::ListFlowchartChanges, feed, &changes).ok());
  ASSERT_EQ(changes.flowcharts_size(), 1);
  EXPECT_EQ(changes.flowcharts(0).title(), "交通运输行政处罚流程图（更正）");
  EXPECT_EQ(changes.flowcharts(0).timeliness().status(), common::v1::Timeliness::LATE);
  EXPECT_GT(changes.last_seq(), last);

  // The rejected flowchart waits in the city's rejections.
  registry::v1::ListRejectionsResponse rejections;
  ASSERT_TRUE(
      Call("city-140100", &RegistryService::Stub::ListRejections, registry::v1::ListRejectionsRequest{}, &rejections)
          .ok());
  ASSERT_EQ(rejections.rejections_size(), 1);
  EXPECT_EQ(rejections.rejections(0).kind(), "flowchart");
  EXPECT_EQ(rejections.rejections(0).key(), agency + "/agriculture");

  // The agency's provisions, published by reference.
  registry::v1::UpsertStaffingProvisionsResponse stored;
  ASSERT_TRUE(UpsertProvisions("city-140100", MakeProvisions(agency), &stored).ok());
  EXPECT_EQ(stored.results(0).outcome(), RecordResult::ACCEPTED);
  registry::v1::ListStaffingProvisionsRequest provisions;
  provisions.set_city_code("140100");
  registry::v1::ListStaffingProvisionsResponse found;
  ASSERT_TRUE(Call("", &RegistryService::Stub::ListStaffingProvisions, provisions, &found).ok());
  ASSERT_EQ(found.provisions_size(), 1);
  EXPECT_EQ(found.provisions(0).agency_credit_code(), agency);
  EXPECT_EQ(found.provisions(0).document_number(), "并办发〔2019〕12号");
  EXPECT_EQ(found.provisions(0).approved_on(), "2019-03-15");
}

TEST_F(FlowchartsEndToEnd, AnotherCityIsRefusedAndThePublicWritesNothing) {
  const std::string agency = AddAgency("140100", 42);
  registry::v1::UpsertFlowchartsResponse response;
  const grpc::Status foreign =
      UpsertFlowcharts("city-140200", {MakeFlowchart(agency, "market_regulation", IsoDaysAgo(5))}, &response);
  EXPECT_EQ(foreign.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(foreign.error_message().find(agency), std::string::npos) << foreign.error_message();
  registry::v1::UpsertStaffingProvisionsResponse stored;
  EXPECT_EQ(UpsertProvisions("city-140200", MakeProvisions(agency), &stored).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(UpsertFlowcharts("", {MakeFlowchart(agency, "market_regulation", IsoDaysAgo(5))}, &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  registry::v1::ListFlowchartsResponse listed;
  ASSERT_TRUE(Call("", &RegistryService::Stub::ListFlowcharts, registry::v1::ListFlowchartsRequest{}, &listed).ok());
  EXPECT_EQ(listed.flowcharts_size(), 0) << "nothing of a refused batch is stored";
  registry::v1::ListStaffingProvisionsResponse found;
  ASSERT_TRUE(
      Call("", &RegistryService::Stub::ListStaffingProvisions, registry::v1::ListStaffingProvisionsRequest{}, &found)
          .ok());
  EXPECT_EQ(found.provisions_size(), 0);
}

TEST_F(FlowchartsEndToEnd, TheProvinceSendsItsProvincialAgenciesRecords) {
  const registry::v1::Agency provincial = testing::MakeAgency("140000", "140100", 43);
  registry::v1::UpsertAgenciesRequest agencies;
  *agencies.add_agencies() = provincial;
  registry::v1::UpsertAgenciesResponse registered;
  ASSERT_TRUE(Call("province", &RegistryService::Stub::UpsertAgencies, agencies, &registered).ok());
  ASSERT_EQ(registered.results(0).outcome(), RecordResult::ACCEPTED);

  registry::v1::UpsertFlowchartsResponse response;
  ASSERT_TRUE(UpsertFlowcharts("province",
                               {MakeFlowchart(provincial.credit_code(), "market_regulation", IsoDaysAgo(2))}, &response)
                  .ok());
  EXPECT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);
  registry::v1::UpsertStaffingProvisionsResponse stored;
  ASSERT_TRUE(UpsertProvisions("province", MakeProvisions(provincial.credit_code()), &stored).ok());
  EXPECT_EQ(stored.results(0).outcome(), RecordResult::ACCEPTED);

  registry::v1::ListFlowchartsRequest list;
  list.set_agency_credit_code(provincial.credit_code());
  registry::v1::ListFlowchartsResponse listed;
  ASSERT_TRUE(Call("", &RegistryService::Stub::ListFlowcharts, list, &listed).ok());
  ASSERT_EQ(listed.flowcharts_size(), 1);
  EXPECT_EQ(listed.flowcharts(0).city_code(), "140000");

  // Neither may write the other's: a city's agency is not the province's.
  const std::string city_agency = AddAgency("140100", 44);
  EXPECT_EQ(UpsertFlowcharts("province", {MakeFlowchart(city_agency, "market_regulation", IsoDaysAgo(2))}, &response)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(UpsertProvisions("city-140100", MakeProvisions(provincial.credit_code()), &stored).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace gongkai
