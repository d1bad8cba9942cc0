#include "services/penalties/republish.h"

#include <gtest/gtest.h>

#include "common/calendar/iso_date.h"
#include "common/identifiers.h"
#include "gongkai/penalties/v1/penalties.pb.h"
#include "services/penalties/penalty_rows.h"

namespace gongkai::penalties {
namespace {

std::string CitizenId(const std::string& first17) { return first17 + common::CitizenIdCheckCharacter(first17); }

PenaltyDecision PersonDecision() {
  PenaltyDecision d;
  d.agency_credit_code = "11140100MB0000101X";
  d.source_id = "TY-SJ-2026-000124";
  d.source_version = 3;
  d.domain = "market_regulation";
  d.party.kind = Party::Kind::kNaturalPerson;
  d.party.name = "张三";
  d.party.id_number = CitizenId("14010119850315123");
  d.party.address = "太原市小店区坞城路92号";
  d.party.phone = "13912345678";
  d.mentioned_persons = {"王小明"};
  d.facts = "张三在太原市小店区坞城路92号销售过期食品，证人王小明（电话138-1234-5678）作证。";
  d.decision_date = common::ParseIsoDate("2026-04-15");
  d.severity = CreditSeverity::kGeneral;
  return d;
}

CoerciveMeasure PersonMeasure() {
  CoerciveMeasure m;
  m.agency_credit_code = "11140100MB0000101X";
  m.source_id = "TY-QZ-2026-0042";
  m.source_version = 2;
  m.domain = "public_security";
  m.party = {Party::Kind::kNaturalPerson, "李四", "", CitizenId("14010119850315123"), false, "迎泽区柳巷12号", ""};
  m.object_name = "李四的车辆";
  m.object_quantity = "1辆";
  m.release_conditions = "期限届满即解除。";
  m.period_start = common::ParseIsoDate("2026-05-01");
  m.period_end = common::ParseIsoDate("2026-05-30");
  return m;
}

// A stored record as a write of it makes it now.
StaleRecord Stored(const RecordToStore& row, bool withdrawn = false) {
  StaleRecord stale;
  stale.kind = row.kind;
  stale.agency_credit_code = row.agency_credit_code;
  stale.source_id = row.source_id;
  stale.record = row.record;
  stale.withdrawn = withdrawn;
  stale.columns.public_record = row.public_record;
  stale.columns.public_party_name = row.public_party_name;
  stale.columns.public_party_credit_code = row.public_party_credit_code;
  return stale;
}

// An explanation as a withdrawal or release of `stale` publishes it now.
std::string Published(const StaleRecord& stale, const std::string& explanation) {
  RecordRow stored;
  stored.kind = stale.kind;
  stored.record = stale.record;
  return PublicExplanation(stored, explanation);
}

// Older rules left the address, the other person and the grouped phone in
// the facts: the republish gives the public form a write makes, announced as
// a new version is.
TEST(RepublishRecord, GivesAnOlderPublicFormTheOneAWriteMakesAndAnnouncesIt) {
  const PenaltyDecision d = PersonDecision();
  const RecordToStore row = RowOf(d);
  StaleRecord stale = Stored(row);
  v1::PenaltyDecision older;
  ASSERT_TRUE(older.ParseFromString(row.public_record));
  older.set_facts("张某某在太原市小店区坞城路92号销售过期食品，证人王小明（电话138-1234-5678）作证。");
  stale.columns.public_record = older.SerializeAsString();

  const Republished now = RepublishRecord(stale);
  EXPECT_EQ(now.columns.public_record, row.public_record);
  EXPECT_EQ(now.columns.public_party_name, "张某某");
  EXPECT_EQ(now.event, ChangeType::kPublished);
  v1::PenaltyDecision shown;
  ASSERT_TRUE(shown.ParseFromString(now.columns.public_record));
  EXPECT_EQ(shown.facts().find("坞城路92号"), std::string::npos) << shown.facts();
  EXPECT_EQ(shown.facts().find("王小明"), std::string::npos) << shown.facts();
  EXPECT_EQ(shown.facts().find("1234-5678"), std::string::npos) << shown.facts();
}

TEST(RepublishRecord, APublicFormTheCurrentRulesMakeIsLeftWithoutAnEvent) {
  const StaleRecord stale = Stored(RowOf(PersonDecision()));
  const Republished now = RepublishRecord(stale);
  EXPECT_EQ(now.columns, stale.columns);
  EXPECT_EQ(now.event, std::nullopt);

  const StaleRecord measure = Stored(RowOf(PersonMeasure()));
  EXPECT_EQ(RepublishRecord(measure).columns, measure.columns);
  EXPECT_EQ(RepublishRecord(measure).event, std::nullopt);
}

// A withdrawn decision's public answers are its notice: its explanation,
// stored masked by older rules, is masked again with the decision's personal
// data and announced as a notice; a change of the public form alone, which
// the notice replaces, is written without an event.
TEST(RepublishRecord, AWithdrawnDecisionIsAnnouncedByItsNoticeWhenItsExplanationChanges) {
  StaleRecord stale = Stored(RowOf(PersonDecision()), true);
  stale.columns.withdrawal_explanation = "经复议撤销。张三（住坞城路92号）已整改。";
  Republished now = RepublishRecord(stale);
  EXPECT_EQ(now.columns.withdrawal_explanation, Published(stale, stale.columns.withdrawal_explanation));
  EXPECT_EQ(now.columns.withdrawal_explanation.find("张三"), std::string::npos);
  EXPECT_EQ(now.columns.withdrawal_explanation.find("坞城路92号"), std::string::npos);
  EXPECT_EQ(now.columns.public_record, stale.columns.public_record);
  EXPECT_EQ(now.event, ChangeType::kWithdrawn);

  stale.columns.withdrawal_explanation = "经复议撤销。";
  stale.columns.public_record = "older";
  now = RepublishRecord(stale);
  EXPECT_EQ(now.columns.public_record, RowOf(PersonDecision()).public_record);
  EXPECT_EQ(now.columns.withdrawal_explanation, "经复议撤销。");
  EXPECT_EQ(now.event, std::nullopt);
}

// A released measure stays public with its release: a changed public form is
// announced as PUBLISHED, as a new version of it would be; its release
// explanation, which no public answer carries, is masked again without one.
TEST(RepublishRecord, AReleasedMeasureIsAnnouncedOnlyForItsPublicForm) {
  StaleRecord stale = Stored(RowOf(PersonMeasure()));
  stale.columns.release_explanation = "李四已领回车辆。";
  Republished now = RepublishRecord(stale);
  EXPECT_EQ(now.columns.release_explanation, "李某某已领回车辆。");
  EXPECT_EQ(now.columns.public_record, stale.columns.public_record);
  EXPECT_EQ(now.event, std::nullopt);

  stale.columns.public_record = "older";
  now = RepublishRecord(stale);
  EXPECT_EQ(now.columns.public_record, RowOf(PersonMeasure()).public_record);
  EXPECT_EQ(now.event, ChangeType::kPublished);
}

// A record stored before the party's public credit code was kept (none in
// its row) gets the one its public form publishes, an organisation's, and no
// event: the public form already carried it. A natural person has none.
TEST(RepublishRecord, ARecordStoredWithoutItsPublicCreditCodeGetsItWithoutAnEvent) {
  const std::string first17 = "91140100MA0KABCD1";
  const std::string company = first17 + common::CreditCodeCheckCharacter(first17);
  PenaltyDecision d = PersonDecision();
  d.party = {Party::Kind::kOrganization, "太原市某某食品有限公司", company, "", false, "", ""};
  d.mentioned_persons.clear();
  for (const bool withdrawn : {false, true}) {
    StaleRecord stale = Stored(RowOf(d), withdrawn);
    ASSERT_EQ(stale.columns.public_party_credit_code, company);
    stale.columns.public_party_credit_code = "";
    const Republished now = RepublishRecord(stale);
    EXPECT_EQ(now.columns.public_party_credit_code, company) << withdrawn;
    EXPECT_EQ(now.columns.public_record, stale.columns.public_record) << withdrawn;
    EXPECT_EQ(now.event, std::nullopt) << withdrawn;
  }
  EXPECT_EQ(RepublishRecord(Stored(RowOf(PersonDecision()))).columns.public_party_credit_code, "");
}

// The republish never publishes: a record without a public form (a minor's
// case) keeps none, whatever the rules say of its record, and gets no event;
// its explanation is still masked again.
TEST(RepublishRecord, ARecordNeverPublicStaysPrivate) {
  PenaltyDecision d = PersonDecision();
  d.party.minor = true;
  StaleRecord stale = Stored(RowOf(d), true);
  ASSERT_EQ(stale.columns.public_record, "");
  stale.columns.withdrawal_explanation = "张三的案件已变更。";
  const Republished now = RepublishRecord(stale);
  EXPECT_EQ(now.columns.public_record, "");
  EXPECT_EQ(now.columns.public_party_name, "");
  EXPECT_EQ(now.columns.withdrawal_explanation, "张某某的案件已变更。");
  EXPECT_EQ(now.event, std::nullopt);
}

// A public record whose record does not read back (no parse, no date) cannot
// be masked by the current rules: it leaves the public view.
TEST(RepublishRecord, APublicRecordThatDoesNotReadBackLeavesThePublicView) {
  StaleRecord stale;
  stale.kind = PenaltyKind::kDecision;
  stale.record = "\xff\xff";
  stale.columns.public_record = "older";
  stale.columns.public_party_name = "张某某";
  Republished now = RepublishRecord(stale);
  EXPECT_EQ(now.columns.public_record, "");
  EXPECT_EQ(now.columns.public_party_name, "");
  EXPECT_EQ(now.event, ChangeType::kUnpublished);

  v1::PenaltyDecision undated;
  undated.set_source_id("TY-SJ-2026-000124");
  stale.record = undated.SerializeAsString();
  now = RepublishRecord(stale);
  EXPECT_EQ(now.columns.public_record, "");
  EXPECT_EQ(now.event, ChangeType::kUnpublished);

  stale.withdrawn = true;
  EXPECT_EQ(RepublishRecord(stale).event, ChangeType::kUnpublished) << "its notice leaves with it";
}

// An explanation masked by the current rules, masked again, stays as it is:
// a notice stored under the current rules before its row noted their version
// (masking_version 0) is not announced again.
TEST(RepublishRecord, AnExplanationMaskedByTheCurrentRulesIsLeftAsItIs) {
  StaleRecord stale = Stored(RowOf(PersonDecision()), true);
  stale.columns.withdrawal_explanation = Published(
      stale, "经复议撤销。张三（电话139 1234 5678，住太原市小店区坞城路92号3号楼2单元501室）与王小明已和解。");
  const Republished now = RepublishRecord(stale);
  EXPECT_EQ(now.columns, stale.columns);
  EXPECT_EQ(now.event, std::nullopt);
}

}  // namespace
}  // namespace gongkai::penalties
