#include "services/penalties/withdrawal.h"

#include "common/text.h"

namespace gongkai::penalties {

common::Violations ValidateWithdrawal(WithdrawalReason reason, const std::string& explanation) {
  common::Violations out;
  if (reason != WithdrawalReason::kChanged && reason != WithdrawalReason::kRevoked &&
      reason != WithdrawalReason::kFoundIllegal) {
    out.push_back({"reason", "must be CHANGED, REVOKED or FOUND_ILLEGAL"});
  }
  if (common::IsAsciiBlank(explanation)) {
    out.push_back({"explanation", "required: the reason is published with the notice"});
    return out;
  }
  common::CheckTextContent(out, "explanation", explanation, true);
  if (explanation.size() > kMaxExplanationBytes) out.push_back({"explanation", "at most 2000 bytes"});
  return out;
}

common::Violations CheckWithdrawalDate(common::Date event_date, common::Date decision_date) {
  if (event_date < decision_date) return {{"event_date", "must not be before the decision date"}};
  return {};
}

common::Violations ValidateRelease(const std::string& explanation) {
  common::Violations out;
  common::CheckTextContent(out, "explanation", explanation, true);
  if (explanation.size() > kMaxExplanationBytes) out.push_back({"explanation", "at most 2000 bytes"});
  return out;
}

bool IsOwnRecord(const std::string& record_city, const std::string& caller_city) { return record_city == caller_city; }

}  // namespace gongkai::penalties
