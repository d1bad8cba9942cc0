// The penalties service's calls to the registry (registry::GrpcRegistryClient,
// connected as main.cc connects it) against a registry of canned answers in
// process, behind the call scope a service's server has (call_scope.h), its
// handlers admitting the roles the registry's GetAgency and ListBenchmarks
// admit. Each call carries the service's own identity (ROLE_SERVICE), signed
// for exactly the method it calls and for a short time, and runs in the
// registry's non-public lane, so that public reads holding every call of the
// public's lane do not stop the lookups of a city's write.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

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

std::string Header(const grpc::ServerContext& context, const char* key) {
  auto it = context.client_metadata().find(key);
  if (it == context.client_metadata().end()) return {};
  return std::string(it->second.data(), it->second.size());
}

// Knows the agencies kAgency and kOtherAgency (of 140100) and one benchmark
// of 140100 in market_regulation, "v-001", of two tiers; records every call.
class RecordingRegistry final : public v1::RegistryService::Service {
 public:
  explicit RecordingRegistry(const common::IdentitySigner& signer) : signer_(signer) {}

  grpc::Status GetAgency(grpc::ServerContext* context, const v1::GetAgencyRequest* request,
                         v1::Agency* response) override {
    return common::Call(*context, signer_, {common::v1::ROLE_PUBLIC, common::v1::ROLE_SERVICE},
                        [&](const common::CallerIdentity& caller) {
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

  grpc::Status ListBenchmarks(grpc::ServerContext* context, const v1::ListBenchmarksRequest* request,
                              v1::ListBenchmarksResponse* response) override {
    return common::Call(*context, signer_, {common::v1::ROLE_PUBLIC, common::v1::ROLE_SERVICE},
                        [&](const common::CallerIdentity& caller) {
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
  void Record(const grpc::ServerContext& context, const char* method, const common::CallerIdentity& caller) {
    Seen s{method, Header(context, common::kIdentityHeader), Header(context, common::kIdentitySignatureHeader), caller,
           std::nullopt};
    if (const common::CurrentCall* call = common::CurrentCallOfThisThread()) s.lane = call->lane;
    std::lock_guard lock(mutex_);
    seen_.push_back(std::move(s));
  }

  const common::IdentitySigner& signer_;
  mutable std::mutex mutex_;
  std::vector<Seen> seen_;  // guarded by mutex_
};

class RegistryCallsTest : public ::testing::Test {
 protected:
  RegistryCallsTest() : signer_("registry-calls-test-identity-secret-0123456789"), bounds_(2, 1), registry_(signer_) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&registry_);
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> factories;
    factories.push_back(common::MakeCallScopeFactory(signer_, bounds_));
    builder.experimental().SetInterceptorCreators(std::move(factories));
    server_ = builder.BuildAndStart();
    if (!server_ || port_ == 0) throw std::runtime_error("the registry of canned answers did not start");
    // No cache (ttl 0): every lookup is a call.
    client_ = std::make_unique<GrpcRegistryClient>(channel(), std::chrono::milliseconds(0), signer_, "penalties");
  }
  ~RegistryCallsTest() override {
    client_.reset();
    server_->Shutdown(system_clock::now() + std::chrono::seconds(1));
  }

  std::shared_ptr<grpc::Channel> channel() const {
    return grpc::CreateChannel("127.0.0.1:" + std::to_string(port_), grpc::InsecureChannelCredentials());
  }

  const common::CallerIdentity kPenalties{common::v1::ROLE_SERVICE, "", "", "service-penalties"};
  common::IdentitySigner signer_;
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
    const auto verified = signer_.Verify(s.payload, s.signature, now, s.method);
    ASSERT_TRUE(verified);
    EXPECT_EQ(*verified, kPenalties);
    const std::string other = s.method == kGetAgency ? kListBenchmarks : kGetAgency;
    EXPECT_FALSE(signer_.Verify(s.payload, s.signature, now, other)) << "bound to the method it was signed for";
    EXPECT_TRUE(signer_.Verify(s.payload, s.signature, now + std::chrono::seconds(20), s.method));
    EXPECT_FALSE(signer_.Verify(s.payload, s.signature,
                                now + GrpcRegistryClient::kIdentityLifetime + std::chrono::seconds(2), s.method))
        << "expired once its lifetime has passed";
  }
  // Signed by the service's signer: another secret does not verify it.
  const common::IdentitySigner other_secret("another-identity-secret-0123456789abcdef");
  EXPECT_FALSE(other_secret.Verify(seen[0].payload, seen[0].signature, system_clock::now(), kGetAgency));
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
  GrpcRegistryClient requests(channel(), std::chrono::milliseconds(0), signer_, "requests");
  ASSERT_TRUE(requests.Agency(kAgency));
  const auto seen = registry_.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].caller.principal, "service-requests");
  EXPECT_EQ(seen[0].caller.role, common::v1::ROLE_SERVICE);

  // A name that could break the signed payload ("a;role=3") or the logs is refused.
  EXPECT_THROW(std::make_unique<GrpcRegistryClient>(channel(), std::chrono::milliseconds(0), signer_, "a;role=3"),
               std::invalid_argument);
  EXPECT_THROW(std::make_unique<GrpcRegistryClient>(channel(), std::chrono::milliseconds(0), signer_, ""),
               std::invalid_argument);
}

}  // namespace
}  // namespace gongkai::registry
