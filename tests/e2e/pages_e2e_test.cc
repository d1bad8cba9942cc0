// The web pages in a real browser (tests/node/*_page.mjs: Debian's Chromium
// driven by puppeteer-core) against a real platform. Screenshots go to
// build/screenshots/.
#include <gtest/gtest.h>

#include "gongkai/registry/v1/registry.grpc.pb.h"
#include "tests/e2e/platform.h"
#include "tests/e2e/records.h"

namespace gongkai::testing {
namespace {

using registry::v1::RegistryService;

class PagesTest : public PlatformTest {
 protected:
  std::map<std::string, std::string> Env(std::map<std::string, std::string> more = {}) {
    more["GONGKAI_HTTP_URL"] = "http://127.0.0.1:" + std::to_string(platform_->gateway().ports.http);
    more["GONGKAI_SCREENSHOTS"] = GONGKAI_SCREENSHOTS_DIR;
    return more;
  }
};

TEST_F(PagesTest, ThePublicScansABadgeAndSeesTheVerdict) {
  const std::string agency = AddAgency("140100", 1);
  registry::v1::UpsertOfficersRequest officers;
  *officers.add_officers() = CertifiedOfficer("TY-PAGE-1", agency, "2025-01-01", "2030-12-31");
  registry::v1::UpsertOfficersResponse stored;
  ASSERT_TRUE(Call("city-140100", &RegistryService::Stub::UpsertOfficers, officers, &stored).ok());
  ASSERT_EQ(stored.results(0).outcome(), common::v1::RecordResult::ACCEPTED);
  registry::v1::GetOfficerCodeRequest asked;
  asked.set_certificate_number("TY-PAGE-1");
  registry::v1::GetOfficerCodeResponse code;
  ASSERT_TRUE(Call("city-140100", &RegistryService::Stub::GetOfficerCode, asked, &code).ok());

  auto run = RunNode("verify_page.mjs",
                     Env({{"GONGKAI_OFFICER_CODE", code.officer_code()}, {"GONGKAI_CERTIFICATE", "TY-PAGE-1"}}));
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_NE(run.steps["scanned"]["link"].get<std::string>().find("officer_code=" + code.officer_code()),
            std::string::npos);
  EXPECT_EQ(run.steps["verdict"]["verdict"], "有效") << run.output;
  EXPECT_EQ(run.steps["forged"]["verdict"], "查无此证") << run.output;
  std::cout << "first paint of the verification page: " << run.steps["verdict"]["firstPaintMs"] << " ms\n";
}

}  // namespace
}  // namespace gongkai::testing
