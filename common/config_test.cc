#include "common/config.h"

#include <gtest/gtest.h>

namespace gongkai::common {
namespace {

TEST(Config, FlagOverridesEnvironment) {
  Config c({{"GONGKAI_LISTEN", "127.0.0.1:1"}}, {"--listen=127.0.0.1:2"});
  EXPECT_EQ(c.Address("GONGKAI_LISTEN", "127.0.0.1:0", ""), "127.0.0.1:2");
  EXPECT_TRUE(c.Errors().empty());
}

TEST(Config, HelpListsASettingTwoReadersShareOnce) {
  Config c({}, {});
  c.Int("GONGKAI_TLS_REFRESH_SECONDS", 60, 1, 86400, "how often the files are read again");
  c.String("GONGKAI_TLS_CERT_FILE", "", "certificate");
  c.Int("GONGKAI_TLS_REFRESH_SECONDS", 60, 1, 86400, "how often the files are read again");
  const std::string help = c.Help();
  const std::string line = "--tls-refresh-seconds (GONGKAI_TLS_REFRESH_SECONDS, default 60";
  ASSERT_NE(help.find(line), std::string::npos) << help;
  EXPECT_EQ(help.find(line), help.rfind(line)) << help;
  EXPECT_LT(help.find(line), help.find("--tls-cert-file")) << "listed where first read:\n" << help;
}

TEST(Config, EnvironmentOverridesDefault) {
  Config c({{"GONGKAI_POOL_SIZE", "12"}}, {});
  EXPECT_EQ(c.Int("GONGKAI_POOL_SIZE", 4, 1, 64, ""), 12);
}

TEST(Config, BadValuesAreNamed) {
  Config c({{"GONGKAI_POOL_SIZE", "many"}}, {"--listen=nowhere", "--max-batch=0"});
  c.Int("GONGKAI_POOL_SIZE", 4, 1, 64, "");
  c.Address("GONGKAI_LISTEN", "127.0.0.1:0", "");
  c.Int("GONGKAI_MAX_BATCH", 1000, 1, 10000, "");
  c.RequiredString("GONGKAI_DATABASE_URL", "");
  auto errors = c.Errors();
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_NE(errors[0].find("GONGKAI_POOL_SIZE"), std::string::npos);
  EXPECT_NE(errors[0].find("not an integer"), std::string::npos);
  EXPECT_NE(errors[1].find("GONGKAI_LISTEN"), std::string::npos);
  EXPECT_NE(errors[2].find("outside 1..10000"), std::string::npos);
  EXPECT_NE(errors[3].find("GONGKAI_DATABASE_URL"), std::string::npos);
}

TEST(Config, UnknownFlagIsAnError) {
  Config c({}, {"--lisen=127.0.0.1:1"});
  c.Address("GONGKAI_LISTEN", "127.0.0.1:0", "");
  auto errors = c.Errors();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("--lisen"), std::string::npos);
}

}  // namespace
}  // namespace gongkai::common
