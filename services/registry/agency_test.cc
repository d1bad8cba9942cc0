#include "services/registry/agency.h"

#include <gtest/gtest.h>

#include <functional>

#include "common/calendar/iso_date.h"
#include "common/domains.h"
#include "common/identifiers.h"
#include "common/testing/adapter.h"
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

// A valid credit code issued in `region` (characters 3-8).
std::string CodeIssuedIn(const std::string& region, int serial = 1) {
  std::string first17 = "11" + region + "MB" + std::to_string(1000000 + serial).substr(0, 7);
  return first17 + common::CreditCodeCheckCharacter(first17);
}

Agency IssuedIn(const std::string& region, const std::string& area) {
  Agency a = Valid();
  a.credit_code = CodeIssuedIn(region);
  a.area_code = area;
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

// Each bound of agency.h is one violation of its field, named with the rule.
TEST(AgencyRules, TextFieldsAreOneLineOfAtMost500Bytes) {
  Agency a = Valid();
  a.name = std::string(500, 'n');
  a.legal_representative = std::string(500, 'l');
  a.contact = std::string(500, 'c');
  EXPECT_EQ(ValidateAgency(a, "a"), common::Violations{});
  a.name += "n";
  a.legal_representative = "王\n某";
  a.contact = "\xff";
  EXPECT_EQ(ValidateAgency(a, "a"),
            (common::Violations{{"a.name", "at most 500 bytes (got 501)"},
                                {"a.legal_representative",
                                 "contains a control character (U+000A); line breaks and tabs only in long texts"},
                                {"a.contact", "not valid UTF-8 (first bad byte at offset 0)"}}));
}

// Sixteen domains at most, each known once: a longer list is one violation,
// and its entries are not judged one by one.
TEST(AgencyRules, AnOverLongDomainListIsOneViolationOfTheList) {
  Agency a = Valid();
  a.domains.assign(20'000, std::string(1'000, 'x'));
  EXPECT_EQ(ValidateAgency(a, "agencies[0]"),
            (common::Violations{{"agencies[0].domains", "at most 16 enforcement domains (got 20000)"}}));
  a.domains = common::EnforcementDomains();
  EXPECT_EQ(ValidateAgency(a, "agencies[0]"), common::Violations{}) << "every known domain fits the bound";
}

// A description repeats a short code, never a long or binary value.
TEST(AgencyRules, AnUnknownDomainIsQuotedOnlyWhenShortAndPrintable) {
  Agency a = Valid();
  a.domains = {"astrology", std::string(33, 'x'), "天文"};
  EXPECT_EQ(ValidateAgency(a, "a"), (common::Violations{{"a.domains[0]", "unknown enforcement domain 'astrology'"},
                                                        {"a.domains[1]", "unknown enforcement domain"},
                                                        {"a.domains[2]", "unknown enforcement domain"}}));
}

TEST(AgencyRules, ACreditCodeOfOtherCharactersIsNotQuoted) {
  Agency a = Valid();
  a.credit_code = "统一社会信用";  // 18 bytes of UTF-8
  ASSERT_EQ(a.credit_code.size(), 18u);
  EXPECT_EQ(ValidateAgency(a, "a"),
            (common::Violations{
                {"a.credit_code", "must be 18 characters from 0-9 and A-Y without I, O, Z, S, V (GB 32100)"}}));
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

TEST(AgencyRegistration, TheCreditCodesRegionSaysWhoseAgencyItIs) {
  EXPECT_EQ(RegistrantOf(CodeIssuedIn("140105")), "140100") << "a district of Taiyuan";
  EXPECT_EQ(RegistrantOf(CodeIssuedIn("140100")), "140100");
  EXPECT_EQ(RegistrantOf(CodeIssuedIn("140202")), "140200");
  EXPECT_EQ(RegistrantOf(CodeIssuedIn("140000")), "140000") << "a provincial agency";
  std::string broken = CodeIssuedIn("140105");
  broken[17] = broken[17] == '0' ? '1' : '0';
  EXPECT_EQ(RegistrantOf(broken), "") << "an invalid code names no one";
}

TEST(AgencyRegistration, ACityRegistersTheAgenciesWhoseCodeWasIssuedInIt) {
  EXPECT_EQ(CityRegistrationRefusal(IssuedIn("140105", "140105"), "140100"), std::nullopt);
  EXPECT_EQ(CityRegistrationRefusal(IssuedIn("140100", "140106"), "140100"), std::nullopt);
  EXPECT_EQ(CityRegistrationRefusal(IssuedIn("140202", "140202"), "140200"), std::nullopt);
}

TEST(AgencyRegistration, ACodeIssuedInAnotherCityIsNotThisCitysEvenUnderItsOwnAreaCode) {
  // Datong registering a Taiyuan code under a Datong area code.
  const auto refusal = CityRegistrationRefusal(IssuedIn("140105", "140202"), "140200");
  ASSERT_TRUE(refusal);
  EXPECT_EQ(*refusal, "credit code " + CodeIssuedIn("140105") +
                          " was issued in region 140105 (characters 3-8, GB 32100), which lies in city 140100, not "
                          "140200");
  // Its own code under another city's area code.
  EXPECT_EQ(CityRegistrationRefusal(IssuedIn("140202", "140105"), "140200"), "area code 140105 is outside city 140200");
}

TEST(AgencyRegistration, AProvincialAgencyIsNotACitysToRegister) {
  const auto refusal = CityRegistrationRefusal(IssuedIn("140000", "140100"), "140100");
  ASSERT_TRUE(refusal);
  EXPECT_NE(refusal->find("the province registers it"), std::string::npos) << *refusal;
  EXPECT_TRUE(CityRegistrationRefusal(IssuedIn("140000", "140000"), "140100")) << "the area code is the province's";
}

TEST(AgencyRegistration, OnlyValidCodesAreJudgedTheRestAreRecordViolations) {
  Agency a = IssuedIn("140105", "140202");
  a.credit_code[17] = a.credit_code[17] == '0' ? '1' : '0';
  EXPECT_EQ(CityRegistrationRefusal(a, "140200"), std::nullopt);
  EXPECT_TRUE(Names(ValidateAgency(a, "a"), "a.credit_code"));
  Agency b = IssuedIn("140202", "1402");
  EXPECT_EQ(CityRegistrationRefusal(b, "140200"), std::nullopt);
  EXPECT_TRUE(Names(ValidateAgency(b, "a"), "a.area_code"));
}

TEST(AgencyRegistration, TheProvinceRegistersProvincialAgenciesOnly) {
  EXPECT_EQ(ProvinceRegistrationRefusal(IssuedIn("140000", "140000")), std::nullopt);
  EXPECT_EQ(ProvinceRegistrationRefusal(IssuedIn("140000", "140105")), std::nullopt)
      << "a provincial agency seated in a city of the province";
  EXPECT_EQ(ProvinceRegistrationRefusal(IssuedIn("140105", "140105")),
            "credit code " + CodeIssuedIn("140105") +
                " was issued in region 140105 (characters 3-8, GB 32100), which lies in city 140100: the city "
                "registers it");
  EXPECT_EQ(ProvinceRegistrationRefusal(IssuedIn("140000", "410100")), "area code 410100 is outside province 140000");
}

TEST(QualificationListConfirmation, OnlyAChangeOfTheListsOwnFieldsChangesTheList) {
  const Agency stored = Valid();
  Agency sent = stored;
  sent.source_version = 2;
  sent.contact = "0351-7654321，太原市新建路1号";
  sent.legal_representative = "李某";
  EXPECT_FALSE(ChangesQualificationList(stored, sent)) << "a new telephone, address or representative";
  sent.domains = {"market_regulation"};
  EXPECT_FALSE(ChangesQualificationList(stored, sent));

  Agency two_domains = stored;
  two_domains.domains = {"market_regulation", "transport"};
  Agency reordered = two_domains;
  reordered.domains = {"transport", "market_regulation"};
  EXPECT_FALSE(ChangesQualificationList(two_domains, reordered)) << "the domains are a set";

  const auto changed = [&](const std::function<void(Agency&)>& change) {
    Agency a = stored;
    change(a);
    return ChangesQualificationList(stored, a);
  };
  EXPECT_TRUE(changed([](Agency& a) { a.name = "太原市市场监督管理局（新）"; }));
  EXPECT_TRUE(changed([](Agency& a) { a.area_code = "140105"; }));
  EXPECT_TRUE(changed([](Agency& a) { a.domains = {"market_regulation", "transport"}; }));
  EXPECT_TRUE(changed([](Agency& a) { a.domains = {"transport"}; }));
  EXPECT_TRUE(changed([](Agency& a) { a.valid_from = Day("2026-02-01"); }));
  EXPECT_TRUE(changed([](Agency& a) { a.valid_until = Day("2031-12-31"); }));
}

class QualificationListDeadlineTest : public ::testing::Test {
 protected:
  // The calendars of data/calendar and the default rules.
  testing::TestContext ctx_{Day("2026-06-15")};
  const common::Deadlines& deadlines_ = ctx_.context().deadlines;
};

// In a year the agency was not created in, the clock starts on 1 January and
// a confirmation of that year does it; last year's does not.
TEST_F(QualificationListDeadlineTest, TheAnnualListIsDueOn31JanuaryAndDoneByAConfirmationThatYear) {
  common::Timeliness t =
      QualificationListTimeliness(Day("2026-03-15"), Day("2024-05-06"), deadlines_, Day("2026-11-28"));
  EXPECT_EQ(t.clock_start, Day("2026-01-01"));
  EXPECT_EQ(t.due, Day("2026-01-31"));
  EXPECT_EQ(t.done, Day("2026-03-15"));
  EXPECT_EQ(t.status, common::TimelinessStatus::kLate);

  t = QualificationListTimeliness(Day("2025-12-20"), std::nullopt, deadlines_, Day("2026-01-10"));
  EXPECT_EQ(t.clock_start, Day("2026-01-01"));
  EXPECT_EQ(t.done, std::nullopt) << "last year's confirmation does not do this year's";
  EXPECT_EQ(t.status, common::TimelinessStatus::kPending);
  EXPECT_EQ(QualificationListTimeliness(std::nullopt, std::nullopt, deadlines_, Day("2026-11-28")).status,
            common::TimelinessStatus::kVeryOverdue);
}

// Created on Monday 2026-06-15: 20 working days later, the Dragon Boat
// Festival (19 June) not counted, is Tuesday 2026-07-14. The next year the
// 31 January rule applies.
TEST_F(QualificationListDeadlineTest, AgencyCreatedMidYearIsDueTwentyWorkingDaysAfterCreation) {
  const common::Date created = Day("2026-06-15");
  common::Timeliness t = QualificationListTimeliness(std::nullopt, created, deadlines_, Day("2026-07-14"));
  EXPECT_EQ(t.clock_start, created);
  EXPECT_EQ(t.due, Day("2026-07-14"));
  EXPECT_EQ(t.status, common::TimelinessStatus::kPending) << "not late all year";
  EXPECT_FALSE(t.provisional);
  EXPECT_EQ(QualificationListTimeliness(std::nullopt, created, deadlines_, Day("2026-07-15")).status,
            common::TimelinessStatus::kOverdue);

  t = QualificationListTimeliness(Day("2026-07-01"), created, deadlines_, Day("2026-11-28"));
  EXPECT_EQ(t.done, Day("2026-07-01"));
  EXPECT_EQ(t.status, common::TimelinessStatus::kOnTime);

  t = QualificationListTimeliness(Day("2026-07-01"), created, deadlines_, Day("2027-01-05"));
  EXPECT_EQ(t.clock_start, Day("2027-01-01")) << "from the next year, the annual rule";
  EXPECT_EQ(t.due, Day("2027-01-31"));
  EXPECT_EQ(t.done, std::nullopt);
}

// "Current on a day" (QualificationListOn): an agency registered long ago,
// valid from 2020 to 2030.
class QualificationListOnTest : public QualificationListDeadlineTest {
 protected:
  static Agency Registered(std::optional<common::Date> confirmed_on,
                           std::optional<common::Date> created_on = Day("2020-03-02")) {
    Agency a = Valid();
    a.valid_from = Day("2020-01-01");
    a.qualification_confirmed_on = confirmed_on;
    a.created_on = created_on;
    return a;
  }
  QualificationStanding On(const Agency& agency, const std::string& day) {
    return QualificationListOn(agency, deadlines_, Day(day));
  }
};

TEST_F(QualificationListOnTest, TheListOfTheDaysYearConfirmedOnOrBeforeThatDayIsCurrent) {
  const Agency a = Registered(Day("2026-03-15"));
  EXPECT_TRUE(On(a, "2026-03-15").current);
  EXPECT_TRUE(On(a, "2026-11-28").current);
  EXPECT_EQ(On(a, "2026-11-28").reason, "");
}

TEST_F(QualificationListOnTest, UntilThe31JanuaryDeadlineLastYearsConfirmationHolds) {
  const Agency a = Registered(Day("2025-12-20"));
  EXPECT_TRUE(On(a, "2026-01-31").current);
  EXPECT_FALSE(On(a, "2026-02-01").current);
  EXPECT_EQ(On(a, "2026-02-01").reason, "the 2026 list is not confirmed");
  const Agency lapsed = Registered(Day("2024-12-20"));
  EXPECT_FALSE(On(lapsed, "2026-01-10").current);
  EXPECT_EQ(On(lapsed, "2026-01-10").reason, "the 2025 list is not confirmed");
  EXPECT_FALSE(On(Registered(std::nullopt), "2026-01-10").current) << "never confirmed";
}

// Created on Monday 2026-06-15: its own deadline is Tuesday 2026-07-14.
TEST_F(QualificationListOnTest, ANewAgencysListIsCurrentUntilItsOwnDeadlineAndNotBeforeItWasRegistered) {
  const Agency a = Registered(std::nullopt, Day("2026-06-15"));
  EXPECT_TRUE(On(a, "2026-06-15").current);
  EXPECT_TRUE(On(a, "2026-07-14").current);
  EXPECT_FALSE(On(a, "2026-07-15").current);
  EXPECT_EQ(On(a, "2026-07-15").reason,
            "the 2026 list was not confirmed by 2026-07-14, 20 working days after 2026-06-15");
  EXPECT_FALSE(On(a, "2026-06-14").current);
  EXPECT_EQ(On(a, "2026-06-14").reason, "not registered before 2026-06-15");
  // Created late in December: its own deadline runs into January and holds
  // there, though it confirmed nothing the year before.
  EXPECT_TRUE(On(Registered(std::nullopt, Day("2025-12-22")), "2026-01-05").current);
}

TEST_F(QualificationListOnTest, ADayBeforeTheLatestConfirmationIsNotHeldAgainstTheAgency) {
  // The confirmations before the latest are not kept.
  EXPECT_TRUE(On(Registered(Day("2026-06-01")), "2026-03-01").current);
  EXPECT_TRUE(On(Registered(Day("2026-06-01")), "2025-08-01").current);
}

TEST_F(QualificationListOnTest, OutsideItsValidityTheListIsNotCurrent) {
  Agency a = Registered(Day("2026-01-10"));
  a.valid_until = Day("2026-06-30");
  EXPECT_TRUE(On(a, "2026-06-30").current);
  EXPECT_FALSE(On(a, "2026-07-01").current);
  EXPECT_EQ(On(a, "2026-07-01").reason, "validity ended 2026-06-30");
  a.valid_from = Day("2026-01-05");
  EXPECT_EQ(On(a, "2026-01-04").reason, "not yet valid (from 2026-01-05)");
}

TEST(QualificationQueries, OneToOneThousandQueriesEachACreditCodeAndADate) {
  EXPECT_TRUE(Names(ValidateQualificationQueries({}), "queries"));
  const std::string code = Valid().credit_code;
  EXPECT_TRUE(ValidateQualificationQueries({{code, Day("2026-03-01")}}).empty());
  EXPECT_TRUE(ValidateQualificationQueries(std::vector<QualificationQuery>(1000, {code, Day("2026-03-01")})).empty());
  const auto over = ValidateQualificationQueries(std::vector<QualificationQuery>(1001, {code, Day("2026-03-01")}));
  ASSERT_EQ(over.size(), 1u);
  EXPECT_EQ(over[0].field, "queries");
  const auto bad = ValidateQualificationQueries({{"not-a-code", Day("2026-03-01")}, {code, std::nullopt}});
  EXPECT_TRUE(Names(bad, "queries[0].agency_credit_code"));
  EXPECT_TRUE(Names(bad, "queries[1].on"));
  EXPECT_EQ(bad.size(), 2u);
}

}  // namespace
}  // namespace gongkai::registry
