// The other services as the province view reaches them over gRPC: each call
// signed as the supervision service's own for the method it calls, within
// its timeout, and a service that does not answer UNAVAILABLE naming it.
#include "services/supervision/kpi_sources.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>
#include <stdexcept>
#include <thread>

#include "common/errors.h"
#include "common/testing/adapter.h"
#include "common/testing/dates.h"
#include "common/testing/faketime.h"
#include "gongkai/penalties/v1/penalties.grpc.pb.h"
#include "gongkai/registry/v1/registry.grpc.pb.h"

namespace gongkai::supervision {
namespace {

using ::testing::HasSubstr;

const std::string kTalliesMethod = "/gongkai.penalties.v1.PenaltiesService/GetKpiTallies";
const std::string kFindingsMethod = "/gongkai.penalties.v1.PenaltiesService/ListFindings";

// The penalties service's two calls, answering canned counts, or failing
// with `failure`, after `delay`; it keeps the identity headers of each call.
class FakePenalties final : public penalties::v1::PenaltiesService::Service {
 public:
  grpc::Status GetKpiTallies(grpc::ServerContext* context, const common::v1::GetKpiTalliesRequest* request,
                             common::v1::GetKpiTalliesResponse* response) override {
    Keep(*context);
    std::this_thread::sleep_for(delay);
    if (!failure.ok()) return failure;
    auto* tally = response->add_tallies();
    tally->set_rule("penalty_decision");
    tally->set_city_code(request->city_code());
    tally->set_due(2);
    tally->set_met(1);
    return grpc::Status::OK;
  }

  grpc::Status ListFindings(grpc::ServerContext* context, const common::v1::ListFindingsRequest* request,
                            common::v1::ListFindingsResponse* response) override {
    Keep(*context);
    if (!failure.ok()) return failure;
    for (const auto& rule : request->rules()) response->add_findings()->set_rule(rule.name());
    return grpc::Status::OK;
  }

  // The identity headers of the last call.
  std::pair<std::string, std::string> headers() {
    std::lock_guard lock(mutex_);
    return headers_;
  }

  grpc::Status failure = grpc::Status::OK;
  std::chrono::milliseconds delay{0};

 private:
  void Keep(const grpc::ServerContext& context) {
    const auto& metadata = context.client_metadata();
    const auto payload = metadata.find(common::kIdentityHeader);
    const auto signature = metadata.find(common::kIdentitySignatureHeader);
    std::lock_guard lock(mutex_);
    headers_ = {payload == metadata.end() ? "" : std::string(payload->second.data(), payload->second.size()),
                signature == metadata.end() ? "" : std::string(signature->second.data(), signature->second.size())};
  }

  std::mutex mutex_;
  std::pair<std::string, std::string> headers_;  // guarded by mutex_
};

class KpiSourcesTest : public ::testing::Test {
 protected:
  std::unique_ptr<KpiSource> Penalties(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    return GrpcKpiSource("penalties", server_.channel(), ctx_.signers().service("supervision"), timeout);
  }

  // The identity the last call carried, verified for `method`.
  std::optional<common::CallerIdentity> IdentityFor(const std::string& method) {
    const auto [payload, signature] = fake_.headers();
    return ctx_.signer().Verify(payload, signature, std::chrono::system_clock::now(), method);
  }

  static common::v1::GetKpiTalliesRequest Asking() {
    common::v1::GetKpiTalliesRequest request;
    request.set_year(2026);
    request.set_city_code("140100");
    return request;
  }

  testing::TestContext ctx_{testing::Day("2026-07-15")};
  FakePenalties fake_;
  testing::InProcessServer server_{&fake_};
};

TEST_F(KpiSourcesTest, EachCallCarriesTheSupervisionServicesOwnIdentityForTheMethodCalled) {
  const auto source = Penalties();
  EXPECT_EQ(source->service(), "penalties");

  const auto tallies = source->Tallies(Asking());
  ASSERT_EQ(tallies.tallies_size(), 1);
  EXPECT_EQ(tallies.tallies(0).city_code(), "140100");
  const auto identity = IdentityFor(kTalliesMethod);
  ASSERT_TRUE(identity.has_value());
  EXPECT_EQ(identity->role, common::v1::ROLE_SERVICE);
  EXPECT_EQ(identity->principal, "service-supervision");
  EXPECT_FALSE(IdentityFor(kFindingsMethod).has_value()) << "signed for GetKpiTallies only";

  common::v1::ListFindingsRequest asked;
  asked.set_year(2026);
  asked.add_rules()->set_name("decision_published_late");
  const auto findings = source->Findings(asked);
  ASSERT_EQ(findings.findings_size(), 1);
  EXPECT_EQ(findings.findings(0).rule(), "decision_published_late");
  EXPECT_TRUE(IdentityFor(kFindingsMethod).has_value());
  EXPECT_FALSE(IdentityFor(kTalliesMethod).has_value()) << "signed for ListFindings only";
}

TEST_F(KpiSourcesTest, AServiceThatFailsIsUnavailableNamingIt) {
  fake_.failure = grpc::Status(grpc::StatusCode::INTERNAL, "boom");
  const auto source = Penalties();
  for (const auto& call : std::vector<std::function<void()>>{
           [&] { source->Tallies(Asking()); },
           [&] { source->Findings(common::v1::ListFindingsRequest()); },
       }) {
    try {
      call();
      ADD_FAILURE() << "a failed call was taken for an answer";
    } catch (const common::ServiceError& e) {
      EXPECT_EQ(e.code(), grpc::StatusCode::UNAVAILABLE);
      EXPECT_THAT(e.what(), HasSubstr("the penalties service"));
    }
  }
}

TEST_F(KpiSourcesTest, ARefusalAskingAgainCannotChangeIsInternalNamingTheService) {
  for (const grpc::StatusCode code : {grpc::StatusCode::UNAUTHENTICATED, grpc::StatusCode::PERMISSION_DENIED,
                                      grpc::StatusCode::INVALID_ARGUMENT, grpc::StatusCode::UNIMPLEMENTED}) {
    fake_.failure = grpc::Status(code, "refused");
    try {
      Penalties()->Tallies(Asking());
      ADD_FAILURE() << "a refusal was taken for an answer";
    } catch (const common::ServiceError& e) {
      EXPECT_EQ(e.code(), grpc::StatusCode::INTERNAL) << code;
      EXPECT_THAT(e.what(), HasSubstr("the penalties service refused"));
    }
  }
}

TEST_F(KpiSourcesTest, ACallPastItsTimeoutIsUnavailableNamingTheService) {
  if (gongkai::testing::UnderFaketime()) GTEST_SKIP() << "gRPC timers do not fire under libfaketime";
  fake_.delay = std::chrono::milliseconds(500);
  const auto source = Penalties(std::chrono::milliseconds(100));
  try {
    source->Tallies(Asking());
    ADD_FAILURE() << "the call outlived its timeout";
  } catch (const common::ServiceError& e) {
    EXPECT_EQ(e.code(), grpc::StatusCode::UNAVAILABLE);
    EXPECT_THAT(e.what(), HasSubstr("penalties"));
    EXPECT_THAT(e.what(), HasSubstr("DeadlineExceeded"));
  }
}

TEST_F(KpiSourcesTest, AServiceNobodyServesIsUnavailableNamingIt) {
  int port = 0;
  {
    FakePenalties gone;
    testing::InProcessServer stopped(&gone);
    port = stopped.port();
  }
  const auto source =
      ConnectKpiSource("inspections", "127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials(),
                       ctx_.signers().service("supervision"), std::chrono::seconds(5));
  try {
    source->Tallies(Asking());
    ADD_FAILURE() << "nobody answered";
  } catch (const common::ServiceError& e) {
    EXPECT_EQ(e.code(), grpc::StatusCode::UNAVAILABLE);
    EXPECT_THAT(e.what(), HasSubstr("the inspections service"));
  }
}

TEST_F(KpiSourcesTest, TheRegistryAnswersNoFindingsWithoutACall) {
  const auto registry = ConnectKpiSource("registry", "127.0.0.1:1", grpc::InsecureChannelCredentials(),
                                         ctx_.signers().service("supervision"), std::chrono::seconds(1));
  EXPECT_EQ(registry->service(), "registry");
  EXPECT_EQ(registry->Findings(common::v1::ListFindingsRequest()).findings_size(), 0);
}

TEST_F(KpiSourcesTest, OnlyThePlatformsServicesAreSources) {
  EXPECT_THROW(
      GrpcKpiSource("gateway", server_.channel(), ctx_.signers().service("supervision"), std::chrono::seconds(1)),
      std::invalid_argument);
}

}  // namespace
}  // namespace gongkai::supervision
