#include "services/penalties/penalty.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <climits>
#include <optional>
#include <set>
#include <string_view>

#include "common/calendar/iso_date.h"
#include "common/identifiers.h"
#include "services/penalties/penalty_public.h"

namespace gongkai::penalties {
namespace {

// A date as a city sends it: nullopt when the text does not read as one.
std::optional<common::Date> Day(std::string_view iso) { return common::ParseIsoDate(iso); }

const common::Date kToday = *Day("2026-05-20");

std::string CreditCode(const std::string& first17) { return first17 + common::CreditCodeCheckCharacter(first17); }
std::string CitizenId(const std::string& first17) { return first17 + common::CitizenIdCheckCharacter(first17); }

const std::string kAgency = CreditCode("11140100MB0000101");
const std::string kCompany = CreditCode("91140100MA0KABCD1");
const std::string kAdultId = CitizenId("14010119850315123");  // born 1985-03-15

Remedy LawfulRemedy() { return {"太原市人民政府", 60, "太原市迎泽区人民法院", 6}; }

PenaltyDecision ValidOrganisationDecision() {
  PenaltyDecision d;
  d.agency_credit_code = kAgency;
  d.source_id = "TY-SJ-2026-000123";
  d.source_version = 1;
  d.decision_number = "晋太市监罚〔2026〕12号";
  d.domain = "market";
  d.party.kind = Party::Kind::kOrganization;
  d.party.name = "太原市某某食品有限公司";
  d.party.credit_code = kCompany;
  d.facts = "当事人于2026年1月销售超过保质期的食品，货值金额3200元。\n经查属实。";
  d.violated = {{"中华人民共和国食品安全法", 34, 0, 10}};
  d.applied = {{"中华人民共和国食品安全法", 124, 1, 5}};
  d.result.warning = true;
  d.result.fine_fen = 5'000'000;
  d.remedy = LawfulRemedy();
  d.decision_date = Day("2026-04-15");
  d.severity = CreditSeverity::kGeneral;
  return d;
}

PenaltyDecision ValidPersonDecision() {
  PenaltyDecision d = ValidOrganisationDecision();
  d.source_id = "TY-SJ-2026-000124";
  d.party = Party{};
  d.party.kind = Party::Kind::kNaturalPerson;
  d.party.name = "张三";
  d.party.id_number = kAdultId;
  d.party.address = "太原市小店区某街1号";
  d.party.phone = "13812345678";
  return d;
}

CoerciveMeasure ValidMeasure() {
  CoerciveMeasure m;
  m.agency_credit_code = kAgency;
  m.source_id = "TY-QZ-2026-0042";
  m.source_version = 3;
  m.document_number = "晋太市监强〔2026〕4号";
  m.domain = "market";
  m.party.kind = Party::Kind::kOrganization;
  m.party.name = "太原市某某食品有限公司";
  m.party.credit_code = kCompany;
  m.legal_basis = {{"中华人民共和国食品安全法", 110, 0, 4}};
  m.type = MeasureType::kSeize;
  m.object_name = "过期预包装食品";
  m.object_quantity = "120箱";
  m.period_start = Day("2026-05-01");
  m.period_end = Day("2026-05-30");
  m.release_conditions = "经检验合格的，予以解除扣押；\n当事人可向本机关申请解除。";
  return m;
}

std::vector<std::string> Fields(const common::Violations& violations) {
  std::vector<std::string> fields;
  for (const auto& v : violations) fields.push_back(v.field);
  return fields;
}

bool Names(const common::Violations& violations, const std::string& field) {
  return std::any_of(violations.begin(), violations.end(), [&](const auto& v) { return v.field == field; });
}

std::string DescriptionOf(const common::Violations& violations, const std::string& field) {
  for (const auto& v : violations) {
    if (v.field == field) return v.description;
  }
  return "";
}

// ------------------------------------------------------------------ decisions

TEST(DecisionRules, ValidOrganisationDecisionHasNoViolations) {
  EXPECT_EQ(ValidateDecision(ValidOrganisationDecision(), "d", kToday), common::Violations{});
}

TEST(DecisionRules, ValidNaturalPersonDecisionHasNoViolations) {
  EXPECT_EQ(ValidateDecision(ValidPersonDecision(), "d", kToday), common::Violations{});
}

TEST(DecisionRules, EveryBrokenRuleIsNamedByField) {
  PenaltyDecision d = ValidOrganisationDecision();
  d.agency_credit_code = "";
  d.source_id = "";
  d.source_version = 0;
  d.decision_number = " ";
  d.domain = "";
  d.party.kind = Party::Kind::kUnset;
  d.party.name = "";
  d.facts = "";
  d.violated = {};
  d.applied = {{"", 0, -1, -1}};
  d.result = PenaltyResult{};
  d.remedy = Remedy{};
  d.decision_date = Day("2026-13-01");
  d.severity = CreditSeverity::kUnset;
  EXPECT_EQ(Fields(ValidateDecision(d, "decisions[3]", kToday)),
            (std::vector<std::string>{"decisions[3].agency_credit_code",
                                      "decisions[3].source_id",
                                      "decisions[3].source_version",
                                      "decisions[3].decision_number",
                                      "decisions[3].domain",
                                      "decisions[3].party.kind",
                                      "decisions[3].party.name",
                                      "decisions[3].facts",
                                      "decisions[3].violated",
                                      "decisions[3].applied[0].law",
                                      "decisions[3].applied[0].article",
                                      "decisions[3].applied[0].paragraph",
                                      "decisions[3].applied[0].item",
                                      "decisions[3].result",
                                      "decisions[3].remedy.review_body",
                                      "decisions[3].remedy.review_days",
                                      "decisions[3].remedy.litigation_court",
                                      "decisions[3].remedy.litigation_months",
                                      "decisions[3].decision_date",
                                      "decisions[3].severity"}));
}

TEST(DecisionRules, AgencyCreditCodeMustPassGb32100) {
  PenaltyDecision d = ValidOrganisationDecision();
  d.agency_credit_code = kAgency.substr(0, 17) + (kAgency[17] == '0' ? '1' : '0');
  auto v = ValidateDecision(d, "d", kToday);
  EXPECT_EQ(Fields(v), std::vector<std::string>{"d.agency_credit_code"});
  EXPECT_EQ(v[0].description, "check character does not match (GB 32100)");
  // A byte that is not text never reaches the description.
  d.agency_credit_code = std::string("11140100MB000010\xff\x01", 18);
  v = ValidateDecision(d, "d", kToday);
  EXPECT_EQ(Fields(v), std::vector<std::string>{"d.agency_credit_code"});
  EXPECT_EQ(v[0].description.find('\xff'), std::string::npos);
}

TEST(DecisionRules, SourceIdIsRequiredPrintableAsciiUpTo64Bytes) {
  PenaltyDecision d = ValidOrganisationDecision();
  d.source_id = std::string(64, 'a');
  EXPECT_TRUE(ValidateDecision(d, "d", kToday).empty());
  d.source_id = std::string(65, 'a');
  EXPECT_EQ(DescriptionOf(ValidateDecision(d, "d", kToday), "d.source_id"), "at most 64 bytes (got 65)");
  for (const std::string& bad : std::vector<std::string>{"案件123", "a b", "a\tb", std::string("a\0b", 3), "\x7f"}) {
    d.source_id = bad;
    EXPECT_EQ(Fields(ValidateDecision(d, "d", kToday)), std::vector<std::string>{"d.source_id"}) << bad;
  }
  d.source_id = "  ";
  EXPECT_EQ(DescriptionOf(ValidateDecision(d, "d", kToday), "d.source_id"), "required");
}

TEST(DecisionRules, SourceVersionMustBePositive) {
  PenaltyDecision d = ValidOrganisationDecision();
  d.source_version = -1;
  EXPECT_EQ(Fields(ValidateDecision(d, "d", kToday)), std::vector<std::string>{"d.source_version"});
}

TEST(DecisionRules, OrganisationNeedsValidCreditCode) {
  PenaltyDecision d = ValidOrganisationDecision();
  d.party.credit_code = "";
  EXPECT_EQ(Fields(ValidateDecision(d, "d", kToday)), std::vector<std::string>{"d.party.credit_code"});
  d.party.credit_code = "91140100MA0KABCDI1";  // I is not in the GB 32100 alphabet
  EXPECT_EQ(Fields(ValidateDecision(d, "d", kToday)), std::vector<std::string>{"d.party.credit_code"});
}

TEST(DecisionRules, OrganisationMustNotCarryACitizenId) {
  // An organisation is published as sent, so an ID here would be published.
  PenaltyDecision d = ValidOrganisationDecision();
  d.party.id_number = kAdultId;
  EXPECT_EQ(Fields(ValidateDecision(d, "d", kToday)), std::vector<std::string>{"d.party.id_number"});
}

TEST(DecisionRules, NaturalPersonNeedsValidCitizenId) {
  PenaltyDecision d = ValidPersonDecision();
  d.party.id_number = "";
  EXPECT_EQ(Fields(ValidateDecision(d, "d", kToday)), std::vector<std::string>{"d.party.id_number"});
  d.party.id_number = kAdultId.substr(0, 17) + (kAdultId[17] == '0' ? '1' : '0');
  auto v = ValidateDecision(d, "d", kToday);
  EXPECT_EQ(Fields(v), std::vector<std::string>{"d.party.id_number"});
  EXPECT_EQ(v[0].description, "check character does not match (GB 11643)");
  d.party.id_number = CitizenId("14010119850230123");  // 30 February
  EXPECT_EQ(Fields(ValidateDecision(d, "d", kToday)), std::vector<std::string>{"d.party.id_number"});
}

TEST(DecisionRules, NaturalPersonCreditCodeIsOptionalButValid) {
  PenaltyDecision d = ValidPersonDecision();
  d.party.credit_code = CreditCode("92140100MA0KXY001");  // 个体工商户
  EXPECT_TRUE(ValidateDecision(d, "d", kToday).empty());
  d.party.credit_code = "92140100";
  EXPECT_EQ(Fields(ValidateDecision(d, "d", kToday)), std::vector<std::string>{"d.party.credit_code"});
}

TEST(DecisionRules, PartyKindMustBeSet) {
  PenaltyDecision d = ValidOrganisationDecision();
  d.party.kind = static_cast<Party::Kind>(7);
  auto v = ValidateDecision(d, "d", kToday);
  EXPECT_EQ(Fields(v), std::vector<std::string>{"d.party.kind"});
  EXPECT_EQ(v[0].description, "must be ORGANIZATION, NATURAL_PERSON or INDIVIDUAL_BUSINESS");
}

PenaltyDecision ValidIndividualBusinessDecision() {
  PenaltyDecision d = ValidOrganisationDecision();
  d.source_id = "TY-SJ-2026-000125";
  d.party = Party{};
  d.party.kind = Party::Kind::kIndividualBusiness;
  d.party.name = "小店区张三烧烤店";
  d.party.credit_code = CreditCode("92140100MA0KXY001");
  d.party.legal_representative = "张三";
  return d;
}

TEST(PartyRules, IndividualBusinessNeedsNameCreditCodeAndOperator) {
  EXPECT_EQ(ValidateDecision(ValidIndividualBusinessDecision(), "d", kToday), common::Violations{});
  PenaltyDecision d = ValidIndividualBusinessDecision();
  d.party.name = "";
  d.party.credit_code = "";
  d.party.legal_representative = "\u3000";
  auto v = ValidateDecision(d, "d", kToday);
  EXPECT_EQ(Fields(v),
            (std::vector<std::string>{"d.party.name", "d.party.credit_code", "d.party.legal_representative"}));
  EXPECT_EQ(DescriptionOf(v, "d.party.legal_representative"),
            "required for an individual business (its operator, 经营者)");
  d = ValidIndividualBusinessDecision();
  d.party.credit_code = "92140100";
  EXPECT_EQ(Fields(ValidateDecision(d, "d", kToday)), std::vector<std::string>{"d.party.credit_code"});
}

TEST(PartyRules, IndividualBusinessCarriesNoCitizenIdAndIsNeverAMinor) {
  PenaltyDecision d = ValidIndividualBusinessDecision();
  d.party.id_number = kAdultId;
  d.party.minor = true;
  EXPECT_EQ(Fields(ValidateDecision(d, "d", kToday)), (std::vector<std::string>{"d.party.id_number", "d.party.minor"}));
}

TEST(PartyRules, OrganisationsLegalRepresentativeIsOptionalOneLineOfAtMost200Bytes) {
  PenaltyDecision d = ValidOrganisationDecision();
  d.party.legal_representative = "王五";
  EXPECT_EQ(ValidateDecision(d, "d", kToday), common::Violations{});
  d.party.legal_representative = std::string(201, 'a');
  EXPECT_EQ(Fields(ValidateDecision(d, "d", kToday)), std::vector<std::string>{"d.party.legal_representative"});
  d.party.legal_representative = "王\n五";
  EXPECT_EQ(Fields(ValidateDecision(d, "d", kToday)), std::vector<std::string>{"d.party.legal_representative"});
  d.party.legal_representative = std::string(200, 'a');
  EXPECT_EQ(ValidateDecision(d, "d", kToday), common::Violations{});
}

TEST(PartyRules, NaturalPersonHasNoLegalRepresentative) {
  PenaltyDecision d = ValidPersonDecision();
  d.party.legal_representative = "王五";
  const auto v = ValidateDecision(d, "d", kToday);
  EXPECT_EQ(Fields(v), std::vector<std::string>{"d.party.legal_representative"});
  EXPECT_NE(DescriptionOf(v, "d.party.legal_representative").find("must be empty"), std::string::npos);
  CoerciveMeasure m = ValidMeasure();
  m.party = d.party;
  EXPECT_EQ(Fields(ValidateMeasure(m, "m", kToday)), std::vector<std::string>{"m.party.legal_representative"});
}

TEST(CaseFields, OfficersAreAtMostTwentyCertificateNumbersWithoutRepeats) {
  PenaltyDecision d = ValidOrganisationDecision();
  d.officers = {"14010020230001", "TY-ZF-0002"};
  EXPECT_EQ(ValidateDecision(d, "d", kToday), common::Violations{});
  d.officers = {"14010020230001", "ty-zf-0002", "", std::string(33, '1'), "14010020230001"};
  const auto v = ValidateDecision(d, "d", kToday);
  EXPECT_EQ(Fields(v), (std::vector<std::string>{"d.officers[1]", "d.officers[2]", "d.officers[3]", "d.officers[4]"}));
  EXPECT_EQ(DescriptionOf(v, "d.officers[1]"), "must be a certificate number: 1 to 32 of 0-9, A-Z and '-'");
  EXPECT_EQ(DescriptionOf(v, "d.officers[4]"), "repeats officers[0]");
  d.officers.clear();
  for (int i = 0; i < 21; ++i) d.officers.push_back("ZF" + std::to_string(i));
  const auto over = ValidateDecision(d, "d", kToday);
  EXPECT_EQ(Fields(over), std::vector<std::string>{"d.officers"});
  EXPECT_EQ(over[0].description, "at most 20 officers (got 21)");
  d.officers.pop_back();
  EXPECT_EQ(ValidateDecision(d, "d", kToday), common::Violations{});
}

TEST(CaseFields, PowersItemIsAnOptionalSourceId) {
  PenaltyDecision d = ValidOrganisationDecision();
  d.powers_item_source_id = "QL-CF-14-0001";
  EXPECT_EQ(ValidateDecision(d, "d", kToday), common::Violations{});
  d.powers_item_source_id = "QL CF";
  auto v = ValidateDecision(d, "d", kToday);
  EXPECT_EQ(Fields(v), std::vector<std::string>{"d.powers_item_source_id"});
  EXPECT_EQ(v[0].description, "printable ASCII only (no spaces, control characters or non-ASCII)");
  d.powers_item_source_id = std::string(65, 'Q');
  v = ValidateDecision(d, "d", kToday);
  EXPECT_EQ(Fields(v), std::vector<std::string>{"d.powers_item_source_id"});
  EXPECT_EQ(v[0].description, "at most 64 bytes (got 65)");
}

TEST(DecisionRules, MinorOnlyForNaturalPersons) {
  PenaltyDecision d = ValidOrganisationDecision();
  d.party.minor = true;
  EXPECT_EQ(Fields(ValidateDecision(d, "d", kToday)), std::vector<std::string>{"d.party.minor"});
  PenaltyDecision p = ValidPersonDecision();
  p.party.minor = true;  // an adult at the decision may have been a minor at the violation
  EXPECT_TRUE(ValidateDecision(p, "d", kToday).empty());
}

TEST(DecisionRules, UnderEighteenOnDecisionDateMustBeMarkedMinor) {
  PenaltyDecision d = ValidPersonDecision();
  d.decision_date = Day("2026-03-10");
  d.party.id_number = CitizenId("14010120080310123");  // 18th birthday on the decision date
  auto v = ValidateDecision(d, "d", kToday);
  EXPECT_EQ(Fields(v), std::vector<std::string>{"d.party.minor"});
  EXPECT_NE(v[0].description.find("under 18"), std::string::npos);
  d.party.minor = true;
  EXPECT_TRUE(ValidateDecision(d, "d", kToday).empty());
  // 周岁 counts from the day after the birthday: 18 full years on 2026-03-10.
  d.party.minor = false;
  d.party.id_number = CitizenId("14010120080309123");
  EXPECT_TRUE(ValidateDecision(d, "d", kToday).empty());
  d.party.id_number = CitizenId("14010120120101123");  // 14 years old
  EXPECT_EQ(Fields(ValidateDecision(d, "d", kToday)), std::vector<std::string>{"d.party.minor"});
}

TEST(DecisionRules, LeapDayBirthdayTurnsEighteenAfterFirstOfMarch) {
  PenaltyDecision d = ValidPersonDecision();
  d.party.id_number = CitizenId("14010120080229123");
  d.decision_date = Day("2026-03-01");
  EXPECT_EQ(Fields(ValidateDecision(d, "d", kToday)), std::vector<std::string>{"d.party.minor"});
  d.decision_date = Day("2026-03-02");
  EXPECT_TRUE(ValidateDecision(d, "d", kToday).empty());
}

TEST(DecisionRules, BirthDateAfterDecisionDateIsRejected) {
  PenaltyDecision d = ValidPersonDecision();
  d.party.id_number = CitizenId("14010120260501123");
  d.decision_date = Day("2026-04-15");
  EXPECT_EQ(Fields(ValidateDecision(d, "d", kToday)), std::vector<std::string>{"d.party.id_number"});
}

TEST(DecisionRules, FactsAreRequired) {
  PenaltyDecision d = ValidOrganisationDecision();
  for (std::string blank : {"", " \n\t", "\u3000\u3000"}) {
    d.facts = blank;
    auto v = ValidateDecision(d, "d", kToday);
    EXPECT_EQ(Fields(v), std::vector<std::string>{"d.facts"});
    EXPECT_EQ(v[0].description, "required");
  }
}

TEST(DecisionRules, ViolatedAndAppliedNeedAValidLegalBasis) {
  PenaltyDecision d = ValidOrganisationDecision();
  d.violated.clear();
  d.applied = {{"中华人民共和国食品安全法", 0, 0, 0}};
  EXPECT_EQ(Fields(ValidateDecision(d, "d", kToday)), (std::vector<std::string>{"d.violated", "d.applied[0].article"}));
}

TEST(DecisionRules, LawNameIsFreeText) {
  PenaltyDecision d = ValidOrganisationDecision();
  d.violated = {{"中华人民共和国\a食品安全法", 34, 0, 10}, {"\xe4\xb8", 1, 0, 0}};
  auto v = ValidateDecision(d, "d", kToday);
  EXPECT_EQ(Fields(v), (std::vector<std::string>{"d.violated[0].law", "d.violated[1].law"}));
  EXPECT_EQ(v[0].description, "contains a control character (U+0007)");
  EXPECT_EQ(v[1].description, "not valid UTF-8 (first bad byte at offset 0)");
}

TEST(DecisionRules, ResultMustImposeSomething) {
  PenaltyDecision d = ValidOrganisationDecision();
  d.result = PenaltyResult{};
  EXPECT_EQ(Fields(ValidateDecision(d, "d", kToday)), std::vector<std::string>{"d.result"});
  d.result.other = "  ";
  EXPECT_EQ(Fields(ValidateDecision(d, "d", kToday)), std::vector<std::string>{"d.result"});
  PenaltyResult each[6];
  each[0].warning = true;
  each[1].fine_fen = 1;
  each[2].confiscation_fen = 1;
  each[3].suspension_days = 1;
  each[4].licence_revoked = true;
  each[5].other = "责令改正";
  for (const PenaltyResult& r : each) {
    d.result = r;
    d.legal_application_explanation = "依据裁量基准第5档（严重顶格）从重处罚，理由如下。";
    d.benchmark_tier = 5;
    EXPECT_TRUE(ValidateDecision(d, "d", kToday).empty());
  }
}

TEST(DecisionRules, AmountsAreNonNegativeAndAtMostTenToTheThirteenFen) {
  PenaltyDecision d = ValidOrganisationDecision();
  d.legal_application_explanation = "依据裁量基准第5档（严重顶格）从重处罚，理由如下。";
  d.benchmark_tier = 5;
  d.result.fine_fen = 10'000'000'000'000;
  d.result.confiscation_fen = 10'000'000'000'000;
  EXPECT_TRUE(ValidateDecision(d, "d", kToday).empty());
  d.result.fine_fen = 10'000'000'000'001;
  d.result.confiscation_fen = -1;
  auto v = ValidateDecision(d, "d", kToday);
  EXPECT_EQ(Fields(v), (std::vector<std::string>{"d.result.fine_fen", "d.result.confiscation_fen"}));
  EXPECT_EQ(v[0].description, "at most 10000000000000 fen");
  EXPECT_EQ(v[1].description, "must not be negative");
  d.result.fine_fen = INT64_MIN;
  d.result.confiscation_fen = INT64_MAX;
  EXPECT_EQ(Fields(ValidateDecision(d, "d", kToday)),
            (std::vector<std::string>{"d.result.fine_fen", "d.result.confiscation_fen"}));
}

TEST(DecisionRules, SuspensionDaysWithin0To3650) {
  PenaltyDecision d = ValidOrganisationDecision();
  d.legal_application_explanation = "依据裁量基准第5档（严重顶格）从重处罚，理由如下。";
  d.benchmark_tier = 5;
  d.result.suspension_days = 3650;
  EXPECT_TRUE(ValidateDecision(d, "d", kToday).empty());
  d.result.suspension_days = 3651;
  EXPECT_EQ(Fields(ValidateDecision(d, "d", kToday)), std::vector<std::string>{"d.result.suspension_days"});
  d.result.suspension_days = -1;
  EXPECT_EQ(Fields(ValidateDecision(d, "d", kToday)), std::vector<std::string>{"d.result.suspension_days"});
}

TEST(DecisionRules, RemedyNeedsReviewBodyCourtAndPeriods) {
  PenaltyDecision d = ValidOrganisationDecision();
  d.remedy = {"太原市人民政府", 1, "太原市迎泽区人民法院", 1};
  EXPECT_TRUE(ValidateDecision(d, "d", kToday).empty());
  d.remedy = {"太原市人民政府", 365, "太原市迎泽区人民法院", 24};
  EXPECT_TRUE(ValidateDecision(d, "d", kToday).empty());
  d.remedy = {"", 366, "\u3000", 25};
  EXPECT_EQ(Fields(ValidateDecision(d, "d", kToday)),
            (std::vector<std::string>{"d.remedy.review_body", "d.remedy.review_days", "d.remedy.litigation_court",
                                      "d.remedy.litigation_months"}));
  d.remedy = {"太原市人民政府", 0, "太原市迎泽区人民法院", 0};
  auto v = ValidateDecision(d, "d", kToday);
  EXPECT_EQ(DescriptionOf(v, "d.remedy.review_days"), "must be 1 to 365 days (the law says 60)");
  EXPECT_EQ(DescriptionOf(v, "d.remedy.litigation_months"), "must be 1 to 24 months (the law says 6)");
}

TEST(DecisionRules, DecisionDateIsValidNotInFutureNotBefore1990) {
  PenaltyDecision d = ValidOrganisationDecision();
  d.decision_date = kToday;
  EXPECT_TRUE(ValidateDecision(d, "d", kToday).empty());
  d.decision_date = Day("1990-01-01");
  EXPECT_TRUE(ValidateDecision(d, "d", kToday).empty());
  for (std::string bad : {"2026-05-21", "1989-12-31", "2026-02-29", "2026/04/15", "", "2026-4-15"}) {
    d.decision_date = Day(bad);
    EXPECT_EQ(Fields(ValidateDecision(d, "d", kToday)), std::vector<std::string>{"d.decision_date"}) << bad;
  }
  d.decision_date = Day("2026-05-21");
  EXPECT_EQ(DescriptionOf(ValidateDecision(d, "d", kToday), "d.decision_date"), "must not be after today (2026-05-20)");
}

TEST(DecisionRules, SeverityMustBeSet) {
  PenaltyDecision d = ValidOrganisationDecision();
  d.severity = static_cast<CreditSeverity>(4);
  auto v = ValidateDecision(d, "d", kToday);
  EXPECT_EQ(Fields(v), std::vector<std::string>{"d.severity"});
  EXPECT_EQ(v[0].description, "must be MINOR, GENERAL or SERIOUS");
}

TEST(DecisionRules, MajorPenaltyNeedsLegalExplanation) {
  PenaltyDecision d = ValidOrganisationDecision();
  d.result.licence_revoked = true;
  auto v = ValidateDecision(d, "d", kToday);
  EXPECT_EQ(Fields(v), (std::vector<std::string>{"d.legal_application_explanation", "d.benchmark_tier"}));
  EXPECT_EQ(v[0].description,
            "a major penalty (罚款超过50万元/停产停业超过3个月/吊销许可证件) needs a legal-application "
            "explanation naming the discretion tier used");
  d.legal_application_explanation = "依据裁量基准第4档（从重），因当事人拒不改正。";
  d.benchmark_tier = 4;
  EXPECT_TRUE(ValidateDecision(d, "d", kToday).empty());
  d.benchmark_tier = 6;
  EXPECT_EQ(Fields(ValidateDecision(d, "d", kToday)), std::vector<std::string>{"d.benchmark_tier"});
}

TEST(DecisionRules, MajorExplanationNeedsAtLeast20Bytes) {
  PenaltyDecision d = ValidOrganisationDecision();
  d.result.licence_revoked = true;
  d.benchmark_tier = 5;
  d.legal_application_explanation = "从重处罚。";  // 15 bytes
  auto v = ValidateDecision(d, "d", kToday);
  EXPECT_EQ(Fields(v), std::vector<std::string>{"d.legal_application_explanation"});
  EXPECT_EQ(v[0].description.rfind("at least 20 bytes", 0), 0u);
  d.legal_application_explanation = "第5档" + std::string(13, 'x');  // 20 bytes
  EXPECT_TRUE(ValidateDecision(d, "d", kToday).empty());
  d.legal_application_explanation = "第5档\x01从重处罚，理由：拒不改正。";
  EXPECT_EQ(DescriptionOf(ValidateDecision(d, "d", kToday), "d.legal_application_explanation"),
            "contains a control character (U+0001)");
}

TEST(DecisionRules, MajorFineThresholdIsOver500000Yuan) {
  PenaltyDecision d = ValidOrganisationDecision();
  d.result.fine_fen = 50'000'000;
  EXPECT_FALSE(IsMajor(d));
  EXPECT_TRUE(ValidateDecision(d, "d", kToday).empty());
  d.result.fine_fen = 50'000'001;
  EXPECT_TRUE(IsMajor(d));
  EXPECT_EQ(Fields(ValidateDecision(d, "d", kToday)),
            (std::vector<std::string>{"d.legal_application_explanation", "d.benchmark_tier"}));
}

// 停产停业超过3个月: the suspension ends (start + days) after the same day
// three calendar months later.
TEST(DecisionRules, SuspensionIsOverThreeMonthsWhenItEndsAfterTheSameDayThreeMonthsLater) {
  // From 2026-01-01, 3 months is 2026-04-01: 90 days.
  EXPECT_FALSE(SuspensionOverThreeMonths(90, Day("2026-01-01")));
  EXPECT_TRUE(SuspensionOverThreeMonths(91, Day("2026-01-01")));
  // From 2026-03-01, 3 months is 2026-06-01: 92 days.
  EXPECT_FALSE(SuspensionOverThreeMonths(91, Day("2026-03-01")));
  EXPECT_FALSE(SuspensionOverThreeMonths(92, Day("2026-03-01")));
  EXPECT_TRUE(SuspensionOverThreeMonths(93, Day("2026-03-01")));
  EXPECT_FALSE(SuspensionOverThreeMonths(0, Day("2026-03-01")));
  EXPECT_FALSE(SuspensionOverThreeMonths(-100, Day("2026-03-01")));
}

TEST(DecisionRules, ThreeMonthsFromADayTheMonthLacksEndsOnThatMonthsLastDay) {
  // 2025-11-30 + 3 months = 2026-02-28 (90 days); 2023-11-30 + 3 months = 2024-02-29 (91 days).
  EXPECT_FALSE(SuspensionOverThreeMonths(90, Day("2025-11-30")));
  EXPECT_TRUE(SuspensionOverThreeMonths(91, Day("2025-11-30")));
  EXPECT_FALSE(SuspensionOverThreeMonths(91, Day("2023-11-30")));
  EXPECT_TRUE(SuspensionOverThreeMonths(92, Day("2023-11-30")));
  // 2026-01-31 + 3 months = 2026-04-30: 89 days, so 90 days is already over.
  EXPECT_FALSE(SuspensionOverThreeMonths(89, Day("2026-01-31")));
  EXPECT_TRUE(SuspensionOverThreeMonths(90, Day("2026-01-31")));
}

TEST(DecisionRules, MajorSuspensionIsCountedInCalendarMonthsFromTheDecisionDate) {
  PenaltyDecision d = ValidOrganisationDecision();
  d.decision_date = Day("2026-01-01");
  d.result.suspension_days = 90;
  EXPECT_FALSE(IsMajor(d));
  EXPECT_TRUE(ValidateDecision(d, "d", kToday).empty());
  d.result.suspension_days = 91;
  EXPECT_TRUE(IsMajor(d));
  EXPECT_EQ(Fields(ValidateDecision(d, "d", kToday)),
            (std::vector<std::string>{"d.legal_application_explanation", "d.benchmark_tier"}));
  // The same 91 days from 2026-03-01 end before 2026-06-01: not major.
  d.decision_date = Day("2026-03-01");
  EXPECT_FALSE(IsMajor(d));
  EXPECT_TRUE(ValidateDecision(d, "d", kToday).empty());
  d.result.suspension_days = 92;
  EXPECT_FALSE(IsMajor(d));
  EXPECT_TRUE(ValidateDecision(d, "d", kToday).empty());
  d.result.suspension_days = 93;
  EXPECT_TRUE(IsMajor(d));
  EXPECT_EQ(Fields(ValidateDecision(d, "d", kToday)),
            (std::vector<std::string>{"d.legal_application_explanation", "d.benchmark_tier"}));
}

TEST(DecisionRules, WithoutADateOnlyASuspensionOverThreeMonthsFromAnyStartIsMajor) {
  EXPECT_FALSE(SuspensionOverThreeMonths(92, std::nullopt));
  EXPECT_TRUE(SuspensionOverThreeMonths(93, std::nullopt));
  PenaltyDecision d = ValidOrganisationDecision();
  d.decision_date = Day("2026-13-01");
  d.result.suspension_days = 92;
  EXPECT_FALSE(IsMajor(d));
  EXPECT_EQ(Fields(ValidateDecision(d, "d", kToday)), std::vector<std::string>{"d.decision_date"});
  d.result.suspension_days = 93;
  EXPECT_TRUE(IsMajor(d));
  EXPECT_EQ(Fields(ValidateDecision(d, "d", kToday)),
            (std::vector<std::string>{"d.decision_date", "d.legal_application_explanation", "d.benchmark_tier"}));
}

TEST(DecisionRules, RevokedLicenceIsMajorButConfiscationAloneIsNot) {
  PenaltyDecision d = ValidOrganisationDecision();
  d.result.licence_revoked = true;
  EXPECT_TRUE(IsMajor(d));
  PenaltyDecision c = ValidOrganisationDecision();
  c.result.confiscation_fen = 900'000'000;
  EXPECT_FALSE(IsMajor(c));
}

// ------------------------------------------------------------------ the tier a major explanation names

// The rule every description below ends with.
constexpr char kTierNamingRule[] =
    "legal_application_explanation must name the tier applied, benchmark_tier, as 第N档 (N a digit 1 to 5 or a "
    "numeral 一 to 五) or by its name in quotation marks (“轻微免罚”, “一般从轻”, “一般”, “从重”, “严重顶格”), "
    "and no other tier";

PenaltyDecision MajorWithExplanation(int32_t tier, const std::string& explanation) {
  PenaltyDecision d = ValidOrganisationDecision();
  d.result.licence_revoked = true;
  d.benchmark_tier = tier;
  d.legal_application_explanation = explanation;
  return d;
}

TEST(TierNamingRules, MajorExplanationNamesItsTierAsDiNDangOrByItsQuotedName) {
  const char* numerals[] = {"一", "二", "三", "四", "五"};
  const char* names[] = {"轻微免罚", "一般从轻", "一般", "从重", "严重顶格"};
  for (int tier = 1; tier <= 5; ++tier) {
    SCOPED_TRACE(tier);
    for (const std::string& named : {"第" + std::to_string(tier) + "档", "第" + std::string(numerals[tier - 1]) + "档",
                                     "“" + std::string(names[tier - 1]) + "”"}) {
      const PenaltyDecision d = MajorWithExplanation(tier, "依据本局裁量基准" + named + "，因当事人拒不改正。");
      EXPECT_TRUE(ValidateDecision(d, "d", kToday).empty()) << named;
    }
  }
}

TEST(TierNamingRules, MajorExplanationNamingNoTierIsNamedWithTheStatedTier) {
  // 从重 and 一般 without quotation marks are words of the text, not a tier.
  const auto v = ValidateDecision(MajorWithExplanation(4, "当事人拒不改正，情节一般，依法从重处罚。"), "d", kToday);
  ASSERT_EQ(Fields(v), std::vector<std::string>{"d.legal_application_explanation"});
  EXPECT_EQ(v[0].description, std::string("names no tier; benchmark_tier is 4 (从重): ") + kTierNamingRule);
  // 第14档 is not 第4档.
  EXPECT_EQ(Fields(ValidateDecision(MajorWithExplanation(4, "依据本局裁量基准第14档处罚。"), "d", kToday)),
            std::vector<std::string>{"d.legal_application_explanation"});
}

TEST(TierNamingRules, ATierNamedOtherThanBenchmarkTierIsNamedWithBoth) {
  auto v = ValidateDecision(MajorWithExplanation(4, "依据本局裁量基准第3档，因当事人拒不改正。"), "d", kToday);
  ASSERT_EQ(Fields(v), std::vector<std::string>{"d.legal_application_explanation"});
  EXPECT_EQ(v[0].description, std::string("names tier 3 (一般), but benchmark_tier is 4 (从重): ") + kTierNamingRule);

  v = ValidateDecision(MajorWithExplanation(4, "依据本局裁量基准“严重顶格”阶次从重处罚。"), "d", kToday);
  EXPECT_EQ(DescriptionOf(v, "d.legal_application_explanation"),
            std::string("names tier 5 (严重顶格), but benchmark_tier is 4 (从重): ") + kTierNamingRule);

  // Naming the stated tier does not excuse naming another.
  v = ValidateDecision(MajorWithExplanation(4, "不适用第三档，依据本局裁量基准第4档从重处罚。"), "d", kToday);
  EXPECT_EQ(DescriptionOf(v, "d.legal_application_explanation"),
            std::string("names tier 3 (一般) besides benchmark_tier 4 (从重): ") + kTierNamingRule);
  v = ValidateDecision(MajorWithExplanation(3, "第1档、第2档和“从重”均不适用，依第3档。"), "d", kToday);
  EXPECT_EQ(DescriptionOf(v, "d.legal_application_explanation"),
            std::string("names tiers 1 (轻微免罚), 2 (一般从轻), 4 (从重) besides benchmark_tier 3 (一般): ") +
                kTierNamingRule);
}

TEST(TierNamingRules, AQuotedNameIsTheWholeNameOfOneTier) {
  // “一般从轻” is tier 2, not tier 3 (一般).
  const auto v = ValidateDecision(MajorWithExplanation(3, "依据本局裁量基准“一般从轻”阶次处罚。"), "d", kToday);
  EXPECT_EQ(DescriptionOf(v, "d.legal_application_explanation"),
            std::string("names tier 2 (一般从轻), but benchmark_tier is 3 (一般): ") + kTierNamingRule);
  EXPECT_TRUE(ValidateDecision(MajorWithExplanation(2, "依据本局裁量基准“一般从轻”阶次处罚。"), "d", kToday).empty());
  // 从重处罚 after 严重顶格 names no second tier.
  EXPECT_TRUE(
      ValidateDecision(MajorWithExplanation(5, "依据裁量基准第5档（严重顶格）从重处罚，理由如下。"), "d", kToday)
          .empty());
}

TEST(TierNamingRules, OnlyAMajorPenaltysExplanationIsHeldToItsTier) {
  PenaltyDecision d = ValidOrganisationDecision();
  d.benchmark_tier = 4;
  d.legal_application_explanation = "依据本局裁量基准第3档，因当事人及时改正。";
  EXPECT_TRUE(ValidateDecision(d, "d", kToday).empty());
  // A major penalty whose tier is not one is named once, at benchmark_tier.
  d.result.licence_revoked = true;
  d.benchmark_tier = 0;
  EXPECT_EQ(Fields(ValidateDecision(d, "d", kToday)), std::vector<std::string>{"d.benchmark_tier"});
}

TEST(DecisionRules, NonMajorTierIsOptionalButInRange) {
  PenaltyDecision d = ValidOrganisationDecision();
  d.benchmark_tier = 3;
  d.legal_application_explanation = "一般";
  d.benchmark_violation_code = "SJ-SP-034";
  EXPECT_TRUE(ValidateDecision(d, "d", kToday).empty());
  d.benchmark_tier = -1;
  EXPECT_EQ(Fields(ValidateDecision(d, "d", kToday)), std::vector<std::string>{"d.benchmark_tier"});
}

// ------------------------------------------------------------------ enforcement domains

TEST(DomainRules, AGivenDomainMustBeKnown) {
  common::Violations v;
  CheckKnownDomain(v, "decisions[2]", "market_regulation");
  CheckKnownDomain(v, "decisions[2]", "");  // named as required by ValidateDecision
  EXPECT_TRUE(v.empty());
  CheckKnownDomain(v, "decisions[2]", "market");
  ASSERT_EQ(Fields(v), std::vector<std::string>{"decisions[2].domain"});
  EXPECT_EQ(v[0].description, "unknown enforcement domain 'market'");
}

// ------------------------------------------------------------------ benchmark tiers

PenaltyDecision MajorDecision(int32_t tier, int64_t fine_fen) {
  PenaltyDecision d = ValidOrganisationDecision();
  d.result.fine_fen = fine_fen;
  d.legal_application_explanation = "依据裁量基准第" + std::to_string(tier) + "档，因当事人拒不改正。";
  d.benchmark_violation_code = "SJ-SP-034";
  d.benchmark_tier = tier;
  return d;
}

const std::vector<BenchmarkTier> kTiers = {{3, 10'000'000, 50'000'000}, {4, 50'000'000, 100'000'000}};

TEST(BenchmarkRules, OnlyAMajorPenaltyNamingABenchmarkIsHeldToIt) {
  EXPECT_TRUE(NamesBenchmark(MajorDecision(4, 60'000'000)));
  PenaltyDecision unnamed = MajorDecision(4, 60'000'000);
  unnamed.benchmark_violation_code = "";
  EXPECT_FALSE(NamesBenchmark(unnamed));
  EXPECT_TRUE(CheckBenchmarkTier(unnamed, kTiers, "d").empty());
  PenaltyDecision minor = MajorDecision(9, 60'000);
  EXPECT_FALSE(NamesBenchmark(minor));
  EXPECT_TRUE(CheckBenchmarkTier(minor, kTiers, "d").empty());
}

TEST(BenchmarkRules, ASuspensionOverThreeMonthsIsHeldToTheBenchmark) {
  PenaltyDecision d = MajorDecision(3, 20'000'000);
  d.decision_date = Day("2026-03-01");
  d.result.suspension_days = 92;
  EXPECT_FALSE(NamesBenchmark(d));
  d.result.suspension_days = 93;
  EXPECT_TRUE(NamesBenchmark(d));
  EXPECT_TRUE(CheckBenchmarkTier(d, kTiers, "d").empty());
  d.result.fine_fen = 0;
  EXPECT_EQ(Fields(CheckBenchmarkTier(d, kTiers, "d")), std::vector<std::string>{"d.result.fine_fen"});
}

TEST(BenchmarkRules, FineWithinTheNamedTierPasses) {
  EXPECT_TRUE(CheckBenchmarkTier(MajorDecision(4, 50'000'001), kTiers, "d").empty());
  EXPECT_TRUE(CheckBenchmarkTier(MajorDecision(4, 100'000'000), kTiers, "d").empty());
  PenaltyDecision at_minimum = MajorDecision(3, 10'000'000);
  at_minimum.result.licence_revoked = true;  // major whatever the fine
  EXPECT_TRUE(CheckBenchmarkTier(at_minimum, kTiers, "d").empty());
}

TEST(BenchmarkRules, TierTheBenchmarkDoesNotHaveIsNamed) {
  auto v = CheckBenchmarkTier(MajorDecision(5, 60'000'000), kTiers, "decisions[1]");
  ASSERT_EQ(Fields(v), std::vector<std::string>{"decisions[1].benchmark_tier"});
  EXPECT_EQ(v[0].description,
            "the city's benchmark SJ-SP-034 has no tier 5 (严重顶格); its tiers are 3 (一般), 4 (从重)");
}

TEST(BenchmarkRules, FineOutsideTheTiersRangeIsNamed) {
  auto v = CheckBenchmarkTier(MajorDecision(4, 100'000'001), kTiers, "decisions[1]");
  ASSERT_EQ(Fields(v), std::vector<std::string>{"decisions[1].result.fine_fen"});
  EXPECT_EQ(v[0].description,
            "must lie within the range of benchmark_tier 4 (从重) of the city's benchmark SJ-SP-034, 50000000 to "
            "100000000 fen (got 100000001)");
  PenaltyDecision revoked = MajorDecision(3, 9'999'999);
  revoked.result.licence_revoked = true;  // major whatever the fine
  EXPECT_EQ(Fields(CheckBenchmarkTier(revoked, kTiers, "d")), std::vector<std::string>{"d.result.fine_fen"});
}

// ------------------------------------------------------------------ text rules

TEST(TextRules, InvalidUtf8IsRejected) {
  PenaltyDecision d = ValidOrganisationDecision();
  const std::string bad[] = {
      "\xc0\xaf",          // overlong '/'
      "\xe0\x80\xaf",      // overlong, three bytes
      "\xed\xa0\x80",      // surrogate U+D800
      "\xf4\x90\x80\x80",  // beyond U+10FFFF
      "\xe4\xb8",          // truncated at the end
      "\x80",              // stray continuation byte
      "\xf5\x80\x80\x80",  // never a lead byte
  };
  for (const std::string& b : bad) {
    d.party.name = "公司" + b;
    auto v = ValidateDecision(d, "d", kToday);
    EXPECT_EQ(Fields(v), std::vector<std::string>{"d.party.name"});
    EXPECT_EQ(v.at(0).description, "not valid UTF-8 (first bad byte at offset 6)");
  }
}

TEST(TextRules, ControlCharactersAreRejected) {
  PenaltyDecision d = ValidOrganisationDecision();
  d.party.name = "某\a公司";
  EXPECT_EQ(DescriptionOf(ValidateDecision(d, "d", kToday), "d.party.name"), "contains a control character (U+0007)");
  d.party.name = "某公司\x7f";
  EXPECT_EQ(DescriptionOf(ValidateDecision(d, "d", kToday), "d.party.name"), "contains a control character (U+007F)");
  d.party.name = "某公司\xc2\x85";  // C1 NEL
  EXPECT_EQ(DescriptionOf(ValidateDecision(d, "d", kToday), "d.party.name"), "contains a control character (U+0085)");
  d.party.name = std::string("某公司\0", 10);
  EXPECT_EQ(DescriptionOf(ValidateDecision(d, "d", kToday), "d.party.name"), "contains a control character (U+0000)");
  d.party.name = "某\n公司";
  EXPECT_TRUE(Names(ValidateDecision(d, "d", kToday), "d.party.name"));
}

TEST(TextRules, LineBreaksAndTabsOnlyInLongTexts) {
  PenaltyDecision d = ValidOrganisationDecision();
  d.facts = "第一段。\n\t第二段。";
  d.decision_number = "晋太市监罚\t〔2026〕12号";
  d.result.other = "责令改正\n";
  EXPECT_EQ(Fields(ValidateDecision(d, "d", kToday)),
            (std::vector<std::string>{"d.decision_number", "d.result.other"}));
  d = ValidOrganisationDecision();
  d.facts = "第一段。\r\n第二段。";  // carriage return is still a control character
  EXPECT_EQ(DescriptionOf(ValidateDecision(d, "d", kToday), "d.facts"), "contains a control character (U+000D)");
}

TEST(TextRules, ByteLimitsPerField) {
  PenaltyDecision d = ValidOrganisationDecision();
  d.party.name = std::string(200, 'a');
  d.facts = std::string(20000, 'a');
  d.result.other = std::string(1000, 'a');
  // The address is never published and is masked wherever the text repeats
  // it (one ＊ a character): a text of its own, so that no field grows by masking.
  d.party.address = std::string(1000, 'b');
  EXPECT_TRUE(ValidateDecision(d, "d", kToday).empty());
  d.party.name += "a";
  d.facts += "a";
  d.result.other += "a";
  d.party.address += "b";
  auto v = ValidateDecision(d, "d", kToday);
  EXPECT_EQ(Fields(v), (std::vector<std::string>{"d.party.name", "d.party.address", "d.facts", "d.result.other"}));
  EXPECT_EQ(v[0].description, "at most 200 bytes (got 201)");
  EXPECT_EQ(v[2].description, "at most 20000 bytes (got 20001)");
  EXPECT_EQ(v[3].description, "at most 1000 bytes (got 1001)");
}

TEST(TextRules, EveryBrokenTextRuleOfAFieldIsNamed) {
  PenaltyDecision d = ValidOrganisationDecision();
  d.decision_number = std::string(300, 'a') + "\x01\xff";
  auto v = ValidateDecision(d, "d", kToday);
  ASSERT_EQ(Fields(v), (std::vector<std::string>{"d.decision_number", "d.decision_number", "d.decision_number"}));
  EXPECT_EQ(v[0].description, "not valid UTF-8 (first bad byte at offset 301)");
  EXPECT_EQ(v[1].description, "contains a control character (U+0001)");
  EXPECT_EQ(v[2].description, "at most 200 bytes (got 302)");
}

TEST(TextRules, ChineseTextAndSupplementaryCharactersPass) {
  PenaltyDecision d = ValidOrganisationDecision();
  d.party.name = "𠮷野家（太原）餐饮管理有限公司";  // U+20BB7, four bytes
  d.facts = "当事人经营场所内发现“三无”产品；货值金额￥3,200.00元。—— 完";
  EXPECT_TRUE(ValidateDecision(d, "d", kToday).empty());
}

// ------------------------------------------------------------------ measures

TEST(MeasureRules, ValidMeasureHasNoViolations) {
  EXPECT_EQ(ValidateMeasure(ValidMeasure(), "m", kToday), common::Violations{});
}

TEST(MeasureRules, EveryBrokenRuleIsNamedByField) {
  CoerciveMeasure m;
  m.period_start = Day("2026-06-01");
  EXPECT_EQ(Fields(ValidateMeasure(m, "measures[0]", kToday)),
            (std::vector<std::string>{
                "measures[0].agency_credit_code", "measures[0].source_id", "measures[0].source_version",
                "measures[0].document_number", "measures[0].domain", "measures[0].party.kind", "measures[0].party.name",
                "measures[0].legal_basis", "measures[0].type", "measures[0].object_name", "measures[0].object_quantity",
                "measures[0].period_start", "measures[0].period_end", "measures[0].release_conditions"}));
}

TEST(MeasureRules, PeriodIsOrderedAndStartsNoLaterThanToday) {
  CoerciveMeasure m = ValidMeasure();
  m.period_end = m.period_start;
  EXPECT_TRUE(ValidateMeasure(m, "m", kToday).empty());
  m.period_end = Day("2026-04-30");
  EXPECT_EQ(Fields(ValidateMeasure(m, "m", kToday)), std::vector<std::string>{"m.period_end"});
  m = ValidMeasure();
  m.period_start = Day("2026-05-21");
  EXPECT_EQ(Fields(ValidateMeasure(m, "m", kToday)), std::vector<std::string>{"m.period_start"});
  m.period_start = Day("2026-02-30");
  m.period_end = Day("soon");
  EXPECT_EQ(Fields(ValidateMeasure(m, "m", kToday)), (std::vector<std::string>{"m.period_start", "m.period_end"}));
}

TEST(MeasureRules, TypeMustBeSet) {
  CoerciveMeasure m = ValidMeasure();
  m.type = MeasureType::kUnset;
  EXPECT_EQ(Fields(ValidateMeasure(m, "m", kToday)), std::vector<std::string>{"m.type"});
}

TEST(MeasureRules, ObjectAndReleaseConditionsAreRequired) {
  CoerciveMeasure m = ValidMeasure();
  m.object_name = "";
  m.object_quantity = " ";
  m.release_conditions = "\u3000";
  m.legal_basis = {{"", 1, 0, 0}};
  EXPECT_EQ(
      Fields(ValidateMeasure(m, "m", kToday)),
      (std::vector<std::string>{"m.legal_basis[0].law", "m.object_name", "m.object_quantity", "m.release_conditions"}));
}

TEST(MeasureRules, RestrictingLibertyNeedsNecessityStatementAndRemedy) {
  CoerciveMeasure m = ValidMeasure();
  m.type = MeasureType::kRestrictLiberty;
  m.party = Party{Party::Kind::kNaturalPerson, "李四", "", kAdultId, false, "", ""};
  EXPECT_EQ(Fields(ValidateMeasure(m, "m", kToday)),
            (std::vector<std::string>{"m.necessity_statement", "m.remedy.review_body", "m.remedy.review_days",
                                      "m.remedy.litigation_court", "m.remedy.litigation_months"}));
  m.necessity_statement = "必要";  // 6 bytes
  m.remedy = LawfulRemedy();
  auto v = ValidateMeasure(m, "m", kToday);
  EXPECT_EQ(Fields(v), std::vector<std::string>{"m.necessity_statement"});
  EXPECT_EQ(v[0].description.rfind("at least 10 bytes", 0), 0u);
  m.necessity_statement = "当事人有逃匿可能，确有必要。";
  EXPECT_TRUE(ValidateMeasure(m, "m", kToday).empty());
}

TEST(MeasureRules, OtherTypesMayOmitRemedyButNotHalfOfIt) {
  CoerciveMeasure m = ValidMeasure();
  m.remedy = LawfulRemedy();
  EXPECT_TRUE(ValidateMeasure(m, "m", kToday).empty());
  m.remedy = Remedy{};
  m.remedy.review_body = "太原市人民政府";
  EXPECT_EQ(
      Fields(ValidateMeasure(m, "m", kToday)),
      (std::vector<std::string>{"m.remedy.review_days", "m.remedy.litigation_court", "m.remedy.litigation_months"}));
}

TEST(MeasureRules, MinorPartyIsAllowedAndJudgedOnTheMeasureDate) {
  CoerciveMeasure m = ValidMeasure();
  m.party = Party{Party::Kind::kNaturalPerson, "王五", "", CitizenId("14010120080501123"), false, "", ""};
  EXPECT_EQ(Fields(ValidateMeasure(m, "m", kToday)), std::vector<std::string>{"m.party.minor"});
  m.party.minor = true;
  EXPECT_TRUE(ValidateMeasure(m, "m", kToday).empty());
  m.party.minor = false;
  m.period_start = Day("2026-05-02");  // the day after the 18th birthday
  EXPECT_TRUE(ValidateMeasure(m, "m", kToday).empty());
}

// ------------------------------------------------------------------ bounds

std::string Repeat(const std::string& piece, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += piece;
  return out;
}

TEST(Bounds, EachListOfProvisionsHoldsAtMostTwenty) {
  PenaltyDecision d = ValidOrganisationDecision();
  d.violated.assign(kMaxProvisions, d.violated[0]);
  d.applied.assign(kMaxProvisions, d.applied[0]);
  EXPECT_TRUE(ValidateDecision(d, "d", kToday).empty());
  d.applied.push_back(d.applied[0]);
  auto v = ValidateDecision(d, "d", kToday);
  ASSERT_EQ(Fields(v), std::vector<std::string>{"d.applied"});
  EXPECT_EQ(v[0].description, "at most 20 legal provisions (got 21)");

  CoerciveMeasure m = ValidMeasure();
  m.legal_basis.assign(kMaxProvisions, m.legal_basis[0]);
  EXPECT_TRUE(ValidateMeasure(m, "m", kToday).empty());
  m.legal_basis.push_back(m.legal_basis[0]);
  EXPECT_EQ(Fields(ValidateMeasure(m, "m", kToday)), std::vector<std::string>{"m.legal_basis"});
}

// 20,000 provisions, each broken: one violation, for the list, not one per
// provision.
TEST(Bounds, AHostileListIsNamedOnceAsAWhole) {
  PenaltyDecision d = ValidOrganisationDecision();
  d.violated.assign(20'000, common::LegalProvision{"\x01", 0, -1, -1});
  auto v = ValidateDecision(d, "d", kToday);
  ASSERT_EQ(Fields(v), std::vector<std::string>{"d.violated"});
  EXPECT_EQ(v[0].description, "at most 20 legal provisions (got 20000)");
}

// Masking lengthens text (a digit becomes a 3-byte ＊): a published free-text
// field is held to the field's bound as published too.
TEST(Bounds, FreeTextIsBoundedAsPublishedToo) {
  PenaltyDecision d = ValidPersonDecision();
  d.facts = Repeat("13812345678，", 1000);                 // 14,000 bytes; 36,000 as published
  d.result.other = Repeat("13812345678，", 70);            // 980 bytes; 2,520 as published
  d.legal_application_explanation = Repeat("张三", 3000);  // 18,000 bytes; 27,000 as 张某某
  auto v = ValidateDecision(d, "d", kToday);
  ASSERT_EQ(Fields(v), (std::vector<std::string>{"d.facts", "d.result.other", "d.legal_application_explanation"}));
  EXPECT_EQ(v[0].description, "at most 20000 bytes as published, with names and numbers masked (got 36000)");
  EXPECT_EQ(v[1].description, "at most 1000 bytes as published, with names and numbers masked (got 2520)");
  EXPECT_EQ(v[2].description, "at most 20000 bytes as published, with names and numbers masked (got 27000)");

  // An organisation's name is published as it is.
  d = ValidOrganisationDecision();
  d.legal_application_explanation = Repeat(d.party.name, 20000 / d.party.name.size());
  EXPECT_TRUE(ValidateDecision(d, "d", kToday).empty());

  CoerciveMeasure m = ValidMeasure();
  m.object_name = Repeat("13812345678，", 14);  // 196 bytes; 504 as published
  m.release_conditions = Repeat("13812345678，", 1000);
  m.type = MeasureType::kRestrictLiberty;
  m.party = Party{Party::Kind::kNaturalPerson, "李四", "", kAdultId, false, "", ""};
  m.remedy = LawfulRemedy();
  m.necessity_statement = Repeat("13812345678，", 1000);
  EXPECT_EQ(Fields(ValidateMeasure(m, "m", kToday)),
            (std::vector<std::string>{"m.object_name", "m.release_conditions", "m.necessity_statement"}));
}

// A field over its bound as sent is named once, for that.
TEST(Bounds, TextOverItsBoundAsSentIsNamedOnce) {
  PenaltyDecision d = ValidOrganisationDecision();
  d.facts = Repeat("13812345678，", 1500);  // 21,000 bytes
  auto v = ValidateDecision(d, "d", kToday);
  ASSERT_EQ(Fields(v), std::vector<std::string>{"d.facts"});
  EXPECT_EQ(v[0].description, "at most 20000 bytes (got 21000)");
}

// A bank account is kept for the city, never published: one line of at most
// 64 bytes.
TEST(Bounds, ABankAccountOfAtMost64Bytes) {
  PenaltyDecision d = ValidPersonDecision();
  d.party.bank_account = "6222 0212 3456 7890 123";
  EXPECT_TRUE(ValidateDecision(d, "d", kToday).empty());
  d.party.bank_account = std::string(65, '6');
  auto v = ValidateDecision(d, "d", kToday);
  ASSERT_EQ(Fields(v), std::vector<std::string>{"d.party.bank_account"});
  EXPECT_EQ(v[0].description, "at most 64 bytes (got 65)");
  CoerciveMeasure m = ValidMeasure();
  m.party.bank_account = "6222\n0212";
  EXPECT_EQ(Fields(ValidateMeasure(m, "m", kToday)), std::vector<std::string>{"m.party.bank_account"});
}

// The persons a record mentions: at most 50, each a name of one line of 1 to
// 200 bytes; a longer list is named once, as a whole.
TEST(Bounds, AtMostFiftyMentionedPersonsEachANameOfOneLine) {
  PenaltyDecision d = ValidPersonDecision();
  d.mentioned_persons.assign(kMaxMentionedPersons, "王小明");
  EXPECT_TRUE(ValidateDecision(d, "d", kToday).empty());
  d.mentioned_persons.assign(20'000, "\x01");
  auto v = ValidateDecision(d, "d", kToday);
  ASSERT_EQ(Fields(v), std::vector<std::string>{"d.mentioned_persons"});
  EXPECT_EQ(v[0].description, "at most 50 persons (got 20000)");
  d.mentioned_persons = {"王小明", "\u3000", std::string(201, 'a')};
  v = ValidateDecision(d, "d", kToday);
  ASSERT_EQ(Fields(v), (std::vector<std::string>{"d.mentioned_persons[1]", "d.mentioned_persons[2]"}));
  EXPECT_EQ(v[0].description, "required");
  EXPECT_EQ(v[1].description, "at most 200 bytes (got 201)");

  CoerciveMeasure m = ValidMeasure();
  m.mentioned_persons.assign(kMaxMentionedPersons + 1, "王小明");
  EXPECT_EQ(Fields(ValidateMeasure(m, "m", kToday)), std::vector<std::string>{"m.mentioned_persons"});
}

// Decision and document numbers and the object quantity are published
// masked, and held to their bounds as published.
TEST(Bounds, NumbersAndQuantityAreBoundedAsPublished) {
  PenaltyDecision d = ValidPersonDecision();
  d.decision_number = Repeat("13812345678，", 14);  // 196 bytes; 504 as published
  EXPECT_EQ(Fields(ValidateDecision(d, "d", kToday)), std::vector<std::string>{"d.decision_number"});
  CoerciveMeasure m = ValidMeasure();
  m.document_number = Repeat("13812345678，", 14);
  m.object_quantity = Repeat("13812345678，", 70);  // 980 bytes; 2,520 as published
  EXPECT_EQ(Fields(ValidateMeasure(m, "m", kToday)),
            (std::vector<std::string>{"m.document_number", "m.object_quantity"}));
}

// A source id is published as the record's key, which cannot be masked: one
// that carries the record's own personal data (its party's name, ID number,
// phone, bank account, address or credit code, a mentioned person's name) is
// refused, in whatever form the masking finds it in text.
TEST(SourceId, MustNotCarryTheRecordsOwnPersonalData) {
  const std::string rule =
      "must not carry the record's personal data (the party's name, ID number, phone, bank account, address or "
      "credit code, or a mentioned person's name): it is published as the record's key";
  PenaltyDecision d = ValidPersonDecision();  // phone 13812345678, ID kAdultId
  d.mentioned_persons = {"Wang Fang"};
  for (const std::string& id : std::vector<std::string>{"TY-13812345678", "TY-" + kAdultId, "ID" + kAdultId,
                                                        "138-1234-5678", "86-13812345678", "WANGFANG-2026-1"}) {
    d.source_id = id;
    auto v = ValidateDecision(d, "d", kToday);
    ASSERT_EQ(Fields(v), std::vector<std::string>{"d.source_id"}) << id;
    EXPECT_EQ(v[0].description, rule);
  }
  CoerciveMeasure m = ValidMeasure();
  m.party.bank_account = "6222021234567890";
  m.source_id = "QZ-6222021234567890-1";
  EXPECT_EQ(Fields(ValidateMeasure(m, "m", kToday)), std::vector<std::string>{"m.source_id"});
}

// What the number rules find in text (an 18-digit run reads as an ID, 19
// digits as an account, 11 digits from 13-19 as a mobile, 10-12 from 0 as a
// landline) is an ordinary key when it is nobody's number in the record:
// snowflake ids, date-and-sequence keys. Such a key is accepted.
TEST(SourceId, OrdinaryNumericKeysAreAccepted) {
  PenaltyDecision d = ValidPersonDecision();
  for (const std::string id : {"1781234567890123456", "202603050001234567", "13900001111", "03511234567",
                               "TY-0351-7654321", "TY-SJ-2026-000124", "XZCF20260305000123", "QZ-2026-0042"}) {
    d.source_id = id;
    EXPECT_EQ(Fields(ValidateDecision(d, "d", kToday)), std::vector<std::string>{}) << id;
  }
  CoerciveMeasure m = ValidMeasure();
  m.source_id = "1781234567890123456";
  EXPECT_EQ(Fields(ValidateMeasure(m, "m", kToday)), std::vector<std::string>{});
}

// ------------------------------------------------------------------ masking

Party Person(const std::string& name, const std::string& id) {
  return Party{Party::Kind::kNaturalPerson, name, "", id, false, "太原市小店区某街1号", "13812345678"};
}

TEST(Masking, NaturalPersonNameIsSurnamePlusMouMou) {
  EXPECT_EQ(MaskParty(Person("张三", kAdultId)).name, "张某某");
  EXPECT_EQ(MaskParty(Person("李小龙", kAdultId)).name, "李某某");
  EXPECT_EQ(MaskParty(Person("张", kAdultId)).name, "张某某");
  EXPECT_EQ(MaskParty(Person(" 王五\u3000", kAdultId)).name, "王某某");
  EXPECT_EQ(MaskParty(Person("𠮷田", kAdultId)).name, "𠮷某某");  // a four-byte surname stays whole
  EXPECT_EQ(MaskParty(Person("阿依古丽·买买提", kAdultId)).name, "阿某某");
}

TEST(Masking, CompoundSurnameIsKeptWhole) {
  EXPECT_EQ(MaskParty(Person("欧阳娜娜", kAdultId)).name, "欧阳某某");
  EXPECT_EQ(MaskParty(Person("司马光", kAdultId)).name, "司马某某");
  EXPECT_EQ(MaskParty(Person("诸葛亮", kAdultId)).name, "诸葛某某");
  // Two characters in all: 司 + 马, or the whole name would be published.
  EXPECT_EQ(MaskParty(Person("司马", kAdultId)).name, "司某某");
}

TEST(Masking, EmptyNameStaysEmpty) {
  EXPECT_EQ(MaskParty(Person("", kAdultId)).name, "");
  EXPECT_EQ(MaskParty(Person("  ", kAdultId)).name, "");
}

TEST(Masking, InvalidNameRevealsNothing) { EXPECT_EQ(MaskParty(Person("\xff\xfe张三", kAdultId)).name, "某某"); }

// A one-character name is not searched for in text (行李 stays 行李): were it,
// every 李 would grow into 李某某, and a valid decision number could outgrow
// its published bound because of the party's name alone.
TEST(Masking, AOneCharacterNameIsNotSearchedForInText) {
  PenaltyDecision d = ValidPersonDecision();
  d.party.name = "李";
  d.mentioned_persons = {"\u3000王 "};
  d.decision_number = Repeat("李王庄", 22);  // 198 bytes
  d.facts = "当事人李将行李存放于王庄仓库。";
  EXPECT_EQ(Fields(ValidateDecision(d, "d", kToday)), std::vector<std::string>{});
  const PenaltyDecision shown = PublicDecision(d);
  EXPECT_EQ(shown.decision_number, d.decision_number);
  EXPECT_EQ(shown.facts, d.facts);
  EXPECT_EQ(shown.party.name, "李某某");
}

TEST(Masking, IdNumberKeepsFirstSixAndLastFour) {
  const std::string id = CitizenId("14010119850315123");
  EXPECT_EQ(MaskParty(Person("张三", id)).id_number, "140101********" + id.substr(14));
  EXPECT_EQ(MaskParty(Person("张三", "14010119850315123X")).id_number, "140101********123X");
}

TEST(Masking, OtherIdNumbersAreFullyMasked) {
  EXPECT_EQ(MaskParty(Person("张三", "140101850315123")).id_number, std::string(15, '*'));
  EXPECT_EQ(MaskParty(Person("张三", "")).id_number, "");
  EXPECT_EQ(MaskParty(Person("张三", "护照E1234567")).id_number, std::string(10, '*'));
  EXPECT_EQ(MaskParty(Person("张三", "１４０１０１１９８５０３１５")).id_number.find('1'), std::string::npos);
}

TEST(Masking, AddressPhoneAndCreditCodeOfAPersonAreDropped) {
  Party p = Person("张三", kAdultId);
  p.credit_code = CreditCode("92140100MA0KXY001");
  p.minor = true;
  Party masked = MaskParty(p);
  EXPECT_EQ(masked.address, "");
  EXPECT_EQ(masked.phone, "");
  EXPECT_EQ(masked.credit_code, "");
  EXPECT_TRUE(masked.minor);
  EXPECT_EQ(masked.kind, Party::Kind::kNaturalPerson);
}

TEST(Masking, OrganisationIsPublishedInFullWithoutAddressAndPhone) {
  Party org{Party::Kind::kOrganization, "太原市某某食品有限公司", kCompany, "", false, "太原市小店区", "0351-1234567"};
  Party masked = MaskParty(org);
  EXPECT_EQ(masked.name, org.name);
  EXPECT_EQ(masked.credit_code, kCompany);
  EXPECT_EQ(masked.address, "");
  EXPECT_EQ(masked.phone, "");
}

TEST(Masking, ABankAccountIsNeverPublished) {
  Party p = Person("张三", kAdultId);
  p.bank_account = "6222021234567890";
  EXPECT_EQ(MaskParty(p).bank_account, "");
  Party org{Party::Kind::kOrganization, "太原市某某食品有限公司", kCompany, "", false, "", "", "6222021234567890"};
  EXPECT_EQ(MaskParty(org).bank_account, "");
}

TEST(Masking, OrganisationsLegalRepresentativeIsPublishedInFull) {
  Party org{Party::Kind::kOrganization, "太原市某某食品有限公司", kCompany, "", false, "", "", "", "王五"};
  EXPECT_EQ(MaskParty(org).legal_representative, "王五");
}

TEST(Masking, IndividualBusinessInFullWithItsOperatorMaskedAsAPerson) {
  const PenaltyDecision d = ValidIndividualBusinessDecision();
  Party business = d.party;
  business.address = "太原市小店区某街1号";
  business.phone = "13812345678";
  const Party masked = MaskParty(business);
  EXPECT_EQ(masked.kind, Party::Kind::kIndividualBusiness);
  EXPECT_EQ(masked.name, "小店区张三烧烤店");
  EXPECT_EQ(masked.credit_code, business.credit_code);
  EXPECT_EQ(masked.legal_representative, "张某某");
  EXPECT_EQ(masked.address, "");
  EXPECT_EQ(masked.phone, "");
}

TEST(Masking, IndividualBusinessWhoseNameIsItsOperatorsIsMaskedAsAPerson) {
  Party business = ValidIndividualBusinessDecision().party;
  business.legal_representative = "张三";
  for (const std::string name : {"张三", "张 三", " 张三 "}) {
    business.name = name;
    EXPECT_TRUE(NamedAfterOperator(business)) << name;
    EXPECT_EQ(MaskParty(business).name, "张某某") << name;
  }
  business.name = "小店区张三烧烤店";
  EXPECT_FALSE(NamedAfterOperator(business)) << "a trade name of its own";
  EXPECT_EQ(MaskParty(business).name, "小店区张三烧烤店");
  business.name = "张三丰";
  EXPECT_FALSE(NamedAfterOperator(business));
  Party org = business;
  org.kind = Party::Kind::kOrganization;
  org.name = "张三";
  EXPECT_FALSE(NamedAfterOperator(org)) << "an organisation's name is its own";
}

TEST(Masking, NaturalPersonPublishesNoLegalRepresentative) {
  Party p = Person("张三", kAdultId);
  p.legal_representative = "王五";
  EXPECT_EQ(MaskParty(p).legal_representative, "");
}

TEST(Masking, UnsetKindIsMaskedAsAPerson) {
  Party p = Person("张三", kAdultId);
  p.kind = Party::Kind::kUnset;
  EXPECT_EQ(MaskParty(p).name, "张某某");
}

// ------------------------------------------------------------------ scrubbing

std::string Stars(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += "＊";
  return out;
}

// Numbers by rule, as every published text is masked: MaskPersonalData with
// no personal data of a record.
std::string ByRule(const std::string& text) { return MaskPersonalData(text, {}); }

TEST(Scrubbing, PhoneInFactsIsScrubbed) {
  EXPECT_EQ(ByRule("经查，当事人（电话13812345678）销售过期食品。"),
            "经查，当事人（电话" + Stars(11) + "）销售过期食品。");
  EXPECT_EQ(ByRule("13812345678"), Stars(11));
  EXPECT_EQ(ByRule("call 199 1234 5678."), "call " + Stars(13) + ".");
  EXPECT_EQ(ByRule("tel:138-1234-5678"), "tel:" + Stars(13));
  // 12 is not a mobile prefix, and the number is not a landline either.
  EXPECT_EQ(ByRule("编号12812345678"), "编号12812345678");
}

TEST(Scrubbing, IdNumbersAreScrubbed) {
  EXPECT_EQ(ByRule("身份证号" + kAdultId + "。"), "身份证号" + Stars(18) + "。");
  EXPECT_EQ(ByRule("身份证号14010119850315123X，"), "身份证号" + Stars(18) + "，");
  EXPECT_EQ(ByRule("身份证号14010119850315123x"), "身份证号" + Stars(18));
  EXPECT_EQ(ByRule("旧证140101850315123号"), "旧证" + Stars(15) + "号");
  EXPECT_EQ(ByRule("证件 140101 19850315 123X 在案"), "证件 " + Stars(20) + " 在案");
}

TEST(Scrubbing, LandlinesAreScrubbed) {
  EXPECT_EQ(ByRule("电话0351-1234567"), "电话" + Stars(12));
  EXPECT_EQ(ByRule("电话010 12345678。"), "电话" + Stars(12) + "。");
  EXPECT_EQ(ByRule("电话03511234567"), "电话" + Stars(11));
  EXPECT_EQ(ByRule("电话0101234567"), "电话" + Stars(10));
}

TEST(Scrubbing, BankAccountsAreScrubbed) {
  EXPECT_EQ(ByRule("账号6222021234567890"), "账号" + Stars(16));
  EXPECT_EQ(ByRule("账号6222021234567890123"), "账号" + Stars(19));
  EXPECT_EQ(ByRule("账号6222 0212 3456 7890 123。"), "账号" + Stars(23) + "。");
  EXPECT_EQ(ByRule("账号6222-0212-3456-7890"), "账号" + Stars(19));
  // Twenty digits are no account; nor is any part of them.
  EXPECT_EQ(ByRule("流水62220212345678901234"), "流水62220212345678901234");
}

TEST(Scrubbing, FullwidthDigitsAreScrubbed) {
  EXPECT_EQ(ByRule("电话１３８１２３４５６７８。"), "电话" + Stars(11) + "。");
}

TEST(Scrubbing, DecisionNumbersAmountsAndCodesStay) {
  for (const std::string& text :
       std::vector<std::string>{"晋太市监罚〔2026〕12号", "罚款5000元", "罚款50000000分", "2026-04-01作出决定",
                                "统一社会信用代码" + kCompany, "案号TY138123456789", "13812345678abc",
                                "订单号123456789012", "第1款第2项", "3.1415926535897", "价格 12 34 56 78"}) {
    EXPECT_EQ(ByRule(text), text);
  }
}

TEST(Scrubbing, InvalidBytesPassThroughUnchanged) {
  const std::string text = "\xff\xfe电话13812345678\xe4\xb8";
  EXPECT_EQ(ByRule(text), "\xff\xfe电话" + Stars(11) + "\xe4\xb8");
  EXPECT_EQ(ByRule(""), "");
}

// ------------------------------------------------------------------ retention

PenaltyDecision DatedDecision(const std::string& date, CreditSeverity severity) {
  PenaltyDecision d = ValidOrganisationDecision();
  d.decision_date = Day(date);
  d.severity = severity;
  return d;
}

std::string PublicUntil(const std::string& date, CreditSeverity severity) {
  return common::FormatIsoDate(RetentionOf(DatedDecision(date, severity)).public_until);
}

TEST(Retention, MinorPartyIsNeverPublished) {
  PenaltyDecision d = ValidPersonDecision();
  d.party.minor = true;
  EXPECT_FALSE(RetentionOf(d).publishable);
  d.decision_date = Day("2025-01-10");  // under the earlier rules, likewise
  EXPECT_FALSE(RetentionOf(d).publishable);
}

TEST(Retention, MinorByIdBirthDateIsNeverPublishedEvenUnflagged) {
  PenaltyDecision d = ValidPersonDecision();
  d.party.id_number = CitizenId("14010120100101123");
  EXPECT_FALSE(RetentionOf(d).publishable);
}

// The 2023 rules in force before 2026-04-01 have the same tiers: nothing
// stays public forever.
TEST(Retention, DecisionBefore2026AprilLeavesAfterItsTierMaximum) {
  EXPECT_EQ(PublicUntil("2026-03-31", CreditSeverity::kGeneral), "2027-03-30");
  EXPECT_EQ(PublicUntil("2026-03-31", CreditSeverity::kSerious), "2029-03-30");
  EXPECT_EQ(PublicUntil("2024-02-29", CreditSeverity::kGeneral), "2025-02-27");
  EXPECT_EQ(PublicUntil("1990-01-01", CreditSeverity::kSerious), "1992-12-31");
  EXPECT_TRUE(RetentionOf(DatedDecision("2025-06-10", CreditSeverity::kGeneral)).publishable);
}

TEST(Retention, MinorBefore2026AprilIsNotPublished) {
  for (const char* date : {"2026-03-31", "2023-05-01", "1990-01-01"}) {
    const Retention r = RetentionOf(DatedDecision(date, CreditSeverity::kMinor));
    EXPECT_FALSE(r.publishable) << date;
    EXPECT_FALSE(r.public_until.has_value()) << date;
  }
}

TEST(Retention, TheRuleSetInForceOnTheDecisionDateApplies) {
  EXPECT_STREQ(RetentionRulesOn(*Day("2026-03-31")).name, "失信行为纠正后的信用信息修复管理办法（试行）");
  EXPECT_STREQ(RetentionRulesOn(*Day("2026-04-01")).name, "信用修复管理办法");
  EXPECT_STREQ(RetentionRulesOn(*Day("2030-01-01")).name, "信用修复管理办法");
  EXPECT_STREQ(RetentionRulesOn(*Day("1980-01-01")).name, RetentionRuleSets().front().name)
      << "a date before every set takes the first";
  for (const RetentionRules& rules : RetentionRuleSets()) {
    EXPECT_FALSE(TermOf(rules, CreditSeverity::kMinor)->publishable) << rules.name;
    EXPECT_EQ(TermOf(rules, CreditSeverity::kGeneral)->minimum_months, 3) << rules.name;
    EXPECT_EQ(TermOf(rules, CreditSeverity::kGeneral)->maximum_months, 12) << rules.name;
    EXPECT_EQ(TermOf(rules, CreditSeverity::kSerious)->minimum_months, 12) << rules.name;
    EXPECT_EQ(TermOf(rules, CreditSeverity::kSerious)->maximum_months, 36) << rules.name;
    EXPECT_FALSE(TermOf(rules, CreditSeverity::kUnset).has_value()) << rules.name;
  }
}

TEST(Retention, MinorTierFromApril2026IsNotPublished) {
  EXPECT_FALSE(RetentionOf(DatedDecision("2026-04-01", CreditSeverity::kMinor)).publishable);
}

TEST(Retention, GeneralTierEndsTheDayBeforeTheFirstAnniversary) {
  Retention r = RetentionOf(DatedDecision("2026-04-01", CreditSeverity::kGeneral));
  EXPECT_TRUE(r.publishable);
  EXPECT_EQ(common::FormatIsoDate(r.public_until), "2027-03-31");
  EXPECT_EQ(PublicUntil("2026-08-31", CreditSeverity::kGeneral), "2027-08-30");
}

TEST(Retention, SeriousTierEndsTheDayBeforeTheThirdAnniversary) {
  Retention r = RetentionOf(DatedDecision("2026-04-01", CreditSeverity::kSerious));
  EXPECT_TRUE(r.publishable);
  EXPECT_EQ(common::FormatIsoDate(r.public_until), "2029-03-31");
  EXPECT_EQ(PublicUntil("2026-12-31", CreditSeverity::kSerious), "2029-12-30");
}

TEST(Retention, LeapDayAndMonthEndClampToTheMonthsLastDay) {
  // 2028-02-29 + 12 months is 2029-02-28 (clamped), so the last public day is 2029-02-27.
  EXPECT_EQ(PublicUntil("2028-02-29", CreditSeverity::kGeneral), "2029-02-27");
  EXPECT_EQ(PublicUntil("2028-02-29", CreditSeverity::kSerious), "2031-02-27");
  EXPECT_EQ(PublicUntil("2027-02-28", CreditSeverity::kGeneral), "2028-02-27");
  EXPECT_EQ(PublicUntil("2029-02-28", CreditSeverity::kSerious), "2032-02-27");
}

TEST(Retention, UnsetSeverityOrUnreadableDateIsNotPublished) {
  EXPECT_FALSE(RetentionOf(DatedDecision("2026-04-01", CreditSeverity::kUnset)).publishable);
  EXPECT_FALSE(RetentionOf(DatedDecision("2026-04-31", CreditSeverity::kGeneral)).publishable);
  EXPECT_FALSE(RetentionOf(DatedDecision("", CreditSeverity::kGeneral)).publishable);
}

// ------------------------------------------------------------------ credit repair

const std::set<std::string> kOneYearDomains = {"emergency_management"};

// Why a repair granted on `repaired_on` of a decision of `date` and
// `severity` in `domain` is refused; "" when it is not.
std::string RepairRefusal(const std::string& date, CreditSeverity severity, const std::string& repaired_on,
                          const std::string& domain = "market_regulation") {
  PenaltyDecision d = DatedDecision(date, severity);
  d.domain = domain;
  return CreditRepairRefusal(d, *Day(repaired_on), kOneYearDomains).value_or("");
}

TEST(CreditRepair, CreditRepairBeforeTheMinimumIsRefused) {
  // General: 3 months from the decision date; serious: 12; under either rule set.
  EXPECT_EQ(RepairRefusal("2026-04-15", CreditSeverity::kGeneral, "2026-07-15"), "");
  const std::string early = RepairRefusal("2026-04-15", CreditSeverity::kGeneral, "2026-07-14");
  EXPECT_NE(early.find("2026-07-15, the first day a credit repair of this decision may be recorded"), std::string::npos)
      << early;
  EXPECT_NE(early.find("3 months, the minimum of the general tier under 信用修复管理办法"), std::string::npos) << early;
  EXPECT_NE(RepairRefusal("2026-04-15", CreditSeverity::kSerious, "2027-04-14"), "");
  EXPECT_EQ(RepairRefusal("2026-04-15", CreditSeverity::kSerious, "2027-04-15"), "");
  const std::string earlier = RepairRefusal("2025-11-30", CreditSeverity::kGeneral, "2026-02-27");
  EXPECT_NE(earlier.find("2026-02-28"), std::string::npos) << "clamped to the month's last day: " << earlier;
  EXPECT_NE(earlier.find("失信行为纠正后的信用信息修复管理办法（试行）"), std::string::npos) << earlier;
  EXPECT_EQ(RepairRefusal("2025-11-30", CreditSeverity::kGeneral, "2026-02-28"), "");
  EXPECT_NE(RepairRefusal("2026-04-15", CreditSeverity::kMinor, "2027-01-01").find("not published"), std::string::npos);
}

TEST(CreditRepair, SafetyDomainMinimumIsOneYear) {
  const std::string early = RepairRefusal("2025-09-01", CreditSeverity::kGeneral, "2026-08-31", "emergency_management");
  EXPECT_NE(early.find("2026-09-01"), std::string::npos) << early;
  EXPECT_NE(early.find("12 months, the minimum in the safety domain emergency_management"), std::string::npos) << early;
  EXPECT_EQ(RepairRefusal("2025-09-01", CreditSeverity::kGeneral, "2026-09-01", "emergency_management"), "");
  EXPECT_EQ(RepairRefusal("2025-09-01", CreditSeverity::kGeneral, "2025-12-01", "market_regulation"), "")
      << "3 months elsewhere";
  PenaltyDecision d = DatedDecision("2026-04-15", CreditSeverity::kGeneral);
  d.domain = "transport";
  EXPECT_EQ(RepairMinimumOf(d, {"transport"})->months, 12) << "the domains are a setting";
  EXPECT_EQ(RepairMinimumOf(d, {})->months, 3);
  d.severity = CreditSeverity::kSerious;
  EXPECT_EQ(RepairMinimumOf(d, {"transport"})->months, 12) << "the serious tier's own minimum";
}

TEST(CreditRepair, TheOneYearDomainsAreKnownDomainCodes) {
  EXPECT_EQ(ParseDomainList(kDefaultOneYearRepairDomains).codes, kOneYearDomains);
  const DomainList two = ParseDomainList(" emergency_management , transport,");
  EXPECT_EQ(two.codes, (std::set<std::string>{"emergency_management", "transport"}));
  EXPECT_EQ(two.problem, "");
  EXPECT_TRUE(ParseDomainList("").codes.empty());
  const DomainList bad = ParseDomainList("emergency_management,fire,特种设备");
  EXPECT_EQ(bad.problem, "unknown domain 'fire', '特种设备': a comma list of the domain codes of common/domains.cc");
}

TEST(CreditRepair, WhoGrantedItAndItsReferenceAreOneLineOfAtMost200Bytes) {
  EXPECT_TRUE(ValidateCreditRepair("太原市发展和改革委员会", "并信用修复〔2026〕12号").empty());
  const auto blank = ValidateCreditRepair(" ", "");
  EXPECT_EQ(Fields(blank), (std::vector<std::string>{"granted_by", "reference"}));
  EXPECT_EQ(Fields(ValidateCreditRepair("第一行\n第二行", std::string(201, 'x'))),
            (std::vector<std::string>{"granted_by", "reference"}));
}

TEST(CreditRepair, ThePublicationEndsTheDayBeforeTheRepairAtTheLatest) {
  EXPECT_EQ(common::FormatIsoDate(PublicUntilAfterRepair(Day("2027-04-14"), *Day("2026-08-01"))), "2026-07-31");
  EXPECT_EQ(common::FormatIsoDate(PublicUntilAfterRepair(Day("2026-07-01"), *Day("2026-08-01"))), "2026-07-01");
  EXPECT_EQ(common::FormatIsoDate(PublicUntilAfterRepair(std::nullopt, *Day("2026-08-01"))), "2026-07-31");
}

// ------------------------------------------------------------------ AddMonths

// AddMonths on a date given as text; "" for text that is not a date, or no result.
std::string AddMonthsTo(std::string_view iso, int months) {
  const auto date = Day(iso);
  return date ? common::FormatIsoDate(AddMonths(*date, months)) : "";
}

TEST(AddMonths, ClampsToTheMonthsLastDay) {
  EXPECT_EQ(AddMonthsTo("2026-01-31", 1), "2026-02-28");
  EXPECT_EQ(AddMonthsTo("2028-01-31", 1), "2028-02-29");
  EXPECT_EQ(AddMonthsTo("2026-03-31", 1), "2026-04-30");
  EXPECT_EQ(AddMonthsTo("2026-03-31", -1), "2026-02-28");
  EXPECT_EQ(AddMonthsTo("2028-02-29", 12), "2029-02-28");
  EXPECT_EQ(AddMonthsTo("2028-02-29", 48), "2032-02-29");
}

TEST(AddMonths, CrossesYearsBothWays) {
  EXPECT_EQ(AddMonthsTo("2026-11-30", 3), "2027-02-28");
  EXPECT_EQ(AddMonthsTo("2026-01-15", -13), "2024-12-15");
  EXPECT_EQ(AddMonthsTo("2026-04-15", 0), "2026-04-15");
  EXPECT_EQ(AddMonthsTo("2026-04-15", 36), "2029-04-15");
}

TEST(AddMonths, InvalidInputReturnsEmpty) {
  // Text that is not a date never reaches AddMonths: it takes a date.
  EXPECT_FALSE(Day("2026-02-30"));
  EXPECT_FALSE(Day(""));
  EXPECT_FALSE(Day("2026-4-15"));
  EXPECT_EQ(AddMonthsTo("9999-12-01", 1), "");
  EXPECT_EQ(AddMonthsTo("0001-01-01", -1), "");
  EXPECT_EQ(AddMonthsTo("2026-04-15", INT_MAX), "");
  EXPECT_EQ(AddMonthsTo("2026-04-15", INT_MIN), "");
}

}  // namespace
}  // namespace gongkai::penalties
