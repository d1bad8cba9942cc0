#include "services/penalties/credit_exchange.h"

#include <chrono>
#include <initializer_list>
#include <nlohmann/json.hpp>

#include "common/calendar/iso_date.h"
#include "common/legal.h"
#include "common/text.h"

namespace gongkai::penalties {
namespace {

using Field = CreditField;

constexpr std::string_view kFieldNames[kCreditFieldCount] = {
    "行政相对人名称",
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
    "操作类型",
};

constexpr char kFineCategory[] = "罚款";
constexpr char kConfiscationCategory[] = "没收违法所得、没收非法财物";

std::size_t Index(Field field) { return static_cast<std::size_t>(field); }

std::string PartyCategory(Party::Kind kind) {
  switch (kind) {
    case Party::Kind::kOrganization: return "法人及非法人组织";
    case Party::Kind::kNaturalPerson: return "自然人";
    case Party::Kind::kIndividualBusiness: return "个体工商户";
    default: return "";
  }
}

std::string Provisions(const std::vector<common::LegalProvision>& provisions) {
  std::string out;
  for (const auto& p : provisions) out += (out.empty() ? "" : "；") + common::FormatProvision(p);
  return out;
}

// Fen as yuan with two decimals: 500000 → "5000.00".
std::string Yuan(int64_t fen) {
  const std::string cents = std::to_string(fen % 100);
  return std::to_string(fen / 100) + "." + (cents.size() < 2 ? "0" : "") + cents;
}

bool HasCategory(const std::string& categories, std::string_view category) {
  std::string_view rest = categories;
  while (!rest.empty()) {
    const std::size_t semicolon = rest.find(';');
    if (rest.substr(0, semicolon) == category) return true;
    if (semicolon == std::string_view::npos) break;
    rest.remove_prefix(semicolon + 1);
  }
  return false;
}

std::string CsvRow(const std::array<std::string, kCreditFieldCount>& values) {
  std::string row;
  for (std::size_t i = 0; i < values.size(); ++i) row += (i == 0 ? "" : ",") + common::CsvField(values[i]);
  return row + "\r\n";
}

}  // namespace

std::string_view CreditOperationName(CreditOperation operation) {
  switch (operation) {
    case CreditOperation::kAdd: return "新增";
    case CreditOperation::kWithdraw: return "撤销";
    case CreditOperation::kRemove: return "删除";
  }
  return "";
}

std::string_view CreditFieldName(CreditField field) { return kFieldNames[Index(field)]; }

std::string FenToWanYuan(int64_t fen) {
  constexpr int64_t kFenPerWanYuan = 1'000'000;
  const bool negative = fen < 0;
  // In unsigned arithmetic, so that the most negative amount has a magnitude.
  const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(fen) : static_cast<uint64_t>(fen);
  std::string out = (negative ? "-" : "") + std::to_string(magnitude / kFenPerWanYuan);
  std::string fraction = std::to_string(magnitude % kFenPerWanYuan);
  fraction.insert(0, 6 - fraction.size(), '0');
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  if (!fraction.empty()) out += "." + fraction;
  return out;
}

std::string PenaltyCategories(const PenaltyResult& r) {
  std::string out;
  const auto add = [&](std::string_view category) {
    if (!out.empty()) out += ';';
    out += category;
  };
  if (r.warning) add("警告");
  if (r.fine_fen > 0) add(kFineCategory);
  if (r.confiscation_fen > 0) add(kConfiscationCategory);
  if (r.licence_revoked) add("暂扣许可证件、降低资质等级、吊销许可证件");
  if (r.suspension_days > 0) add("限制开展生产经营活动、责令停产停业、责令关闭、限制从业");
  if (!common::IsBlank(r.other)) add("其他");
  return out;
}

std::string PenaltyContent(const PenaltyResult& r) {
  std::string out;
  const auto add = [&](const std::string& part) { out += (out.empty() ? "" : "；") + part; };
  if (r.warning) add("警告");
  if (r.fine_fen > 0) add("罚款人民币" + Yuan(r.fine_fen) + "元");
  if (r.confiscation_fen > 0) add(std::string(kConfiscationCategory) + "人民币" + Yuan(r.confiscation_fen) + "元");
  if (r.suspension_days > 0) add("责令停产停业" + std::to_string(r.suspension_days) + "日");
  if (r.licence_revoked) add("吊销许可证件");
  if (!common::IsBlank(r.other)) add(r.other);
  return out;
}

std::string PenaltyValidUntil(const PenaltyDecision& d) {
  if (!d.decision_date) return "";
  if (d.result.suspension_days <= 0) return kNoEndDate;
  return common::FormatIsoDate(*d.decision_date + std::chrono::days{d.result.suspension_days});
}

std::string WithdrawalRemarks(int reason, const std::string& explanation) {
  const char* why = reason == 1 ? "变更" : reason == 2 ? "撤销" : reason == 3 ? "确认违法" : "未说明";
  std::string out = "行政处罚决定已撤回（原因：" + std::string(why) + "）";
  if (!common::IsBlank(explanation)) out += "：" + explanation;
  return out;
}

std::string RemovalRemarks(const std::optional<common::Date>& repaired_on) {
  if (repaired_on) return "已信用修复（" + common::FormatIsoDate(*repaired_on) + "），提前停止公示";
  return "依规则不再公示，提前停止公示";
}

CreditRecord ToCreditRecord(const CreditSource& source) {
  const PenaltyDecision& d = source.decision;
  CreditRecord r;
  const auto set = [&](Field field, std::string value) { r[Index(field)] = std::move(value); };
  set(Field::kDecisionNumber, d.decision_number);
  set(Field::kDecisionDate, common::FormatIsoDate(d.decision_date));
  set(Field::kAgency, source.agency_name);
  set(Field::kAgencyCode, d.agency_credit_code);
  set(Field::kDataSource, source.agency_name);
  set(Field::kDataSourceCode, d.agency_credit_code);
  set(Field::kPublicUntil, common::FormatIsoDate(source.public_until));
  set(Field::kRemarks, source.remarks);
  set(Field::kOperation, std::string(CreditOperationName(source.operation)));
  // A withdrawal or a removal names the decision the national side takes
  // down and nothing more: the version that ends its publication may be one
  // that must not be published at all (a minor's case).
  if (source.operation != CreditOperation::kAdd) return r;
  set(Field::kPartyName, d.party.name);
  set(Field::kPartyCategory, PartyCategory(d.party.kind));
  // A natural person's credit code and the like are never published.
  if (d.party.kind == Party::Kind::kOrganization || d.party.kind == Party::Kind::kIndividualBusiness) {
    set(Field::kPartyCode, d.party.credit_code);
    set(Field::kLegalRepresentative, d.party.legal_representative);
  }
  if (!d.violated.empty()) set(Field::kViolationType, "违反" + Provisions(d.violated));
  set(Field::kFacts, d.facts);
  set(Field::kBasis, Provisions(d.applied));
  set(Field::kPenaltyCategory, PenaltyCategories(d.result));
  set(Field::kPenaltyContent, PenaltyContent(d.result));
  if (d.result.fine_fen > 0) set(Field::kFine, FenToWanYuan(d.result.fine_fen));
  if (d.result.confiscation_fen > 0) set(Field::kConfiscation, FenToWanYuan(d.result.confiscation_fen));
  set(Field::kPenaltyValidUntil, PenaltyValidUntil(d));
  return r;
}

std::vector<std::string> MissingCreditFields(const CreditRecord& record, CreditOperation operation) {
  std::vector<bool> needed(kCreditFieldCount, false);
  const auto need = [&](std::initializer_list<Field> fields) {
    for (Field f : fields) needed[Index(f)] = true;
  };
  need({Field::kDecisionNumber, Field::kDecisionDate, Field::kAgency, Field::kAgencyCode, Field::kDataSource,
        Field::kDataSourceCode, Field::kOperation});
  if (operation == CreditOperation::kAdd) {
    need({Field::kPartyName, Field::kPartyCategory, Field::kViolationType, Field::kFacts, Field::kBasis,
          Field::kPenaltyCategory, Field::kPenaltyContent, Field::kPenaltyValidUntil, Field::kPublicUntil});
    const std::string& category = record[Index(Field::kPartyCategory)];
    if (!category.empty() && category != PartyCategory(Party::Kind::kNaturalPerson)) {
      need({Field::kPartyCode, Field::kLegalRepresentative});
    }
    const std::string& categories = record[Index(Field::kPenaltyCategory)];
    if (HasCategory(categories, kFineCategory)) need({Field::kFine});
    if (HasCategory(categories, kConfiscationCategory)) need({Field::kConfiscation});
  }
  std::vector<std::string> missing;
  for (std::size_t i = 0; i < kCreditFieldCount; ++i) {
    if (needed[i] && common::IsBlank(record[i])) missing.emplace_back(kFieldNames[i]);
  }
  return missing;
}

CreditExchangeBody::CreditExchangeBody(Format format) : format_(format) {
  if (format_ == Format::kCsv) {
    std::array<std::string, kCreditFieldCount> header;
    for (std::size_t i = 0; i < kCreditFieldCount; ++i) header[i] = std::string(kFieldNames[i]);
    text_ = CsvRow(header);
  } else {
    text_ = "[";
  }
}

std::string CreditExchangeBody::Piece(const CreditRecord& record) const {
  if (format_ == Format::kCsv) return CsvRow(record);
  nlohmann::ordered_json object = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < kCreditFieldCount; ++i) object[std::string(kFieldNames[i])] = record[i];
  // Public text is valid UTF-8 (validation); a byte that is not is replaced
  // rather than failing the answer.
  return (count_ == 0 ? "" : ",") + object.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

void CreditExchangeBody::Add(const std::string& piece) {
  text_ += piece;
  ++count_;
}

std::size_t CreditExchangeBody::Bytes() const { return text_.size() + (format_ == Format::kJson ? 1 : 0); }

std::string_view CreditExchangeBody::ContentType() const {
  return format_ == Format::kCsv ? "text/csv" : "application/json";
}

std::string CreditExchangeBody::Finish() const { return format_ == Format::kJson ? text_ + "]" : text_; }

}  // namespace gongkai::penalties
