// The registry's agency slice end to end: real PostgreSQL, registry and
// gateway processes, called as city systems and the public call them.
#include <gtest/gtest.h>

#include "common/errors.h"
#include "common/identity.h"
#include "gongkai/registry/v1/registry.grpc.pb.h"
#include "tests/e2e/platform.h"
#include "tests/e2e/records.h"

namespace gongkai {
namespace {

using registry::v1::Agency;
using registry::v1::RegistryService;
using RecordResult = common::v1::RecordResult;
using testing::CreditCode;

class AgenciesEndToEnd : public ::testing::Test {
 protected:
  // Started in SetUp, not SetUpTestSuite, so a platform that fails to start
  // fails the test instead of skipping it.
  void SetUp() override {
    if (platform_ == nullptr) platform_ = new testing::Platform();
  }
  static void TearDownTestSuite() {
    delete platform_;
    platform_ = nullptr;
  }

  static std::unique_ptr<RegistryService::Stub> Gateway() { return RegistryService::NewStub(platform_->Gateway()); }

  static void As(grpc::ClientContext& ctx, const std::string& principal) { platform_->Authorize(ctx, principal); }

  static Agency MakeAgency(const std::string& area, int serial, int64_t version) {
    return testing::MakeAgency(area, area, serial, version);
  }

  static grpc::Status Upsert(const std::string& principal, const std::vector<Agency>& agencies,
                             registry::v1::UpsertAgenciesResponse* response) {
    grpc::ClientContext ctx;
    if (!principal.empty()) As(ctx, principal);
    registry::v1::UpsertAgenciesRequest request;
    for (const auto& a : agencies) *request.add_agencies() = a;
    return Gateway()->UpsertAgencies(&ctx, request, response);
  }

  static grpc::Status Get(const std::string& code, Agency* out) {
    grpc::ClientContext ctx;
    registry::v1::GetAgencyRequest request;
    request.set_credit_code(code);
    return Gateway()->GetAgency(&ctx, request, out);
  }

  static testing::Platform* platform_;
};

testing::Platform* AgenciesEndToEnd::platform_ = nullptr;

TEST_F(AgenciesEndToEnd, CityUpsertsItsAgenciesAndTheSameBatchAgainIsUnchanged) {
  std::vector<Agency> batch = {MakeAgency("140105", 101, 1), MakeAgency("140106", 102, 1),
                               MakeAgency("140100", 103, 1)};
  registry::v1::UpsertAgenciesResponse first;
  ASSERT_TRUE(Upsert("city-140100", batch, &first).ok());
  ASSERT_EQ(first.results_size(), 3);
  for (const auto& r : first.results()) EXPECT_EQ(r.outcome(), RecordResult::ACCEPTED) << r.key();

  registry::v1::UpsertAgenciesResponse again;
  ASSERT_TRUE(Upsert("city-140100", batch, &again).ok());
  for (const auto& r : again.results()) EXPECT_EQ(r.outcome(), RecordResult::UNCHANGED) << r.key();

  // The public reads them anonymously.
  Agency got;
  ASSERT_TRUE(Get(batch[1].credit_code(), &got).ok());
  EXPECT_EQ(got.name(), batch[1].name());
  EXPECT_EQ(got.city_code(), "140100");
  EXPECT_FALSE(got.updated_at().empty());
}

TEST_F(AgenciesEndToEnd, OlderVersionDoesNotOverwriteNewer) {
  Agency v3 = MakeAgency("140107", 201, 3);
  registry::v1::UpsertAgenciesResponse r;
  ASSERT_TRUE(Upsert("city-140100", {v3}, &r).ok());
  Agency v2 = MakeAgency("140107", 201, 2);
  v2.set_name("过时名称");
  ASSERT_TRUE(Upsert("city-140100", {v2}, &r).ok());
  EXPECT_EQ(r.results(0).outcome(), RecordResult::UNCHANGED);
  Agency got;
  ASSERT_TRUE(Get(v3.credit_code(), &got).ok());
  EXPECT_EQ(got.name(), v3.name());
  EXPECT_EQ(got.source_version(), 3);
}

TEST_F(AgenciesEndToEnd, BadRecordIsNamedAndTheGoodOnesAreStored) {
  Agency good1 = MakeAgency("140202", 301, 1);
  Agency bad = MakeAgency("140202", 302, 1);
  bad.set_name("");
  bad.set_valid_until("2025-01-01");
  std::string code = bad.credit_code();
  code[17] = code[17] == '0' ? '1' : '0';
  bad.set_credit_code(code);
  Agency good2 = MakeAgency("140203", 303, 1);
  registry::v1::UpsertAgenciesResponse r;
  ASSERT_TRUE(Upsert("city-140200", {good1, bad, good2}, &r).ok());
  EXPECT_EQ(r.results(0).outcome(), RecordResult::ACCEPTED);
  EXPECT_EQ(r.results(2).outcome(), RecordResult::ACCEPTED);
  ASSERT_EQ(r.results(1).outcome(), RecordResult::REJECTED);
  std::set<std::string> fields;
  for (const auto& v : r.results(1).violations()) fields.insert(v.field());
  EXPECT_EQ(fields, (std::set<std::string>{"agencies[1].credit_code", "agencies[1].name", "agencies[1].valid_until"}));

  Agency got;
  EXPECT_TRUE(Get(good1.credit_code(), &got).ok());
  EXPECT_TRUE(Get(good2.credit_code(), &got).ok());

  // The rejection is kept, with the raw record, for the city that sent it only.
  grpc::ClientContext ctx;
  As(ctx, "city-140200");
  registry::v1::ListRejectionsResponse rejections;
  ASSERT_TRUE(Gateway()->ListRejections(&ctx, {}, &rejections).ok());
  ASSERT_GE(rejections.rejections_size(), 1);
  EXPECT_EQ(rejections.rejections(0).key(), code);
  EXPECT_NE(rejections.rejections(0).raw_json().find(code), std::string::npos);
  EXPECT_EQ(rejections.rejections(0).violations_size(), 3);

  grpc::ClientContext other;
  As(other, "city-140300");
  registry::v1::ListRejectionsResponse none;
  ASSERT_TRUE(Gateway()->ListRejections(&other, {}, &none).ok());
  EXPECT_EQ(none.rejections_size(), 0);
}

TEST_F(AgenciesEndToEnd, CityWritingAnotherCitysAgencyIsDeniedAndNothingIsStored) {
  Agency own = MakeAgency("140303", 401, 1);
  Agency foreign = MakeAgency("140105", 402, 1);  // Taiyuan's district
  registry::v1::UpsertAgenciesResponse r;
  grpc::Status status = Upsert("city-140300", {own, foreign}, &r);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  Agency got;
  EXPECT_EQ(Get(own.credit_code(), &got).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Get(foreign.credit_code(), &got).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(AgenciesEndToEnd, UnauthenticatedWriteIsRefused) {
  registry::v1::UpsertAgenciesResponse r;
  EXPECT_EQ(Upsert("", {MakeAgency("140105", 501, 1)}, &r).error_code(), grpc::StatusCode::UNAUTHENTICATED);

  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer city-140100.not-the-secret");
  registry::v1::UpsertAgenciesRequest request;
  *request.add_agencies() = MakeAgency("140105", 502, 1);
  EXPECT_EQ(Gateway()->UpsertAgencies(&ctx, request, &r).error_code(), grpc::StatusCode::UNAUTHENTICATED);

  // A role the method does not admit.
  grpc::ClientContext desk;
  As(desk, "desk");
  EXPECT_EQ(Gateway()->UpsertAgencies(&desk, request, &r).error_code(), grpc::StatusCode::PERMISSION_DENIED);

  Agency got;
  EXPECT_EQ(Get(CreditCode("140105", 501), &got).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(AgenciesEndToEnd, ForgedIdentityHeaderIsIgnored) {
  // An identity signed with a key the platform does not trust, claiming to be Taiyuan.
  common::IdentitySigner forger(common::SigningKey::Generate(), common::kGatewaySigner);
  auto forged = forger.Sign({common::v1::ROLE_CITY, "140100", "", "city-140100"},
                            std::chrono::system_clock::now() + std::chrono::minutes(5));
  registry::v1::UpsertAgenciesRequest request;
  *request.add_agencies() = MakeAgency("140105", 601, 1);
  registry::v1::UpsertAgenciesResponse r;

  // Anonymous through the gateway: the header is stripped, the write refused.
  grpc::ClientContext anonymous;
  anonymous.AddMetadata(common::kIdentityHeader, forged.payload);
  anonymous.AddMetadata(common::kIdentitySignatureHeader, forged.signature);
  EXPECT_EQ(Gateway()->UpsertAgencies(&anonymous, request, &r).error_code(), grpc::StatusCode::UNAUTHENTICATED);

  // Datong's token plus a header claiming Taiyuan: still Datong, so denied.
  grpc::ClientContext datong;
  As(datong, "city-140200");
  datong.AddMetadata(common::kIdentityHeader, forged.payload);
  datong.AddMetadata(common::kIdentitySignatureHeader, forged.signature);
  EXPECT_EQ(Gateway()->UpsertAgencies(&datong, request, &r).error_code(), grpc::StatusCode::PERMISSION_DENIED);

  // Straight to the registry, around the gateway: the signature does not check out.
  grpc::ClientContext direct;
  direct.AddMetadata(common::kIdentityHeader, forged.payload);
  direct.AddMetadata(common::kIdentitySignatureHeader, forged.signature);
  auto registry = RegistryService::NewStub(platform_->Direct("registry"));
  EXPECT_EQ(registry->UpsertAgencies(&direct, request, &r).error_code(), grpc::StatusCode::UNAUTHENTICATED);

  Agency got;
  EXPECT_EQ(Get(CreditCode("140105", 601), &got).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(AgenciesEndToEnd, AServicesOwnKeyCannotVouchForACity) {
  // The penalties service's key, which the registry trusts for the
  // penalties service's own identity only, signing Taiyuan's.
  const common::IdentitySigner impostor(common::ReadSigningKey(platform_->identity_key_file("penalties")),
                                        common::kGatewaySigner);
  const auto forged = impostor.Sign({common::v1::ROLE_CITY, "140100", "", "city-140100"},
                                    std::chrono::system_clock::now() + std::chrono::minutes(5),
                                    "/gongkai.registry.v1.RegistryService/UpsertAgencies");
  registry::v1::UpsertAgenciesRequest request;
  *request.add_agencies() = MakeAgency("140105", 602, 1);
  registry::v1::UpsertAgenciesResponse r;
  grpc::ClientContext direct;
  direct.AddMetadata(common::kIdentityHeader, forged.payload);
  direct.AddMetadata(common::kIdentitySignatureHeader, forged.signature);
  auto registry = RegistryService::NewStub(platform_->Direct("registry"));
  EXPECT_EQ(registry->UpsertAgencies(&direct, request, &r).error_code(), grpc::StatusCode::UNAUTHENTICATED);

  // The gateway's key, for the same call: the identity is the city's.
  const auto genuine = platform_->SignerOf("gateway")->Sign({common::v1::ROLE_CITY, "140100", "", "city-140100"},
                                                            std::chrono::system_clock::now() + std::chrono::minutes(5),
                                                            "/gongkai.registry.v1.RegistryService/UpsertAgencies");
  grpc::ClientContext signed_by_gateway;
  signed_by_gateway.AddMetadata(common::kIdentityHeader, genuine.payload);
  signed_by_gateway.AddMetadata(common::kIdentitySignatureHeader, genuine.signature);
  ASSERT_TRUE(registry->UpsertAgencies(&signed_by_gateway, request, &r).ok());
  Agency got;
  EXPECT_TRUE(Get(CreditCode("140105", 602), &got).ok());
}

TEST_F(AgenciesEndToEnd, PublicListsByCityAndDomainAcrossPages) {
  std::vector<Agency> batch;
  for (int i = 0; i < 7; ++i) batch.push_back(MakeAgency("140502", 700 + i, 1));
  batch[0].clear_domains();
  batch[0].add_domains("ecology_environment");
  registry::v1::UpsertAgenciesResponse r;
  ASSERT_TRUE(Upsert("city-140500", batch, &r).ok());

  std::vector<std::string> seen;
  std::string token;
  do {
    grpc::ClientContext ctx;
    registry::v1::ListAgenciesRequest request;
    request.set_city_code("140500");
    request.set_page_size(3);
    request.set_page_token(token);
    registry::v1::ListAgenciesResponse page;
    ASSERT_TRUE(Gateway()->ListAgencies(&ctx, request, &page).ok());
    EXPECT_LE(page.agencies_size(), 3);
    for (const auto& a : page.agencies()) seen.push_back(a.credit_code());
    token = page.next_page_token();
  } while (!token.empty());
  EXPECT_EQ(seen.size(), 7u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));

  grpc::ClientContext ctx;
  registry::v1::ListAgenciesRequest by_domain;
  by_domain.set_city_code("140500");
  by_domain.set_domain("ecology_environment");
  registry::v1::ListAgenciesResponse page;
  ASSERT_TRUE(Gateway()->ListAgencies(&ctx, by_domain, &page).ok());
  ASSERT_EQ(page.agencies_size(), 1);
  EXPECT_EQ(page.agencies(0).credit_code(), batch[0].credit_code());

  grpc::ClientContext bad;
  registry::v1::ListAgenciesRequest bad_request;
  bad_request.set_page_token("forged");
  bad_request.set_city_code("140105");
  grpc::Status status = Gateway()->ListAgencies(&bad, bad_request, &page);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto violations = common::ViolationsOf(status);
  ASSERT_EQ(violations.size(), 2u);
  EXPECT_EQ(violations[0].field, "city_code");
}

TEST_F(AgenciesEndToEnd, GatewayMetricsShowCallsByMethodCodeAndCaller) {
  registry::v1::UpsertAgenciesResponse r;
  ASSERT_TRUE(Upsert("city-140600", {MakeAgency("140602", 801, 1)}, &r).ok());
  Agency got;
  Get(CreditCode("140602", 999), &got);  // NOT_FOUND, anonymous
  std::string metrics = platform_->GatewayMetrics();
  EXPECT_NE(metrics.find("grpc_server_handled_total{caller=\"140600\",grpc_code=\"OK\",grpc_method=\"UpsertAgencies\","
                         "grpc_service=\"gongkai.registry.v1.RegistryService\",grpc_type=\"unary\"}"),
            std::string::npos)
      << metrics;
  EXPECT_NE(
      metrics.find("grpc_server_handled_total{caller=\"public\",grpc_code=\"NotFound\",grpc_method=\"GetAgency\""),
      std::string::npos);
  EXPECT_NE(metrics.find("grpc_server_started_total{caller=\"140600\""), std::string::npos);
  EXPECT_NE(metrics.find("grpc_server_handling_seconds_bucket{caller=\"140600\""), std::string::npos);

  // The registry meters its own calls too, without the caller.
  std::string registry_metrics = testing::HttpGet(platform_->service("registry").ports.metrics, "/metrics");
  EXPECT_NE(registry_metrics.find("grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"UpsertAgencies\""),
            std::string::npos);
}

TEST_F(AgenciesEndToEnd, HealthIsServingOnGatewayAndRegistry) {
  EXPECT_EQ(testing::HealthOf(platform_->Gateway()), "SERVING");
  EXPECT_EQ(testing::HealthOf(platform_->Direct("registry")), "SERVING");
}

TEST_F(AgenciesEndToEnd, UpstreamDownAnswersUnavailableNotAHang) {
  // Run last: stops the registry of this suite.
  platform_->service("registry").process->Stop();
  auto start = std::chrono::steady_clock::now();
  Agency got;
  grpc::Status status = Get(CreditCode("140105", 101), &got);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

}  // namespace
}  // namespace gongkai
