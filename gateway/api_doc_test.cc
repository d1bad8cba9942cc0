// docs/API.md says what the code does.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "common/domains.h"

namespace gongkai::gateway {
namespace {

TEST(ApiDoc, ListsEveryEnforcementDomainCodeAndNoOther) {
  std::ifstream in(std::string(GONGKAI_SOURCE_DIR) + "/docs/API.md");
  ASSERT_TRUE(in) << "docs/API.md";
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  const std::string table = doc.substr(doc.find("## Enforcement domain codes"));
  std::vector<std::string> listed;
  std::regex row(R"(\n\| `([a-z_]+)` \|)");
  for (std::sregex_iterator it(table.begin(), table.end(), row), end; it != end; ++it) listed.push_back((*it)[1]);
  EXPECT_EQ(listed, common::EnforcementDomains());
}

}  // namespace
}  // namespace gongkai::gateway
