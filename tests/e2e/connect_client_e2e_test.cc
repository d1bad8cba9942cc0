// A client nobody here wrote: the official Connect client for Node
// (tests/node/connect_client.mjs, from npm) calls public and city methods
// through the gateway's HTTP door of a real platform.
#include <gtest/gtest.h>

#include "tests/e2e/platform.h"

namespace gongkai::testing {
namespace {

class ConnectClientTest : public PlatformTest {};

TEST_F(ConnectClientTest, TheNodeClientCallsPublicAndCityMethods) {
  const std::string token = platform_->Authorization("city-140100").substr(std::string("Bearer ").size());
  auto run = RunNode("connect_client.mjs",
                     {{"GONGKAI_HTTP_URL", "http://127.0.0.1:" + std::to_string(platform_->gateway().ports.http)},
                      {"GONGKAI_PROTOSET", GONGKAI_PROTOSET},
                      {"GONGKAI_CITY_TOKEN", token},
                      {"GONGKAI_CREDIT_CODE", CreditCode("140100", 77)}});
  ASSERT_EQ(run.status, 0) << run.output;
  auto& steps = run.steps;
  const std::string& output = run.output;
  EXPECT_EQ(steps["upsert"]["outcome"], "ACCEPTED") << output;
  EXPECT_EQ(steps["get"]["name"], "太原市测试执法局") << output;
  EXPECT_EQ(steps["get"]["cacheControl"], "public, max-age=60") << output;
  EXPECT_GE(steps["list"]["count"].get<int>(), 1) << output;
  EXPECT_EQ(steps["verify"]["verdict"], "UNKNOWN") << output;
  EXPECT_EQ(steps["violation"]["code"], "InvalidArgument") << output;
  EXPECT_EQ(steps["violation"]["field"], "subject") << output;
  EXPECT_EQ(steps["anonymous_write"]["code"], "Unauthenticated") << output;
  EXPECT_EQ(steps["forged_token"]["code"], "Unauthenticated") << output;
}

}  // namespace
}  // namespace gongkai::testing
