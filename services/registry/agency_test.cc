#include "services/registry/agency.h"

#include <gtest/gtest.h>

#include "common/domains.h"
#include "common/identifiers.h"

namespace gongkai::registry {
namespace {

Agency Valid() {
  Agency a;
  std::string first17 = "11140100MB0000001";
  a.credit_code = first17 + common::CreditCodeCheckCharacter(first17);
  a.name = "太原市市场监督管理局";
  a.legal_representative = "王某";
  a.area_code = "140100";
  a.contact = "0351-1234567";
  a.domains = {"market_regulation"};
  a.valid_from = "2026-01-01";
  a.valid_until = "2030-12-31";
  a.source_version = 1;
  return a;
}

bool Names(const common::Violations& v, const std::string& field) {
  for (const auto& x : v) {
    if (x.field == field) return true;
  }
  return false;
}

TEST(AgencyRules, ValidAgencyHasNoViolations) { EXPECT_TRUE(ValidateAgency(Valid(), "a").empty()); }

TEST(AgencyRules, EveryBrokenRuleIsNamedFieldByField) {
  Agency a = Valid();
  a.credit_code[17] = a.credit_code[17] == '0' ? '1' : '0';
  a.name = "  ";
  a.legal_representative = "";
  a.contact = "";
  a.area_code = "1401";
  a.domains = {"astrology"};
  a.valid_from = "2026-02-30";
  a.source_version = 0;
  auto v = ValidateAgency(a, "agencies[4]");
  EXPECT_TRUE(Names(v, "agencies[4].credit_code"));
  EXPECT_TRUE(Names(v, "agencies[4].name"));
  EXPECT_TRUE(Names(v, "agencies[4].legal_representative"));
  EXPECT_TRUE(Names(v, "agencies[4].contact"));
  EXPECT_TRUE(Names(v, "agencies[4].area_code"));
  EXPECT_TRUE(Names(v, "agencies[4].domains[0]"));
  EXPECT_TRUE(Names(v, "agencies[4].valid_from"));
  EXPECT_TRUE(Names(v, "agencies[4].source_version"));
  EXPECT_EQ(v.size(), 8u);
}

TEST(AgencyRules, ValidityMustStartBeforeItEnds) {
  Agency a = Valid();
  a.valid_until = a.valid_from;
  auto v = ValidateAgency(a, "a");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].field, "a.valid_until");
}

TEST(AgencyRules, NeedsAtLeastOneDomainAndNoRepeats) {
  Agency a = Valid();
  a.domains = {};
  EXPECT_TRUE(Names(ValidateAgency(a, "a"), "a.domains"));
  a.domains = {"transport", "transport"};
  EXPECT_TRUE(Names(ValidateAgency(a, "a"), "a.domains[1]"));
}

TEST(AgencyRules, KeyDomainsAreThePlansFive) {
  for (const char* d : {"market_regulation", "ecology_environment", "transport", "urban_management", "agriculture"}) {
    EXPECT_TRUE(common::IsKeyDomain(d)) << d;
  }
  EXPECT_FALSE(common::IsKeyDomain("health"));
}

}  // namespace
}  // namespace gongkai::registry
