#include "services/supervision/supervision_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "common/identifiers.h"
#include "common/proto_strings.h"
#include "common/testing/dates.h"

namespace gongkai::supervision {
namespace {

using gongkai::testing::Day;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// `first17` completed with its check character: a valid unified social
// credit code (GB 32100) and a valid citizen ID number (GB 11643).
std::string CreditCode(const std::string& first17) { return first17 + common::CreditCodeCheckCharacter(first17); }
std::string CitizenId(const std::string& first17) { return first17 + common::CitizenIdCheckCharacter(first17); }

// The organiser (a city's justice bureau) and units of Taiyuan (140100) and
// Datong (140200).
const std::string kOrganiser = CreditCode("11140100MB0000101");
const std::string kUnitA = CreditCode("11140100MB0000202");
const std::string kUnitB = CreditCode("11140100MB0000303");
const std::string kUnitC = CreditCode("11140200MB0000404");
const std::string kCompany = CreditCode("91140100MA0KABCD1");
const std::string kPersonId = CitizenId("14010119850315123");

const common::Date kToday = Day("2026-04-20");

// The n-th of many distinct valid credit codes.
std::string NthUnit(int n) {
  std::string digits = std::to_string(n);
  return CreditCode("91140100MA" + std::string(7 - digits.size(), '0') + digits);
}

std::vector<std::string> Fields(const common::Violations& violations) {
  std::vector<std::string> fields;
  for (const auto& v : violations) fields.push_back(v.field);
  return fields;
}

std::string DescriptionOf(const common::Violations& violations, const std::string& field) {
  for (const auto& v : violations) {
    if (v.field == field) return v.description;
  }
  return "";
}

Round ValidRound() {
  Round r;
  r.set_agency_credit_code(kOrganiser);
  r.set_source_id("TY-PC-2026-Q1");
  r.set_source_version(1);
  r.set_year(2026);
  r.set_quarter(1);
  r.set_title("太原市2026年第一季度行政执法案卷交叉评查");
  r.add_case_types(v1::PENALTY_CASES);
  r.add_case_types(v1::LICENSING_CASES);
  r.add_reviewing_units(kUnitA);
  r.add_reviewing_units(kUnitB);
  r.add_reviewed_units(kUnitA);
  r.add_reviewed_units(kUnitB);
  r.add_reviewed_units(kUnitC);
  r.set_started_on("2026-03-02");
  r.set_ended_on("2026-03-31");
  return r;
}

v1::CaseParty Organisation() {
  v1::CaseParty p;
  p.set_kind(v1::CaseParty::ORGANIZATION);
  p.set_name("太原市某某食品有限公司");
  p.set_credit_code(kCompany);
  return p;
}

v1::CaseParty Person() {
  v1::CaseParty p;
  p.set_kind(v1::CaseParty::NATURAL_PERSON);
  p.set_name("张三");
  p.set_id_number(kPersonId);
  return p;
}

ExcellentCase CompanyCase() {
  ExcellentCase c;
  c.set_case_number("并市监罚〔2026〕12号");
  c.set_case_type(v1::PENALTY_CASES);
  c.set_title("某食品有限公司生产不合格食品案");
  *c.mutable_party() = Organisation();
  c.set_summary("证据确实充分，程序合法，文书规范。\n裁量适当。");
  return c;
}

// A natural person's case whose title and summary repeat the person's name
// and ID number.
ExcellentCase PersonCase() {
  ExcellentCase c;
  c.set_case_number("并市监罚〔2026〕13号");
  c.set_case_type(v1::PENALTY_CASES);
  c.set_title("张三无证经营案");
  *c.mutable_party() = Person();
  c.set_summary("当事人张三（身份证号" + kPersonId + "）无证经营，执法人员依法调查取证，张三签字确认。");
  return c;
}

Review ValidReview() {
  Review r;
  r.set_agency_credit_code(kOrganiser);
  r.set_source_id("TY-PC-2026-Q1-A");
  r.set_source_version(1);
  r.set_round_source_id("TY-PC-2026-Q1");
  r.set_reviewed_unit(kUnitA);
  r.set_reviewed_by(kUnitB);
  r.set_files_reviewed(30);
  *r.add_excellent_cases() = CompanyCase();
  auto* problem = r.add_problems();
  problem->set_type(v1::PROCEDURAL_DEFECT);
  problem->set_description("2份案卷未告知陈述、申辩权利。");
  problem->set_files(2);
  r.set_rectification_requirement("限期补正程序瑕疵，完善告知环节。");
  r.set_rectification_deadline("2026-05-31");
  return r;
}

// A review without problems: no rectification.
Review CleanReview() {
  Review r = ValidReview();
  r.clear_problems();
  r.clear_rectification_requirement();
  r.clear_rectification_deadline();
  return r;
}

Problem ProblemOf(const std::string& id, const std::string& unit, const std::string& domain) {
  Problem p;
  p.set_id(id);
  p.set_unit(unit);
  p.set_domain(domain);
  p.set_description("对同类违法行为“一刀切”顶格处罚。");
  p.set_rectification_requirement("依法纠正，完善裁量基准适用。");
  p.set_rectification_deadline("2026-06-30");
  return p;
}

Supervision ValidSupervision() {
  Supervision s;
  s.set_agency_credit_code(kOrganiser);
  s.set_source_id("TY-ZX-2026-01");
  s.set_source_version(1);
  s.set_topic("涉企执法“一刀切”专项整治");
  s.set_deployment(v1::HIGHER_LEVEL);
  s.set_deployed_by("山西省司法厅晋司通〔2026〕5号");
  s.set_scope("全市市场监管、生态环境领域涉企行政执法。");
  s.add_methods("实地检查");
  s.add_methods("案卷抽查");
  s.set_started_on("2026-02-01");
  s.set_ended_on("2026-03-31");
  *s.add_problems() = ProblemOf("P-001", kUnitA, "market_regulation");
  *s.add_problems() = ProblemOf("P-002", kUnitA, "ecology_environment");
  *s.add_problems() = ProblemOf("P-003", kUnitB, "market_regulation");
  auto* named = s.add_named_cases();
  named->set_unit(kUnitA);
  named->set_title("某区市场监管局对小微企业“一刀切”顶格处罚");
  named->set_description("该局对12家小微企业的同类轻微违法行为一律顶格处罚。");
  named->add_handling(v1::CIRCULATED_CRITICISM);
  named->add_handling(v1::ORDERED_RECTIFICATION);
  named->set_problem_id("P-001");
  return s;
}

AssessmentPlan ValidPlan() {
  AssessmentPlan p;
  p.set_agency_credit_code(kOrganiser);
  p.set_source_id("TY-KH-2026");
  p.set_source_version(1);
  p.set_year(2026);
  p.set_title("太原市2026年度行政执法考核方案");
  auto* first = p.add_indicators();
  first->set_code("ZF-01");
  first->set_name("执法主体合法");
  first->set_max_score(30);
  auto* second = p.add_indicators();
  second->set_code("ZF-02");
  second->set_name("执法程序规范");
  second->set_max_score(70);
  p.add_units(kUnitA);
  p.add_units(kUnitB);
  p.set_approved_on("2026-02-10");
  return p;
}

v1::UnitResult UnitResultOf(const std::string& unit, double first, double second, v1::Grade grade) {
  v1::UnitResult u;
  u.set_unit(unit);
  u.set_score(first + second);
  u.set_grade(grade);
  auto* a = u.add_indicator_scores();
  a->set_code("ZF-01");
  a->set_score(first);
  auto* b = u.add_indicator_scores();
  b->set_code("ZF-02");
  b->set_score(second);
  return u;
}

AssessmentResult ValidResult() {
  AssessmentResult r;
  r.set_agency_credit_code(kOrganiser);
  r.set_source_id("TY-KH-2026-JG");
  r.set_source_version(1);
  r.set_plan_source_id("TY-KH-2026");
  r.set_concluded_on("2026-04-10");
  *r.add_units() = UnitResultOf(kUnitA, 25.5, 60, v1::GOOD);
  *r.add_units() = UnitResultOf(kUnitB, 28, 64, v1::EXCELLENT);
  return r;
}

RectificationReport ValidReport() {
  RectificationReport r;
  r.set_subject(v1::SUPERVISION_PROBLEM);
  r.set_agency_credit_code(kOrganiser);
  r.set_source_id("TY-ZX-2026-01");
  r.set_problem_id("P-001");
  r.set_source_version(1);
  r.set_done_on("2026-04-15");
  r.set_description("已撤销顶格处罚决定并重新作出处理。");
  return r;
}

// ---------------------------------------------------------------- rounds

TEST(ValidateRound, AcceptsAValidRound) { EXPECT_THAT(ValidateRound(ValidRound(), "rounds[0]"), IsEmpty()); }

TEST(ValidateRound, NamesAMissingOrMalformedAgencySourceIdAndVersion) {
  Round r = ValidRound();
  r.set_agency_credit_code("91140100MA0KABCD");
  r.set_source_id(std::string(65, 'A'));
  r.set_source_version(0);
  EXPECT_THAT(Fields(ValidateRound(r, "rounds[0]")),
              ElementsAre("rounds[0].agency_credit_code", "rounds[0].source_id", "rounds[0].source_version"));
  r = ValidRound();
  r.clear_agency_credit_code();
  r.set_source_id("　");  // an ideographic space is blank
  const auto v = ValidateRound(r, "rounds[0]");
  EXPECT_EQ(DescriptionOf(v, "rounds[0].agency_credit_code"), "required");
  EXPECT_EQ(DescriptionOf(v, "rounds[0].source_id"), "required");
}

TEST(ValidateRound, SourceIdIsAtMost64BytesOfPrintableAscii) {
  Round r = ValidRound();
  r.set_source_id(std::string(64, 'A'));
  EXPECT_THAT(ValidateRound(r, "r"), IsEmpty());
  r.set_source_id(std::string(65, 'A'));
  EXPECT_THAT(DescriptionOf(ValidateRound(r, "r"), "r.source_id"), HasSubstr("at most 64 bytes"));
  r.set_source_id("PC 2026");
  EXPECT_THAT(DescriptionOf(ValidateRound(r, "r"), "r.source_id"), HasSubstr("printable ASCII"));
}

TEST(ValidateRound, YearIs2000To2100) {
  Round r = ValidRound();
  for (int year : {1999, 2101}) {
    r.set_year(year);
    EXPECT_EQ(DescriptionOf(ValidateRound(r, "r"), "r.year"), "must be 2000 to 2100") << year;
  }
}

TEST(ValidateRound, QuarterIs1To4) {
  Round r = ValidRound();
  for (int quarter : {0, 5}) {
    r.set_quarter(quarter);
    EXPECT_EQ(DescriptionOf(ValidateRound(r, "r"), "r.quarter"), "must be 1 to 4") << quarter;
  }
}

TEST(ValidateRound, TitleIsOneLineOf1To500Bytes) {
  Round r = ValidRound();
  r.set_title(std::string(500, 'a'));
  EXPECT_THAT(ValidateRound(r, "r"), IsEmpty());
  r.set_title(std::string(501, 'a'));
  EXPECT_THAT(DescriptionOf(ValidateRound(r, "r"), "r.title"), HasSubstr("at most 500 bytes"));
  r.set_title("第一行\n第二行");
  EXPECT_THAT(Fields(ValidateRound(r, "r")), ElementsAre("r.title"));
  r.clear_title();
  EXPECT_EQ(DescriptionOf(ValidateRound(r, "r"), "r.title"), "required");
}

TEST(ValidateRound, CaseTypesAreOneToFiveKnownTypesWithoutRepeats) {
  Round r = ValidRound();
  r.clear_case_types();
  EXPECT_THAT(DescriptionOf(ValidateRound(r, "r"), "r.case_types"), HasSubstr("at least 1 required"));
  for (int type = 1; type <= 5; ++type) r.add_case_types(static_cast<v1::CaseType>(type));
  EXPECT_THAT(ValidateRound(r, "r"), IsEmpty());
  r.add_case_types(v1::PENALTY_CASES);
  EXPECT_THAT(DescriptionOf(ValidateRound(r, "r"), "r.case_types"), HasSubstr("at most 5"));

  r = ValidRound();
  r.add_case_types(v1::CASE_TYPE_UNSPECIFIED);
  r.add_case_types(v1::PENALTY_CASES);
  const auto v = ValidateRound(r, "r");
  EXPECT_THAT(DescriptionOf(v, "r.case_types[2]"), HasSubstr("must be one of PENALTY_CASES"));
  EXPECT_EQ(DescriptionOf(v, "r.case_types[3]"), "repeats case_types[0]");
}

TEST(ValidateRound, ReviewingUnitsAreOneTo500CreditCodesWithoutRepeats) {
  Round r = ValidRound();
  r.clear_reviewing_units();
  EXPECT_THAT(DescriptionOf(ValidateRound(r, "r"), "r.reviewing_units"), HasSubstr("at least 1 required"));
  for (int i = 0; i < 500; ++i) r.add_reviewing_units(NthUnit(i));
  EXPECT_THAT(ValidateRound(r, "r"), IsEmpty());
  r.add_reviewing_units(NthUnit(500));
  EXPECT_EQ(DescriptionOf(ValidateRound(r, "r"), "r.reviewing_units"), "at most 500 (got 501)");

  r = ValidRound();
  r.add_reviewing_units(kUnitA);
  r.add_reviewing_units("91140100MA0KABCD");
  const auto v = ValidateRound(r, "r");
  EXPECT_EQ(DescriptionOf(v, "r.reviewing_units[2]"), "repeats reviewing_units[0]");
  EXPECT_THAT(Fields(v), Contains("r.reviewing_units[3]"));
}

TEST(ValidateRound, ReviewedUnitsAreOneTo5000CreditCodesWithoutRepeats) {
  Round r = ValidRound();
  r.clear_reviewed_units();
  EXPECT_THAT(DescriptionOf(ValidateRound(r, "r"), "r.reviewed_units"), HasSubstr("at least 1 required"));
  for (int i = 0; i < 5000; ++i) r.add_reviewed_units(NthUnit(i));
  EXPECT_THAT(ValidateRound(r, "r"), IsEmpty());
  r.add_reviewed_units(NthUnit(5000));
  EXPECT_EQ(DescriptionOf(ValidateRound(r, "r"), "r.reviewed_units"), "at most 5000 (got 5001)");

  r = ValidRound();
  r.add_reviewed_units(kUnitB);
  r.add_reviewed_units("not a code");
  const auto v = ValidateRound(r, "r");
  EXPECT_EQ(DescriptionOf(v, "r.reviewed_units[3]"), "repeats reviewed_units[1]");
  EXPECT_THAT(Fields(v), Contains("r.reviewed_units[4]"));
}

TEST(ValidateRound, AUnitMayBeBothReviewingAndReviewed) {
  Round r = ValidRound();
  ASSERT_EQ(r.reviewing_units(0), r.reviewed_units(0));
  EXPECT_THAT(ValidateRound(r, "r"), IsEmpty());
}

TEST(ValidateRound, StartedOnLiesWithinTheRoundsQuarter) {
  Round r = ValidRound();
  r.set_started_on("2026-01-01");
  EXPECT_THAT(ValidateRound(r, "r"), IsEmpty());
  r.set_started_on("2026-04-01");
  r.set_ended_on("2026-04-30");
  EXPECT_EQ(DescriptionOf(ValidateRound(r, "r"), "r.started_on"),
            "must lie within the round's quarter (Q1 2026: 2026-01-01 to 2026-03-31)");
  r.set_started_on("2025-12-31");
  EXPECT_THAT(Fields(ValidateRound(r, "r")), ElementsAre("r.started_on"));
  r = ValidRound();
  r.set_quarter(4);
  r.set_started_on("2026-12-31");
  r.set_ended_on("2027-01-15");
  EXPECT_THAT(ValidateRound(r, "r"), IsEmpty());
}

TEST(ValidateRound, EndedOnIsNotBeforeStartedOnAndWithin366DaysOfIt) {
  Round r = ValidRound();
  r.set_ended_on("2026-03-02");  // a round of one day
  EXPECT_THAT(ValidateRound(r, "r"), IsEmpty());
  r.set_ended_on("2026-03-01");
  EXPECT_EQ(DescriptionOf(ValidateRound(r, "r"), "r.ended_on"), "must not be before started_on (2026-03-02)");
  r.set_ended_on("2027-03-03");  // 366 days later
  EXPECT_THAT(ValidateRound(r, "r"), IsEmpty());
  r.set_ended_on("2027-03-04");
  EXPECT_EQ(DescriptionOf(ValidateRound(r, "r"), "r.ended_on"), "at most 366 days after started_on (2026-03-02)");
}

TEST(ValidateRound, DatesAreRequiredIsoDates) {
  Round r = ValidRound();
  r.clear_started_on();
  r.set_ended_on("2026-02-30");
  const auto v = ValidateRound(r, "r");
  EXPECT_EQ(DescriptionOf(v, "r.started_on"), "required");
  EXPECT_EQ(DescriptionOf(v, "r.ended_on"), "must be a date YYYY-MM-DD");
}

TEST(CheckRoundChange, TheEndMayChangeWhileTheRoundHasNoReview) {
  Round next = ValidRound();
  next.set_ended_on("2026-03-20");
  EXPECT_THAT(CheckRoundChange(ValidRound(), 0, next, "rounds[0]"), IsEmpty());
}

TEST(CheckRoundChange, TheEndMayNotChangeOnceTheRoundHasReviews) {
  Round next = ValidRound();
  next.set_ended_on("2026-03-20");
  const auto v = CheckRoundChange(ValidRound(), 2, next, "rounds[0]");
  EXPECT_THAT(Fields(v), ElementsAre("rounds[0].ended_on"));
  EXPECT_THAT(v[0].description, HasSubstr("must stay 2026-03-31 once the round has reviews (2 stored)"));
  next = ValidRound();
  next.set_title("新标题");
  EXPECT_THAT(CheckRoundChange(ValidRound(), 2, next, "rounds[0]"), IsEmpty());
}

TEST(CheckRoundChange, YearQuarterAndReviewedUnitsHoldOnceTheRoundHasReviews) {
  Round next = ValidRound();
  next.set_year(2025);
  next.set_quarter(4);
  next.clear_reviewed_units();
  next.add_reviewed_units(kUnitA);
  next.add_reviewed_units(kUnitB);
  const auto v = CheckRoundChange(ValidRound(), 1, next, "rounds[0]");
  EXPECT_THAT(Fields(v), ElementsAre("rounds[0].year", "rounds[0].quarter", "rounds[0].reviewed_units"));
  EXPECT_THAT(v[2].description, HasSubstr("must still name " + kUnitC));
  // Units may be added.
  next = ValidRound();
  next.add_reviewed_units(NthUnit(1));
  EXPECT_THAT(CheckRoundChange(ValidRound(), 1, next, "rounds[0]"), IsEmpty());
  // Without reviews, anything may change.
  next.set_year(2025);
  EXPECT_THAT(CheckRoundChange(ValidRound(), 0, next, "rounds[0]"), IsEmpty());
}

TEST(PublicReview, APartyNamedInAnotherCaseOrAProblemIsMaskedThere) {
  Review r = ValidReview();
  ExcellentCase person;
  person.set_case_number("并市监罚〔2026〕20号");
  person.set_title("个体经营者案");
  *person.mutable_party() = Person();
  person.set_summary("程序规范。");
  *r.add_excellent_cases() = person;
  r.mutable_excellent_cases(0)->set_summary("与张三案同期办理，证据充分。");
  r.mutable_problems(0)->set_description("张三案卷未附送达回证。");
  const Review published = PublicReview(r);
  EXPECT_EQ(published.excellent_cases(0).summary(), "与张某某案同期办理，证据充分。");
  EXPECT_EQ(published.problems(0).description(), "张某某案卷未附送达回证。");
  EXPECT_EQ(common::MaskPersonalData("已对张三案卷补正", PersonalDataOf(r)), "已对张某某案卷补正");
}

// ---------------------------------------------------------------- record size

TEST(RecordSize, ARecordOverItsBytesIsRejectedAsAWhole) {
  // 5,000 units of 100 indicator scores: tens of megabytes, valid field by field.
  AssessmentResult result;
  result.set_agency_credit_code(kOrganiser);
  result.set_source_id("KHJG-BIG");
  result.set_source_version(1);
  result.set_plan_source_id("KH-2026");
  result.set_concluded_on("2026-06-30");
  for (int u = 0; u < 5000; ++u) {
    auto* unit = result.add_units();
    char first17[18];
    std::snprintf(first17, sizeof first17, "11140100MB%07d", u);
    unit->set_unit(CreditCode(first17));
    unit->set_grade(v1::PASS);
    for (int i = 0; i < 100; ++i) {
      auto* score = unit->add_indicator_scores();
      score->set_code("INDICATOR-" + std::to_string(i));
      score->set_score(1);
    }
    unit->set_score(100);
  }
  const auto v = ValidateAssessmentResult(result, "results[0]", Day("2026-07-15"));
  ASSERT_THAT(Fields(v), Contains("results[0]"));
  EXPECT_THAT(v.back().description, HasSubstr("a record may hold at most 2000000"));
}

TEST(RecordSize, ASupervisionWhosePublishedFormIsTooLargeIsRejected) {
  // A phone number is published as ＊ (three bytes a digit): 1,000 problems
  // whose texts are phone numbers, each text within its bound as published,
  // are under 2 MB as sent and near 4 MB published.
  std::string phones;
  for (int i = 0; i < 58; ++i) phones += "13812345678 ";
  Supervision s = ValidSupervision();
  const Problem first = s.problems(0);
  s.clear_problems();
  s.clear_named_cases();
  for (int i = 0; i < 1000; ++i) {
    Problem p = first;
    p.set_id("P" + std::to_string(i));
    p.set_description(phones);
    p.set_rectification_requirement(phones);
    s.add_problems()->Swap(&p);
  }
  const auto v = ValidateSupervision(s, "supervisions[0]", Day("2026-07-15"));
  ASSERT_THAT(Fields(v), Contains("supervisions[0]"));
  EXPECT_THAT(v.back().description, HasSubstr("bytes as published (masked)"));
}

// ---------------------------------------------------------------- reviews

TEST(ValidateReview, AcceptsAValidReviewWithAndWithoutProblems) {
  EXPECT_THAT(ValidateReview(ValidReview(), "reviews[0]"), IsEmpty());
  EXPECT_THAT(ValidateReview(CleanReview(), "reviews[0]"), IsEmpty());
  Review r = ValidReview();
  *r.add_excellent_cases() = PersonCase();
  EXPECT_THAT(ValidateReview(r, "reviews[0]"), IsEmpty());
}

TEST(ValidateReview, NamesKeyRoundAndUnits) {
  Review r = ValidReview();
  r.clear_agency_credit_code();
  r.set_source_version(-1);
  r.set_round_source_id("轮次");
  r.clear_reviewed_unit();
  r.set_reviewed_by("91140100MA0KABCD");
  EXPECT_THAT(Fields(ValidateReview(r, "v")), ElementsAre("v.agency_credit_code", "v.source_version",
                                                          "v.round_source_id", "v.reviewed_unit", "v.reviewed_by"));
  r = ValidReview();
  r.clear_round_source_id();
  EXPECT_EQ(DescriptionOf(ValidateReview(r, "v"), "v.round_source_id"), "required");
}

TEST(ValidateReview, AUnitDoesNotReviewItself) {
  Review r = ValidReview();
  r.set_reviewed_by(r.reviewed_unit());
  EXPECT_EQ(DescriptionOf(ValidateReview(r, "v"), "v.reviewed_by"),
            "must not be the unit reviewed (cross review: a unit does not review itself)");
}

TEST(ValidateReview, FilesReviewedIs1To10000) {
  Review r = CleanReview();
  r.set_files_reviewed(10000);
  EXPECT_THAT(ValidateReview(r, "v"), IsEmpty());
  for (int files : {0, 10001}) {
    r.set_files_reviewed(files);
    EXPECT_EQ(DescriptionOf(ValidateReview(r, "v"), "v.files_reviewed"), "must be 1 to 10000") << files;
  }
}

TEST(ValidateReview, AtMost20ExcellentCases) {
  Review r = CleanReview();
  r.clear_excellent_cases();
  EXPECT_THAT(ValidateReview(r, "v"), IsEmpty());
  for (int i = 0; i < 20; ++i) *r.add_excellent_cases() = CompanyCase();
  EXPECT_THAT(ValidateReview(r, "v"), IsEmpty());
  *r.add_excellent_cases() = CompanyCase();
  EXPECT_EQ(DescriptionOf(ValidateReview(r, "v"), "v.excellent_cases"), "at most 20 (got 21)");
}

TEST(ValidateReview, AnExcellentCasesNumberIsOneLineOf1To100Bytes) {
  Review r = CleanReview();
  r.mutable_excellent_cases(0)->set_case_number(std::string(100, 'A'));
  EXPECT_THAT(ValidateReview(r, "v"), IsEmpty());
  r.mutable_excellent_cases(0)->set_case_number(std::string(101, 'A'));
  EXPECT_THAT(DescriptionOf(ValidateReview(r, "v"), "v.excellent_cases[0].case_number"),
              HasSubstr("at most 100 bytes"));
  r.mutable_excellent_cases(0)->set_case_number("并市监罚\n〔2026〕12号");
  EXPECT_THAT(Fields(ValidateReview(r, "v")), ElementsAre("v.excellent_cases[0].case_number"));
  r.mutable_excellent_cases(0)->clear_case_number();
  EXPECT_EQ(DescriptionOf(ValidateReview(r, "v"), "v.excellent_cases[0].case_number"), "required");
}

TEST(ValidateReview, AnExcellentCasesTitleIsOneLineOf1To200Bytes) {
  Review r = CleanReview();
  r.mutable_excellent_cases(0)->set_title(std::string(200, 'a'));
  EXPECT_THAT(ValidateReview(r, "v"), IsEmpty());
  r.mutable_excellent_cases(0)->set_title(std::string(201, 'a'));
  EXPECT_THAT(DescriptionOf(ValidateReview(r, "v"), "v.excellent_cases[0].title"), HasSubstr("at most 200 bytes"));
  r.mutable_excellent_cases(0)->set_title("一\n二");
  EXPECT_THAT(Fields(ValidateReview(r, "v")), ElementsAre("v.excellent_cases[0].title"));
  r.mutable_excellent_cases(0)->clear_title();
  EXPECT_EQ(DescriptionOf(ValidateReview(r, "v"), "v.excellent_cases[0].title"), "required");
}

TEST(ValidateReview, AnExcellentCasesSummaryIsParagraphsOf1To5000Bytes) {
  Review r = CleanReview();
  r.mutable_excellent_cases(0)->set_summary(std::string(4999, 'a') + "\n");
  EXPECT_THAT(ValidateReview(r, "v"), IsEmpty());
  r.mutable_excellent_cases(0)->set_summary(std::string(5001, 'a'));
  EXPECT_THAT(DescriptionOf(ValidateReview(r, "v"), "v.excellent_cases[0].summary"), HasSubstr("at most 5000 bytes"));
  r.mutable_excellent_cases(0)->set_summary("\n\t ");
  EXPECT_EQ(DescriptionOf(ValidateReview(r, "v"), "v.excellent_cases[0].summary"), "required");
}

TEST(ValidateReview, AnExcellentCasesSummaryIsAtMost5000BytesAsPublished) {
  Review r = CleanReview();
  // 4,993 bytes; the phone number's 11 digits become 11 three-byte ＊.
  r.mutable_excellent_cases(0)->set_summary(std::string(4970, 'a') + "，电话13812345678。");
  EXPECT_THAT(DescriptionOf(ValidateReview(r, "v"), "v.excellent_cases[0].summary"), HasSubstr("bytes as published"));
}

TEST(ValidateReview, AnExcellentCasesTypeIsOptionalButKnown) {
  Review r = CleanReview();
  r.mutable_excellent_cases(0)->set_case_type(v1::CASE_TYPE_UNSPECIFIED);
  EXPECT_THAT(ValidateReview(r, "v"), IsEmpty());
  r.mutable_excellent_cases(0)->set_case_type(static_cast<v1::CaseType>(42));
  EXPECT_THAT(Fields(ValidateReview(r, "v")), ElementsAre("v.excellent_cases[0].case_type"));
}

TEST(ValidateReview, APartysKindIsSetAndItsNameOneLineOf1To200Bytes) {
  Review r = CleanReview();
  v1::CaseParty& party = *r.mutable_excellent_cases(0)->mutable_party();
  party.set_name(std::string(200, 'a'));
  EXPECT_THAT(ValidateReview(r, "v"), IsEmpty());
  party.set_name(std::string(201, 'a'));
  EXPECT_THAT(DescriptionOf(ValidateReview(r, "v"), "v.excellent_cases[0].party.name"), HasSubstr("at most 200 bytes"));
  party.set_name("某某\n公司");
  EXPECT_THAT(Fields(ValidateReview(r, "v")), ElementsAre("v.excellent_cases[0].party.name"));
  party.clear_name();
  EXPECT_EQ(DescriptionOf(ValidateReview(r, "v"), "v.excellent_cases[0].party.name"), "required");
  party = Organisation();
  party.set_kind(v1::CaseParty::KIND_UNSPECIFIED);
  party.clear_credit_code();
  EXPECT_THAT(Fields(ValidateReview(r, "v")), ElementsAre("v.excellent_cases[0].party.kind"));
}

TEST(ValidateReview, AnOrganisationPartyNeedsACreditCodeAndNoIdNumber) {
  Review r = CleanReview();
  v1::CaseParty& party = *r.mutable_excellent_cases(0)->mutable_party();
  party.clear_credit_code();
  EXPECT_EQ(DescriptionOf(ValidateReview(r, "v"), "v.excellent_cases[0].party.credit_code"), "required");
  party.set_credit_code("91140100MA0KABCD2");
  EXPECT_THAT(Fields(ValidateReview(r, "v")), ElementsAre("v.excellent_cases[0].party.credit_code"));
  party.set_credit_code(kCompany);
  party.set_id_number(kPersonId);
  EXPECT_THAT(DescriptionOf(ValidateReview(r, "v"), "v.excellent_cases[0].party.id_number"),
              HasSubstr("must be empty for an organisation"));
}

TEST(ValidateReview, ANaturalPersonsIdNumberIsOptionalAndAValidCitizenId) {
  Review r = CleanReview();
  *r.mutable_excellent_cases(0) = PersonCase();
  v1::CaseParty& party = *r.mutable_excellent_cases(0)->mutable_party();
  party.clear_id_number();
  EXPECT_THAT(ValidateReview(r, "v"), IsEmpty());
  party.set_id_number(kPersonId.substr(0, 17) + (kPersonId[17] == '0' ? "1" : "0"));
  EXPECT_THAT(Fields(ValidateReview(r, "v")), ElementsAre("v.excellent_cases[0].party.id_number"));
  party.set_id_number("身份证");
  EXPECT_THAT(Fields(ValidateReview(r, "v")), ElementsAre("v.excellent_cases[0].party.id_number"));
}

TEST(ValidateReview, ANaturalPersonsCreditCodeIsOptionalAndValid) {
  Review r = CleanReview();
  *r.mutable_excellent_cases(0) = PersonCase();
  r.mutable_excellent_cases(0)->mutable_party()->set_credit_code(CreditCode("92140100MA0KABCD1"));
  EXPECT_THAT(ValidateReview(r, "v"), IsEmpty());
  r.mutable_excellent_cases(0)->mutable_party()->set_credit_code("92140100");
  EXPECT_THAT(Fields(ValidateReview(r, "v")), ElementsAre("v.excellent_cases[0].party.credit_code"));
}

TEST(ValidateReview, TheSourceIdCarriesNoPartysIdNumber) {
  Review r = ValidReview();
  *r.add_excellent_cases() = PersonCase();
  r.set_source_id("PC-" + kPersonId);
  EXPECT_THAT(DescriptionOf(ValidateReview(r, "v"), "v.source_id"), HasSubstr("must not carry the personal data"));
}

TEST(ValidateReview, AtMost50ProblemsOnePerType) {
  Review r = ValidReview();
  auto* second = r.add_problems();
  *second = r.problems(0);
  second->set_type(v1::WRONG_LAW_APPLIED);
  EXPECT_THAT(ValidateReview(r, "v"), IsEmpty());
  second->set_type(v1::PROCEDURAL_DEFECT);
  EXPECT_EQ(DescriptionOf(ValidateReview(r, "v"), "v.problems[1]"), "repeats problems[0]");
  r.clear_problems();
  for (int i = 0; i < 51; ++i) *r.add_problems() = ValidReview().problems(0);
  const auto v = ValidateReview(r, "v");
  EXPECT_EQ(DescriptionOf(v, "v.problems"), "at most 50 (got 51)");
  EXPECT_THAT(Fields(v), Not(Contains("v.problems[1]")));
}

TEST(ValidateReview, AProblemsTypeIsSet) {
  Review r = ValidReview();
  r.mutable_problems(0)->set_type(v1::PROBLEM_TYPE_UNSPECIFIED);
  EXPECT_THAT(DescriptionOf(ValidateReview(r, "v"), "v.problems[0].type"), HasSubstr("must be one of"));
}

TEST(ValidateReview, AProblemsDescriptionIsParagraphsOf1To2000Bytes) {
  Review r = ValidReview();
  r.mutable_problems(0)->set_description(std::string(1000, 'a') + "\n" + std::string(999, 'b'));
  EXPECT_THAT(ValidateReview(r, "v"), IsEmpty());
  r.mutable_problems(0)->set_description(std::string(2001, 'a'));
  EXPECT_THAT(DescriptionOf(ValidateReview(r, "v"), "v.problems[0].description"), HasSubstr("at most 2000 bytes"));
  r.mutable_problems(0)->clear_description();
  EXPECT_EQ(DescriptionOf(ValidateReview(r, "v"), "v.problems[0].description"), "required");
}

TEST(ValidateReview, AProblemsFilesAre1ToFilesReviewed) {
  Review r = ValidReview();
  r.mutable_problems(0)->set_files(30);
  EXPECT_THAT(ValidateReview(r, "v"), IsEmpty());
  for (int files : {0, 31}) {
    r.mutable_problems(0)->set_files(files);
    EXPECT_EQ(DescriptionOf(ValidateReview(r, "v"), "v.problems[0].files"), "must be 1 to files_reviewed (30)")
        << files;
  }
}

TEST(ValidateReview, AProblemFoundNeedsARequirementAndADeadline) {
  Review r = ValidReview();
  r.clear_rectification_requirement();
  r.clear_rectification_deadline();
  const auto v = ValidateReview(r, "v");
  EXPECT_EQ(DescriptionOf(v, "v.rectification_requirement"), "required when a problem was found");
  EXPECT_EQ(DescriptionOf(v, "v.rectification_deadline"), "required when a problem was found");
  r = ValidReview();
  r.set_rectification_deadline("2026-13-01");
  EXPECT_EQ(DescriptionOf(ValidateReview(r, "v"), "v.rectification_deadline"), "must be a date YYYY-MM-DD");
}

TEST(ValidateReview, TheRequirementIsParagraphsOfAtMost5000Bytes) {
  Review r = ValidReview();
  r.set_rectification_requirement(std::string(2500, 'a') + "\n" + std::string(2499, 'b'));
  EXPECT_THAT(ValidateReview(r, "v"), IsEmpty());
  r.set_rectification_requirement(std::string(5001, 'a'));
  EXPECT_THAT(DescriptionOf(ValidateReview(r, "v"), "v.rectification_requirement"), HasSubstr("at most 5000 bytes"));
}

TEST(ValidateReview, NoProblemTakesNoRequirementNorDeadline) {
  Review r = CleanReview();
  r.set_rectification_requirement("整改。");
  r.set_rectification_deadline("2026-05-31");
  const auto v = ValidateReview(r, "v");
  EXPECT_EQ(DescriptionOf(v, "v.rectification_requirement"), "must be empty when no problem was found");
  EXPECT_EQ(DescriptionOf(v, "v.rectification_deadline"), "must be empty when no problem was found");
}

TEST(CheckReviewAgainstRound, AcceptsAReviewOfAnEndedRound) {
  EXPECT_THAT(CheckReviewAgainstRound(ValidReview(), ValidRound(), "v", kToday), IsEmpty());
  // Ended today: published the same day.
  EXPECT_THAT(CheckReviewAgainstRound(ValidReview(), ValidRound(), "v", Day("2026-03-31")), IsEmpty());
}

TEST(CheckReviewAgainstRound, TheRoundMustHaveEnded) {
  const auto v = CheckReviewAgainstRound(ValidReview(), ValidRound(), "v", Day("2026-03-30"));
  EXPECT_THAT(Fields(v), ElementsAre("v.round_source_id"));
  EXPECT_THAT(v[0].description, HasSubstr("the round ends on 2026-03-31"));
}

TEST(CheckReviewAgainstRound, TheUnitsAreTheRoundsReviewedAndReviewingUnits) {
  Review r = ValidReview();
  r.set_reviewed_unit(kCompany);
  r.set_reviewed_by(kUnitC);  // reviewed in the round, but not one of its reviewing units
  const auto v = CheckReviewAgainstRound(r, ValidRound(), "v", kToday);
  EXPECT_EQ(DescriptionOf(v, "v.reviewed_unit"), "must be one of the round's reviewed units");
  EXPECT_EQ(DescriptionOf(v, "v.reviewed_by"), "must be one of the round's reviewing units");
}

TEST(CheckReviewAgainstRound, TheRectificationDeadlineIsNotBeforeTheRoundsEnd) {
  Review r = ValidReview();
  r.set_rectification_deadline("2026-03-31");
  EXPECT_THAT(CheckReviewAgainstRound(r, ValidRound(), "v", kToday), IsEmpty());
  r.set_rectification_deadline("2026-03-30");
  EXPECT_EQ(DescriptionOf(CheckReviewAgainstRound(r, ValidRound(), "v", kToday), "v.rectification_deadline"),
            "must not be before the round's end (2026-03-31)");
}

// ---------------------------------------------------------------- masking

TEST(PublicReview, NoNaturalPersonsNameOrIdNumberSurvivesInAnyPublishedField) {
  Review r = ValidReview();
  ExcellentCase person = PersonCase();
  person.mutable_party()->set_credit_code(CreditCode("92140100MA0KABCD1"));
  person.set_case_number("并市监罚〔2026〕13号（张三）");
  *r.add_excellent_cases() = person;
  const Review published = PublicReview(r);
  const std::string credit_code = person.party().credit_code();
  int strings = 0;
  common::ForEachString(published, "", [&](const std::string& path, std::string_view value) {
    ++strings;
    EXPECT_THAT(std::string(value), Not(HasSubstr("张三"))) << path;
    EXPECT_THAT(std::string(value), Not(HasSubstr(kPersonId))) << path;
    EXPECT_THAT(std::string(value), Not(HasSubstr(kPersonId.substr(0, 14)))) << path;
    EXPECT_THAT(std::string(value), Not(HasSubstr(credit_code))) << path;
  });
  EXPECT_GT(strings, 10);
  const ExcellentCase& masked = published.excellent_cases(1);
  EXPECT_EQ(masked.party().name(), "张某某");
  EXPECT_TRUE(masked.party().id_number().empty());
  EXPECT_TRUE(masked.party().credit_code().empty());
  EXPECT_EQ(masked.title(), "张某某无证经营案");
  EXPECT_THAT(masked.summary(), HasSubstr("当事人张某某"));
}

TEST(PublicReview, AnOrganisationPartyIsPublishedWhole) {
  const Review published = PublicReview(ValidReview());
  const ExcellentCase& c = published.excellent_cases(0);
  EXPECT_EQ(c.party().name(), "太原市某某食品有限公司");
  EXPECT_EQ(c.party().credit_code(), kCompany);
  EXPECT_EQ(c.title(), CompanyCase().title());
  EXPECT_EQ(c.case_number(), "并市监罚〔2026〕12号");
}

TEST(PublicReview, ProblemsAndTheRequirementAreMaskedByTheRules) {
  Review r = ValidReview();
  r.mutable_problems(0)->set_description("执法人员联系电话13812345678未登记。");
  r.set_rectification_requirement("向太原市小店区坞城路92号报送整改报告。");
  const Review published = PublicReview(r);
  EXPECT_THAT(published.problems(0).description(), Not(HasSubstr("13812345678")));
  EXPECT_THAT(published.rectification_requirement(), Not(HasSubstr("坞城路92号")));
  EXPECT_THAT(published.rectification_requirement(), HasSubstr("太原市小店区"));
  EXPECT_EQ(published.files_reviewed(), r.files_reviewed());
  EXPECT_EQ(published.rectification_deadline(), r.rectification_deadline());
}

// ---------------------------------------------------------------- special supervision

TEST(ValidateSupervision, AcceptsAValidSupervision) {
  EXPECT_THAT(ValidateSupervision(ValidSupervision(), "s", kToday), IsEmpty());
  Supervision s = ValidSupervision();
  s.set_deployment(v1::LOCAL);
  s.clear_deployed_by();
  s.clear_problems();
  s.clear_named_cases();
  EXPECT_THAT(ValidateSupervision(s, "s", kToday), IsEmpty());
}

TEST(ValidateSupervision, NamesKeyFields) {
  Supervision s = ValidSupervision();
  s.set_agency_credit_code("x");
  s.clear_source_id();
  s.set_source_version(0);
  EXPECT_THAT(Fields(ValidateSupervision(s, "s", kToday)),
              ElementsAre("s.agency_credit_code", "s.source_id", "s.source_version"));
}

TEST(ValidateSupervision, TopicIsOneLineOf1To200Bytes) {
  Supervision s = ValidSupervision();
  s.set_topic(std::string(200, 'a'));
  EXPECT_THAT(ValidateSupervision(s, "s", kToday), IsEmpty());
  s.set_topic(std::string(201, 'a'));
  EXPECT_THAT(DescriptionOf(ValidateSupervision(s, "s", kToday), "s.topic"), HasSubstr("at most 200 bytes"));
  s.set_topic("一\n二");
  EXPECT_THAT(Fields(ValidateSupervision(s, "s", kToday)), ElementsAre("s.topic"));
  s.clear_topic();
  EXPECT_EQ(DescriptionOf(ValidateSupervision(s, "s", kToday), "s.topic"), "required");
}

TEST(ValidateSupervision, DeploymentIsSet) {
  Supervision s = ValidSupervision();
  s.set_deployment(v1::DEPLOYMENT_UNSPECIFIED);
  EXPECT_EQ(DescriptionOf(ValidateSupervision(s, "s", kToday), "s.deployment"), "must be one of HIGHER_LEVEL, LOCAL");
}

TEST(ValidateSupervision, DeployedByIsRequiredOneLineOf1To200ForHigherLevelOnly) {
  Supervision s = ValidSupervision();
  s.clear_deployed_by();
  EXPECT_THAT(DescriptionOf(ValidateSupervision(s, "s", kToday), "s.deployed_by"),
              HasSubstr("required when deployment is HIGHER_LEVEL"));
  s.set_deployed_by(std::string(200, 'a'));
  EXPECT_THAT(ValidateSupervision(s, "s", kToday), IsEmpty());
  s.set_deployed_by(std::string(201, 'a'));
  EXPECT_THAT(DescriptionOf(ValidateSupervision(s, "s", kToday), "s.deployed_by"), HasSubstr("at most 200 bytes"));
  s.set_deployed_by("一\n二");
  EXPECT_THAT(Fields(ValidateSupervision(s, "s", kToday)), ElementsAre("s.deployed_by"));
  s.set_deployment(v1::LOCAL);
  s.set_deployed_by("山西省司法厅");
  EXPECT_EQ(DescriptionOf(ValidateSupervision(s, "s", kToday), "s.deployed_by"),
            "must be empty unless deployment is HIGHER_LEVEL");
}

TEST(ValidateSupervision, ScopeIsParagraphsOf1To2000Bytes) {
  Supervision s = ValidSupervision();
  s.set_scope(std::string(1000, 'a') + "\n" + std::string(999, 'a'));
  EXPECT_THAT(ValidateSupervision(s, "s", kToday), IsEmpty());
  s.set_scope(std::string(2001, 'a'));
  EXPECT_THAT(DescriptionOf(ValidateSupervision(s, "s", kToday), "s.scope"), HasSubstr("at most 2000 bytes"));
  s.clear_scope();
  EXPECT_EQ(DescriptionOf(ValidateSupervision(s, "s", kToday), "s.scope"), "required");
}

TEST(ValidateSupervision, MethodsAre1To10LinesOf1To200Bytes) {
  Supervision s = ValidSupervision();
  s.clear_methods();
  EXPECT_THAT(DescriptionOf(ValidateSupervision(s, "s", kToday), "s.methods"), HasSubstr("at least 1 required"));
  for (int i = 0; i < 10; ++i) s.add_methods(std::string(200, 'a'));
  EXPECT_THAT(ValidateSupervision(s, "s", kToday), IsEmpty());
  s.add_methods("座谈走访");
  EXPECT_EQ(DescriptionOf(ValidateSupervision(s, "s", kToday), "s.methods"), "at most 10 (got 11)");
  s = ValidSupervision();
  s.set_methods(0, std::string(201, 'a'));
  s.set_methods(1, "实地\n检查");
  s.add_methods(" ");
  EXPECT_THAT(Fields(ValidateSupervision(s, "s", kToday)), ElementsAre("s.methods[0]", "s.methods[1]", "s.methods[2]"));
}

TEST(ValidateSupervision, EndedOnIsNotAfterTodayNorBeforeStartedOn) {
  Supervision s = ValidSupervision();
  s.set_ended_on("2026-04-20");
  EXPECT_THAT(ValidateSupervision(s, "s", kToday), IsEmpty());
  s.set_ended_on("2026-04-21");
  EXPECT_EQ(DescriptionOf(ValidateSupervision(s, "s", kToday), "s.ended_on"), "must not be after today (2026-04-20)");
  s.set_ended_on("2026-01-31");
  EXPECT_EQ(DescriptionOf(ValidateSupervision(s, "s", kToday), "s.ended_on"),
            "must not be before started_on (2026-02-01)");
  s.set_started_on("2026-02-29");
  EXPECT_EQ(DescriptionOf(ValidateSupervision(s, "s", kToday), "s.started_on"), "must be a date YYYY-MM-DD");
}

TEST(ValidateSupervision, AtMost1000ProblemsWithUniqueIds) {
  Supervision s = ValidSupervision();
  s.clear_problems();
  s.clear_named_cases();
  for (int i = 0; i < 1000; ++i) *s.add_problems() = ProblemOf("P-" + std::to_string(i), kUnitA, "transport");
  EXPECT_THAT(ValidateSupervision(s, "s", kToday), IsEmpty());
  *s.add_problems() = ProblemOf("P-1000", kUnitA, "transport");
  EXPECT_EQ(DescriptionOf(ValidateSupervision(s, "s", kToday), "s.problems"), "at most 1000 (got 1001)");
  s = ValidSupervision();
  s.mutable_problems(2)->set_id("P-001");
  EXPECT_EQ(DescriptionOf(ValidateSupervision(s, "s", kToday), "s.problems[2]"), "repeats problems[0]");
}

TEST(ValidateSupervision, AProblemsIdIs1To64BytesOfPrintableAscii) {
  Supervision s = ValidSupervision();
  s.mutable_problems(0)->set_id(std::string(64, 'P'));
  s.mutable_named_cases(0)->clear_problem_id();
  EXPECT_THAT(ValidateSupervision(s, "s", kToday), IsEmpty());
  s.mutable_problems(0)->set_id(std::string(65, 'P'));
  EXPECT_THAT(DescriptionOf(ValidateSupervision(s, "s", kToday), "s.problems[0].id"), HasSubstr("at most 64 bytes"));
  s.mutable_problems(0)->set_id("问题一");
  EXPECT_THAT(DescriptionOf(ValidateSupervision(s, "s", kToday), "s.problems[0].id"), HasSubstr("printable ASCII"));
  s.mutable_problems(0)->clear_id();
  EXPECT_EQ(DescriptionOf(ValidateSupervision(s, "s", kToday), "s.problems[0].id"), "required");
}

TEST(ValidateSupervision, AProblemsUnitIsACreditCode) {
  Supervision s = ValidSupervision();
  s.mutable_problems(1)->set_unit("11140100MB000020");
  EXPECT_THAT(Fields(ValidateSupervision(s, "s", kToday)), ElementsAre("s.problems[1].unit"));
}

TEST(ValidateSupervision, AProblemsDomainIsAKnownDomainCode) {
  Supervision s = ValidSupervision();
  s.mutable_problems(0)->set_domain("markets");
  EXPECT_EQ(DescriptionOf(ValidateSupervision(s, "s", kToday), "s.problems[0].domain"),
            "must be a known enforcement domain code (such as market_regulation)");
  s.mutable_problems(0)->clear_domain();
  EXPECT_EQ(DescriptionOf(ValidateSupervision(s, "s", kToday), "s.problems[0].domain"), "required");
}

TEST(ValidateSupervision, AProblemsDescriptionAndRequirementAreParagraphsOf1To2000Bytes) {
  Supervision s = ValidSupervision();
  s.mutable_problems(0)->set_description(std::string(1999, 'a') + "\n");
  s.mutable_problems(0)->set_rectification_requirement(std::string(2000, 'a'));
  EXPECT_THAT(ValidateSupervision(s, "s", kToday), IsEmpty());
  s.mutable_problems(0)->set_description(std::string(2001, 'a'));
  s.mutable_problems(0)->set_rectification_requirement(std::string(2001, 'a'));
  auto v = ValidateSupervision(s, "s", kToday);
  EXPECT_THAT(DescriptionOf(v, "s.problems[0].description"), HasSubstr("at most 2000 bytes"));
  EXPECT_THAT(DescriptionOf(v, "s.problems[0].rectification_requirement"), HasSubstr("at most 2000 bytes"));
  s.mutable_problems(0)->clear_description();
  s.mutable_problems(0)->clear_rectification_requirement();
  v = ValidateSupervision(s, "s", kToday);
  EXPECT_EQ(DescriptionOf(v, "s.problems[0].description"), "required");
  EXPECT_EQ(DescriptionOf(v, "s.problems[0].rectification_requirement"), "required");
}

TEST(ValidateSupervision, AProblemsDeadlineIsRequiredAndNotBeforeTheStart) {
  Supervision s = ValidSupervision();
  s.mutable_problems(0)->set_rectification_deadline("2026-02-01");
  EXPECT_THAT(ValidateSupervision(s, "s", kToday), IsEmpty());
  s.mutable_problems(0)->set_rectification_deadline("2026-01-31");
  EXPECT_EQ(DescriptionOf(ValidateSupervision(s, "s", kToday), "s.problems[0].rectification_deadline"),
            "must not be before the supervision's start (2026-02-01)");
  s.mutable_problems(0)->clear_rectification_deadline();
  EXPECT_EQ(DescriptionOf(ValidateSupervision(s, "s", kToday), "s.problems[0].rectification_deadline"), "required");
}

TEST(ValidateSupervision, AtMost100NamedCases) {
  Supervision s = ValidSupervision();
  const NamedCase named = s.named_cases(0);
  for (int i = 1; i < 100; ++i) *s.add_named_cases() = named;
  EXPECT_THAT(ValidateSupervision(s, "s", kToday), IsEmpty());
  *s.add_named_cases() = named;
  EXPECT_EQ(DescriptionOf(ValidateSupervision(s, "s", kToday), "s.named_cases"), "at most 100 (got 101)");
}

TEST(ValidateSupervision, ANamedCasesUnitIsACreditCode) {
  Supervision s = ValidSupervision();
  s.mutable_named_cases(0)->clear_unit();
  EXPECT_EQ(DescriptionOf(ValidateSupervision(s, "s", kToday), "s.named_cases[0].unit"), "required");
}

TEST(ValidateSupervision, ANamedCasesTitleIsOneLineOf1To200Bytes) {
  Supervision s = ValidSupervision();
  NamedCase& named = *s.mutable_named_cases(0);
  named.set_title(std::string(200, 'a'));
  EXPECT_THAT(ValidateSupervision(s, "s", kToday), IsEmpty());
  named.set_title(std::string(201, 'a'));
  EXPECT_THAT(DescriptionOf(ValidateSupervision(s, "s", kToday), "s.named_cases[0].title"),
              HasSubstr("at most 200 bytes"));
  named.set_title("一\n二");
  EXPECT_THAT(Fields(ValidateSupervision(s, "s", kToday)), ElementsAre("s.named_cases[0].title"));
  named.clear_title();
  EXPECT_EQ(DescriptionOf(ValidateSupervision(s, "s", kToday), "s.named_cases[0].title"), "required");
}

TEST(ValidateSupervision, ANamedCasesDescriptionIsParagraphsOf1To5000Bytes) {
  Supervision s = ValidSupervision();
  NamedCase& named = *s.mutable_named_cases(0);
  named.set_description(std::string(2500, 'a') + "\n" + std::string(2499, 'a'));
  EXPECT_THAT(ValidateSupervision(s, "s", kToday), IsEmpty());
  named.set_description(std::string(5001, 'a'));
  EXPECT_THAT(DescriptionOf(ValidateSupervision(s, "s", kToday), "s.named_cases[0].description"),
              HasSubstr("at most 5000 bytes"));
  named.clear_description();
  EXPECT_EQ(DescriptionOf(ValidateSupervision(s, "s", kToday), "s.named_cases[0].description"), "required");
}

TEST(ValidateSupervision, ANamedCasesHandlingIs1To5MeasuresWithoutRepeats) {
  Supervision s = ValidSupervision();
  NamedCase& named = *s.mutable_named_cases(0);
  named.clear_handling();
  EXPECT_THAT(DescriptionOf(ValidateSupervision(s, "s", kToday), "s.named_cases[0].handling"),
              HasSubstr("at least 1 required"));
  for (int h = 1; h <= 4; ++h) named.add_handling(static_cast<v1::Handling>(h));
  EXPECT_THAT(ValidateSupervision(s, "s", kToday), IsEmpty());
  named.add_handling(v1::OTHER_HANDLING);
  named.set_handling_detail("约谈主要负责人。");
  EXPECT_THAT(ValidateSupervision(s, "s", kToday), IsEmpty());
  named.add_handling(v1::ACCOUNTABILITY);
  EXPECT_EQ(DescriptionOf(ValidateSupervision(s, "s", kToday), "s.named_cases[0].handling"), "at most 5 (got 6)");
  named.clear_handling();
  named.add_handling(v1::ACCOUNTABILITY);
  named.add_handling(v1::ACCOUNTABILITY);
  named.add_handling(v1::HANDLING_UNSPECIFIED);
  const auto v = ValidateSupervision(s, "s", kToday);
  EXPECT_EQ(DescriptionOf(v, "s.named_cases[0].handling[1]"), "repeats handling[0]");
  EXPECT_THAT(DescriptionOf(v, "s.named_cases[0].handling[2]"), HasSubstr("must be one of CIRCULATED_CRITICISM"));
}

TEST(ValidateSupervision, HandlingDetailIsRequiredWithOtherHandlingAndAtMost2000Bytes) {
  Supervision s = ValidSupervision();
  NamedCase& named = *s.mutable_named_cases(0);
  named.add_handling(v1::OTHER_HANDLING);
  EXPECT_THAT(DescriptionOf(ValidateSupervision(s, "s", kToday), "s.named_cases[0].handling_detail"),
              HasSubstr("required when handling includes OTHER_HANDLING"));
  named.set_handling_detail(std::string(2000, 'a'));
  EXPECT_THAT(ValidateSupervision(s, "s", kToday), IsEmpty());
  named.set_handling_detail(std::string(2001, 'a'));
  EXPECT_THAT(DescriptionOf(ValidateSupervision(s, "s", kToday), "s.named_cases[0].handling_detail"),
              HasSubstr("at most 2000 bytes"));
  named.clear_handling();
  named.add_handling(v1::ACCOUNTABILITY);
  named.set_handling_detail("给予政务记过处分。");  // optional otherwise
  EXPECT_THAT(ValidateSupervision(s, "s", kToday), IsEmpty());
}

TEST(ValidateSupervision, ANamedCasesProblemIdIsEmptyOrOneOfTheProblems) {
  Supervision s = ValidSupervision();
  s.mutable_named_cases(0)->clear_problem_id();
  EXPECT_THAT(ValidateSupervision(s, "s", kToday), IsEmpty());
  s.mutable_named_cases(0)->set_problem_id("P-404");
  EXPECT_EQ(DescriptionOf(ValidateSupervision(s, "s", kToday), "s.named_cases[0].problem_id"),
            "must be empty or the id of one of the supervision's problems");
}

TEST(UnitsOf, ListsTheProblemsAndNamedCasesUnitsEachOnce) {
  Supervision s = ValidSupervision();
  s.mutable_named_cases(0)->set_unit(kUnitC);
  EXPECT_THAT(UnitsOf(s), ElementsAre(kUnitA, kUnitB, kUnitC));
}

TEST(TallyProblems, CountsByUnitAndByDomainMostFirst) {
  const ProblemTally tally = TallyProblems(ValidSupervision());
  ASSERT_EQ(tally.by_unit.size(), 2u);
  EXPECT_EQ(tally.by_unit[0].key(), kUnitA);
  EXPECT_EQ(tally.by_unit[0].problems(), 2);
  EXPECT_EQ(tally.by_unit[1].key(), kUnitB);
  EXPECT_EQ(tally.by_unit[1].problems(), 1);
  ASSERT_EQ(tally.by_domain.size(), 2u);
  EXPECT_EQ(tally.by_domain[0].key(), "market_regulation");
  EXPECT_EQ(tally.by_domain[0].problems(), 2);
  EXPECT_EQ(tally.by_domain[1].key(), "ecology_environment");
  EXPECT_EQ(tally.by_domain[1].problems(), 1);
}

TEST(TallyProblems, TiesAreOrderedByKey) {
  Supervision s = ValidSupervision();
  s.clear_problems();
  *s.add_problems() = ProblemOf("P-1", kUnitC, "transport");
  *s.add_problems() = ProblemOf("P-2", kUnitB, "agriculture");
  const ProblemTally tally = TallyProblems(s);
  ASSERT_EQ(tally.by_unit.size(), 2u);
  ASSERT_LT(kUnitB, kUnitC);
  EXPECT_EQ(tally.by_unit[0].key(), kUnitB);
  EXPECT_EQ(tally.by_unit[1].key(), kUnitC);
  EXPECT_EQ(tally.by_domain[0].key(), "agriculture");
  EXPECT_EQ(tally.by_domain[1].key(), "transport");
}

TEST(PublicSupervision, CarriesTheCountAndTheTallyWithUnitNames) {
  const Supervision published = PublicSupervision(ValidSupervision(), {{kUnitA, "太原市某区市场监督管理局"}});
  EXPECT_EQ(published.problem_count(), 3);
  EXPECT_EQ(published.problems_size(), 3);
  ASSERT_EQ(published.problems_by_unit_size(), 2);
  EXPECT_EQ(published.problems_by_unit(0).key(), kUnitA);
  EXPECT_EQ(published.problems_by_unit(0).name(), "太原市某区市场监督管理局");
  EXPECT_EQ(published.problems_by_unit(0).problems(), 2);
  EXPECT_EQ(published.problems_by_unit(1).key(), kUnitB);
  EXPECT_TRUE(published.problems_by_unit(1).name().empty());
  ASSERT_EQ(published.problems_by_domain_size(), 2);
  EXPECT_EQ(published.problems_by_domain(0).key(), "market_regulation");
}

TEST(PublicSupervision, ReplacesATallyTheCallerSent) {
  Supervision s = ValidSupervision();
  auto* forged = s.add_problems_by_unit();
  forged->set_key(kUnitC);
  forged->set_problems(99);
  s.set_problem_count(99);
  const Supervision published = PublicSupervision(s, {});
  EXPECT_EQ(published.problem_count(), 3);
  ASSERT_EQ(published.problems_by_unit_size(), 2);
  EXPECT_EQ(published.problems_by_unit(0).key(), kUnitA);
}

TEST(PublicSupervision, MasksItsTextsByTheRules) {
  Supervision s = ValidSupervision();
  s.mutable_problems(0)->set_description("举报人电话13812345678被泄露。");
  s.mutable_problems(0)->set_rectification_requirement("向太原市小店区坞城路92号报送整改报告。");
  s.mutable_named_cases(0)->set_description("当事人身份证号" + kPersonId + "。");
  s.mutable_named_cases(0)->add_handling(v1::OTHER_HANDLING);
  s.mutable_named_cases(0)->set_handling_detail("电话0351-1234567通知。");
  const Supervision published = PublicSupervision(s, {});
  EXPECT_THAT(published.problems(0).description(), Not(HasSubstr("13812345678")));
  EXPECT_THAT(published.problems(0).rectification_requirement(), Not(HasSubstr("坞城路92号")));
  EXPECT_THAT(published.named_cases(0).description(), Not(HasSubstr(kPersonId)));
  EXPECT_THAT(published.named_cases(0).handling_detail(), Not(HasSubstr("1234567")));
  EXPECT_EQ(published.topic(), s.topic());
}

// ---------------------------------------------------------------- assessments

TEST(ValidateAssessmentPlan, AcceptsAValidPlan) {
  EXPECT_THAT(ValidateAssessmentPlan(ValidPlan(), "p", kToday), IsEmpty());
}

TEST(ValidateAssessmentPlan, NamesKeyYearAndTitle) {
  AssessmentPlan p = ValidPlan();
  p.clear_agency_credit_code();
  p.set_source_id("方案");
  p.set_source_version(0);
  p.set_year(1999);
  p.set_title(std::string(501, 'a'));
  EXPECT_THAT(Fields(ValidateAssessmentPlan(p, "p", kToday)),
              ElementsAre("p.agency_credit_code", "p.source_id", "p.source_version", "p.year", "p.title"));
  p = ValidPlan();
  p.set_year(2101);
  p.set_title("一\n二");
  EXPECT_THAT(Fields(ValidateAssessmentPlan(p, "p", kToday)), ElementsAre("p.year", "p.title"));
  p = ValidPlan();
  p.set_title(std::string(500, 'a'));
  EXPECT_THAT(ValidateAssessmentPlan(p, "p", kToday), IsEmpty());
}

TEST(ValidateAssessmentPlan, IndicatorsAre1To100WithUniqueCodes) {
  AssessmentPlan p = ValidPlan();
  p.clear_indicators();
  EXPECT_THAT(DescriptionOf(ValidateAssessmentPlan(p, "p", kToday), "p.indicators"), HasSubstr("at least 1 required"));
  for (int i = 0; i < 100; ++i) {
    auto* indicator = p.add_indicators();
    indicator->set_code("I-" + std::to_string(i));
    indicator->set_name("指标");
    indicator->set_max_score(1);
  }
  EXPECT_THAT(ValidateAssessmentPlan(p, "p", kToday), IsEmpty());
  *p.add_indicators() = p.indicators(0);
  EXPECT_EQ(DescriptionOf(ValidateAssessmentPlan(p, "p", kToday), "p.indicators"), "at most 100 (got 101)");
  p = ValidPlan();
  p.mutable_indicators(1)->set_code("ZF-01");
  EXPECT_EQ(DescriptionOf(ValidateAssessmentPlan(p, "p", kToday), "p.indicators[1]"), "repeats indicators[0]");
}

TEST(ValidateAssessmentPlan, AnIndicatorsCodeIs1To32BytesOfPrintableAscii) {
  AssessmentPlan p = ValidPlan();
  p.mutable_indicators(0)->set_code(std::string(32, 'Z'));
  EXPECT_THAT(ValidateAssessmentPlan(p, "p", kToday), IsEmpty());
  p.mutable_indicators(0)->set_code(std::string(33, 'Z'));
  EXPECT_THAT(DescriptionOf(ValidateAssessmentPlan(p, "p", kToday), "p.indicators[0].code"),
              HasSubstr("at most 32 bytes"));
  p.mutable_indicators(0)->set_code("指标一");
  EXPECT_THAT(DescriptionOf(ValidateAssessmentPlan(p, "p", kToday), "p.indicators[0].code"),
              HasSubstr("printable ASCII"));
  p.mutable_indicators(0)->clear_code();
  EXPECT_EQ(DescriptionOf(ValidateAssessmentPlan(p, "p", kToday), "p.indicators[0].code"), "required");
}

TEST(ValidateAssessmentPlan, AnIndicatorsNameIsOneLineOf1To200Bytes) {
  AssessmentPlan p = ValidPlan();
  p.mutable_indicators(0)->set_name(std::string(200, 'a'));
  EXPECT_THAT(ValidateAssessmentPlan(p, "p", kToday), IsEmpty());
  p.mutable_indicators(0)->set_name(std::string(201, 'a'));
  EXPECT_THAT(DescriptionOf(ValidateAssessmentPlan(p, "p", kToday), "p.indicators[0].name"),
              HasSubstr("at most 200 bytes"));
  p.mutable_indicators(0)->set_name("一\n二");
  EXPECT_THAT(Fields(ValidateAssessmentPlan(p, "p", kToday)), ElementsAre("p.indicators[0].name"));
  p.mutable_indicators(0)->clear_name();
  EXPECT_EQ(DescriptionOf(ValidateAssessmentPlan(p, "p", kToday), "p.indicators[0].name"), "required");
}

TEST(ValidateAssessmentPlan, AnIndicatorsMaxScoreIsFiniteAboveZeroAndAtMost1000) {
  AssessmentPlan p = ValidPlan();
  p.mutable_indicators(0)->set_max_score(1000);
  EXPECT_THAT(ValidateAssessmentPlan(p, "p", kToday), IsEmpty());
  p.mutable_indicators(0)->set_max_score(0.5);
  EXPECT_THAT(ValidateAssessmentPlan(p, "p", kToday), IsEmpty());
  for (double bad : {0.0, -1.0, 1000.5}) {
    p.mutable_indicators(0)->set_max_score(bad);
    EXPECT_EQ(DescriptionOf(ValidateAssessmentPlan(p, "p", kToday), "p.indicators[0].max_score"),
              "must be more than 0 and at most 1000")
        << bad;
  }
  for (double bad : {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
    p.mutable_indicators(0)->set_max_score(bad);
    EXPECT_EQ(DescriptionOf(ValidateAssessmentPlan(p, "p", kToday), "p.indicators[0].max_score"),
              "must be a finite number");
  }
}

TEST(ValidateAssessmentPlan, UnitsAre1To5000CreditCodesWithoutRepeats) {
  AssessmentPlan p = ValidPlan();
  p.clear_units();
  EXPECT_THAT(DescriptionOf(ValidateAssessmentPlan(p, "p", kToday), "p.units"), HasSubstr("at least 1 required"));
  for (int i = 0; i < 5000; ++i) p.add_units(NthUnit(i));
  EXPECT_THAT(ValidateAssessmentPlan(p, "p", kToday), IsEmpty());
  p.add_units(NthUnit(5000));
  EXPECT_EQ(DescriptionOf(ValidateAssessmentPlan(p, "p", kToday), "p.units"), "at most 5000 (got 5001)");
  p = ValidPlan();
  p.add_units(kUnitA);
  p.add_units("1114010");
  const auto v = ValidateAssessmentPlan(p, "p", kToday);
  EXPECT_EQ(DescriptionOf(v, "p.units[2]"), "repeats units[0]");
  EXPECT_THAT(Fields(v), Contains("p.units[3]"));
}

TEST(ValidateAssessmentPlan, ApprovedOnIsADateNotAfterToday) {
  AssessmentPlan p = ValidPlan();
  p.set_approved_on("2026-04-20");
  EXPECT_THAT(ValidateAssessmentPlan(p, "p", kToday), IsEmpty());
  p.set_approved_on("2026-04-21");
  EXPECT_EQ(DescriptionOf(ValidateAssessmentPlan(p, "p", kToday), "p.approved_on"),
            "must not be after today (2026-04-20)");
  p.set_approved_on("20260210");
  EXPECT_EQ(DescriptionOf(ValidateAssessmentPlan(p, "p", kToday), "p.approved_on"), "must be a date YYYY-MM-DD");
}

TEST(ValidateAssessmentResult, AcceptsAValidResult) {
  EXPECT_THAT(ValidateAssessmentResult(ValidResult(), "r", kToday), IsEmpty());
}

TEST(ValidateAssessmentResult, NamesKeyPlanAndConclusion) {
  AssessmentResult r = ValidResult();
  r.clear_source_id();
  r.clear_plan_source_id();
  r.set_concluded_on("2026-04-21");
  const auto v = ValidateAssessmentResult(r, "r", kToday);
  EXPECT_THAT(Fields(v), ElementsAre("r.source_id", "r.plan_source_id", "r.concluded_on"));
  EXPECT_EQ(DescriptionOf(v, "r.concluded_on"), "must not be after today (2026-04-20)");
}

TEST(ValidateAssessmentResult, UnitsAre1To5000WithoutRepeats) {
  AssessmentResult r = ValidResult();
  r.clear_units();
  EXPECT_THAT(DescriptionOf(ValidateAssessmentResult(r, "r", kToday), "r.units"), HasSubstr("at least 1 required"));
  for (int i = 0; i < 5000; ++i) *r.add_units() = UnitResultOf(NthUnit(i), 20, 60, v1::PASS);
  EXPECT_THAT(ValidateAssessmentResult(r, "r", kToday), IsEmpty());
  *r.add_units() = UnitResultOf(NthUnit(5000), 20, 60, v1::PASS);
  EXPECT_EQ(DescriptionOf(ValidateAssessmentResult(r, "r", kToday), "r.units"), "at most 5000 (got 5001)");
  r = ValidResult();
  *r.add_units() = UnitResultOf(kUnitA, 20, 60, v1::PASS);
  r.mutable_units(1)->set_unit("x");
  const auto v = ValidateAssessmentResult(r, "r", kToday);
  EXPECT_EQ(DescriptionOf(v, "r.units[2]"), "repeats units[0]");
  EXPECT_THAT(Fields(v), Contains("r.units[1].unit"));
}

TEST(ValidateAssessmentResult, AScoreIsFiniteAndTheSumOfItsIndicatorScoresWithin001) {
  AssessmentResult r = ValidResult();
  r.mutable_units(0)->set_score(85.51);  // 25.5 + 60 = 85.5
  EXPECT_THAT(ValidateAssessmentResult(r, "r", kToday), IsEmpty());
  r.mutable_units(0)->set_score(85.49);
  EXPECT_THAT(ValidateAssessmentResult(r, "r", kToday), IsEmpty());
  r.mutable_units(0)->set_score(85.52);
  EXPECT_EQ(DescriptionOf(ValidateAssessmentResult(r, "r", kToday), "r.units[0].score"),
            "must be the sum of its indicator scores (85.5) within 0.01");
  r.mutable_units(0)->set_score(std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(DescriptionOf(ValidateAssessmentResult(r, "r", kToday), "r.units[0].score"), "must be a finite number");
  r = ValidResult();
  r.mutable_units(1)->mutable_indicator_scores(0)->set_score(-std::numeric_limits<double>::infinity());
  const auto v = ValidateAssessmentResult(r, "r", kToday);
  EXPECT_THAT(Fields(v), ElementsAre("r.units[1].indicator_scores[0].score"));
  EXPECT_EQ(v[0].description, "must be a finite number");
}

TEST(ValidateAssessmentResult, AGradeIsSet) {
  AssessmentResult r = ValidResult();
  r.mutable_units(0)->set_grade(v1::GRADE_UNSPECIFIED);
  EXPECT_EQ(DescriptionOf(ValidateAssessmentResult(r, "r", kToday), "r.units[0].grade"),
            "must be one of EXCELLENT, GOOD, PASS, FAIL");
}

TEST(ValidateAssessmentResult, IndicatorCodesAreKeysNotRepeated) {
  AssessmentResult r = ValidResult();
  r.mutable_units(0)->mutable_indicator_scores(1)->set_code("ZF-01");
  EXPECT_EQ(DescriptionOf(ValidateAssessmentResult(r, "r", kToday), "r.units[0].indicator_scores[1]"),
            "repeats indicator_scores[0]");
  r.mutable_units(0)->mutable_indicator_scores(1)->clear_code();
  EXPECT_EQ(DescriptionOf(ValidateAssessmentResult(r, "r", kToday), "r.units[0].indicator_scores[1].code"), "required");
}

TEST(ValidateAssessmentResult, AUnitHasAtMostOneScorePerPossibleIndicator) {
  AssessmentResult r = ValidResult();
  v1::UnitResult& unit = *r.mutable_units(0);
  unit.clear_indicator_scores();
  for (int i = 0; i < 100; ++i) {
    auto* score = unit.add_indicator_scores();
    score->set_code("I-" + std::to_string(i));
    score->set_score(1);
  }
  unit.set_score(100);
  EXPECT_THAT(ValidateAssessmentResult(r, "r", kToday), IsEmpty());
  unit.add_indicator_scores()->set_code("I-100");
  EXPECT_EQ(DescriptionOf(ValidateAssessmentResult(r, "r", kToday), "r.units[0].indicator_scores"),
            "at most 100 (got 101)");
}

TEST(CheckResultAgainstPlan, AcceptsResultsOfThePlansUnitsAndIndicators) {
  EXPECT_THAT(CheckResultAgainstPlan(ValidResult(), ValidPlan(), "r"), IsEmpty());
}

TEST(CheckResultAgainstPlan, ConcludedOnIsNotBeforeThePlansApproval) {
  AssessmentResult r = ValidResult();
  r.set_concluded_on("2026-02-10");
  EXPECT_THAT(CheckResultAgainstPlan(r, ValidPlan(), "r"), IsEmpty());
  r.set_concluded_on("2026-02-09");
  EXPECT_EQ(DescriptionOf(CheckResultAgainstPlan(r, ValidPlan(), "r"), "r.concluded_on"),
            "must not be before the plan's approval (2026-02-10)");
}

TEST(CheckResultAgainstPlan, EveryUnitIsOneOfThePlans) {
  AssessmentResult r = ValidResult();
  r.mutable_units(1)->set_unit(kUnitC);
  EXPECT_EQ(DescriptionOf(CheckResultAgainstPlan(r, ValidPlan(), "r"), "r.units[1].unit"),
            "must be one of the plan's units");
}

TEST(CheckResultAgainstPlan, OneScorePerIndicatorOfThePlanEachFromZeroToItsMax) {
  AssessmentResult r = ValidResult();
  r.mutable_units(0)->mutable_indicator_scores(0)->set_score(30);  // the max
  r.mutable_units(0)->mutable_indicator_scores(1)->set_score(0);
  EXPECT_THAT(CheckResultAgainstPlan(r, ValidPlan(), "r"), IsEmpty());
  r.mutable_units(0)->mutable_indicator_scores(0)->set_score(30.5);
  r.mutable_units(0)->mutable_indicator_scores(1)->set_score(-1);
  auto v = CheckResultAgainstPlan(r, ValidPlan(), "r");
  EXPECT_EQ(DescriptionOf(v, "r.units[0].indicator_scores[0].score"), "must be 0 to the indicator's max_score (30)");
  EXPECT_EQ(DescriptionOf(v, "r.units[0].indicator_scores[1].score"), "must be 0 to the indicator's max_score (70)");

  r = ValidResult();
  r.mutable_units(0)->mutable_indicator_scores(1)->set_code("ZF-99");
  v = CheckResultAgainstPlan(r, ValidPlan(), "r");
  EXPECT_EQ(DescriptionOf(v, "r.units[0].indicator_scores[1].code"),
            "must be the code of one of the plan's indicators");
  EXPECT_EQ(DescriptionOf(v, "r.units[0].indicator_scores"),
            "must hold one score per indicator of the plan: missing ZF-02");
}

// ---------------------------------------------------------------- rectification

TEST(ValidateReport, AcceptsAReportOfAProblemAndOfAReview) {
  EXPECT_THAT(ValidateReport(ValidReport(), "r", kToday), IsEmpty());
  RectificationReport r = ValidReport();
  r.set_subject(v1::REVIEW);
  r.clear_problem_id();
  EXPECT_THAT(ValidateReport(r, "r", kToday), IsEmpty());
}

TEST(ValidateReport, NamesSubjectAndKey) {
  RectificationReport r = ValidReport();
  r.set_subject(v1::SUBJECT_UNSPECIFIED);
  r.set_agency_credit_code("1");
  r.clear_source_id();
  r.set_source_version(0);
  EXPECT_THAT(Fields(ValidateReport(r, "r", kToday)),
              ElementsAre("r.subject", "r.agency_credit_code", "r.source_id", "r.source_version"));
}

TEST(ValidateReport, ProblemIdIsEmptyForAReviewAndAKeyForASupervisionProblem) {
  RectificationReport r = ValidReport();
  r.set_subject(v1::REVIEW);
  EXPECT_THAT(DescriptionOf(ValidateReport(r, "r", kToday), "r.problem_id"), HasSubstr("must be empty for a REVIEW"));
  r = ValidReport();
  r.clear_problem_id();
  EXPECT_EQ(DescriptionOf(ValidateReport(r, "r", kToday), "r.problem_id"), "required");
  r.set_problem_id(std::string(65, 'P'));
  EXPECT_THAT(DescriptionOf(ValidateReport(r, "r", kToday), "r.problem_id"), HasSubstr("at most 64 bytes"));
}

TEST(ValidateReport, DoneOnIsADateNotAfterToday) {
  RectificationReport r = ValidReport();
  r.set_done_on("2026-04-21");
  EXPECT_EQ(DescriptionOf(ValidateReport(r, "r", kToday), "r.done_on"), "must not be after today (2026-04-20)");
  r.clear_done_on();
  EXPECT_EQ(DescriptionOf(ValidateReport(r, "r", kToday), "r.done_on"), "required");
}

TEST(ValidateReport, DescriptionIsParagraphsOf1To5000Bytes) {
  RectificationReport r = ValidReport();
  r.set_description(std::string(2500, 'a') + "\n" + std::string(2499, 'a'));
  EXPECT_THAT(ValidateReport(r, "r", kToday), IsEmpty());
  r.set_description(std::string(5001, 'a'));
  EXPECT_THAT(DescriptionOf(ValidateReport(r, "r", kToday), "r.description"), HasSubstr("at most 5000 bytes"));
  r.clear_description();
  EXPECT_EQ(DescriptionOf(ValidateReport(r, "r", kToday), "r.description"), "required");
}

TEST(RectificationState, UnreportedIsOpenUpToAndOnTheDeadlineAndOverdueAfter) {
  const common::Date deadline = Day("2026-05-31");
  EXPECT_EQ(RectificationState(deadline, std::nullopt, Day("2026-05-31")), v1::Rectification::OPEN);
  EXPECT_EQ(RectificationState(deadline, std::nullopt, Day("2026-06-01")), v1::Rectification::OVERDUE);
}

TEST(RectificationState, ReportedIsDoneByTheDeadlineAndDoneLateAfterIt) {
  const common::Date deadline = Day("2026-05-31");
  EXPECT_EQ(RectificationState(deadline, Day("2026-05-31"), Day("2026-07-01")), v1::Rectification::DONE);
  EXPECT_EQ(RectificationState(deadline, Day("2026-06-01"), Day("2026-07-01")), v1::Rectification::DONE_LATE);
}

}  // namespace
}  // namespace gongkai::supervision
