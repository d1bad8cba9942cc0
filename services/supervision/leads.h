#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/identity.h"
#include "common/paging.h"
#include "common/violations.h"
#include "gongkai/supervision/v1/supervision.pb.h"
#include "services/supervision/supervision_store.h"

namespace gongkai::supervision {

// Supervision leads (监督线索, docs/DOMAIN.md "Supervision leads"): a record
// of any service that tripped a lead rule, raised by the sweeps and handled
// by supervisors. The province sees and handles every lead; a city its own
// city's (the city of the record's agency), and another city's lead is to
// it as one that does not exist.

// ListLeads pages: 0 asks for 50, more than 200 is taken as 200.
inline constexpr common::PageLimits kLeadPage{50, 200};
// A closed lead's reason: one line of 1 to 500 bytes.
inline constexpr std::size_t kMaxLeadReasonBytes = 500;
// The leads one AttachLeads names: 1 to 500.
inline constexpr std::size_t kMaxAttachedLeads = 500;

// Whether a lead may go from `from` to `to`: NEW to IN_HANDLING or CLOSED,
// IN_HANDLING to CLOSED, CLOSED to IN_HANDLING (reopened). Anything else is
// refused, in words naming both states.
std::optional<std::string> TransitionRefusal(v1::LeadState from, v1::LeadState to);

// Whether `caller` (ROLE_CITY or ROLE_PROVINCE) sees and handles `lead`.
bool InScope(const LeadRow& lead, const common::CallerIdentity& caller);

// ListLeads' request as a store filter for `caller`, read with one lead more
// than the page (`page_size`): city (a city code; a city caller's is always
// its own), rule (a key: 1 to 64 printable ASCII bytes), state (a LeadState
// or unspecified), page size and token, year (0, or 2000 to the year after
// `today`'s: CheckJudgedYear). Violations name the field.
struct LeadsPage {
  LeadFilter filter;
  int page_size = 50;
};
LeadsPage ReadLeadsPage(common::Violations& out, const v1::ListLeadsRequest& request,
                        const common::CallerIdentity& caller, common::Date today);

// SetLeadState's request: a lead id (positive), a state of LEAD_IN_HANDLING
// or LEAD_CLOSED, a reason to close (one line of 1 to kMaxLeadReasonBytes)
// and none otherwise.
common::Violations CheckSetLeadState(const v1::SetLeadStateRequest& request);

// AttachLeads' request: the supervision's organiser and source id (keys,
// required) and 1 to kMaxAttachedLeads lead ids, positive, without repeats.
common::Violations CheckAttachLeads(const v1::AttachLeadsRequest& request);

// The lead as the API shows it.
v1::Lead LeadOf(const LeadRow& row);

// An instant in RFC 3339, UTC, to the second ("2026-06-15T02:30:00Z").
std::string Rfc3339(std::chrono::system_clock::time_point instant);

}  // namespace gongkai::supervision
