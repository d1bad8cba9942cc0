#include "services/penalties/credit_exchange.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/calendar/iso_date.h"
#include "common/identifiers.h"
#include "services/penalties/penalty_public.h"

namespace gongkai::penalties {
namespace {

std::string CreditCode(const std::string& first17) { return first17 + common::CreditCodeCheckCharacter(first17); }
std::string CitizenId(const std::string& first17) { return first17 + common::CitizenIdCheckCharacter(first17); }

const std::string kAgency = CreditCode("11140100MB0000101");
const std::string kCompany = CreditCode("91140100MA0KABCD1");
const std::string kBusiness = CreditCode("92140100MA0KXY001");
const std::string kAgencyName = "太原市市场监督管理局";

PenaltyDecision CompanyDecision() {
  PenaltyDecision d;
  d.agency_credit_code = kAgency;
  d.source_id = "TY-SJ-2026-000123";
  d.source_version = 1;
  d.decision_number = "晋太市监罚〔2026〕12号";
  d.domain = "market_regulation";
  d.party.kind = Party::Kind::kOrganization;
  d.party.name = "太原市某某食品有限公司";
  d.party.credit_code = kCompany;
  d.party.legal_representative = "王五";
  d.party.address = "太原市小店区坞城路92号";
  d.facts = "当事人于2026年1月销售超过保质期的食品，货值金额3200元。";
  d.violated = {{"中华人民共和国食品安全法", 34, 1, 10}};
  d.applied = {{"中华人民共和国食品安全法", 124, 1, 5}, {"中华人民共和国行政处罚法", 32, 0, 0}};
  d.result.warning = true;
  d.result.fine_fen = 5'000'000;
  d.remedy = {"太原市人民政府", 60, "太原市迎泽区人民法院", 6};
  d.decision_date = common::ParseIsoDate("2026-04-15");
  d.severity = CreditSeverity::kGeneral;
  return d;
}

CreditSource Published(const PenaltyDecision& d) {
  return {CreditOperation::kAdd, PublicDecision(d), kAgencyName, common::ParseIsoDate("2027-04-14"), ""};
}

const std::string& Value(const CreditRecord& record, CreditField field) {
  return record[static_cast<std::size_t>(field)];
}

TEST(CreditFields, AreTheStandardsNamesInItsOrder) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < kCreditFieldCount; ++i) {
    names.emplace_back(CreditFieldName(static_cast<CreditField>(i)));
  }
  EXPECT_EQ(names, (std::vector<std::string>{"行政相对人名称",
                                             "行政相对人类别",
                                             "行政相对人代码_1",
                                             "法定代表人",
                                             "行政处罚决定书文号",
                                             "违法行为类型",
                                             "违法事实",
                                             "处罚依据",
                                             "处罚类别",
                                             "处罚内容",
                                             "罚款金额（万元）",
                                             "没收违法所得、没收非法财物的金额（万元）",
                                             "暂扣或吊销证照名称及编号",
                                             "处罚决定日期",
                                             "处罚有效期",
                                             "公示截止期",
                                             "处罚机关",
                                             "处罚机关统一社会信用代码",
                                             "数据来源单位",
                                             "数据来源单位统一社会信用代码",
                                             "备注",
                                             "操作类型"}));
}

TEST(CreditOperations, AreAddedWithdrawnAndRemoved) {
  EXPECT_EQ(CreditOperationName(CreditOperation::kAdd), "新增");
  EXPECT_EQ(CreditOperationName(CreditOperation::kWithdraw), "撤销");
  EXPECT_EQ(CreditOperationName(CreditOperation::kRemove), "删除");
}

TEST(CreditAmounts, FenAreWrittenAsWanYuanExactly) {
  EXPECT_EQ(FenToWanYuan(123'456'789), "123.456789");
  EXPECT_EQ(FenToWanYuan(5'000'000), "5");
  EXPECT_EQ(FenToWanYuan(300'000), "0.3");
  EXPECT_EQ(FenToWanYuan(1), "0.000001");
  EXPECT_EQ(FenToWanYuan(0), "0");
  EXPECT_EQ(FenToWanYuan(10'000'000'000'000), "10000000");  // the largest amount a decision may carry
  EXPECT_EQ(FenToWanYuan(9'007'199'254'740'993), "9007199254.740993") << "beyond a double's exact integers";
  EXPECT_EQ(FenToWanYuan(-1'500'000), "-1.5");
}

TEST(CreditCategories, FollowTheResultInTheStandardsOrderJoinedWithSemicolons) {
  PenaltyResult r;
  r.warning = true;
  EXPECT_EQ(PenaltyCategories(r), "警告");
  r.fine_fen = 1;
  r.confiscation_fen = 1;
  r.licence_revoked = true;
  r.suspension_days = 30;
  r.other = "责令改正";
  EXPECT_EQ(PenaltyCategories(r),
            "警告;罚款;没收违法所得、没收非法财物;暂扣许可证件、降低资质等级、吊销许可证件;"
            "限制开展生产经营活动、责令停产停业、责令关闭、限制从业;其他");
  PenaltyResult suspension;
  suspension.suspension_days = 10;
  EXPECT_EQ(PenaltyCategories(suspension), "限制开展生产经营活动、责令停产停业、责令关闭、限制从业");
  PenaltyResult blank_other;
  blank_other.fine_fen = 100;
  blank_other.other = " ";
  EXPECT_EQ(PenaltyCategories(blank_other), "罚款");
}

TEST(CreditContent, StatesTheResultInWordsWithAmountsInYuan) {
  PenaltyResult r;
  r.warning = true;
  r.fine_fen = 500'000;
  r.confiscation_fen = 12'050;
  r.suspension_days = 30;
  r.licence_revoked = true;
  r.other = "责令改正";
  EXPECT_EQ(PenaltyContent(r),
            "警告；罚款人民币5000.00元；没收违法所得、没收非法财物人民币120.50元；责令停产停业30日；吊销许可证件；"
            "责令改正");
  PenaltyResult fine;
  fine.fine_fen = 7;
  EXPECT_EQ(PenaltyContent(fine), "罚款人民币0.07元");
}

TEST(CreditValidity, ASuspensionEndsItsDaysAfterTheDecisionAndOtherwiseThereIsNoEnd) {
  PenaltyDecision d = CompanyDecision();
  EXPECT_EQ(PenaltyValidUntil(d), "2099-12-31");
  d.result.suspension_days = 30;
  EXPECT_EQ(PenaltyValidUntil(d), "2026-05-15");
  d.decision_date = std::nullopt;
  EXPECT_EQ(PenaltyValidUntil(d), "");
}

TEST(CreditRecordOf, AnOrganisationsDecisionFieldByField) {
  const CreditRecord r = ToCreditRecord(Published(CompanyDecision()));
  EXPECT_EQ(Value(r, CreditField::kPartyName), "太原市某某食品有限公司");
  EXPECT_EQ(Value(r, CreditField::kPartyCategory), "法人及非法人组织");
  EXPECT_EQ(Value(r, CreditField::kPartyCode), kCompany);
  EXPECT_EQ(Value(r, CreditField::kLegalRepresentative), "王五");
  EXPECT_EQ(Value(r, CreditField::kDecisionNumber), "晋太市监罚〔2026〕12号");
  EXPECT_EQ(Value(r, CreditField::kViolationType), "违反中华人民共和国食品安全法 第34条第1款第10项");
  EXPECT_EQ(Value(r, CreditField::kFacts), "当事人于2026年1月销售超过保质期的食品，货值金额3200元。");
  EXPECT_EQ(Value(r, CreditField::kBasis),
            "中华人民共和国食品安全法 第124条第1款第5项；中华人民共和国行政处罚法 第32条");
  EXPECT_EQ(Value(r, CreditField::kPenaltyCategory), "警告;罚款");
  EXPECT_EQ(Value(r, CreditField::kPenaltyContent), "警告；罚款人民币50000.00元");
  EXPECT_EQ(Value(r, CreditField::kFine), "5");
  EXPECT_EQ(Value(r, CreditField::kConfiscation), "");
  EXPECT_EQ(Value(r, CreditField::kLicence), "");
  EXPECT_EQ(Value(r, CreditField::kDecisionDate), "2026-04-15");
  EXPECT_EQ(Value(r, CreditField::kPenaltyValidUntil), "2099-12-31");
  EXPECT_EQ(Value(r, CreditField::kPublicUntil), "2027-04-14");
  EXPECT_EQ(Value(r, CreditField::kAgency), kAgencyName);
  EXPECT_EQ(Value(r, CreditField::kAgencyCode), kAgency);
  EXPECT_EQ(Value(r, CreditField::kDataSource), kAgencyName) << "the agency is its own data source";
  EXPECT_EQ(Value(r, CreditField::kDataSourceCode), kAgency);
  EXPECT_EQ(Value(r, CreditField::kRemarks), "");
  EXPECT_EQ(Value(r, CreditField::kOperation), "新增");
  EXPECT_EQ(MissingCreditFields(r, CreditOperation::kAdd), std::vector<std::string>{});
}

TEST(CreditRecordOf, ANaturalPersonAsPublishedWithoutCodeOrRepresentative) {
  PenaltyDecision d = CompanyDecision();
  d.party = Party{};
  d.party.kind = Party::Kind::kNaturalPerson;
  d.party.name = "张三";
  d.party.id_number = CitizenId("14010119850315123");
  d.party.credit_code = kBusiness;  // a natural person's credit code is never published
  d.party.phone = "13812345678";
  d.facts = "张三（电话13812345678）销售过期食品。";
  d.result.confiscation_fen = 12'345;
  const CreditRecord r = ToCreditRecord(Published(d));
  EXPECT_EQ(Value(r, CreditField::kPartyName), "张某某");
  EXPECT_EQ(Value(r, CreditField::kPartyCategory), "自然人");
  EXPECT_EQ(Value(r, CreditField::kPartyCode), "");
  EXPECT_EQ(Value(r, CreditField::kLegalRepresentative), "");
  EXPECT_EQ(Value(r, CreditField::kFacts), "张某某（电话＊＊＊＊＊＊＊＊＊＊＊）销售过期食品。");
  EXPECT_EQ(Value(r, CreditField::kConfiscation), "0.012345");
  EXPECT_EQ(MissingCreditFields(r, CreditOperation::kAdd), std::vector<std::string>{});
  for (const std::string& value : r) {
    EXPECT_EQ(value.find("张三"), std::string::npos) << value;
    EXPECT_EQ(value.find("13812345678"), std::string::npos) << value;
    EXPECT_EQ(value.find(kBusiness), std::string::npos) << value;
    EXPECT_EQ(value.find("19850315"), std::string::npos) << value;
  }
}

TEST(CreditRecordOf, AnIndividualBusinessInFullWithItsOperatorMasked) {
  PenaltyDecision d = CompanyDecision();
  d.party = Party{};
  d.party.kind = Party::Kind::kIndividualBusiness;
  d.party.name = "小店区香满楼烧烤店";
  d.party.credit_code = kBusiness;
  d.party.legal_representative = "霍建军";
  d.facts = "经营者霍建军销售过期食品。";
  const CreditRecord r = ToCreditRecord(Published(d));
  EXPECT_EQ(Value(r, CreditField::kPartyName), "小店区香满楼烧烤店");
  EXPECT_EQ(Value(r, CreditField::kPartyCategory), "个体工商户");
  EXPECT_EQ(Value(r, CreditField::kPartyCode), kBusiness);
  EXPECT_EQ(Value(r, CreditField::kLegalRepresentative), "霍某某");
  EXPECT_EQ(Value(r, CreditField::kFacts), "经营者霍某某销售过期食品。");
  EXPECT_EQ(MissingCreditFields(r, CreditOperation::kAdd), std::vector<std::string>{});
}

TEST(CreditRecordOf, AWithdrawalAndARemovalNameTheDecisionWithTheirOperationAndRemarksOnly) {
  CreditSource withdrawal = Published(CompanyDecision());
  withdrawal.operation = CreditOperation::kWithdraw;
  withdrawal.remarks = WithdrawalRemarks(3, "经复议确认违法。");
  CreditRecord r = ToCreditRecord(withdrawal);
  EXPECT_EQ(Value(r, CreditField::kOperation), "撤销");
  EXPECT_EQ(Value(r, CreditField::kRemarks), "行政处罚决定已撤回（原因：确认违法）：经复议确认违法。");

  CreditSource removal = Published(CompanyDecision());
  removal.operation = CreditOperation::kRemove;
  removal.remarks = RemovalRemarks(common::ParseIsoDate("2026-08-01"));
  r = ToCreditRecord(removal);
  EXPECT_EQ(Value(r, CreditField::kOperation), "删除");
  EXPECT_EQ(Value(r, CreditField::kRemarks), "已信用修复（2026-08-01），提前停止公示");
  for (const CreditSource& source : {withdrawal, removal}) {
    const CreditRecord taken_down = ToCreditRecord(source);
    EXPECT_EQ(Value(taken_down, CreditField::kDecisionNumber), "晋太市监罚〔2026〕12号");
    EXPECT_NE(Value(taken_down, CreditField::kAgencyCode), "");
    EXPECT_EQ(Value(taken_down, CreditField::kPartyName), "");
    EXPECT_EQ(Value(taken_down, CreditField::kLegalRepresentative), "");
    EXPECT_EQ(Value(taken_down, CreditField::kFacts), "");
    EXPECT_EQ(Value(taken_down, CreditField::kFine), "");
    EXPECT_EQ(MissingCreditFields(taken_down, source.operation), std::vector<std::string>{});
  }
  EXPECT_EQ(RemovalRemarks(std::nullopt), "依规则不再公示，提前停止公示");
  EXPECT_EQ(WithdrawalRemarks(1, ""), "行政处罚决定已撤回（原因：变更）");
  EXPECT_EQ(WithdrawalRemarks(2, "x"), "行政处罚决定已撤回（原因：撤销）：x");
}

TEST(CreditRequiredFields, AnAdditionLacksAnOrganisationsRepresentativeAndTheAgencysName) {
  PenaltyDecision d = CompanyDecision();
  d.party.legal_representative = "";
  CreditSource source = Published(d);
  source.agency_name = "";
  source.public_until = std::nullopt;
  EXPECT_EQ(MissingCreditFields(ToCreditRecord(source), CreditOperation::kAdd),
            (std::vector<std::string>{"法定代表人", "公示截止期", "处罚机关", "数据来源单位"}));
}

TEST(CreditRequiredFields, AnAdditionWithoutAPartyOrAmountsLacksThem) {
  CreditRecord r = ToCreditRecord(Published(CompanyDecision()));
  r[static_cast<std::size_t>(CreditField::kFine)] = "";
  r[static_cast<std::size_t>(CreditField::kPartyCategory)] = "";
  r[static_cast<std::size_t>(CreditField::kPartyName)] = " ";
  EXPECT_EQ(MissingCreditFields(r, CreditOperation::kAdd),
            (std::vector<std::string>{"行政相对人名称", "行政相对人类别", "罚款金额（万元）"}));
  r = ToCreditRecord(Published(CompanyDecision()));
  r[static_cast<std::size_t>(CreditField::kPenaltyCategory)] = "没收违法所得、没收非法财物";
  EXPECT_EQ(MissingCreditFields(r, CreditOperation::kAdd),
            std::vector<std::string>{"没收违法所得、没收非法财物的金额（万元）"});
}

TEST(CreditRequiredFields, AWithdrawalOrRemovalNeedsOnlyWhatIdentifiesTheRecord) {
  CreditSource source = Published(CompanyDecision());
  source.decision.party = Party{};
  source.decision.facts = "";
  source.public_until = std::nullopt;
  for (CreditOperation operation : {CreditOperation::kWithdraw, CreditOperation::kRemove}) {
    source.operation = operation;
    EXPECT_EQ(MissingCreditFields(ToCreditRecord(source), operation), std::vector<std::string>{});
  }
  source.decision.decision_number = "";
  source.agency_name = "";
  EXPECT_EQ(MissingCreditFields(ToCreditRecord(source), CreditOperation::kRemove),
            (std::vector<std::string>{"行政处罚决定书文号", "处罚机关", "数据来源单位"}));
}

TEST(CreditBody, JsonIsAnArrayOfObjectsKeyedByTheStandardsNamesInOrder) {
  CreditExchangeBody body(CreditExchangeBody::Format::kJson);
  EXPECT_EQ(body.ContentType(), "application/json");
  EXPECT_EQ(body.Finish(), "[]");
  PenaltyDecision d = CompanyDecision();
  d.facts = "当事人称“没有\"过期\"”，\n经查属实。\t";
  const CreditRecord first = ToCreditRecord(Published(d));
  const CreditRecord second = ToCreditRecord(Published(CompanyDecision()));
  for (const CreditRecord& r : {first, second}) {
    const std::string piece = body.Piece(r);
    const std::size_t before = body.Bytes();
    body.Add(piece);
    EXPECT_EQ(body.Bytes(), before + piece.size());
  }
  EXPECT_EQ(body.count(), 2);
  const std::string text = body.Finish();
  EXPECT_EQ(text.size(), body.Bytes());
  const nlohmann::ordered_json parsed = nlohmann::ordered_json::parse(text);
  ASSERT_TRUE(parsed.is_array());
  ASSERT_EQ(parsed.size(), 2u);
  std::size_t i = 0;
  for (const auto& [key, value] : parsed[0].items()) {
    EXPECT_EQ(key, CreditFieldName(static_cast<CreditField>(i)));
    EXPECT_EQ(value.get<std::string>(), first[i]) << key;
    ++i;
  }
  EXPECT_EQ(i, kCreditFieldCount);
  EXPECT_EQ(parsed[0]["违法事实"], d.facts);
  EXPECT_EQ(parsed[1]["操作类型"], "新增");
  EXPECT_NE(text.find("太原市某某食品有限公司"), std::string::npos) << "UTF-8 as it is, not escaped";
}

TEST(CreditBody, CsvIsRfc4180WithAHeaderRowOfTheStandardsNames) {
  CreditExchangeBody body(CreditExchangeBody::Format::kCsv);
  EXPECT_EQ(body.ContentType(), "text/csv");
  std::string header;
  for (std::size_t i = 0; i < kCreditFieldCount; ++i) {
    header += (i == 0 ? "" : ",") + std::string(CreditFieldName(static_cast<CreditField>(i)));
  }
  header += "\r\n";
  EXPECT_EQ(body.Finish(), header);
  EXPECT_EQ(body.Bytes(), header.size());

  PenaltyDecision d = CompanyDecision();
  d.facts = "甲,乙\"丙\"\n丁";
  CreditRecord r = ToCreditRecord(Published(d));
  body.Add(body.Piece(r));
  const std::string text = body.Finish();
  ASSERT_EQ(text.rfind(header, 0), 0u);
  const std::string row = text.substr(header.size());
  EXPECT_EQ(row.substr(row.size() - 2), "\r\n");
  EXPECT_NE(row.find(",\"甲,乙\"\"丙\"\"\n丁\","), std::string::npos) << row;
  EXPECT_EQ(row.rfind("太原市某某食品有限公司,法人及非法人组织," + kCompany + ",王五,", 0), 0u) << row;
  EXPECT_EQ(row.find("\"新增\""), std::string::npos) << "a field without a comma, quote or line break is not quoted";
  EXPECT_EQ(body.count(), 1);
}

TEST(CreditBody, CsvTextACitySentThatASpreadsheetWouldRunIsPrefixed) {
  CreditExchangeBody body(CreditExchangeBody::Format::kCsv);
  PenaltyDecision d = CompanyDecision();
  d.facts = "=HYPERLINK(\"http://example.invalid\",\"点击\")";
  body.Add(body.Piece(ToCreditRecord(Published(d))));
  EXPECT_NE(body.Finish().find(",\"'=HYPERLINK(\"\"http://example.invalid\"\",\"\"点击\"\")\","), std::string::npos)
      << body.Finish();
}

}  // namespace
}  // namespace gongkai::penalties
