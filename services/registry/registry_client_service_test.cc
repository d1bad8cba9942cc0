// The registry's client (GrpcRegistryClient) for the inspections and
// supervision services' questions, against a registry of canned answers in
// process behind the call scope a service's server has (call_scope.h): each
// call is signed for its own method, lists longer than a call takes go in
// several calls within the registry's bounds, answers are cached
// (qualification lists excepted), and a registry that cannot be reached is
// UNAVAILABLE, never "unknown".
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/calendar/iso_date.h"
#include "common/call.h"
#include "common/call_scope.h"
#include "common/errors.h"
#include "common/identifiers.h"
#include "common/identity.h"
#include "common/testing/adapter.h"
#include "common/testing/dates.h"
#include "services/registry/registry_client.h"

namespace gongkai::registry {
namespace {

using gongkai::testing::Day;
using std::chrono::system_clock;

std::string CreditCode(int n) {
  const std::string first17 = "11140100MB" + std::to_string(1000000 + n).substr(0, 7);
  return first17 + common::CreditCodeCheckCharacter(first17);
}

// One call as the registry saw it: its method and the sizes of its lists.
struct Seen {
  std::string method;
  int numbers = 0;  // certificate numbers, agencies, or qualification queries
  int ids = 0;      // source ids
  int notices = 0;
};

// Knows the certificates "C-<n>" of even n (of CreditCode(n % 3), valid over
// any period ending by 2026-12-31) and the powers item "JC-<i>" of
// CreditCode(a) when a + i is even (category INSPECTION, on the random-check
// list when i is a multiple of 3); records every call. Its handlers admit
// ROLE_SERVICE only, as the registry's do.
class CannedRegistry final : public v1::RegistryService::CallbackService {
 public:
  explicit CannedRegistry(const common::IdentitySigner& signer) : signer_(signer) {}

  grpc::ServerUnaryReactor* CheckCertificates(grpc::CallbackServerContext* context,
                                              const v1::CheckCertificatesRequest* request,
                                              v1::CheckCertificatesResponse* response) override {
    return common::Serve(context, executor_, signer_, {common::v1::ROLE_SERVICE},
                         [=, this](const common::CallerIdentity&) {
                           Record({"CheckCertificates", request->certificate_numbers_size(), 0, 0});
                           const bool within = request->to() <= "2026-12-31";
                           for (const auto& number : request->certificate_numbers()) {
                             auto* check = response->add_checks();
                             check->set_certificate_number(number);
                             const int n = std::stoi(number.substr(2));
                             if (n % 2 != 0) continue;
                             check->set_known(true);
                             check->set_agency_credit_code(CreditCode(n % 3));
                             check->set_valid_over_period(within);
                             check->set_verdict(v1::VerifyCertificateResponse::VALID);
                           }
                           return grpc::Status::OK;
                         });
  }

  grpc::ServerUnaryReactor* GetPowersItems(grpc::CallbackServerContext* context,
                                           const v1::GetPowersItemsRequest* request,
                                           v1::GetPowersItemsResponse* response) override {
    return common::Serve(
        context, executor_, signer_, {common::v1::ROLE_SERVICE}, [=, this](const common::CallerIdentity&) {
          Record({"GetPowersItems", request->agency_credit_codes_size(), request->source_ids_size(), 0});
          for (const auto& agency : request->agency_credit_codes()) {
            int a = 0;
            while (CreditCode(a) != agency && a < 1000) ++a;
            for (const auto& id : request->source_ids()) {
              const int i = std::stoi(id.substr(3));
              if ((a + i) % 2 != 0) continue;
              auto* item = response->add_items();
              item->set_agency_credit_code(agency);
              item->set_source_id(id);
              item->set_category(v1::INSPECTION);
              item->set_random_check(i % 3 == 0);
            }
          }
          return grpc::Status::OK;
        });
  }

  grpc::ServerUnaryReactor* RecordInspectionPlans(grpc::CallbackServerContext* context,
                                                  const v1::RecordInspectionPlansRequest* request,
                                                  v1::RecordInspectionPlansResponse* response) override {
    return common::Serve(
        context, executor_, signer_, {common::v1::ROLE_SERVICE}, [=, this](const common::CallerIdentity&) {
          Record({"RecordInspectionPlans", 0, 0, request->notices_size()});
          std::lock_guard lock(mutex_);
          for (const auto& n : request->notices()) {
            notices_.push_back(n.agency_credit_code() + "/" + std::to_string(n.year()) + "/" + n.published_on());
          }
          response->set_recorded(request->notices_size());
          return grpc::Status::OK;
        });
  }

  grpc::ServerUnaryReactor* ListEnforcementUnits(grpc::CallbackServerContext* context,
                                                 const v1::ListEnforcementUnitsRequest*,
                                                 v1::ListEnforcementUnitsResponse* response) override {
    return common::Serve(context, executor_, signer_, {common::v1::ROLE_SERVICE},
                         [=, this](const common::CallerIdentity&) {
                           Record({"ListEnforcementUnits", 0, 0, 0});
                           std::lock_guard lock(mutex_);
                           if (over_bound_)
                             throw common::ServiceError::FailedPrecondition("more than 20000 enforcement units");
                           for (const auto& [code, city] : units_) {
                             auto* unit = response->add_units();
                             unit->set_credit_code(code);
                             unit->set_name("执法机构 " + code);
                             unit->set_city_code(city);
                           }
                           return grpc::Status::OK;
                         });
  }

  // Knows every agency but CreditCode(0); a list is current on days up to
  // 2026-06-30.
  grpc::ServerUnaryReactor* CheckQualificationLists(grpc::CallbackServerContext* context,
                                                    const v1::CheckQualificationListsRequest* request,
                                                    v1::CheckQualificationListsResponse* response) override {
    return common::Serve(context, executor_, signer_, {common::v1::ROLE_SERVICE},
                         [=, this](const common::CallerIdentity&) {
                           Record({"CheckQualificationLists", request->queries_size(), 0, 0});
                           for (const auto& q : request->queries()) {
                             auto* answer = response->add_answers();
                             answer->set_known(q.agency_credit_code() != CreditCode(0));
                             answer->set_current(answer->known() && q.on() <= "2026-06-30");
                             if (!answer->current()) answer->set_reason("not current on " + q.on());
                           }
                           return grpc::Status::OK;
                         });
  }

  // The enforcement units it answers (credit code to city), or, when
  // `over_bound`, FAILED_PRECONDITION.
  void SetUnits(std::map<std::string, std::string> units, bool over_bound = false) {
    std::lock_guard lock(mutex_);
    units_ = std::move(units);
    over_bound_ = over_bound;
  }

  std::vector<Seen> seen() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }
  std::vector<std::string> notices() const {
    std::lock_guard lock(mutex_);
    return notices_;
  }

 private:
  void Record(Seen s) {
    std::lock_guard lock(mutex_);
    seen_.push_back(std::move(s));
  }

  const common::IdentitySigner& signer_;
  common::Executor executor_{8, 8};
  mutable std::mutex mutex_;
  std::vector<Seen> seen_;                    // guarded by mutex_
  std::vector<std::string> notices_;          // "agency/year/day"; guarded by mutex_
  std::map<std::string, std::string> units_;  // credit code to city; guarded by mutex_
  bool over_bound_ = false;                   // guarded by mutex_
};

class RegistryClientTest : public ::testing::Test {
 protected:
  RegistryClientTest() : bounds_(8, 1), registry_(signers_.gateway()) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&registry_);
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> factories;
    factories.push_back(common::MakeCallScopeFactory(signers_.gateway(), bounds_));
    builder.experimental().SetInterceptorCreators(std::move(factories));
    server_ = builder.BuildAndStart();
    if (!server_ || port_ == 0) throw std::runtime_error("the registry of canned answers did not start");
  }
  ~RegistryClientTest() override { server_->Shutdown(system_clock::now() + std::chrono::seconds(1)); }

  // A client of the canned registry keeping answers for `ttl`.
  std::unique_ptr<GrpcRegistryClient> Client(std::chrono::milliseconds ttl) {
    return std::make_unique<GrpcRegistryClient>(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(port_), grpc::InsecureChannelCredentials()), ttl,
        signers_.service("inspections"), "inspections");
  }

  // A client of a registry that is not there.
  std::unique_ptr<GrpcRegistryClient> Unreachable() {
    return std::make_unique<GrpcRegistryClient>(grpc::CreateChannel("127.0.0.1:1", grpc::InsecureChannelCredentials()),
                                                std::chrono::milliseconds(0), signers_.service("inspections"),
                                                "inspections");
  }

  testing::TestSigners signers_;
  common::CallBounds bounds_;
  CannedRegistry registry_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

std::vector<int> Sizes(const std::vector<Seen>& seen, int Seen::*size) {
  std::vector<int> out;
  for (const auto& s : seen) out.push_back(s.*size);
  return out;
}

// 1,200 numbers (some twice, one no registry would take) go in calls of at
// most 500, each signed for CheckCertificates (the call scope refuses any
// other); every number asked has its answer.
TEST_F(RegistryClientTest, CertificatesAreCheckedInCallsOfAtMost500WithAnAnswerForEach) {
  auto client = Client(std::chrono::milliseconds(0));
  std::vector<std::string> numbers;
  for (int n = 0; n < 1200; ++n) numbers.push_back("C-" + std::to_string(n));
  numbers.push_back("C-4");
  numbers.push_back("not a number");
  const auto answers = client->CheckCertificates(numbers, Day("2026-03-01"), Day("2026-03-31"));
  ASSERT_EQ(answers.size(), 1201u);
  EXPECT_TRUE(answers.at("C-4").known);
  EXPECT_EQ(answers.at("C-4").agency_credit_code, CreditCode(1));
  EXPECT_TRUE(answers.at("C-4").valid_over_period);
  EXPECT_FALSE(answers.at("C-5").known);
  EXPECT_FALSE(answers.at("not a number").known) << "answered unknown without asking";
  const auto seen = registry_.seen();
  ASSERT_EQ(seen.size(), 3u);
  for (const auto& s : seen) EXPECT_EQ(s.method, "CheckCertificates");
  EXPECT_EQ(Sizes(seen, &Seen::numbers), (std::vector<int>{500, 500, 200}));

  EXPECT_FALSE(client->CheckCertificates({"C-4"}, Day("2026-03-01"), Day("2027-01-31")).at("C-4").valid_over_period);
  EXPECT_THROW(client->CheckCertificates({"C-4"}, Day("2026-03-31"), Day("2026-03-01")), std::invalid_argument);
}

// An answer is kept per number and period: asked again, it comes from the
// cache; another period is asked.
TEST_F(RegistryClientTest, CertificateAnswersAreCachedPerNumberAndPeriod) {
  auto client = Client(std::chrono::minutes(5));
  ASSERT_TRUE(client->CheckCertificates({"C-2", "C-3"}, Day("2026-03-01"), Day("2026-03-31")).at("C-2").known);
  const auto again = client->CheckCertificates({"C-3", "C-2"}, Day("2026-03-01"), Day("2026-03-31"));
  EXPECT_TRUE(again.at("C-2").known);
  EXPECT_FALSE(again.at("C-3").known);
  EXPECT_EQ(registry_.seen().size(), 1u);
  client->CheckCertificates({"C-2"}, Day("2026-04-01"), Day("2026-04-30"));
  EXPECT_EQ(registry_.seen().size(), 2u);
}

// 30 agencies and 250 source ids: every pair is asked, in calls of at most
// 21 agencies and 200 ids (2 × 2 calls), each signed for GetPowersItems; the
// items found are answered, and with "not found" they are cached per pair.
TEST_F(RegistryClientTest, PowersItemsAreAskedInCallsOfAtMost21AgenciesAnd200IdsAndCached) {
  auto client = Client(std::chrono::minutes(5));
  std::vector<std::string> agencies, ids;
  for (int a = 0; a < 30; ++a) agencies.push_back(CreditCode(a));
  for (int i = 0; i < 250; ++i) ids.push_back("JC-" + std::to_string(i));
  ids.push_back("JC-1");
  const auto items = client->PowersItems(agencies, ids);
  EXPECT_EQ(items.size(), 30u * 250u / 2u);
  std::set<std::pair<std::string, std::string>> found;
  for (const auto& item : items) {
    found.insert({item.agency_credit_code, item.source_id});
    EXPECT_EQ(item.category, static_cast<int>(v1::INSPECTION));
    EXPECT_EQ(item.random_check, std::stoi(item.source_id.substr(3)) % 3 == 0) << item.source_id;
  }
  EXPECT_TRUE(found.contains({CreditCode(1), "JC-1"}));
  EXPECT_FALSE(found.contains({CreditCode(1), "JC-2"}));
  auto seen = registry_.seen();
  ASSERT_EQ(seen.size(), 4u);
  for (const auto& s : seen) {
    EXPECT_EQ(s.method, "GetPowersItems");
    EXPECT_LE(s.numbers, 21);
    EXPECT_LE(s.ids, 200);
  }

  // Cached, found or not: no call.
  EXPECT_EQ(client->PowersItems({CreditCode(1), CreditCode(2)}, {"JC-1", "JC-2"}).size(), 2u);
  EXPECT_EQ(registry_.seen().size(), 4u);
  // One new id: only it is asked, of the agencies asked about.
  EXPECT_EQ(client->PowersItems({CreditCode(1), CreditCode(2)}, {"JC-1", "JC-300"}).size(), 2u);
  seen = registry_.seen();
  ASSERT_EQ(seen.size(), 5u);
  EXPECT_EQ(seen.back().numbers, 2);
  EXPECT_EQ(seen.back().ids, 1);
  EXPECT_TRUE(client->PowersItems({}, {"JC-1"}).empty());
  EXPECT_EQ(registry_.seen().size(), 5u);
}

// 2,500 notices go in calls of at most 1,000, each signed for
// RecordInspectionPlans.
TEST_F(RegistryClientTest, InspectionPlansAreRecordedInCallsOfAtMost1000) {
  auto client = Client(std::chrono::milliseconds(0));
  std::vector<RegistryClient::InspectionPlanNotice> notices;
  for (int n = 0; n < 2500; ++n) notices.push_back({CreditCode(n), 2026, Day("2025-12-20")});
  client->RecordInspectionPlans(notices);
  const auto seen = registry_.seen();
  ASSERT_EQ(seen.size(), 3u);
  for (const auto& s : seen) EXPECT_EQ(s.method, "RecordInspectionPlans");
  EXPECT_EQ(Sizes(seen, &Seen::notices), (std::vector<int>{1000, 1000, 500}));
  const auto recorded = registry_.notices();
  ASSERT_EQ(recorded.size(), 2500u);
  EXPECT_EQ(recorded[0], CreditCode(0) + "/2026/2025-12-20");
  client->RecordInspectionPlans({});
  EXPECT_EQ(registry_.seen().size(), 3u) << "nothing to send, no call";
}

// 2,500 queries go in calls of at most 1,000, each signed for
// CheckQualificationLists; the answers come back one per query, in order.
TEST_F(RegistryClientTest, QualificationListsAreCheckedInCallsOfAtMost1000AnsweredInOrder) {
  auto client = Client(std::chrono::minutes(5));
  std::vector<RegistryClient::QualificationQuery> queries;
  for (int n = 0; n < 2500; ++n) queries.push_back({CreditCode(n % 7), Day(n % 2 == 0 ? "2026-03-01" : "2026-09-01")});
  const auto answers = client->QualificationLists(queries);
  ASSERT_EQ(answers.size(), 2500u);
  for (int n = 0; n < 2500; ++n) {
    EXPECT_EQ(answers[n].known, n % 7 != 0) << n;
    EXPECT_EQ(answers[n].current, n % 7 != 0 && n % 2 == 0) << n;
  }
  EXPECT_EQ(answers[1].reason, "not current on 2026-09-01");
  const auto seen = registry_.seen();
  ASSERT_EQ(seen.size(), 3u);
  for (const auto& s : seen) EXPECT_EQ(s.method, "CheckQualificationLists");
  EXPECT_EQ(Sizes(seen, &Seen::numbers), (std::vector<int>{1000, 1000, 500}));
  EXPECT_TRUE(client->QualificationLists({}).empty());
  EXPECT_EQ(registry_.seen().size(), 3u) << "nothing to ask, no call";
}

std::vector<std::string> CodesOf(const std::vector<RegistryClient::EnforcementUnitInfo>& units) {
  std::vector<std::string> out;
  for (const auto& unit : units) out.push_back(unit.credit_code);
  return out;
}

// The enforcement units come in one call signed for ListEnforcementUnits,
// by credit code, and are kept as one list for the ttl: asked again within
// it, no call, even when the registry's units have changed.
TEST_F(RegistryClientTest, EnforcementUnitsAreListedInOneCallAndKeptForTheTtl) {
  registry_.SetUnits({{CreditCode(2), "140200"}, {CreditCode(1), "140100"}});
  auto client = Client(std::chrono::minutes(5));
  const auto units = client->EnforcementUnits();
  ASSERT_EQ(units.size(), 2u);
  EXPECT_EQ(units[0].credit_code, CreditCode(1));
  EXPECT_EQ(units[0].name, "执法机构 " + CreditCode(1));
  EXPECT_EQ(units[0].city_code, "140100");
  EXPECT_EQ(units[1].credit_code, CreditCode(2));
  EXPECT_EQ(units[1].city_code, "140200");
  auto seen = registry_.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "ListEnforcementUnits");

  registry_.SetUnits({{CreditCode(3), "140100"}});
  EXPECT_EQ(CodesOf(client->EnforcementUnits()), (std::vector<std::string>{CreditCode(1), CreditCode(2)}));
  EXPECT_EQ(registry_.seen().size(), 1u) << "within the ttl, from the cache";
}

// A list older than the ttl is asked again (a ttl of 0: at every call), and
// the new list replaces the old.
TEST_F(RegistryClientTest, EnforcementUnitsOlderThanTheTtlAreAskedAgain) {
  registry_.SetUnits({{CreditCode(1), "140100"}});
  auto client = Client(std::chrono::milliseconds(0));
  EXPECT_EQ(CodesOf(client->EnforcementUnits()), std::vector<std::string>{CreditCode(1)});
  registry_.SetUnits({{CreditCode(1), "140100"}, {CreditCode(4), "140400"}});
  EXPECT_EQ(CodesOf(client->EnforcementUnits()), (std::vector<std::string>{CreditCode(1), CreditCode(4)}));
  registry_.SetUnits({});
  EXPECT_TRUE(client->EnforcementUnits().empty());
  EXPECT_EQ(registry_.seen().size(), 3u);
}

// A registry holding more units than one answer lists is FAILED_PRECONDITION
// (asking again does not help), with the registry's reason; nothing is kept.
TEST_F(RegistryClientTest, EnforcementUnitsOverTheRegistrysBoundAreAFailedPrecondition) {
  registry_.SetUnits({{CreditCode(1), "140100"}}, true);
  auto client = Client(std::chrono::minutes(5));
  try {
    client->EnforcementUnits();
    ADD_FAILURE() << "no error";
  } catch (const common::ServiceError& e) {
    EXPECT_EQ(e.code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_NE(std::string(e.what()).find("20000"), std::string::npos) << e.what();
  }
  registry_.SetUnits({{CreditCode(1), "140100"}});
  EXPECT_EQ(CodesOf(client->EnforcementUnits()), std::vector<std::string>{CreditCode(1)});
  EXPECT_EQ(registry_.seen().size(), 2u);
}

// A registry that cannot be reached is UNAVAILABLE for each question, never
// an answer of "unknown" or "not found".
TEST_F(RegistryClientTest, AnUnreachableRegistryIsUnavailableNeverUnknown) {
  auto client = Unreachable();
  const auto code = [](const auto& call) {
    try {
      call();
    } catch (const common::ServiceError& e) {
      return e.code();
    }
    return grpc::StatusCode::OK;
  };
  EXPECT_EQ(code([&] { client->CheckCertificates({"C-2"}, Day("2026-03-01"), Day("2026-03-31")); }),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(code([&] { client->PowersItems({CreditCode(1)}, {"JC-1"}); }), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(code([&] {
              client->RecordInspectionPlans({{CreditCode(1), 2026, Day("2025-12-20")}});
            }),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(code([&] { client->EnforcementUnits(); }), grpc::StatusCode::UNAVAILABLE) << "never an empty list";
  EXPECT_EQ(code([&] {
              client->QualificationLists({{CreditCode(1), Day("2026-03-01")}});
            }),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(code([&] { client->CheckCertificates({"not a number"}, Day("2026-03-01"), Day("2026-03-31")); }),
            grpc::StatusCode::OK)
      << "a number no registry would take needs no call";
}

}  // namespace
}  // namespace gongkai::registry
