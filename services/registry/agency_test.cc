#include "services/registry/agency.h"

#include <gtest/gtest.h>

#include "common/calendar/iso_date.h"
#include "common/domains.h"
#include "common/identifiers.h"
#include "common/testing/dates.h"

namespace gongkai::registry {
namespace {

using gongkai::testing::Day;

Agency Valid() {
  Agency a;
  std::string first17 = "11140100MB0000001";
  a.credit_code = first17 + common::CreditCodeCheckCharacter(first17);
  a.name = "太原市市场监督管理局";
  a.legal_representative = "王某";
  a.area_code = "140100";
  a.contact = "0351-1234567";
  a.domains = {"market_regulation"};
  a.valid_from = Day("2026-01-01");
  a.valid_until = Day("2030-12-31");
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
  a.valid_from = std::nullopt;  // "2026-02-30" as sent: not a date
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

TEST(AgencyRules, ExpiredOnlyOnceValidityHasEnded) {
  Agency a = Valid();
  EXPECT_FALSE(IsExpired(a, Day("2030-12-31")));
  EXPECT_TRUE(IsExpired(a, Day("2031-01-01")));
}

TEST(QualificationListConfirmation, ThisYearsClockStartsOn1JanuaryAndIsDoneByAConfirmationThisYear) {
  AnnualConfirmation c = ThisYearsConfirmation(Day("2026-03-15"), Day("2026-11-28"));
  EXPECT_EQ(c.clock_start, Day("2026-01-01"));
  EXPECT_EQ(c.done, Day("2026-03-15"));
  c = ThisYearsConfirmation(Day("2025-12-20"), Day("2026-01-10"));
  EXPECT_EQ(c.clock_start, Day("2026-01-01"));
  EXPECT_EQ(c.done, std::nullopt) << "last year's confirmation does not do this year's";
  EXPECT_EQ(ThisYearsConfirmation(std::nullopt, Day("2026-11-28")).done, std::nullopt);
}

}  // namespace
}  // namespace gongkai::registry
