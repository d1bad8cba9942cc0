#pragma once

#include <cstddef>
#include <string>

#include "common/clock.h"
#include "common/violations.h"

namespace gongkai::penalties {

// Withdrawals (撤回) of published decisions and releases (解除) of coercive
// measures, as city systems report them (DOMAIN.md, "Withdrawal"). The dates
// they report are past dates (common::CheckPastDate, checked beside these).

// A withdrawal or release explanation: at most this many bytes, text without
// control characters but line feeds and tabs.
inline constexpr std::size_t kMaxExplanationBytes = 2000;

// Why a decision is withdrawn, as in penalties.v1.WithdrawalReason.
enum class WithdrawalReason { kUnspecified = 0, kChanged = 1, kRevoked = 2, kFoundIllegal = 3 };

// The rules of a withdrawal on its own: a reason, and an explanation, which is
// published with the notice, of at most 2000 bytes of text.
common::Violations ValidateWithdrawal(WithdrawalReason reason, const std::string& explanation);

// The rule of a withdrawal against the decision it withdraws: the event
// (the change, revocation or finding) is not before the decision date.
common::Violations CheckWithdrawalDate(common::Date event_date, common::Date decision_date);

// The rules of a release on its own: an explanation (optional) of at most
// 2000 bytes of text.
common::Violations ValidateRelease(const std::string& explanation);

// Whether a city may withdraw, release or read as its own a stored record:
// only one stored for that city. Any other is reported as not found, so that
// a city learns nothing of another city's records.
bool IsOwnRecord(const std::string& record_city, const std::string& caller_city);

}  // namespace gongkai::penalties
