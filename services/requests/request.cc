#include "services/requests/request.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <stdexcept>
#include <string_view>

#include "common/calendar/iso_date.h"
#include "common/encoding.h"
#include "common/fields.h"
#include "common/identifiers.h"
#include "common/text.h"

namespace gongkai::requests {
namespace {

using common::Date;
using common::IsBlank;
using common::Presence;
using common::Violations;

// 政府信息公开条例 (国务院令第711号) took effect on this day; the desk holds no
// request received under the 2007 regulation.
constexpr Date kRegulationEffective = std::chrono::year(2019) / std::chrono::May / 15;

constexpr std::size_t kMaxStepNote = 2000;
constexpr std::size_t kMaxConsultationIdBytes = 64;

constexpr int64_t kYuan = 100;  // fen
constexpr int kMaxFeeCount = 1'000'000;

// ---------------------------------------------------------------- fields

bool IsDeliveryMethod(DeliveryMethod method) {
  const int value = static_cast<int>(method);
  return value >= 1 && value <= 5;
}

constexpr char kDeliveryMethods[] =
    "must be DELIVERY_IN_PERSON, DELIVERY_MAIL, DELIVERY_EMAIL, DELIVERY_ONLINE or DELIVERY_FAX";

// A date field of a request or reply that must exist and not lie after
// `today` (the message names today, for the desk).
void CheckDate(Violations& out, const std::string& field, const std::optional<Date>& date, Date today) {
  if (!date) {
    out.push_back({field, "must be a date YYYY-MM-DD"});
  } else if (*date > today) {
    out.push_back({field, "must not be after today (" + common::FormatIsoDate(today) + ")"});
  }
}

// CheckCreditCode quotes the offending character; a byte that is not
// printable must stay out of a description, which travels as a proto string.
void CheckCreditCodeField(Violations& out, const std::string& field, const std::string& code) {
  if (!common::IsPrintableAscii(code)) {
    out.push_back({field, "must be 18 characters from 0-9 and A-Y without I, O, Z, S, V (GB 32100)"});
  } else if (auto problem = common::CheckCreditCode(code)) {
    out.push_back({field, *problem});
  }
}

void CheckEmail(Violations& out, const std::string& email) {
  const std::size_t at = email.find('@');
  const bool one_at = at != std::string::npos && email.find('@', at + 1) == std::string::npos;
  if (!one_at || IsBlank(std::string_view(email).substr(0, at)) || IsBlank(std::string_view(email).substr(at + 1))) {
    out.push_back({"applicant.email", "must be an address with one '@' and text on both sides"});
  }
}

void CheckApplicant(Violations& out, const Applicant& applicant) {
  const bool natural = applicant.kind == Applicant::Kind::kNaturalPerson;
  const bool legal = applicant.kind == Applicant::Kind::kLegalPerson;
  if (!natural && !legal) out.push_back({"applicant.kind", "must be NATURAL_PERSON or LEGAL_PERSON"});
  common::CheckText(out, "applicant.name", applicant.name, common::kNameText, Presence::kRequired);
  const int category = static_cast<int>(applicant.category);
  if (legal && (category < 1 || category > 5)) {
    out.push_back({"applicant.category",
                   "required for a legal person or other organisation (表三's columns): COMMERCIAL_ENTERPRISE, "
                   "RESEARCH_INSTITUTION, SOCIAL_WELFARE_ORGANISATION, LEGAL_SERVICE_INSTITUTION or "
                   "OTHER_ORGANISATION"});
  } else if (natural && category != 0) {
    out.push_back({"applicant.category", "must be unset for a natural person (自然人 is a column of its own)"});
  }

  if (!applicant.id_number.empty()) {
    if (legal) {
      out.push_back({"applicant.id_number", "only a natural person (公民) gives a citizen ID number"});
    } else if (auto problem = common::CheckCitizenId(applicant.id_number)) {
      out.push_back({"applicant.id_number", *problem});
    }
  }
  if (!applicant.credit_code.empty()) {
    if (natural) {
      out.push_back({"applicant.credit_code",
                     "only a legal person or other organisation (法人或者其他组织) gives a "
                     "unified social credit code"});
    } else {
      CheckCreditCodeField(out, "applicant.credit_code", applicant.credit_code);
    }
  }

  // Art. 29 asks for the applicant's contact: without one, no reply or
  // correction notice can reach them.
  if (IsBlank(applicant.phone) && IsBlank(applicant.email) && IsBlank(applicant.address)) {
    out.push_back({"applicant.contact", "at least one of phone, email or address is required (Art. 29)"});
  }
  common::CheckText(out, "applicant.phone", applicant.phone, common::kNameText, Presence::kOptional);
  if (!applicant.email.empty() &&
      common::CheckText(out, "applicant.email", applicant.email, common::kNameText, Presence::kOptional)) {
    CheckEmail(out, applicant.email);
  }
  common::CheckText(out, "applicant.address", applicant.address, common::kPlainText, Presence::kOptional);
}

// ---------------------------------------------------------------- report reasons

struct ReasonName {
  ReportReason reason;
  const char* name;
};

constexpr ReasonName kReasonNames[] = {
    {ReportReason::kStateSecret, "STATE_SECRET"},
    {ReportReason::kProhibitedByLaw, "PROHIBITED_BY_LAW"},
    {ReportReason::kEndangersSafetyStability, "ENDANGERS_SAFETY_STABILITY"},
    {ReportReason::kThirdPartyRights, "THIRD_PARTY_RIGHTS"},
    {ReportReason::kInternalAffairs, "INTERNAL_AFFAIRS"},
    {ReportReason::kProcessInformation, "PROCESS_INFORMATION"},
    {ReportReason::kEnforcementCaseFile, "ENFORCEMENT_CASE_FILE"},
    {ReportReason::kAdministrativeQuery, "ADMINISTRATIVE_QUERY"},
    {ReportReason::kNotHeldByAgency, "NOT_HELD_BY_AGENCY"},
    {ReportReason::kWouldNeedCreating, "WOULD_NEED_CREATING"},
    {ReportReason::kUnclearAfterCorrection, "UNCLEAR_AFTER_CORRECTION"},
    {ReportReason::kPetitionComplaintReport, "PETITION_COMPLAINT_REPORT"},
    {ReportReason::kRepeatApplication, "REPEAT_APPLICATION"},
    {ReportReason::kPublicationRequested, "PUBLICATION_REQUESTED"},
    {ReportReason::kExcessiveRepeated, "EXCESSIVE_REPEATED"},
    {ReportReason::kConfirmOrReissue, "CONFIRM_OR_REISSUE"},
    {ReportReason::kNotCorrectedInTime, "NOT_CORRECTED_IN_TIME"},
    {ReportReason::kFeeNotPaid, "FEE_NOT_PAID"},
    {ReportReason::kOtherHandling, "OTHER_HANDLING"},
};

std::string ReasonNameOf(ReportReason reason) {
  for (const auto& r : kReasonNames) {
    if (r.reason == reason) return r.name;
  }
  return std::to_string(static_cast<int>(reason));
}

const char* OutcomeName(ReplyOutcome outcome) {
  switch (outcome) {
    case ReplyOutcome::kAlreadyPublic: return "ALREADY_PUBLIC";
    case ReplyOutcome::kDisclosed: return "DISCLOSED";
    case ReplyOutcome::kPartlyDisclosed: return "PARTLY_DISCLOSED";
    case ReplyOutcome::kNotDisclosed: return "NOT_DISCLOSED";
    case ReplyOutcome::kDoesNotExist: return "DOES_NOT_EXIST";
    case ReplyOutcome::kNotHeld: return "NOT_HELD";
    case ReplyOutcome::kRepeatRequest: return "REPEAT_REQUEST";
    case ReplyOutcome::kSpecialProcedure: return "SPECIAL_PROCEDURE";
    case ReplyOutcome::kNotHandled: return "NOT_HANDLED";
    case ReplyOutcome::kUnset: break;
  }
  return "";
}

// The reasons (表三's sub-rows) a reply of `outcome` may give; none for the
// outcomes that are rows of their own (予以公开, 部分公开).
std::vector<ReportReason> ReasonsOf(ReplyOutcome outcome) {
  using R = ReportReason;
  switch (outcome) {
    case ReplyOutcome::kNotDisclosed:
      return {R::kStateSecret,     R::kProhibitedByLaw,    R::kEndangersSafetyStability, R::kThirdPartyRights,
              R::kInternalAffairs, R::kProcessInformation, R::kEnforcementCaseFile,      R::kAdministrativeQuery};
    case ReplyOutcome::kDoesNotExist:
    case ReplyOutcome::kNotHeld: return {R::kNotHeldByAgency, R::kWouldNeedCreating, R::kUnclearAfterCorrection};
    case ReplyOutcome::kNotHandled:
      return {R::kPetitionComplaintReport, R::kPublicationRequested, R::kExcessiveRepeated, R::kConfirmOrReissue};
    case ReplyOutcome::kRepeatRequest: return {R::kRepeatApplication};
    case ReplyOutcome::kSpecialProcedure: return {R::kAdministrativeQuery, R::kOtherHandling};
    default: return {};
  }
}

void CheckReportReason(Violations& out, ReplyOutcome outcome, ReportReason reason) {
  const std::string name = OutcomeName(outcome);
  if (name.empty()) return;  // the outcome's own violation says it all
  const std::vector<ReportReason> allowed = ReasonsOf(outcome);
  if (allowed.empty()) {
    if (reason != ReportReason::kUnset) {
      out.push_back({"reply.report_reason", "must be unset for " + name + ": it is a row of 表三 of its own"});
    }
    return;
  }
  if (std::find(allowed.begin(), allowed.end(), reason) != allowed.end()) return;
  std::string names;
  for (std::size_t i = 0; i < allowed.size(); ++i) {
    names += (i == 0 ? "" : i + 1 == allowed.size() ? " or " : ", ") + ReasonNameOf(allowed[i]);
  }
  out.push_back({"reply.report_reason", std::string(reason == ReportReason::kUnset ? "required" : "not a reason") +
                                            " for " + name + " (表三's sub-row): must be " + names});
}

// ---------------------------------------------------------------- reply elements

// One free-text element of a reply. `missing` says what the outcome needs
// when the element is required, and is empty when it is not.
struct Element {
  const char* field;
  const std::string& value;
  std::string missing = {};
};

void CheckElement(Violations& out, const Element& element) {
  const std::string field = std::string("reply.") + element.field;
  if (!element.missing.empty() && IsBlank(element.value)) {
    out.push_back({field, element.missing});
    return;
  }
  // Replies are letters: paragraphs allowed, every element up to kLongText.
  common::CheckText(out, field, element.value, common::kLongText, Presence::kOptional);
}

}  // namespace

Violations ValidateRequest(const DisclosureRequest& request, Date today) {
  Violations out;
  const int channel = static_cast<int>(request.channel);
  if (!request.channel_set) {
    out.push_back({"channel", "required: it decides the receipt date (Art. 31)"});
  } else if (channel < static_cast<int>(common::ReceiptChannel::kInPerson) ||
             channel > static_cast<int>(common::ReceiptChannel::kFax)) {
    out.push_back({"channel", "must be IN_PERSON, REGISTERED_MAIL, ORDINARY_LETTER, ONLINE or FAX"});
  }
  CheckDate(out, "received_on", request.received_on, today);
  if (request.received_on && *request.received_on < kRegulationEffective) {
    out.push_back({"received_on", "must not be before " + common::FormatIsoDate(kRegulationEffective) +
                                      ", when the 2019 regulation took effect"});
  }
  CheckApplicant(out, request.applicant);
  common::CheckText(out, "information_requested", request.information_requested, common::kLongText,
                    Presence::kRequired);
  if (!IsDeliveryMethod(request.delivery)) out.push_back({"delivery", kDeliveryMethods});
  return out;
}

std::string ApplicantKey(const Applicant& a, std::string_view secret) {
  const bool identified = !a.id_number.empty() || !a.credit_code.empty();
  const std::string id = std::to_string(static_cast<int>(a.kind)) + "|" + a.id_number + "|" + a.credit_code + "|" +
                         (identified ? "" : a.name + "|" + a.phone + "|" + a.email);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(id.data()), id.size(), mac, &length) == nullptr) {
    throw std::runtime_error("HMAC-SHA256 of the applicant key failed");
  }
  return common::HexEncode(std::string_view(reinterpret_cast<const char*>(mac), length));
}

Violations ValidateStep(const Step& step, Date today) {
  Violations out;
  switch (step.type) {
    case StepType::kCorrectionNotice:
      if (!step.correction_due) out.push_back({"step.correction_due", "must be a date YYYY-MM-DD"});
      break;
    case StepType::kConsultationStarted:
      if (IsBlank(step.consulted_party)) out.push_back({"step.consulted_party", "required: who is consulted"});
      [[fallthrough]];
    case StepType::kConsultationAnswered:
      if (step.consultation_id.empty() || step.consultation_id.size() > kMaxConsultationIdBytes) {
        out.push_back({"step.consultation_id", "required, at most 64 bytes"});
      }
      break;
    case StepType::kExtension:
      if (IsBlank(step.approver)) out.push_back({"step.approver", "required: who approved the extension"});
      common::CheckPastDate(out, "step.notice_date", step.notice_date, today);
      break;
    case StepType::kReviewDecided:
    case StepType::kLawsuitDecided: {
      const int outcome = static_cast<int>(step.legal_outcome);
      if (outcome < 1 || outcome > 3) {
        out.push_back({"step.legal_outcome", "required on a decision (表四's result): UPHELD, CORRECTED or OTHER"});
      }
      break;
    }
    case StepType::kCorrectedReceived:
    case StepType::kAbandoned:
    case StepType::kWithdrawn:
    case StepType::kReviewFiled:
    case StepType::kLawsuitFiled: break;
    case StepType::kUnset:
    case StepType::kReplied:
    case StepType::kReceived:
    default:
      out.push_back(
          {"step.type", "not a step recorded here (replies go through Reply, receipt through RegisterRequest)"});
  }
  common::CheckPastDate(out, "step.date", step.date, today);
  const bool decision = step.type == StepType::kReviewDecided || step.type == StepType::kLawsuitDecided;
  if (!decision && step.legal_outcome != LegalOutcome::kUnset) {
    out.push_back({"step.legal_outcome", "only on REVIEW_DECIDED or LAWSUIT_DECIDED"});
  }
  if (step.after_review && step.type != StepType::kLawsuitFiled) {
    out.push_back({"step.after_review", "only on LAWSUIT_FILED"});
  }
  // The bounds of every text a step carries, whatever its type.
  if (step.consultation_id.size() <= kMaxConsultationIdBytes) {
    common::CheckTextContent(out, "step.consultation_id", step.consultation_id, false);
  }
  common::CheckText(out, "step.consulted_party", step.consulted_party, common::kNameText, Presence::kOptional);
  common::CheckText(out, "step.approver", step.approver, common::kNameText, Presence::kOptional);
  if (step.note.size() > kMaxStepNote) out.push_back({"step.note", "at most 2000 bytes"});
  common::CheckTextContent(out, "step.note", step.note, true);
  return out;
}

std::optional<std::string> HistoryRefusal(std::size_t steps_recorded) {
  if (steps_recorded < kMaxSteps) return std::nullopt;
  return "a request holds at most " + std::to_string(kMaxSteps) + " steps, and this one has " +
         std::to_string(steps_recorded);
}

std::optional<std::string> StepRefusal(StepType type, std::string_view request_state) {
  const bool record_only = type == StepType::kReviewFiled || type == StepType::kLawsuitFiled ||
                           type == StepType::kReviewDecided || type == StepType::kLawsuitDecided;
  if (record_only && request_state != common::RequestStateName(common::RequestState::kReplied)) {
    return "a review or lawsuit is recorded only after the reply";
  }
  return std::nullopt;
}

std::vector<LegalCase> LegalCasesOf(const std::vector<Step>& steps) {
  std::vector<LegalCase> cases;
  for (const Step& s : steps) {
    if (s.type == StepType::kReviewFiled || s.type == StepType::kLawsuitFiled) {
      LegalCase filing;
      filing.kind = s.type;
      filing.filed_on = s.date;
      filing.after_review = s.type == StepType::kLawsuitFiled && s.after_review;
      cases.push_back(filing);
      continue;
    }
    const StepType filed = s.type == StepType::kReviewDecided    ? StepType::kReviewFiled
                           : s.type == StepType::kLawsuitDecided ? StepType::kLawsuitFiled
                                                                 : StepType::kUnset;
    auto open =
        std::find_if(cases.begin(), cases.end(), [&](const LegalCase& c) { return c.kind == filed && !c.decided_on; });
    if (filed == StepType::kUnset || open == cases.end()) continue;
    open->decided_on = s.date;
    open->outcome = s.legal_outcome;
  }
  return cases;
}

std::optional<std::string> LegalStepRefusal(const Step& step, const std::vector<Step>& history) {
  const std::vector<LegalCase> cases = LegalCasesOf(history);
  auto of_kind = [&](StepType kind) {
    return std::find_if(cases.begin(), cases.end(),
                        [&](const LegalCase& c) { return c.kind == kind && !c.decided_on; });
  };
  if (step.type == StepType::kLawsuitFiled && step.after_review &&
      std::none_of(cases.begin(), cases.end(), [](const LegalCase& c) { return c.kind == StepType::kReviewFiled; })) {
    return "a lawsuit after review (复议后起诉) needs the review (REVIEW_FILED) recorded first";
  }
  const bool review = step.type == StepType::kReviewDecided;
  if (!review && step.type != StepType::kLawsuitDecided) return std::nullopt;
  auto open = of_kind(review ? StepType::kReviewFiled : StepType::kLawsuitFiled);
  if (open == cases.end()) {
    return review ? "a review decision needs a review (REVIEW_FILED) recorded before it and not yet decided"
                  : "a lawsuit judgment needs a lawsuit (LAWSUIT_FILED) recorded before it and not yet decided";
  }
  if (step.date && open->filed_on && *step.date < *open->filed_on) {
    return "a decision must not be dated before its filing (" + common::FormatIsoDate(*open->filed_on) + ")";
  }
  return std::nullopt;
}

Violations ValidateReply(const Reply& reply, Date today) {
  Violations out;
  const int outcome = static_cast<int>(reply.outcome);
  if (outcome < 1 || outcome > 9) {
    out.push_back({"reply.outcome",
                   "must be ALREADY_PUBLIC, DISCLOSED, PARTLY_DISCLOSED, NOT_DISCLOSED, DOES_NOT_EXIST, NOT_HELD, "
                   "REPEAT_REQUEST, SPECIAL_PROCEDURE or NOT_HANDLED"});
  }
  CheckDate(out, "reply.replied_on", reply.replied_on, today);

  Element how_to_obtain{"how_to_obtain", reply.how_to_obtain};
  Element withheld_parts{"withheld_parts", reply.withheld_parts};
  Element withheld_reason{"withheld_reason", reply.withheld_reason};
  Element reason{"reason", reply.reason};
  Element legal_basis{"legal_basis", reply.legal_basis};
  Element holder_name{"holder_name", reply.holder_name};
  Element holder_contact{"holder_contact", reply.holder_contact};
  Element earlier_reply_reference{"earlier_reply_reference", reply.earlier_reply_reference};
  Element applicable_law{"applicable_law", reply.applicable_law};
  Element not_handled_reason{"not_handled_reason", reply.not_handled_reason};
  Element remedy{"remedy", reply.remedy,
                 "every reply must state the remedy: administrative review (行政复议) and litigation (行政诉讼), "
                 "where and within what time (Art. 51)"};

  switch (reply.outcome) {
    case ReplyOutcome::kAlreadyPublic:
      how_to_obtain.missing =
          "an already-public reply (已主动公开, Art. 36(1)) must say how and where to obtain the information";
      break;
    case ReplyOutcome::kDisclosed:
      how_to_obtain.missing =
          "a disclosed reply (予以公开, Art. 36(2)) must provide the information or say how, where and when to "
          "obtain it";
      break;
    case ReplyOutcome::kPartlyDisclosed:
      how_to_obtain.missing =
          "a partly-disclosed reply (部分公开, Art. 37) must provide what can be disclosed or say how to obtain it";
      withheld_parts.missing = "a partly-disclosed reply (部分公开, Art. 37) must say what was withheld";
      withheld_reason.missing = "a partly-disclosed reply (部分公开, Art. 37) must say why the parts were withheld";
      break;
    case ReplyOutcome::kNotDisclosed:
      reason.missing = "a not-disclosed reply (不予公开, Art. 36(3)) must give the reason";
      legal_basis.missing = "a not-disclosed reply (不予公开, Art. 36(3)) must give the legal basis";
      break;
    case ReplyOutcome::kDoesNotExist:
      reason.missing = "a does-not-exist reply (信息不存在, Art. 36(4)) must say what search was done (经检索没有)";
      break;
    case ReplyOutcome::kNotHeld:
      // Art. 36(5) names the holder only "能够确定负责公开该政府信息的行政机关的":
      // when none can be determined, the reply says why instead.
      if (IsBlank(reply.reason)) {
        holder_name.missing =
            "a not-held reply (非本机关负责公开, Art. 36(5)) must name the agency that holds the information, or, "
            "when none can be determined, say why in reason";
      }
      if (!IsBlank(reply.holder_name)) {
        holder_contact.missing =
            "a not-held reply (非本机关负责公开, Art. 36(5)) that names the holder must give its contact "
            "(名称、联系方式)";
      }
      break;
    case ReplyOutcome::kRepeatRequest:
      earlier_reply_reference.missing = "a repeat-request reply (重复申请, Art. 36(6)) must cite the earlier reply";
      break;
    case ReplyOutcome::kSpecialProcedure:
      applicable_law.missing =
          "a special-procedure reply (按其他法律办理, Art. 36(7)) must name the law or regulation to follow";
      break;
    case ReplyOutcome::kNotHandled:
      not_handled_reason.missing =
          "a not-handled reply (不予处理, Art. 35, 39) must say why: a petition, complaint or report (信访/投诉/举报), "
          "or a request beyond a reasonable number or frequency";
      break;
    case ReplyOutcome::kUnset: break;
  }
  for (const Element* element :
       {&how_to_obtain, &withheld_parts, &withheld_reason, &reason, &legal_basis, &holder_name, &holder_contact,
        &earlier_reply_reference, &applicable_law, &not_handled_reason, &remedy}) {
    CheckElement(out, *element);
  }

  if (!IsDeliveryMethod(reply.delivered_by)) out.push_back({"reply.delivered_by", kDeliveryMethods});
  CheckDate(out, "reply.delivered_on", reply.delivered_on, today);
  if (reply.delivered_on && reply.replied_on && *reply.delivered_on < *reply.replied_on) {
    out.push_back(
        {"reply.delivered_on", "must not be before replied_on (" + common::FormatIsoDate(*reply.replied_on) + ")"});
  }
  if (reply.fee_fen < 0) out.push_back({"reply.fee_fen", "must not be negative"});
  CheckReportReason(out, reply.outcome, reply.report_reason);
  return out;
}

int64_t PerRequestFeeFen(int nth_request_in_month) {
  const int64_t n = nth_request_in_month;
  if (n <= 10) return 0;
  if (n <= 30) return 100 * kYuan;
  // 31-40 is the first band above 100 yuan: 200 yuan, then 100 more per band of 10.
  const int64_t band = (n - 31) / 10;
  return (200 + 100 * band) * kYuan;
}

int64_t PerPageFeeFen(int pages) {
  // Marginal, like a tax: each page is charged the rate of the band it falls in.
  const int64_t p = pages;
  int64_t fee = 0;
  if (p > 30) fee += (std::min<int64_t>(p, 100) - 30) * 10 * kYuan;
  if (p > 100) fee += (std::min<int64_t>(p, 200) - 100) * 20 * kYuan;
  if (p > 200) fee += (p - 200) * 40 * kYuan;
  return fee;
}

int64_t FeeFor(FeeScheme scheme, int count) {
  switch (scheme) {
    case FeeScheme::kPerRequest: return PerRequestFeeFen(count);
    case FeeScheme::kPerPage: return PerPageFeeFen(count);
    case FeeScheme::kNone: break;
  }
  return 0;
}

int64_t ReplyFee(FeeScheme scheme, int fee_pages, const std::function<int()>& nth_request_in_month) {
  switch (scheme) {
    case FeeScheme::kPerRequest: return FeeFor(scheme, nth_request_in_month());
    case FeeScheme::kPerPage: return FeeFor(scheme, fee_pages);
    case FeeScheme::kNone: break;
  }
  return 0;
}

Violations ValidateFeeQuote(FeeScheme scheme, int count) {
  Violations out;
  if (scheme != FeeScheme::kPerRequest && scheme != FeeScheme::kPerPage) {
    out.push_back({"scheme", "must be PER_REQUEST or PER_PAGE"});
  }
  if (count < 1 || count > kMaxFeeCount) out.push_back({"count", "must be 1..1000000"});
  return out;
}

Violations ValidateReplyFee(FeeScheme scheme, int fee_pages) {
  if (scheme != FeeScheme::kPerPage && fee_pages != 0) return {{"reply.fee_pages", "only for the per-page scheme"}};
  if (fee_pages < 0) return {{"reply.fee_pages", "must not be negative"}};
  return {};
}

// `working_days_left` is the limit minus the working days used: 0 on the due
// day itself, which still counts as due soon, and negative only once the due
// day has passed. "Very overdue" means more than twice the limit used (with a
// 20-day limit, day 41), not merely reaching it.
DeskState DeskStateOf(bool open, int working_days_left, int limit_working_days, int working_days_used) {
  if (!open) return DeskState::kClosed;
  if (working_days_left < 0) {
    return static_cast<int64_t>(working_days_used) > 2 * static_cast<int64_t>(limit_working_days)
               ? DeskState::kVeryOverdue
               : DeskState::kOverdue;
  }
  if (working_days_left <= 3) return DeskState::kDueSoon;
  return DeskState::kOnTrack;
}

}  // namespace gongkai::requests
