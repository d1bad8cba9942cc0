#include "services/penalties/penalty_public.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/calendar/iso_date.h"
#include "common/identifiers.h"

namespace gongkai::penalties {
namespace {

std::string CitizenId(const std::string& first17) { return first17 + common::CitizenIdCheckCharacter(first17); }

const std::string kAdultId = CitizenId("14010119850315123");

std::string Stars(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += "＊";
  return out;
}

Party Person() {
  return {Party::Kind::kNaturalPerson, "张三", "", kAdultId, false, "太原市小店区某街1号", "13812345678"};
}

Party Company() {
  return {Party::Kind::kOrganization, "张三餐饮有限公司", "", "", false, "太原市小店区", "0351-1234567"};
}

PenaltyDecision PersonDecision() {
  PenaltyDecision d;
  d.agency_credit_code = "11140100MB0000101X";
  d.source_id = "TY-SJ-2026-000124";
  d.decision_number = "晋太市监罚〔2026〕12号";
  d.party = Person();
  d.facts = "张三于2026年1月销售过期食品，张三电话13812345678。";
  d.result.fine_fen = 5'000'000;
  d.result.other = "责令张三改正";
  d.legal_application_explanation = "张三拒不改正，依裁量基准第4档从重。";
  d.decision_date = common::ParseIsoDate("2026-04-15");
  return d;
}

// Free text of a decision on `party`, as published.
std::string PublicText(const std::string& text, const Party& party) {
  PenaltyDecision d;
  d.party = party;
  return MaskPersonalData(text, PersonalDataOf(d));
}

TEST(PublicText, ScrubsNumbersAndMasksThePersonsNameEverywhere) {
  EXPECT_EQ(PublicText("张三电话13812345678，张三已改正。", Person()), "张某某电话" + Stars(11) + "，张某某已改正。");
}

TEST(PublicText, AnOrganisationsNameStays) {
  EXPECT_EQ(PublicText("张三餐饮有限公司电话13812345678", Company()), "张三餐饮有限公司电话" + Stars(11));
}

TEST(PublicText, AnEmptyNameReplacesNothing) {
  Party party = Person();
  party.name = "";
  EXPECT_EQ(PublicText("当事人已改正。", party), "当事人已改正。");
}

TEST(PublicText, ThePartysAddressPhoneAndBankAccountAreMaskedWhereverRepeated) {
  Party party = Person();
  party.bank_account = "6222 0212 3456 7890";
  EXPECT_EQ(PublicText("住所太原市小店区某街1号，电话138 1234 56 78，账户62220212 34567890。", party),
            "住所" + Stars(10) + "，电话" + Stars(14) + "，账户" + Stars(17) + "。");
  // An organisation's address, phone and account are never published either.
  Party company = Company();
  company.bank_account = "6222 0212 3456 7890";
  EXPECT_EQ(PublicText("张三餐饮有限公司住所太原市小店区", company), "张三餐饮有限公司住所" + Stars(6));
}

TEST(PersonalDataOf, APersonsNameAndCodeButAnOrganisationsNameIsKept) {
  PenaltyDecision d;
  d.party = Person();
  d.party.credit_code = "92140105MA0LQ8UX30";
  d.party.bank_account = "6222021234567890";
  d.mentioned_persons = {"王小明"};
  PersonalData data = PersonalDataOf(d);
  EXPECT_EQ(data.persons, (std::vector<std::string>{"张三", "王小明"}));
  EXPECT_EQ(data.texts, (std::vector<std::string>{"92140105MA0LQ8UX30", "太原市小店区某街1号"}));
  EXPECT_EQ(data.numbers, (std::vector<std::string>{"13812345678", kAdultId, "6222021234567890"}));
  EXPECT_TRUE(data.kept.empty());

  CoerciveMeasure m;
  m.party = Company();
  m.mentioned_persons = {"张三"};
  data = PersonalDataOf(m);
  EXPECT_EQ(data.persons, std::vector<std::string>{"张三"});
  EXPECT_EQ(data.texts, std::vector<std::string>{"太原市小店区"});
  EXPECT_EQ(data.kept, std::vector<std::string>{"张三餐饮有限公司"});
}

TEST(PublicDecision, MasksThePartyAndEveryFreeText) {
  const PenaltyDecision d = PersonDecision();
  const PenaltyDecision p = PublicDecision(d);
  EXPECT_EQ(p.party.name, "张某某");
  EXPECT_EQ(p.party.id_number, "140101********" + kAdultId.substr(14));
  EXPECT_EQ(p.party.address, "");
  EXPECT_EQ(p.party.phone, "");
  EXPECT_EQ(p.facts, "张某某于2026年1月销售过期食品，张某某电话" + Stars(11) + "。");
  EXPECT_EQ(p.result.other, "责令张某某改正");
  EXPECT_EQ(p.legal_application_explanation, "张某某拒不改正，依裁量基准第4档从重。");
  // What is not personal stays as sent.
  EXPECT_EQ(p.decision_number, d.decision_number);
  EXPECT_EQ(p.result.fine_fen, d.result.fine_fen);
  EXPECT_EQ(p.decision_date, d.decision_date);
}

TEST(PublicMeasure, MasksThePartyAndEveryFreeText) {
  CoerciveMeasure m;
  m.document_number = "晋太公强〔2026〕4号";
  m.party = Person();
  m.object_name = "张三的车辆";
  m.release_conditions = "张三联系13812345678办理解除。";
  m.necessity_statement = "张三有逃匿可能。";
  const CoerciveMeasure p = PublicMeasure(m);
  EXPECT_EQ(p.party.name, "张某某");
  EXPECT_EQ(p.party.phone, "");
  EXPECT_EQ(p.object_name, "张某某的车辆");
  EXPECT_EQ(p.release_conditions, "张某某联系" + Stars(11) + "办理解除。");
  EXPECT_EQ(p.necessity_statement, "张某某有逃匿可能。");
  EXPECT_EQ(p.document_number, m.document_number);
}

TEST(PublicDecision, MasksItsNumberAndThePersonsItMentionsAndPublishesNoneOfThem) {
  PenaltyDecision d = PersonDecision();
  d.decision_number = "晋太市监罚〔2026〕12号-张三";
  d.mentioned_persons = {"王小明", "欧阳娜娜"};
  d.party.bank_account = "6222021234567890";
  d.facts = "证人王小明、欧阳 娜娜证实，张三在太原市小店区某街1号销售过期食品。";
  const PenaltyDecision p = PublicDecision(d);
  EXPECT_EQ(p.decision_number, "晋太市监罚〔2026〕12号-张某某");
  EXPECT_EQ(p.facts, "证人王某某、欧阳某某证实，张某某在" + Stars(10) + "销售过期食品。");
  EXPECT_TRUE(p.mentioned_persons.empty());
  EXPECT_EQ(p.party.bank_account, "");
  EXPECT_EQ(p.source_id, d.source_id);
}

TEST(PublicMeasure, MasksItsNumberQuantityAndThePersonsItMentions) {
  CoerciveMeasure m;
  m.document_number = "晋太公强〔2026〕4号（张三）";
  m.party = Person();
  m.mentioned_persons = {"刘芳"};
  m.object_name = "张三的车辆";
  m.object_quantity = "1辆（停放于坞城路92号院内，钥匙由刘芳保管）";
  m.release_conditions = "由其妻刘芳（电话+86 139 1234 5678）领回。";
  const CoerciveMeasure p = PublicMeasure(m);
  EXPECT_EQ(p.document_number, "晋太公强〔2026〕4号（张某某）");
  EXPECT_EQ(p.object_quantity, "1辆（停放于" + Stars(7) + "内，钥匙由刘某某保管）");
  EXPECT_EQ(p.release_conditions, "由其妻刘某某（电话" + Stars(17) + "）领回。");
  EXPECT_TRUE(p.mentioned_persons.empty());
}

Party IndividualBusiness() {
  Party party;
  party.kind = Party::Kind::kIndividualBusiness;
  party.name = "小店区张三烧烤店";
  party.credit_code = "92140105MA0LQ8UX30";
  party.legal_representative = "张三";
  party.address = "太原市小店区坞城路92号";
  party.phone = "13812345678";
  return party;
}

TEST(PersonalDataOf, AnIndividualBusinessKeepsItsNameAndMasksItsOperator) {
  PenaltyDecision d;
  d.party = IndividualBusiness();
  const PersonalData data = PersonalDataOf(d);
  EXPECT_EQ(data.kept, std::vector<std::string>{"小店区张三烧烤店"});
  EXPECT_EQ(data.persons, std::vector<std::string>{"张三"});
  EXPECT_EQ(data.texts, std::vector<std::string>{"太原市小店区坞城路92号"}) << "its credit code is published";
}

TEST(PublicDecision, AnIndividualBusinessInFullAndItsOperatorMaskedWhereverRepeated) {
  PenaltyDecision d = PersonDecision();
  d.party = IndividualBusiness();
  d.decision_number = "晋太市监罚〔2026〕13号";
  d.facts = "小店区张三烧烤店经营者张三销售过期食品，张三电话13812345678。";
  d.result.other = "责令张三改正";
  const PenaltyDecision p = PublicDecision(d);
  EXPECT_EQ(p.party.kind, Party::Kind::kIndividualBusiness);
  EXPECT_EQ(p.party.name, "小店区张三烧烤店");
  EXPECT_EQ(p.party.credit_code, "92140105MA0LQ8UX30");
  EXPECT_EQ(p.party.legal_representative, "张某某");
  EXPECT_EQ(p.party.address, "");
  EXPECT_EQ(p.party.phone, "");
  EXPECT_EQ(p.facts, "小店区张三烧烤店经营者张某某销售过期食品，张某某电话" + Stars(11) + "。");
  EXPECT_EQ(p.result.other, "责令张某某改正");
}

TEST(PublicDecision, AnOrganisationsLegalRepresentativeOfficersAndPowersItemArePublished) {
  PenaltyDecision d = PersonDecision();
  d.party = Company();
  d.party.legal_representative = "王五";
  d.facts = "法定代表人王五到场。";
  d.officers = {"14010020230001", "14010020230002"};
  d.powers_item_source_id = "QL-CF-14-0001";
  const PenaltyDecision p = PublicDecision(d);
  EXPECT_EQ(p.party.legal_representative, "王五");
  EXPECT_EQ(p.facts, "法定代表人王五到场。");
  EXPECT_EQ(p.officers, d.officers);
  EXPECT_EQ(p.powers_item_source_id, "QL-CF-14-0001");
}

TEST(VisibleToPublic, OnlyARecordWithAPublicForm) {
  const common::Date today = *common::ParseIsoDate("2026-06-15");
  EXPECT_FALSE(VisibleToPublic(false, false, std::nullopt, today));
  EXPECT_FALSE(VisibleToPublic(false, true, std::nullopt, today));
  EXPECT_TRUE(VisibleToPublic(true, false, std::nullopt, today)) << "no end date";
}

TEST(PublishedFilter, APartyNameOfAtMost200Bytes) {
  EXPECT_EQ(ValidatePublishedFilter(""), common::Violations{});
  EXPECT_EQ(ValidatePublishedFilter(std::string(200, 'p')), common::Violations{});
  EXPECT_EQ(ValidatePublishedFilter(std::string(201, 'p')), (common::Violations{{"party_name", "at most 200 bytes"}}));
}

TEST(VisibleToPublic, UpToTheLastDayOfRetentionUnlessWithdrawn) {
  const auto until = common::ParseIsoDate("2026-06-15");
  EXPECT_TRUE(VisibleToPublic(true, false, until, *common::ParseIsoDate("2026-06-15")));
  EXPECT_FALSE(VisibleToPublic(true, false, until, *common::ParseIsoDate("2026-06-16")));
  EXPECT_TRUE(VisibleToPublic(true, true, until, *common::ParseIsoDate("2026-06-16")))
      << "a withdrawal notice stays public";
}

TEST(PublishedFilter, APartyNameOfOneLineWithoutControlCharacters) {
  EXPECT_TRUE(ValidatePublishedFilter("张某某").empty());
  EXPECT_EQ(ValidatePublishedFilter(std::string("张\0", 4)),
            (common::Violations{{"party_name", "contains a control character (U+0000)"}}));
}

std::string CreditCode(const std::string& first17) { return first17 + common::CreditCodeCheckCharacter(first17); }

// Every violation names party_credit_code.
std::vector<std::string> CreditCodeFields(std::string_view code) {
  std::vector<std::string> fields;
  for (const auto& v : ValidatePartyCreditCodeFilter(code)) fields.push_back(v.field);
  return fields;
}

// A credit code searched for is one a party could be published with: empty
// (any party) or a valid GB 32100 code; anything else, a citizen ID number
// among them, is a violation naming the field.
TEST(PublishedFilter, APartyCreditCodeIsAValidGb32100Code) {
  const std::string company = CreditCode("91140100MA0KABCD1");
  EXPECT_TRUE(ValidatePartyCreditCodeFilter("").empty());
  EXPECT_TRUE(ValidatePartyCreditCodeFilter(company).empty());
  const std::vector<std::string> named{"party_credit_code"};
  EXPECT_EQ(CreditCodeFields(company.substr(0, 17)), named) << "17 characters";
  EXPECT_EQ(CreditCodeFields(company + "1"), named) << "19 characters";
  EXPECT_EQ(CreditCodeFields("91140100ma0kabcd1" + company.substr(17)), named) << "lower case";
  EXPECT_EQ(CreditCodeFields(company.substr(0, 17) + (company[17] == 'A' ? "B" : "A")), named) << "check character";
  EXPECT_EQ(CreditCodeFields("91140100MA0KABCDI" + company.substr(17)), named) << "I is not of the alphabet";
  EXPECT_EQ(CreditCodeFields("９１140100MA0KABCD"), named) << "full-width digits";
  EXPECT_EQ(ValidatePartyCreditCodeFilter(std::string("91140100MA0KAB\xff\0D1X", 18)),
            (common::Violations{
                {"party_credit_code", "must be 18 characters from 0-9 and A-Y without I, O, Z, S, V (GB 32100)"}}))
      << "bytes that are not printable are not quoted";
  EXPECT_EQ(CreditCodeFields(kAdultId), named) << "a citizen ID number is no credit code";
}

// A withdrawal notice does not publish the party: neither party filter
// applies, and only decisions are withdrawn.
TEST(PublishedFilter, WithdrawalNoticesTakeNoPartyFilterAndAreOfDecisions) {
  EXPECT_TRUE(ValidateNoticeFilter(false, "", "").empty());
  std::vector<std::string> fields;
  for (const auto& v : ValidateNoticeFilter(true, "某某公司", CreditCode("91140100MA0KABCD1"))) {
    fields.push_back(v.field);
  }
  EXPECT_EQ(fields, (std::vector<std::string>{"kind", "party_name", "party_credit_code"}));
}

TEST(FeedEntryHasContent, OnlyTheLatestEntryOfAPublicRecordWithinItsRetention) {
  const auto until = common::ParseIsoDate("2027-04-14");
  const auto day = [](const char* iso) { return *common::ParseIsoDate(iso); };
  EXPECT_TRUE(FeedEntryHasContent(false, false, false, until, day("2027-04-14")));
  EXPECT_TRUE(FeedEntryHasContent(false, false, false, std::nullopt, day("2099-01-01")));
  EXPECT_FALSE(FeedEntryHasContent(false, false, false, until, day("2027-04-15"))) << "past its retention";
  EXPECT_FALSE(FeedEntryHasContent(true, false, false, until, day("2026-05-01"))) << "superseded";
  EXPECT_FALSE(FeedEntryHasContent(false, true, false, until, day("2026-05-01"))) << "an unpublication has none";
  EXPECT_TRUE(FeedEntryHasContent(false, false, true, until, day("2030-01-01"))) << "a notice stays readable";
  EXPECT_FALSE(FeedEntryHasContent(true, false, true, until, day("2026-05-01"))) << "unless superseded";
}

}  // namespace
}  // namespace gongkai::penalties
