// Stops and restarts the test cluster itself: ctest runs it alone (RUN_SERIAL).
#include <gtest/gtest.h>

#include <cstdlib>

#include "gongkai/registry/v1/registry.grpc.pb.h"
#include "tests/e2e/platform.h"

namespace gongkai {
namespace {

int PgCtl(const std::string& action) {
  const char* dir = std::getenv("GONGKAI_TEST_PG_DIR");
  const char* port = std::getenv("GONGKAI_TEST_PG_PORT");
  if (dir == nullptr || port == nullptr) throw std::runtime_error("GONGKAI_TEST_PG_DIR/PORT unset: run scripts/test");
  std::string command = std::string(GONGKAI_SOURCE_DIR) + "/scripts/pg " + action + " " + dir + " " + port;
  return std::system(command.c_str());
}

grpc::Status Write(testing::Platform& platform, int serial) {
  registry::v1::UpsertAgenciesRequest request;
  auto* a = request.add_agencies();
  a->set_credit_code(testing::CreditCode("140105", serial));
  a->set_name("太原市生态环境局");
  a->set_legal_representative("钱某");
  a->set_area_code("140105");
  a->set_contact("0351-1111111");
  a->add_domains("ecology_environment");
  a->set_valid_from("2026-01-01");
  a->set_valid_until("2030-01-01");
  a->set_source_version(1);
  registry::v1::UpsertAgenciesResponse response;
  return platform.Call("city-140100", &registry::v1::RegistryService::Stub::UpsertAgencies, request, &response);
}

TEST(DatabaseRestart, WritesAreUnavailableWhileDownAndSucceedAfterWithoutServiceRestart) {
  testing::Platform platform;
  ASSERT_TRUE(Write(platform, 1).ok());
  pid_t registry_pid = platform.service("registry").process->pid();

  ASSERT_EQ(PgCtl("stop"), 0);
  grpc::Status down = Write(platform, 2);
  bool not_serving =
      testing::Eventually([&] { return testing::HealthOf(platform.Direct("registry")) == "NOT_SERVING"; }, 5000);
  // Restart the cluster before asserting, so a failure here cannot leave it down.
  bool restarted = PgCtl("start") == 0;
  EXPECT_EQ(down.error_code(), grpc::StatusCode::UNAVAILABLE) << down.error_message();
  EXPECT_EQ(down.error_message().find("SELECT"), std::string::npos);
  EXPECT_TRUE(not_serving);
  ASSERT_TRUE(restarted);

  EXPECT_TRUE(testing::Eventually([&] { return Write(platform, 3).ok(); }, 15000));
  EXPECT_TRUE(testing::Eventually([&] { return testing::HealthOf(platform.Direct("registry")) == "SERVING"; }, 5000));
  EXPECT_EQ(platform.service("registry").process->pid(), registry_pid);
  EXPECT_TRUE(platform.service("registry").process->running());
}

}  // namespace
}  // namespace gongkai
