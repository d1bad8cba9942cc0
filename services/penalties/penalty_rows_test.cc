#include "services/penalties/penalty_rows.h"

#include <gtest/gtest.h>

#include "common/calendar/iso_date.h"
#include "common/identifiers.h"
#include "gongkai/penalties/v1/penalties.pb.h"

namespace gongkai::penalties {
namespace {

std::string CitizenId(const std::string& first17) { return first17 + common::CitizenIdCheckCharacter(first17); }

PenaltyDecision PersonDecision(const char* date, CreditSeverity severity) {
  PenaltyDecision d;
  d.agency_credit_code = "11140100MB0000101X";
  d.source_id = "TY-SJ-2026-000124";
  d.source_version = 3;
  d.domain = "market_regulation";
  d.party = {Party::Kind::kNaturalPerson, "张三", "", CitizenId("14010119850315123"), false, "某街1号", "13812345678"};
  d.facts = "张三销售过期食品。";
  d.decision_date = common::ParseIsoDate(date);
  d.severity = severity;
  return d;
}

CoerciveMeasure PersonMeasure() {
  CoerciveMeasure m;
  m.agency_credit_code = "11140100MB0000101X";
  m.source_id = "TY-QZ-2026-0042";
  m.source_version = 2;
  m.domain = "public_security";
  m.party = {Party::Kind::kNaturalPerson, "李四", "", CitizenId("14010119850315123"), false, "", ""};
  m.object_name = "李四的车辆";
  m.period_start = common::ParseIsoDate("2026-05-01");
  m.period_end = common::ParseIsoDate("2026-05-30");
  return m;
}

TEST(RowOfDecision, KeepsTheDecisionAsSentAndItsPublicFormUntilTheEndOfRetention) {
  const RecordToStore row = RowOf(PersonDecision("2026-04-15", CreditSeverity::kGeneral));
  EXPECT_EQ(row.kind, PenaltyKind::kDecision);
  EXPECT_EQ(row.agency_credit_code, "11140100MB0000101X");
  EXPECT_EQ(row.source_id, "TY-SJ-2026-000124");
  EXPECT_EQ(row.source_version, 3);
  EXPECT_EQ(row.domain, "market_regulation");
  EXPECT_EQ(common::FormatIsoDate(row.clock_start), "2026-04-15");
  EXPECT_EQ(common::FormatIsoDate(row.public_until), "2027-04-14");
  v1::PenaltyDecision full;
  ASSERT_TRUE(full.ParseFromString(row.record));
  EXPECT_EQ(full.party().name(), "张三");
  EXPECT_EQ(full.party().phone(), "13812345678");
  EXPECT_EQ(full.decision_date(), "2026-04-15");
  v1::PenaltyDecision shown;
  ASSERT_TRUE(shown.ParseFromString(row.public_record));
  EXPECT_EQ(shown.party().name(), "张某某");
  EXPECT_EQ(shown.party().phone(), "");
  EXPECT_EQ(shown.facts(), "张某某销售过期食品。");
  EXPECT_EQ(row.public_party_name, "张某某");
}

TEST(RowOfDecision, AMinorsDecisionHasNoPublicForm) {
  PenaltyDecision d = PersonDecision("2026-04-15", CreditSeverity::kGeneral);
  d.party.minor = true;
  const RecordToStore row = RowOf(d);
  EXPECT_FALSE(row.record.empty());
  EXPECT_TRUE(row.public_record.empty());
  EXPECT_EQ(row.public_party_name, "");
  EXPECT_EQ(row.public_until, std::nullopt);
}

TEST(RowOfDecision, AnEarlierDecisionEndsByTheRulesThenInForce) {
  const RecordToStore row = RowOf(PersonDecision("2026-03-31", CreditSeverity::kGeneral));
  EXPECT_FALSE(row.public_record.empty());
  ASSERT_TRUE(row.public_until.has_value());
  EXPECT_EQ(common::FormatIsoDate(*row.public_until), "2027-03-30");
}

TEST(RowOfMeasure, IsPublicWithoutEndUnlessItsPartyIsAMinor) {
  CoerciveMeasure m = PersonMeasure();
  RecordToStore row = RowOf(m);
  EXPECT_EQ(row.kind, PenaltyKind::kMeasure);
  EXPECT_EQ(common::FormatIsoDate(row.clock_start), "2026-05-01");
  EXPECT_EQ(row.public_until, std::nullopt);
  v1::CoerciveMeasure shown;
  ASSERT_TRUE(shown.ParseFromString(row.public_record));
  EXPECT_EQ(shown.party().name(), "李某某");
  EXPECT_EQ(shown.object_name(), "李某某的车辆");
  EXPECT_EQ(shown.period_end(), "2026-05-30");
  m.party.minor = true;
  row = RowOf(m);
  EXPECT_TRUE(row.public_record.empty());
  EXPECT_EQ(row.public_party_name, "");
}

std::string CreditCode(const std::string& first17) { return first17 + common::CreditCodeCheckCharacter(first17); }

// The party's public credit code, which the public list finds a party by, is
// the one the public form publishes: an organisation's and an individual
// business's in full, a natural person's never, and none without a public
// form.
TEST(RowOfParty, KeepsItsPublicCreditCodeOfAnOrganisationOrABusinessOnly) {
  const std::string company = CreditCode("91140100MA0KABCD1");
  PenaltyDecision d = PersonDecision("2026-04-15", CreditSeverity::kGeneral);
  d.party = {Party::Kind::kOrganization, "太原市某某食品有限公司", company, "", false, "", ""};
  EXPECT_EQ(RowOf(d).public_party_credit_code, company);
  d.party = {Party::Kind::kIndividualBusiness, "小店区某某烧烤店", company, "", false, "", ""};
  d.party.legal_representative = "张三";
  EXPECT_EQ(RowOf(d).public_party_credit_code, company);
  d.severity = CreditSeverity::kMinor;
  EXPECT_EQ(RowOf(d).public_party_credit_code, "") << "a MINOR-tier decision is not published";

  PenaltyDecision person = PersonDecision("2026-04-15", CreditSeverity::kGeneral);
  person.party.credit_code = company;
  const RecordToStore row = RowOf(person);
  EXPECT_FALSE(row.public_record.empty());
  EXPECT_EQ(row.public_party_credit_code, "") << "a natural person's credit code is never published";

  CoerciveMeasure m = PersonMeasure();
  m.party = {Party::Kind::kOrganization, "太原市某某冷链仓储有限公司", company, "", false, "", ""};
  EXPECT_EQ(RowOf(m).public_party_credit_code, company);
  m.party = {Party::Kind::kNaturalPerson, "李四", company, CitizenId("14010119850315123"), false, "", ""};
  EXPECT_EQ(RowOf(m).public_party_credit_code, "");
}

// A withdrawal or release explanation is published with the personal data of
// the record it concerns masked, as the record's own text is.
TEST(PublicExplanation, MasksThePersonalDataOfTheStoredRecord) {
  PenaltyDecision d = PersonDecision("2026-04-15", CreditSeverity::kGeneral);
  d.mentioned_persons = {"王小明"};
  const RecordToStore row = RowOf(d);
  RecordRow stored;
  stored.kind = row.kind;
  stored.record = row.record;
  EXPECT_EQ(
      PublicExplanation(stored, "经复议撤销。张三（电话138 1234 5678）提交了某街1号的租赁合同，证人王小明撤回证言。"),
      "经复议撤销。张某某（电话＊＊＊＊＊＊＊＊＊＊＊＊＊）提交了＊＊＊＊的租赁合同，证人王某某撤回证言。");

  CoerciveMeasure m = PersonMeasure();
  m.release_conditions = "期限届满即解除。";
  m.object_quantity = "1辆";
  const RecordToStore measure = RowOf(m);
  stored.kind = measure.kind;
  stored.record = measure.record;
  EXPECT_EQ(PublicExplanation(stored, "李四已领回车辆。"), "李某某已领回车辆。");
}

// Without a record that parses, the rules alone mask.
TEST(PublicExplanation, WithoutTheRecordTheRulesStillMask) {
  RecordRow stored;
  stored.kind = PenaltyKind::kDecision;
  stored.record = "\xff\xff";
  EXPECT_EQ(PublicExplanation(stored, "张三（电话13812345678，住坞城路92号）"),
            "张三（电话＊＊＊＊＊＊＊＊＊＊＊，住＊＊＊＊＊＊）");
}

}  // namespace
}  // namespace gongkai::penalties
