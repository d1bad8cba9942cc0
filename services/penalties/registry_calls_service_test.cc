// The penalties service's calls to the registry (registry::GrpcRegistryClient,
// connected as main.cc connects it) against a registry of canned answers in
// process, behind the call scope a service's server has (call_scope.h), its
// handlers admitting the roles the registry's GetAgency and ListBenchmarks
// admit. Each call carries the service's own identity (ROLE_SERVICE), signed
// for exactly the method it calls and for a short time, and runs in the
// registry's non-public lane, so that public reads holding every call of the
// public's lane do not stop the lookups of a city's write. Then the penalties
// adapter over that client: a major penalty naming a benchmark is held to the
// city's benchmark as the registry answers it.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/call.h"
#include "common/call_scope.h"
#include "common/current_call.h"
#include "common/identifiers.h"
#include "common/identity.h"
#include "common/testing/adapter.h"
#include "common/testing/dates.h"
#include "services/penalties/penalties_service.h"
#include "services/penalties/service_test_records.h"
#include "services/registry/registry_client.h"

namespace gongkai::registry {
namespace {

using std::chrono::system_clock;

constexpr char kGetAgency[] = "/gongkai.registry.v1.RegistryService/GetAgency";
constexpr char kListBenchmarks[] = "/gongkai.registry.v1.RegistryService/ListBenchmarks";

std::string CreditCode(const std::string& first17) { return first17 + common::CreditCodeCheckCharacter(first17); }

const std::string kAgency = CreditCode("11140100MB0000101");
const std::string kOtherAgency = CreditCode("11140100MB0000102");

// What one call brought to the registry: the identity headers as sent, the
// caller as the handler sees it once the call scope has checked them, and
// the lane the call ran in.
struct Seen {
  std::string method;
  std::string payload;
  std::string signature;
  common::CallerIdentity caller;
  std::optional<common::Lane> lane;
};

std::string Header(const grpc::ServerContextBase& context, const char* key) {
  auto it = context.client_metadata().find(key);
  if (it == context.client_metadata().end()) return {};
  return std::string(it->second.data(), it->second.size());
}

// Knows the agencies kAgency and kOtherAgency (of 140100) and one benchmark
// of 140100 in market_regulation, "v-001", of two tiers; records every call.
class RecordingRegistry final : public v1::RegistryService::CallbackService {
 public:
  explicit RecordingRegistry(const common::IdentitySigner& signer) : signer_(signer) {}

  grpc::ServerUnaryReactor* GetAgency(grpc::CallbackServerContext* context, const v1::GetAgencyRequest* request,
                                      v1::Agency* response) override {
    return common::Serve(context, executor_, signer_, {common::v1::ROLE_PUBLIC, common::v1::ROLE_SERVICE},
                         [=, this](const common::CallerIdentity& caller) {
                           Record(*context, kGetAgency, caller);
                           if (request->credit_code() != kAgency && request->credit_code() != kOtherAgency) {
                             throw common::ServiceError::NotFound("no agency " + request->credit_code());
                           }
                           response->set_credit_code(request->credit_code());
                           response->set_city_code("140100");
                           response->add_domains("market_regulation");
                           return grpc::Status::OK;
                         });
  }

  grpc::ServerUnaryReactor* ListBenchmarks(grpc::CallbackServerContext* context,
                                           const v1::ListBenchmarksRequest* request,
                                           v1::ListBenchmarksResponse* response) override {
    return common::Serve(context, executor_, signer_, {common::v1::ROLE_PUBLIC, common::v1::ROLE_SERVICE},
                         [=, this](const common::CallerIdentity& caller) {
                           Record(*context, kListBenchmarks, caller);
                           if (request->city_code() == "140100" && request->domain() == "market_regulation") {
                             auto* benchmark = response->add_benchmarks();
                             benchmark->set_violation_code("v-001");
                             auto* lighter = benchmark->add_tiers();
                             lighter->set_level(v1::LIGHTER);
                             lighter->set_penalty_min_fen(100000);
                             lighter->set_penalty_max_fen(500000);
                             auto* ordinary = benchmark->add_tiers();
                             ordinary->set_level(v1::ORDINARY);
                             ordinary->set_penalty_min_fen(500000);
                             ordinary->set_penalty_max_fen(2000000);
                           }
                           return grpc::Status::OK;
                         });
  }

  std::vector<Seen> seen() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  void Record(const grpc::ServerContextBase& context, const char* method, const common::CallerIdentity& caller) {
    Seen s{method, Header(context, common::kIdentityHeader), Header(context, common::kIdentitySignatureHeader), caller,
           std::nullopt};
    if (const common::CurrentCall* call = common::CurrentCallOfThisThread()) s.lane = call->lane;
    std::lock_guard lock(mutex_);
    seen_.push_back(std::move(s));
  }

  const common::IdentitySigner& signer_;
  common::Executor executor_{8, 8};
  mutable std::mutex mutex_;
  std::vector<Seen> seen_;  // guarded by mutex_
};

class RegistryCallsTest : public ::testing::Test {
 protected:
  RegistryCallsTest() : bounds_(2, 1), registry_(signers_.gateway()) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&registry_);
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> factories;
    factories.push_back(common::MakeCallScopeFactory(signers_.gateway(), bounds_));
    builder.experimental().SetInterceptorCreators(std::move(factories));
    server_ = builder.BuildAndStart();
    if (!server_ || port_ == 0) throw std::runtime_error("the registry of canned answers did not start");
    // No cache (ttl 0): every lookup is a call.
    client_ = std::make_unique<GrpcRegistryClient>(channel(), std::chrono::milliseconds(0),
                                                   signers_.service("penalties"), "penalties");
  }
  ~RegistryCallsTest() override {
    client_.reset();
    server_->Shutdown(system_clock::now() + std::chrono::seconds(1));
  }

  std::shared_ptr<grpc::Channel> channel() const {
    return grpc::CreateChannel("127.0.0.1:" + std::to_string(port_), grpc::InsecureChannelCredentials());
  }

  const common::CallerIdentity kPenalties{common::v1::ROLE_SERVICE, "", "", "service-penalties"};
  testing::TestSigners signers_;
  common::CallBounds bounds_;
  RecordingRegistry registry_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<GrpcRegistryClient> client_;
};

TEST_F(RegistryCallsTest, EachCallCarriesTheServicesIdentitySignedForItsMethod) {
  auto agency = client_->Agency(kAgency);
  ASSERT_TRUE(agency);
  EXPECT_EQ(agency->city_code, "140100");
  auto tiers = client_->Benchmark("140100", "market_regulation", "v-001");
  ASSERT_TRUE(tiers);
  ASSERT_EQ(tiers->size(), 2u);
  EXPECT_EQ((*tiers)[1].penalty_max_fen, 2000000);

  const auto seen = registry_.seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].method, kGetAgency);
  EXPECT_EQ(seen[1].method, kListBenchmarks);
  for (const Seen& s : seen) {
    SCOPED_TRACE(s.method);
    // The handler's caller: the identity passed the call scope's check of
    // the method, and the call ran outside the public's lane.
    EXPECT_EQ(s.caller, kPenalties);
    EXPECT_EQ(s.lane, common::Lane::kCity);
    // As sent: signed for exactly this method, with the service's role and
    // name, and for a short time.
    const auto now = system_clock::now();
    const auto verified = signers_.gateway().Verify(s.payload, s.signature, now, s.method);
    ASSERT_TRUE(verified);
    EXPECT_EQ(*verified, kPenalties);
    const std::string other = s.method == kGetAgency ? kListBenchmarks : kGetAgency;
    EXPECT_FALSE(signers_.gateway().Verify(s.payload, s.signature, now, other))
        << "bound to the method it was signed for";
    EXPECT_TRUE(signers_.gateway().Verify(s.payload, s.signature, now + std::chrono::seconds(20), s.method));
    EXPECT_FALSE(signers_.gateway().Verify(
        s.payload, s.signature, now + GrpcRegistryClient::kIdentityLifetime + std::chrono::seconds(2), s.method))
        << "expired once its lifetime has passed";
  }
  // Signed with the service's own key: a verifier that does not trust it
  // refuses it.
  const common::IdentitySigner stranger(common::SigningKey::Generate(), common::kGatewaySigner);
  EXPECT_FALSE(stranger.Verify(seen[0].payload, seen[0].signature, system_clock::now(), kGetAgency));
}

TEST_F(RegistryCallsTest, PublicReadsHoldingThePublicLaneDoNotStopTheServicesLookups) {
  // Every call of the registry's public lane held, as a flood of public
  // reads holds them.
  std::vector<common::Slots::Slot> held;
  for (int i = 0; i < bounds_.calls(common::Lane::kPublic).limit(); ++i) {
    held.push_back(bounds_.calls(common::Lane::kPublic).TryTake());
    ASSERT_TRUE(held.back());
  }
  // A public read is refused...
  auto stub = v1::RegistryService::NewStub(channel());
  grpc::ClientContext anonymous;
  anonymous.set_deadline(system_clock::now() + std::chrono::seconds(5));
  v1::GetAgencyRequest request;
  request.set_credit_code(kOtherAgency);
  v1::Agency answer;
  const grpc::Status refused = stub->GetAgency(&anonymous, request, &answer);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << refused.error_message();

  // ...and the service's lookups, a city's write waiting on them, are answered.
  auto agency = client_->Agency(kOtherAgency);
  ASSERT_TRUE(agency);
  EXPECT_EQ(agency->city_code, "140100");
  EXPECT_TRUE(client_->Benchmark("140100", "market_regulation", "v-001"));
  EXPECT_FALSE(client_->Agency(CreditCode("11140100MB0000999"))) << "an unknown agency is still an answer";
  // (The refused public read never reached its handler.)
  const auto seen = registry_.seen();
  ASSERT_EQ(seen.size(), 3u);
  for (const Seen& s : seen) {
    EXPECT_EQ(s.caller, kPenalties) << s.method;
    EXPECT_EQ(s.lane, common::Lane::kCity) << s.method;
  }
}

TEST_F(RegistryCallsTest, TheIdentityNamesTheCallingService) {
  GrpcRegistryClient requests(channel(), std::chrono::milliseconds(0), signers_.service("requests"), "requests");
  ASSERT_TRUE(requests.Agency(kAgency));
  const auto seen = registry_.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].caller.principal, "service-requests");
  EXPECT_EQ(seen[0].caller.role, common::v1::ROLE_SERVICE);

  // A name that could break the signed payload ("a;role=3") or the logs is refused.
  EXPECT_THROW(std::make_unique<GrpcRegistryClient>(channel(), std::chrono::milliseconds(0),
                                                    signers_.service("requests"), "a;role=3"),
               std::invalid_argument);
  EXPECT_THROW(
      std::make_unique<GrpcRegistryClient>(channel(), std::chrono::milliseconds(0), signers_.service("requests"), ""),
      std::invalid_argument);
}

// ------------------------------------------------------------------ the benchmark of a major penalty

// Accepts every valid record and keeps the rejections; nothing is read back.
class AcceptingStore final : public penalties::PenaltyStore {
 public:
  std::vector<penalties::WriteResult> UpsertBatch(const std::string&,
                                                  const std::vector<penalties::RecordToStore>& valid,
                                                  const std::vector<common::Rejection>& rejected,
                                                  common::Date) override {
    std::lock_guard lock(mutex_);
    rejections.insert(rejections.end(), rejected.begin(), rejected.end());
    return std::vector<penalties::WriteResult>(valid.size(), {common::UpsertOutcome::kAccepted, false});
  }
  std::optional<penalties::RecordRow> Get(penalties::PenaltyKind, const std::string&, const std::string&) override {
    return std::nullopt;
  }
  std::optional<penalties::RecordRow> Withdraw(const std::string&, const std::string&, int, const std::string&,
                                               common::Date, common::Date) override {
    return std::nullopt;
  }
  std::optional<penalties::RecordRow> Release(const std::string&, const std::string&, common::Date,
                                              const std::string&) override {
    return std::nullopt;
  }
  std::optional<penalties::RecordRow> RecordCreditRepair(const std::string&, const std::string&,
                                                         const penalties::CreditRepair&, common::Date) override {
    return std::nullopt;
  }
  std::vector<penalties::RecordRow> ListPublished(const penalties::PublishedFilter&, common::Date) override {
    return {};
  }
  std::vector<penalties::ChangeRow> Changes(int64_t, int, common::Date) override { return {}; }
  std::vector<common::Rejection> ListRejections(const std::string&, int64_t, int) override { return {}; }
  std::vector<penalties::PublicationCount> PublicationCounts() override { return {}; }
  std::vector<penalties::EnforcementCount> AnnualEnforcementCounts(int, const std::string&,
                                                                   const std::string&) override {
    return {};
  }
  std::vector<penalties::TallyRecord> TallyRecords(int, const std::string&, const std::string&, bool) override {
    return {};
  }
  std::vector<penalties::DecisionFacts> DecisionFactsOf(int) override { return {}; }

  std::vector<common::Rejection> rejections;  // read once a call has returned

 private:
  std::mutex mutex_;
};

const std::string kCompany = CreditCode("91140100MA0KABCD1");

// A major penalty (its licence revoked, so major whatever the fine) of
// kAgency, decided on `date`, applying tier `tier` of benchmark `code` of
// 140100 in market_regulation, with `fine_fen`, its explanation naming the tier.
penalties::v1::PenaltyDecision MajorDecision(const std::string& source_id, const std::string& code, int tier,
                                             int64_t fine_fen, const std::string& date = "2026-06-01") {
  penalties::v1::PenaltyDecision d = penalties::CompanyDecisionOf(kAgency, kCompany, source_id, date);
  d.mutable_result()->set_fine_fen(fine_fen);
  d.mutable_result()->set_licence_revoked(true);
  d.set_legal_application_explanation("依据本局裁量基准第" + std::to_string(tier) + "档，因当事人拒不改正。");
  d.set_benchmark_violation_code(code);
  d.set_benchmark_tier(tier);
  return d;
}

// The penalties adapter in process, its registry the client of
// RegistryCallsTest (no cache) and its date 2026-06-15.
class BenchmarkThroughTheRegistryTest : public RegistryCallsTest {
 protected:
  BenchmarkThroughTheRegistryTest()
      : ctx_(testing::Day("2026-06-15")),
        metrics_(prometheus_),
        service_(store_, *client_, ctx_.context(), metrics_, 100),
        server_(&service_),
        stub_(penalties::v1::PenaltiesService::NewStub(server_.channel())) {}

  // UpsertDecisions as city 140100; the call must succeed.
  penalties::v1::UpsertResponse Upsert(const std::vector<penalties::v1::PenaltyDecision>& decisions) {
    penalties::v1::UpsertDecisionsRequest request;
    for (const auto& d : decisions) *request.add_decisions() = d;
    penalties::v1::UpsertResponse response;
    const grpc::Status status =
        stub_->UpsertDecisions(ctx_.ClientAs(testing::CityCaller("140100")).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  // The benchmark lookups the registry answered.
  int BenchmarkCalls() const {
    int calls = 0;
    for (const Seen& s : registry_.seen()) calls += s.method == kListBenchmarks ? 1 : 0;
    return calls;
  }

  testing::TestContext ctx_;
  AcceptingStore store_;
  prometheus::Registry prometheus_;
  common::DisclosureMetrics metrics_;
  penalties::PenaltiesService service_;
  testing::InProcessServer server_;
  std::unique_ptr<penalties::v1::PenaltiesService::Stub> stub_;
};

using RecordResult = common::v1::RecordResult;

// The one violation of a rejected result, as "field: description".
std::string OnlyViolation(const RecordResult& result) {
  EXPECT_EQ(result.outcome(), RecordResult::REJECTED);
  if (result.violations_size() != 1) return "violations: " + std::to_string(result.violations_size());
  return result.violations(0).field() + ": " + result.violations(0).description();
}

TEST_F(BenchmarkThroughTheRegistryTest, AMajorPenaltysTierMustBeOneOfTheCitysBenchmarkForItsViolation) {
  // v-001 of 140100 has tiers 2 (一般从轻) and 3 (一般).
  const auto response =
      Upsert({MajorDecision("B-1", "v-001", 3, 1'000'000), MajorDecision("B-2", "v-001", 4, 1'000'000)});
  ASSERT_EQ(response.results_size(), 2);
  EXPECT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);
  EXPECT_EQ(OnlyViolation(response.results(1)),
            "decisions[1].benchmark_tier: the city's benchmark v-001 has no tier 4 (从重); its tiers are 2 (一般从轻), "
            "3 (一般)");
  ASSERT_EQ(store_.rejections.size(), 1u);
  EXPECT_EQ(store_.rejections[0].key, kAgency + "/B-2");
  // Asked of the registry as the service, per record (no cache here).
  EXPECT_EQ(BenchmarkCalls(), 2);
}

TEST_F(BenchmarkThroughTheRegistryTest, AMajorPenaltysFineMustLieWithinItsTiersRangeBoundsIncluded) {
  // Tier 2 of v-001 allows 100 000 to 500 000 fen.
  const auto response = Upsert({MajorDecision("F-1", "v-001", 2, 100'000), MajorDecision("F-2", "v-001", 2, 500'000),
                                MajorDecision("F-3", "v-001", 2, 99'999), MajorDecision("F-4", "v-001", 2, 500'001)});
  ASSERT_EQ(response.results_size(), 4);
  EXPECT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);
  EXPECT_EQ(response.results(1).outcome(), RecordResult::ACCEPTED);
  EXPECT_EQ(OnlyViolation(response.results(2)),
            "decisions[2].result.fine_fen: must lie within the range of benchmark_tier 2 (一般从轻) of the city's "
            "benchmark v-001, 100000 to 500000 fen (got 99999)");
  EXPECT_EQ(OnlyViolation(response.results(3)),
            "decisions[3].result.fine_fen: must lie within the range of benchmark_tier 2 (一般从轻) of the city's "
            "benchmark v-001, 100000 to 500000 fen (got 500001)");
}

TEST_F(BenchmarkThroughTheRegistryTest, ASuspensionOverThreeMonthsFromTheDecisionDateIsHeldToTheBenchmark) {
  // From 2026-03-01 3 months is 2026-06-01: 92 days is not over 3 months, 93 is.
  const auto suspended = [](const std::string& source_id, int days) {
    penalties::v1::PenaltyDecision d = MajorDecision(source_id, "v-001", 4, 1'000'000, "2026-03-01");
    d.mutable_result()->set_licence_revoked(false);
    d.mutable_result()->set_suspension_days(days);
    return d;
  };
  const auto response = Upsert({suspended("S-1", 92), suspended("S-2", 93)});
  ASSERT_EQ(response.results_size(), 2);
  EXPECT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED) << "not major: no benchmark applies";
  EXPECT_EQ(OnlyViolation(response.results(1)),
            "decisions[1].benchmark_tier: the city's benchmark v-001 has no tier 4 (从重); its tiers are 2 (一般从轻), "
            "3 (一般)");
  EXPECT_EQ(BenchmarkCalls(), 1) << "only the major penalty is looked up";
}

TEST_F(BenchmarkThroughTheRegistryTest, ABenchmarkTheCityDoesNotHaveHoldsNothing) {
  // The registry has no v-404 for 140100: neither the tier nor the fine can be checked.
  const auto response = Upsert({MajorDecision("N-1", "v-404", 5, 900'000'000)});
  ASSERT_EQ(response.results_size(), 1);
  EXPECT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);
  EXPECT_EQ(BenchmarkCalls(), 1);
}

TEST_F(BenchmarkThroughTheRegistryTest, AnExplanationNamingAnotherTierIsRejectedBeforeTheBenchmarkIsAsked) {
  penalties::v1::PenaltyDecision d = MajorDecision("E-1", "v-001", 3, 1'000'000);
  d.set_legal_application_explanation("依据本局裁量基准第2档，因当事人拒不改正。");
  const auto response = Upsert({d});
  ASSERT_EQ(response.results_size(), 1);
  const std::string violation = OnlyViolation(response.results(0));
  EXPECT_EQ(violation.rfind("decisions[0].legal_application_explanation: names tier 2 (一般从轻), but benchmark_tier "
                            "is 3 (一般): ",
                            0),
            0u)
      << violation;
  EXPECT_EQ(BenchmarkCalls(), 0);
}

}  // namespace
}  // namespace gongkai::registry
