// Hostile input through the gateway: records a city sends that no store can
// keep as they are, and secrets too short to start with. Every record sent is
// stored or rejected with its reasons and kept; a resend never sinks a batch.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "common/calendar/iso_date.h"
#include "common/clock.h"
#include "common/identifiers.h"
#include "common/proto_strings.h"
#include "common/service_table.h"
#include "gongkai/penalties/v1/penalties.grpc.pb.h"
#include "gongkai/registry/v1/registry.grpc.pb.h"
#include "tests/e2e/platform.h"
#include "tests/e2e/records.h"

extern char** environ;

namespace gongkai {
namespace {

using penalties::v1::PenaltiesService;
using registry::v1::RegistryService;
using RecordResult = common::v1::RecordResult;
using testing::CreditCode;

const std::string kNul(1, '\0');

// The rule of each violation at `field` of a result.
std::vector<std::string> RulesAt(const RecordResult& result, const std::string& field) {
  std::vector<std::string> out;
  for (const auto& v : result.violations()) {
    if (v.field() == field) out.push_back(v.description());
  }
  return out;
}

bool NamesNul(const RecordResult& result, const std::string& field) {
  for (const auto& rule : RulesAt(result, field)) {
    if (rule == common::kNoNulRule) return true;
  }
  return false;
}

class HostileInput : public testing::PlatformTest {
 protected:
  static registry::v1::Agency MakeAgency(const std::string& city, int serial) {
    return testing::MakeAgency(city, city, serial);
  }

  registry::v1::UpsertAgenciesResponse UpsertAgencies(const std::vector<registry::v1::Agency>& agencies) {
    registry::v1::UpsertAgenciesRequest request;
    for (const auto& a : agencies) *request.add_agencies() = a;
    registry::v1::UpsertAgenciesResponse response;
    grpc::Status status = Call("city-140100", &RegistryService::Stub::UpsertAgencies, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_code() << ": " << status.error_message();
    return response;
  }

  // A valid decision of agency_ on a company.
  penalties::v1::PenaltyDecision Decision(const std::string& source_id) {
    return testing::CompanyDecision(agency_, source_id, IsoDaysAgo(1));
  }

  penalties::v1::UpsertResponse UpsertDecisions(const std::vector<penalties::v1::PenaltyDecision>& decisions) {
    penalties::v1::UpsertDecisionsRequest request;
    for (const auto& d : decisions) *request.add_decisions() = d;
    penalties::v1::UpsertResponse response;
    grpc::Status status = Call("city-140100", &PenaltiesService::Stub::UpsertDecisions, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_code() << ": " << status.error_message();
    return response;
  }

  std::vector<common::v1::Rejection> PenaltyRejections() {
    penalties::v1::ListRejectionsResponse response;
    grpc::Status status =
        Call("city-140100", &PenaltiesService::Stub::ListRejections, penalties::v1::ListRejectionsRequest(), &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.rejections().begin(), response.rejections().end()};
  }

  std::vector<common::v1::Rejection> RegistryRejections() {
    registry::v1::ListRejectionsResponse response;
    grpc::Status status =
        Call("city-140100", &RegistryService::Stub::ListRejections, registry::v1::ListRejectionsRequest(), &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.rejections().begin(), response.rejections().end()};
  }

  grpc::Status GetPublished(const std::string& source_id) {
    penalties::v1::GetRecordRequest request;
    request.set_kind(penalties::v1::GetRecordRequest::DECISION);
    request.set_agency_credit_code(agency_);
    request.set_source_id(source_id);
    penalties::v1::PublishedRecord record;
    return Call("", &PenaltiesService::Stub::GetPublished, request, &record);
  }

  std::string agency_;
};

TEST_F(HostileInput, ANulInADecisionRejectsItAloneAndTheRejectionIsKept) {
  auto agency = UpsertAgencies({MakeAgency("140100", 61)});
  ASSERT_EQ(agency.results(0).outcome(), RecordResult::ACCEPTED);
  agency_ = CreditCode("140100", 61);

  const auto good = Decision("NUL-1");
  auto bad = Decision("NUL-2");
  bad.set_facts("当事人销售过期食品" + kNul + "，货值金额1200元。");
  bad.mutable_applied(0)->set_law("中华人民共和国食品安全法" + kNul);
  auto bad_key = Decision("NUL-3" + kNul + "x");  // the record's key holds it too

  auto first = UpsertDecisions({good, bad, bad_key});
  ASSERT_EQ(first.results_size(), 3);
  EXPECT_EQ(first.results(0).outcome(), RecordResult::ACCEPTED) << first.DebugString();
  ASSERT_EQ(first.results(1).outcome(), RecordResult::REJECTED);
  EXPECT_TRUE(NamesNul(first.results(1), "decisions[1].facts")) << first.results(1).DebugString();
  EXPECT_TRUE(NamesNul(first.results(1), "decisions[1].applied[0].law")) << first.results(1).DebugString();
  ASSERT_EQ(first.results(2).outcome(), RecordResult::REJECTED);
  EXPECT_TRUE(NamesNul(first.results(2), "decisions[2].source_id")) << first.results(2).DebugString();
  EXPECT_TRUE(GetPublished("NUL-1").ok()) << "the good record of the batch is published";

  // Both rejections are kept, with the record as sent: JSON's escape of NUL.
  auto rejections = PenaltyRejections();
  ASSERT_EQ(rejections.size(), 2u);
  std::map<std::string, common::v1::Rejection> by_key;
  for (const auto& r : rejections) by_key[r.key()] = r;
  ASSERT_TRUE(by_key.contains(agency_ + "/NUL-2"));
  const auto& kept = by_key[agency_ + "/NUL-2"];
  EXPECT_NE(kept.raw_json().find(R"(\u0000，货值金额)"), std::string::npos) << kept.raw_json();
  bool names_facts = false;
  for (const auto& v : kept.violations()) names_facts |= v.field() == "decisions[1].facts";
  EXPECT_TRUE(names_facts);
  EXPECT_TRUE(by_key.contains(agency_ + R"(/NUL-3\u0000x)")) << "a key's NUL is kept as the text \\u0000";

  // The same batch again: no INTERNAL, the city's queue moves on.
  auto again = UpsertDecisions({good, bad, bad_key});
  ASSERT_EQ(again.results_size(), 3);
  EXPECT_EQ(again.results(0).outcome(), RecordResult::UNCHANGED);
  EXPECT_EQ(again.results(1).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(again.results(2).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(PenaltyRejections().size(), 2u) << "a resend replaces its rejections";

  // Corrected, it is stored and its rejection cleared.
  auto fixed = Decision("NUL-2");
  fixed.set_source_version(2);
  EXPECT_EQ(UpsertDecisions({fixed}).results(0).outcome(), RecordResult::ACCEPTED);
  EXPECT_TRUE(GetPublished("NUL-2").ok());
  auto left = PenaltyRejections();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].key(), agency_ + R"(/NUL-3\u0000x)");
}

TEST_F(HostileInput, ANulInAnAgencysNameRejectsItAloneAndTheRejectionIsKept) {
  const auto good = MakeAgency("140100", 71);
  auto bad = MakeAgency("140100", 72);
  bad.set_name("太原市" + kNul + "市场监督管理局");

  auto first = UpsertAgencies({good, bad});
  ASSERT_EQ(first.results_size(), 2);
  EXPECT_EQ(first.results(0).outcome(), RecordResult::ACCEPTED) << first.DebugString();
  ASSERT_EQ(first.results(1).outcome(), RecordResult::REJECTED);
  EXPECT_TRUE(NamesNul(first.results(1), "agencies[1].name")) << first.results(1).DebugString();

  registry::v1::GetAgencyRequest get;
  get.set_credit_code(good.credit_code());
  registry::v1::Agency stored;
  EXPECT_TRUE(Call("", &RegistryService::Stub::GetAgency, get, &stored).ok()) << "the good agency is stored";
  get.set_credit_code(bad.credit_code());
  EXPECT_EQ(Call("", &RegistryService::Stub::GetAgency, get, &stored).error_code(), grpc::StatusCode::NOT_FOUND);

  auto rejections = RegistryRejections();
  ASSERT_EQ(rejections.size(), 1u);
  EXPECT_EQ(rejections[0].key(), bad.credit_code());
  EXPECT_NE(rejections[0].raw_json().find(R"(太原市\u0000市场监督管理局)"), std::string::npos)
      << rejections[0].raw_json();

  auto again = UpsertAgencies({good, bad});
  ASSERT_EQ(again.results_size(), 2);
  EXPECT_EQ(again.results(0).outcome(), RecordResult::UNCHANGED);
  EXPECT_EQ(again.results(1).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(RegistryRejections().size(), 1u) << "a resend replaces its rejection";
}

// A process run to its end: its exit status and what it wrote on stderr.
struct Exit {
  int status = -1;  // the exit status, or -1 when it did not exit by itself
  std::string stderr_text;
};

// Runs `binary` with only `env` among GONGKAI_ settings; stops it when it has
// not exited within 20 s.
Exit RunToExit(const std::string& binary, const std::map<std::string, std::string>& env, const std::string& dir) {
  std::vector<std::string> entries;
  for (char** e = environ; *e != nullptr; ++e) {
    if (!std::string(*e).starts_with("GONGKAI_")) entries.emplace_back(*e);
  }
  for (const auto& [k, v] : env) entries.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : entries) envp.push_back(e.data());
  envp.push_back(nullptr);
  const std::string err = dir + "/stderr";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::string arg0 = binary;
  char* argv[] = {arg0.data(), nullptr};
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) throw std::runtime_error("cannot start " + binary);
  Exit out;
  int status = 0;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > give_up) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      out.stderr_text = testing::ReadFile(err);
      return out;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (WIFEXITED(status)) out.status = WEXITSTATUS(status);
  out.stderr_text = testing::ReadFile(err);
  return out;
}

class ShortSecrets : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/gongkai-secrets-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    // The test binary is in the build folder's tests/; a service's binary is
    // where ServiceEntry::binary() says, under the build folder.
    const auto build = std::filesystem::read_symlink("/proc/self/exe").parent_path().parent_path();
    for (const auto& entry : common::ServiceTable()) {
      if (entry.name == "registry") registry_ = (build / entry.binary()).string();
    }
    ASSERT_FALSE(registry_.empty());
    ASSERT_TRUE(std::filesystem::exists(registry_)) << registry_;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Secret(const std::string& name, const std::string& content) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path) << content << "\n";
    return path;
  }

  std::map<std::string, std::string> Env(const std::string& identity, const std::string& code) {
    return {{"GONGKAI_DATABASE_URL", "host=127.0.0.1 port=1 dbname=none connect_timeout=1"},
            {"GONGKAI_DB_WAIT_SECONDS", "0"},
            {"GONGKAI_LISTEN", "127.0.0.1:0"},
            {"GONGKAI_METRICS_LISTEN", "127.0.0.1:0"},
            {"GONGKAI_IDENTITY_KEY_FILE", identity},
            {"GONGKAI_IDENTITY_TRUST_FILE", Secret("trusted-keys", "# none")},
            {"GONGKAI_OFFICER_CODE_SECRET_FILE", code}};
  }

  const std::string kLong = "a-secret-of-forty-bytes-or-so-0123456789";
  const std::string kShort = "thirty-one-bytes-0123456789abcd";
  std::string dir_;
  std::string registry_;
};

TEST_F(ShortSecrets, TheRegistryRefusesABadgeCodeSecretUnder32Bytes) {
  ASSERT_EQ(kShort.size(), 31u);
  for (const std::string& code : {std::string(), kShort}) {
    auto exit = RunToExit(registry_, Env(Secret("identity.key", kLong), Secret("code.key", code)), dir_);
    EXPECT_EQ(exit.status, 2) << exit.stderr_text;
    EXPECT_NE(exit.stderr_text.find("officer_code_secret_unusable"), std::string::npos) << exit.stderr_text;
    EXPECT_NE(exit.stderr_text.find("GONGKAI_OFFICER_CODE_SECRET_FILE: the secret must be at least 32 bytes"),
              std::string::npos)
        << exit.stderr_text;
    if (!code.empty()) {
      EXPECT_EQ(exit.stderr_text.find(code), std::string::npos) << "no secret in the log";
    }
  }
}

TEST_F(ShortSecrets, AServiceRefusesAnIdentityKeyThatIsNotAnEd25519PrivateKey) {
  // A secret of the length an HMAC would take, where the private key belongs.
  auto exit = RunToExit(registry_, Env(Secret("identity.key", kLong), Secret("code.key", kLong)), dir_);
  EXPECT_EQ(exit.status, 2) << exit.stderr_text;
  EXPECT_NE(exit.stderr_text.find("identity_keys_unusable"), std::string::npos) << exit.stderr_text;
  EXPECT_NE(exit.stderr_text.find("GONGKAI_IDENTITY_KEY_FILE " + dir_ +
                                  "/identity.key: it does not read as a PEM "
                                  "private key"),
            std::string::npos)
      << exit.stderr_text;
  EXPECT_EQ(exit.stderr_text.find(kLong), std::string::npos) << "no secret in the log";
}

}  // namespace
}  // namespace gongkai
