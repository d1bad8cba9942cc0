// A client nobody here wrote: the official Connect client for Node
// (tests/node/connect_client.mjs, from npm) calls public and city methods
// through the gateway's HTTP door of a real platform.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/e2e/platform.h"

namespace gongkai::testing {
namespace {

class ConnectClientTest : public PlatformTest {};

TEST_F(ConnectClientTest, TheNodeClientCallsPublicAndCityMethods) {
  const std::string dir = std::string(GONGKAI_SOURCE_DIR) + "/tests/node";
  ASSERT_TRUE(std::filesystem::exists(dir + "/node_modules/@connectrpc/connect-node"))
      << "run npm ci in tests/node (scripts/test does)";
  const std::string token = platform_->Authorization("city-140100").substr(std::string("Bearer ").size());
  const std::string command =
      "cd '" + dir + "' && GONGKAI_HTTP_URL=http://127.0.0.1:" + std::to_string(platform_->gateway().ports.http) +
      " GONGKAI_PROTOSET='" + GONGKAI_PROTOSET + "' GONGKAI_CITY_TOKEN='" + token + "' GONGKAI_CREDIT_CODE='" +
      CreditCode("140100", 77) + "' node connect_client.mjs 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[4096];
  while (std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int status = pclose(pipe);
  ASSERT_EQ(status, 0) << output;

  std::map<std::string, nlohmann::json> steps;
  std::size_t start = 0;
  while (start < output.size()) {
    std::size_t end = output.find('\n', start);
    if (end == std::string::npos) end = output.size();
    auto line = nlohmann::json::parse(output.substr(start, end - start), nullptr, false);
    if (line.is_object() && line.contains("step")) steps[line["step"]] = line;
    start = end + 1;
  }
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
