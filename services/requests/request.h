#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/calendar/request_clock.h"
#include "common/clock.h"
#include "common/violations.h"

namespace gongkai::requests {

// The annual report's column of a legal person or other organisation (表三,
// 法人或其他组织); the values of requests.v1.Applicant.Category.
enum class ApplicantCategory {
  kUnset = 0,
  kCommercialEnterprise = 1,       // 商业企业
  kResearchInstitution = 2,        // 科研机构
  kSocialWelfareOrganisation = 3,  // 社会公益组织
  kLegalServiceInstitution = 4,    // 法律服务机构
  kOtherOrganisation = 5,          // 其他
};

// The applicant of a disclosure request (申请人). Never in public reads, logs
// or metric labels.
struct Applicant {
  enum class Kind { kUnset = 0, kNaturalPerson = 1, kLegalPerson = 2 };
  Kind kind = Kind::kUnset;
  std::string name;
  std::string id_number;    // natural persons (GB 11643), optional
  std::string credit_code;  // legal persons (GB 32100), optional
  std::string phone;
  std::string email;
  std::string address;
  // Required for a legal person, unset for a natural person.
  ApplicantCategory category = ApplicantCategory::kUnset;
};

enum class DeliveryMethod { kUnset = 0, kInPerson = 1, kMail = 2, kEmail = 3, kOnline = 4, kFax = 5 };

// A request as the desk registers it (依申请公开).
struct DisclosureRequest {
  common::ReceiptChannel channel = common::ReceiptChannel::kOnline;
  bool channel_set = false;
  // T0 by channel (Art. 31): in person, the day handed in; registered mail, the
  // day signed for; ordinary letter, online and fax, the day receipt was confirmed.
  // nullopt when what was sent is not a date (ValidateRequest names it).
  std::optional<common::Date> received_on;
  Applicant applicant;
  std::string information_requested;
  DeliveryMethod delivery = DeliveryMethod::kUnset;
};

common::Violations ValidateRequest(const DisclosureRequest& request, common::Date today);

// Identifies an applicant across requests without keeping their data in the
// key: HMAC-SHA256 (hex) under `secret` (the service's
// GONGKAI_APPLICANT_KEY_SECRET_FILE, at least 32 bytes) of the kind and
// identifier, or of the name and contact when the applicant gave no
// identifier. Without the secret a key cannot be computed from an ID number,
// so the stored keys reveal nothing by trial. Keys stored under another
// secret (or, before the secret, as a bare SHA-256) stay as they were: the
// monthly fee count compares keys, so a request registered before a change of
// key is counted apart from those after it for that month.
std::string ApplicantKey(const Applicant& applicant, std::string_view secret);

// The steps of a request (the values of requests.v1.Step.Type).
enum class StepType {
  kUnset = 0,
  kCorrectionNotice = 1,     // 补正通知
  kCorrectedReceived = 2,    // the clock restarts
  kAbandoned = 3,            // 视为放弃
  kConsultationStarted = 4,  // 征求意见 (Art. 32, 34)
  kConsultationAnswered = 5,
  kExtension = 6,        // 延期 (Art. 33)
  kWithdrawn = 7,        // 申请人撤回
  kReviewFiled = 8,      // 行政复议 recorded
  kLawsuitFiled = 9,     // 行政诉讼 recorded
  kReplied = 10,         // recorded by a reply only
  kReceived = 11,        // recorded by the registration only
  kReviewDecided = 12,   // the review's decision (表四)
  kLawsuitDecided = 13,  // the lawsuit's judgment (表四)
};

// The result of a review or lawsuit (表四's columns; requests.v1.Step.LegalOutcome).
enum class LegalOutcome { kUnset = 0, kUpheld = 1, kCorrected = 2, kOther = 3 };

// A step the desk records on a request. A date is nullopt when what was sent
// is not a date (ValidateStep names it where the step's type needs it).
struct Step {
  StepType type = StepType::kUnset;
  std::optional<common::Date> date;
  std::optional<common::Date> correction_due;  // correction notice: the applicant's correction due date
  std::string consultation_id;                 // consultation started or answered
  std::string consulted_party;                 // consultation started
  std::string approver;                        // extension
  std::optional<common::Date> notice_date;     // extension: when the applicant was told
  std::string note;
  bool after_review = false;                          // lawsuit filed: 复议后起诉
  LegalOutcome legal_outcome = LegalOutcome::kUnset;  // review or lawsuit decided
};

// Every element the step's type needs and lacks, each named by field (prefix
// "step."): a type the desk records as a step (receipts and replies have
// their own calls); a correction notice's due date; the consulted party and
// the consultation's id; an extension's approver and notice date, not after
// `today`; a decision's legal outcome (only on a decision); after_review only
// on a lawsuit filed; the step's date, not after `today`. And the bounds of its text,
// whatever its type (UTF-8 without control characters, in bytes):
//
//   field                       bound
//   consultation_id             1 to 64 bytes, one line (when the type needs it)
//   consulted_party, approver   one line of at most 200 bytes (common::kNameText)
//   note                        at most 2000 bytes, line breaks allowed
common::Violations ValidateStep(const Step& step, common::Date today);

// The steps a request's history holds at most, its receipt and reply
// included: a request answered as the desk sees it (RequestView) stays a
// few hundred kilobytes, whatever the desk records.
inline constexpr std::size_t kMaxSteps = 100;

// Why one more step cannot be recorded on a request whose history holds
// `steps_recorded` steps, or nullopt.
std::optional<std::string> HistoryRefusal(std::size_t steps_recorded);

// Why a step of `type` cannot be recorded on a request in `request_state` (a
// common::RequestStateName), or nullopt: a review or lawsuit, filed or
// decided, is recorded only after the reply. The request clock judges every
// other sequence but these (LegalStepRefusal).
std::optional<std::string> StepRefusal(StepType type, std::string_view request_state);

// A review or lawsuit recorded on a request, with its decision when one is
// recorded: each decision answers the earliest filing of its kind (review,
// lawsuit) not yet decided.
struct LegalCase {
  StepType kind = StepType::kUnset;  // kReviewFiled or kLawsuitFiled
  std::optional<common::Date> filed_on;
  bool after_review = false;  // a lawsuit filed after a review (复议后起诉)
  std::optional<common::Date> decided_on;
  LegalOutcome outcome = LegalOutcome::kUnset;
};

// The reviews and lawsuits of `steps` (in the order recorded), in the order filed.
std::vector<LegalCase> LegalCasesOf(const std::vector<Step>& steps);

// Why `step` cannot follow the request's recorded steps `history` (in the
// order recorded), or nullopt: a decision needs an earlier filing of its kind
// (review, lawsuit) not yet decided and dated on or before it; a lawsuit
// after review (复议后起诉) needs a review recorded before it.
std::optional<std::string> LegalStepRefusal(const Step& step, const std::vector<Step>& history);

// Art. 36/37 reply outcomes, plus 不予处理 (Art. 35 and non-OGI matters).
enum class ReplyOutcome {
  kUnset = 0,
  kAlreadyPublic = 1,     // 已主动公开: how to get it
  kDisclosed = 2,         // 予以公开: how to get it
  kPartlyDisclosed = 3,   // 部分公开 (Art. 37): how to get it, what was withheld and why
  kNotDisclosed = 4,      // 不予公开: reason and legal basis
  kDoesNotExist = 5,      // 信息不存在
  kNotHeld = 6,           // 非本机关掌握: the holder and its contact when known
  kRepeatRequest = 7,     // 重复申请: the earlier reply
  kSpecialProcedure = 8,  // 按其他法律办理: the law to follow
  kNotHandled = 9,        // 不予处理: why (信访/投诉/举报, or excessive under Art. 35)
};

// The sub-rows of 表三 (政府信息公开工作年度报告格式, 国办公开办函〔2021〕30号) a
// reply counts in under its outcome; the values of requests.v1.ReportReason.
enum class ReportReason {
  kUnset = 0,
  // 不予公开
  kStateSecret = 1,               // 属于国家秘密
  kProhibitedByLaw = 2,           // 其他法律行政法规禁止公开
  kEndangersSafetyStability = 3,  // 危及"三安全一稳定"
  kThirdPartyRights = 4,          // 保护第三方合法权益
  kInternalAffairs = 5,           // 属于三类内部事务信息
  kProcessInformation = 6,        // 属于四类过程性信息
  kEnforcementCaseFile = 7,       // 属于行政执法案卷
  kAdministrativeQuery = 8,       // 属于行政查询事项
  // 无法提供
  kNotHeldByAgency = 11,         // 本机关不掌握相关政府信息
  kWouldNeedCreating = 12,       // 没有现成信息需要另行制作
  kUnclearAfterCorrection = 13,  // 补正后申请内容仍不明确
  // 不予处理
  kPetitionComplaintReport = 21,  // 信访举报投诉类申请
  kRepeatApplication = 22,        // 重复申请
  kPublicationRequested = 23,     // 要求提供公开出版物
  kExcessiveRepeated = 24,        // 无正当理由大量反复申请
  kConfirmOrReissue = 25,         // 要求行政机关确认或重新出具已获取信息
  // 其他处理
  kNotCorrectedInTime = 31,  // 申请人无正当理由逾期不补正
  kFeeNotPaid = 32,          // 申请人逾期未按收费通知要求缴纳费用
  kOtherHandling = 33,       // 其他
};

// A reply (答复) with the elements its outcome needs. Every reply carries the
// remedy (复议/诉讼) and how and when it was delivered. A date is nullopt when
// what was sent is not a date (ValidateReply names it).
struct Reply {
  ReplyOutcome outcome = ReplyOutcome::kUnset;
  std::optional<common::Date> replied_on;
  std::string how_to_obtain;
  std::string withheld_parts;
  std::string withheld_reason;
  std::string reason;
  std::string legal_basis;
  std::string holder_name;
  std::string holder_contact;
  std::string earlier_reply_reference;
  std::string applicable_law;
  std::string not_handled_reason;
  std::string remedy;  // 复议机关 and court, with their time limits
  DeliveryMethod delivered_by = DeliveryMethod::kUnset;
  std::optional<common::Date> delivered_on;
  // The fee charged, when one is (国办函〔2020〕109号), computed by ReplyFee.
  int64_t fee_fen = 0;
  ReportReason report_reason = ReportReason::kUnset;
};

// Every element the reply's outcome needs and lacks, each named by field
// (prefix "reply."); dates must be valid, delivery not before the reply, the
// reply not after `today`. The report reason (表三's sub-row) is required of
// and must belong to NOT_DISCLOSED (1-8), DOES_NOT_EXIST and NOT_HELD
// (11-13), NOT_HANDLED (21, 23-25), REPEAT_REQUEST (22) and SPECIAL_PROCEDURE
// (8, 33); ALREADY_PUBLIC, DISCLOSED and PARTLY_DISCLOSED have none.
common::Violations ValidateReply(const Reply& reply, common::Date today);

// Fees under 国办函〔2020〕109号. One scheme per request, never both.
enum class FeeScheme { kNone = 0, kPerRequest = 1, kPerPage = 2 };

// Per request (按件计收): the n-th request of one applicant in one calendar
// month (n >= 1): 1-10 free; 11-30 100 yuan each; from 31, each further band of
// 10 requests costs 100 yuan more per request (31-40: 200, 41-50: 300, ...).
int64_t PerRequestFeeFen(int nth_request_in_month);

// Per page (按量计收), the fee for one request of `pages` pages: up to 30 free;
// pages 31-100 at 10 yuan; 101-200 at 20 yuan; beyond 200 at 40 yuan.
int64_t PerPageFeeFen(int pages);

// The fee of a request under its scheme: `count` is the applicant's n-th
// request in the month (per request) or the page count (per page).
int64_t FeeFor(FeeScheme scheme, int count);

// A fee quote: a scheme that charges (per request or per page) and a count
// of 1..1000000 ("scheme", "count").
common::Violations ValidateFeeQuote(FeeScheme scheme, int count);

// The fee fields of a reply ("reply.fee_pages"): pages are given only under
// the per-page scheme, and are not negative.
common::Violations ValidateReplyFee(FeeScheme scheme, int fee_pages);

// The fee of a reply under its scheme: per request, by the applicant's n-th
// request in the month the request was received (`nth_request_in_month`,
// called only under that scheme); per page, by the reply's `fee_pages`; none
// without a scheme.
int64_t ReplyFee(FeeScheme scheme, int fee_pages, const std::function<int()>& nth_request_in_month);

// What the desk sees of a deadline (the best request trackers' states).
enum class DeskState { kOnTrack = 1, kDueSoon = 2, kOverdue = 3, kVeryOverdue = 4, kClosed = 5 };

// Open and due in more than 3 working days: on track; due within 3 (today
// included): due soon; past due: overdue; past twice the limit: very overdue.
DeskState DeskStateOf(bool open, int working_days_left, int limit_working_days, int working_days_used);

}  // namespace gongkai::requests
