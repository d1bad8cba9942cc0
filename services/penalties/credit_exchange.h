#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "services/penalties/penalty.h"

namespace gongkai::penalties {

// The exchange with the national credit platform (信用中国, 双公示): a
// published decision, its withdrawal or its early removal as a record of the
// national 行政处罚 data standard (DOMAIN.md, "Exchange with 信用中国
// (双公示)"). Everything comes from the public (masked) form of the decision.

// 操作类型: what the national platform is to do with the record.
enum class CreditOperation {
  kAdd = 1,       // 新增: published
  kWithdraw = 2,  // 撤销: the decision was withdrawn (changed, revoked, found illegal)
  kRemove = 3,    // 删除: its publication ended early (a credit repair, or no longer publishable)
};
std::string_view CreditOperationName(CreditOperation operation);

// The standard's fields, in its order; CreditFieldName gives each name.
enum class CreditField {
  kPartyName,            // 行政相对人名称
  kPartyCategory,        // 行政相对人类别
  kPartyCode,            // 行政相对人代码_1 (统一社会信用代码)
  kLegalRepresentative,  // 法定代表人
  kDecisionNumber,       // 行政处罚决定书文号
  kViolationType,        // 违法行为类型
  kFacts,                // 违法事实
  kBasis,                // 处罚依据
  kPenaltyCategory,      // 处罚类别
  kPenaltyContent,       // 处罚内容
  kFine,                 // 罚款金额（万元）
  kConfiscation,         // 没收违法所得、没收非法财物的金额（万元）
  kLicence,              // 暂扣或吊销证照名称及编号
  kDecisionDate,         // 处罚决定日期
  kPenaltyValidUntil,    // 处罚有效期
  kPublicUntil,          // 公示截止期
  kAgency,               // 处罚机关
  kAgencyCode,           // 处罚机关统一社会信用代码
  kDataSource,           // 数据来源单位
  kDataSourceCode,       // 数据来源单位统一社会信用代码
  kRemarks,              // 备注
  kOperation,            // 操作类型
};
inline constexpr std::size_t kCreditFieldCount = static_cast<std::size_t>(CreditField::kOperation) + 1;
std::string_view CreditFieldName(CreditField field);

// The day the standard writes for "no end" (长期).
inline constexpr char kNoEndDate[] = "2099-12-31";

// What one record of the exchange is made from.
struct CreditSource {
  CreditOperation operation = CreditOperation::kAdd;
  // The decision's public form (PublicDecision), as published. For a
  // withdrawal or removal of a decision that has none any more, the public
  // form of the record as sent with its party left out (Party{}).
  PenaltyDecision decision;
  // The agency's name in the registry (registry::AgencyInfo::name); "" when
  // the registry has none. The agency is both 处罚机关 and 数据来源单位: the
  // city's system sends on its behalf.
  std::string agency_name;
  // The record's last public day (公示截止期); nullopt when it has none.
  std::optional<common::Date> public_until;
  // 备注: WithdrawalRemarks, RemovalRemarks, or "".
  std::string remarks;
};

// One record of the exchange: each field's value by CreditField.
using CreditRecord = std::array<std::string, kCreditFieldCount>;

// The record of `source`. A withdrawal (撤销) or removal (删除) carries only
// what names the decision it takes down: the decision number and date, the
// agency and data source, its last public day, the remarks and the
// operation; the version that
// ends a publication may be one never to be published (a minor's case). A
// new record (新增), field by field:
//   行政相对人名称        the public party name (a natural person's masked)
//   行政相对人类别        法人及非法人组织 / 自然人 / 个体工商户 ("" for no kind)
//   行政相对人代码_1      the credit code of an organisation or individual business
//   法定代表人            an organisation's legal representative; an individual
//                         business's operator, masked
//   行政处罚决定书文号    the decision number as published
//   违法行为类型          违反 + the violated provisions (common::FormatProvision), "；" between
//   违法事实              the facts as published
//   处罚依据              the applied provisions, "；" between
//   处罚类别              PenaltyCategories
//   处罚内容              PenaltyContent
//   罚款金额（万元）       FenToWanYuan of the fine, "" for none
//   没收…的金额（万元）    FenToWanYuan of the confiscation, "" for none
//   暂扣或吊销证照名称及编号  "" (the decision does not carry them)
//   处罚决定日期          the decision date, YYYY-MM-DD
//   处罚有效期            PenaltyValidUntil
//   公示截止期            public_until, YYYY-MM-DD ("" for none)
//   处罚机关, 数据来源单位  agency_name
//   …统一社会信用代码      the agency's credit code
//   备注                  remarks
//   操作类型              CreditOperationName
CreditRecord ToCreditRecord(const CreditSource& source);

// The names of the fields `record` needs for `operation` and lacks (blank),
// in the standard's order; none when it may be exchanged. 新增 needs every
// field but 备注, 暂扣或吊销证照名称及编号 and the two amounts; 行政相对人代码_1
// and 法定代表人 only for a party other than a natural person; 罚款金额 when
// 处罚类别 holds 罚款, the confiscated amount when it holds 没收…. 撤销 and 删除
// need what identifies the record: 行政处罚决定书文号, 处罚决定日期, the agency's
// name and code (处罚机关, 数据来源单位 and their codes) and 操作类型.
std::vector<std::string> MissingCreditFields(const CreditRecord& record, CreditOperation operation);

// An amount in fen as 万元 (10^6 fen), exact, as decimal text with no
// trailing zeros: 123456789 → "123.456789", 5000000 → "5", 300000 → "0.3".
std::string FenToWanYuan(int64_t fen);

// 处罚类别 of a result, in the standard's order, joined with ";": 警告, 罚款,
// 没收违法所得、没收非法财物, 暂扣许可证件、降低资质等级、吊销许可证件 (a revoked
// licence), 限制开展生产经营活动、责令停产停业、责令关闭、限制从业 (a suspension),
// 其他 (another result in words).
std::string PenaltyCategories(const PenaltyResult& result);

// 处罚内容 of a result, in words, "；" between: 警告；罚款人民币5000.00元；
// 没收违法所得、没收非法财物人民币120.50元；责令停产停业30日；吊销许可证件；and
// the other result as published.
std::string PenaltyContent(const PenaltyResult& result);

// 处罚有效期: the day a suspension ends (the decision date plus its days, as
// SuspensionOverThreeMonths counts it); kNoEndDate for a decision without
// one; "" without a decision date.
std::string PenaltyValidUntil(const PenaltyDecision& decision);

// 备注 of a withdrawal: its reason (penalties.v1.WithdrawalReason: 1 变更,
// 2 撤销, 3 确认违法) and its explanation as published.
std::string WithdrawalRemarks(int reason, const std::string& explanation);

// 备注 of a removal: a credit repair granted on `repaired_on`, or, without
// one, a record the rules no longer publish.
std::string RemovalRemarks(const std::optional<common::Date>& repaired_on);

// The body of an answer, as JSON (an array of objects keyed by the
// standard's names, in its order, every value a string) or as CSV (RFC 4180:
// a header row of the names, CRLF line ends, a field with a comma, a quote
// or a line break quoted, its quotes doubled; UTF-8).
class CreditExchangeBody {
 public:
  enum class Format { kJson, kCsv };
  explicit CreditExchangeBody(Format format);

  // What `record` adds to the body (with its separator), to weigh it first.
  std::string Piece(const CreditRecord& record) const;
  void Add(const std::string& piece);
  // The bytes of the finished body.
  std::size_t Bytes() const;
  int count() const { return count_; }
  std::string_view ContentType() const;
  std::string Finish() const;

 private:
  Format format_;
  std::string text_;
  int count_ = 0;
};

}  // namespace gongkai::penalties
