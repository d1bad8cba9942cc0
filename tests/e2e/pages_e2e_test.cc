// The web pages in a real browser (tests/node/*_page.mjs: Debian's Chromium
// driven by puppeteer-core) against one real platform holding the demo
// province (tools/demo_load, on the pinned date), as a person would find it.
// Screenshots go to build/screenshots/; each page's first paint is printed.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "gongkai/registry/v1/registry.grpc.pb.h"
#include "tests/e2e/platform.h"
#include "tests/e2e/records.h"

namespace gongkai::testing {
namespace {

using registry::v1::RegistryService;

// The demo's natural persons, as their city sent them: none of it may show
// on a public page (data/demo/penalties.json).
constexpr char kDemoPersonalData[] = "王建国|140102197001101016|13935100000|太原市迎泽大街10号";

// The build's folder, where the screenshots' folder is.
const std::string kBuildDir = std::filesystem::path(GONGKAI_SCREENSHOTS_DIR).parent_path().string();

class PagesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    PlatformOptions options;
    options.pinned_date = kTestDate;
    // The processes' logs go to build/pages-logs/, so that a failing page's
    // own output heads the test's.
    options.log_dir = kBuildDir + "/pages-logs";
    platform_ = new Platform(options);
    // The demo, loaded through the gateway as scripts/up loads it, dated
    // from the platform's day. The desk's requests are not loaded: the
    // tests' desk works for an agency of its own (Platform::DeskAgency).
    nlohmann::json tokens;
    for (const std::string& principal :
         {"province", "city-140100", "city-140200", "city-140300", "city-140400", "city-140500", "city-140600",
          "city-140700", "city-140800", "city-140900", "city-141000", "city-141100"}) {
      tokens[principal] = platform_->Authorization(principal).substr(std::string("Bearer ").size());
    }
    const std::string tokens_file = kBuildDir + "/pages-demo-tokens.json";
    std::ofstream(tokens_file) << tokens.dump();
    std::filesystem::create_directories(GONGKAI_SCREENSHOTS_DIR);
    const std::string command = std::string("GONGKAI_PINNED_DATE=") + kTestDate + " GONGKAI_ALLOW_PINNED_CLOCK=true '" +
                                GONGKAI_DEMO_LOAD_BIN +
                                "' --gateway=127.0.0.1:" + std::to_string(platform_->gateway().ports.grpc) +
                                " --demo-data='" + GONGKAI_SOURCE_DIR + "/data/demo/shanxi.json' --demo-tokens='" +
                                tokens_file + "' > '" + tokens_file + ".log' 2>&1";
    demo_loaded_ = std::system(command.c_str()) == 0;
    std::remove(tokens_file.c_str());
    if (!demo_loaded_) {
      demo_log_ = ReadFile(tokens_file + ".log");
      if (demo_log_.size() > 4000) demo_log_ = "..." + demo_log_.substr(demo_log_.size() - 4000);
    }
  }
  static void TearDownTestSuite() {
    delete platform_;
    platform_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(demo_loaded_) << "the demo did not load:\n" << demo_log_; }

  static std::string Token(const std::string& principal) {
    return platform_->Authorization(principal).substr(std::string("Bearer ").size());
  }

  static std::map<std::string, std::string> Env(std::map<std::string, std::string> more = {}) {
    more["GONGKAI_HTTP_URL"] = "http://127.0.0.1:" + std::to_string(platform_->gateway().ports.http);
    more["GONGKAI_SCREENSHOTS"] = GONGKAI_SCREENSHOTS_DIR;
    return more;
  }

  static void PrintPaint(const std::string& page, const NodeRun& run) {
    if (run.steps.count("paint"))
      std::cout << page << " first paint: " << run.steps.at("paint")["firstPaintMs"] << " ms\n";
  }

  static Platform* platform_;
  static bool demo_loaded_;
  static std::string demo_log_;
};

Platform* PagesTest::platform_ = nullptr;
bool PagesTest::demo_loaded_ = false;
std::string PagesTest::demo_log_;

TEST_F(PagesTest, ThePublicScansABadgeAndSeesTheVerdict) {
  // An officer of the demo's first agency in Taiyuan, whose badge code the city prints.
  registry::v1::ListOfficersRequest list;
  list.set_agency_credit_code("11140100MB00001016");
  registry::v1::ListOfficersResponse officers;
  ASSERT_TRUE(platform_->Call("", &RegistryService::Stub::ListOfficers, list, &officers).ok());
  ASSERT_GT(officers.officers_size(), 0);
  const std::string certificate = officers.officers(0).certificate_number();
  registry::v1::GetOfficerCodeRequest asked;
  asked.set_certificate_number(certificate);
  registry::v1::GetOfficerCodeResponse code;
  ASSERT_TRUE(platform_->Call("city-140100", &RegistryService::Stub::GetOfficerCode, asked, &code).ok());

  auto run = RunNode("verify_page.mjs",
                     Env({{"GONGKAI_OFFICER_CODE", code.officer_code()}, {"GONGKAI_CERTIFICATE", certificate}}));
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_NE(run.steps["scanned"]["link"].get<std::string>().find("officer_code=" + code.officer_code()),
            std::string::npos);
  EXPECT_EQ(run.steps["verdict"]["verdict"], "有效") << run.output;
  EXPECT_EQ(run.steps["forged"]["verdict"], "查无此证") << run.output;
  std::cout << "verification page first paint: " << run.steps["verdict"]["firstPaintMs"] << " ms\n";
}

TEST_F(PagesTest, TheDeskRegistersConsultsAndReplies) {
  // The desk's own agency, in Taiyuan.
  registry::v1::UpsertAgenciesRequest agencies;
  *agencies.add_agencies() = MakeAgency("140100", "140100", 901);
  registry::v1::UpsertAgenciesResponse stored;
  ASSERT_TRUE(platform_->Call("city-140100", &RegistryService::Stub::UpsertAgencies, agencies, &stored).ok());
  ASSERT_EQ(agencies.agencies(0).credit_code(), Platform::DeskAgency(1));

  auto run = RunNode("desk_page.mjs", Env({{"GONGKAI_DESK_TOKEN", Token("desk")}}));
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_EQ(run.steps["signed_in"]["today"], kTestDate) << run.output;
  // Registered, its due date moved by the consultation, refused without an
  // element the outcome needs, then replied.
  EXPECT_FALSE(run.steps["registered"]["dueDate"].get<std::string>().empty()) << run.output;
  EXPECT_NE(run.steps["consulted"]["before"], run.steps["consulted"]["after"]) << run.output;
  // Extended once, then offered no second extension; a corrected request's
  // days before the correction explained as not counted.
  EXPECT_FALSE(run.steps["extended"]["refusal"].get<std::string>().empty()) << run.output;
  EXPECT_GT(run.steps["corrected"]["beforeCorrection"].get<int>(), 0) << run.output;
  EXPECT_FALSE(run.steps["reply_refused"]["violations"].empty()) << run.output;
  EXPECT_TRUE(run.steps.count("replied")) << run.output;
  EXPECT_TRUE(run.steps.count("report")) << run.output;
  PrintPaint("desk page", run);
}

TEST_F(PagesTest, TheDashboardShowsTheProvinceApisFigures) {
  auto run = RunNode("dashboard_page.mjs", Env({{"GONGKAI_PROVINCE_TOKEN", Token("province")}}));
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_EQ(run.steps["kpis"]["cities"], 11) << run.output;
  EXPECT_GT(run.steps["kpis"]["figures"].get<int>(), 44) << run.output;  // at least four KPIs in each city
  EXPECT_TRUE(run.steps.count("drill")) << run.output;
  PrintPaint("dashboard", run);
}

TEST_F(PagesTest, ThePublicSearchesWhatWasPublished) {
  auto run = RunNode("portal_page.mjs", Env({{"GONGKAI_PRIVATE", kDemoPersonalData}}));
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_GT(run.steps["search"]["rows"].get<int>(), 0) << run.output;
  EXPECT_TRUE(run.steps.count("detail")) << run.output;
  // A company found by its credit code; a person's identity number finds nothing.
  EXPECT_GT(run.steps["credit_code"]["rows"].get<int>(), 0) << run.output;
  EXPECT_GT(run.steps["withdrawals"]["rows"].get<int>(), 0) << run.output;
  EXPECT_TRUE(run.steps.count("inspections")) << run.output;
  EXPECT_TRUE(run.steps.count("reviews")) << run.output;
  PrintPaint("portal", run);
}

}  // namespace
}  // namespace gongkai::testing
