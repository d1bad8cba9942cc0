#include "services/supervision/leads.h"

#include <ctime>

#include "common/calendar/iso_date.h"
#include "common/errors.h"
#include "common/fields.h"
#include "common/identifiers.h"
#include "common/proto_strings.h"
#include "common/text.h"
#include "services/supervision/supervision_rules.h"

namespace gongkai::supervision {
namespace {

using common::v1::ROLE_PROVINCE;

std::string NameOf(v1::LeadState state) { return v1::LeadState_Name(state); }

// A required key of a request: 1 to 64 printable ASCII bytes.
void CheckRequiredKey(common::Violations& out, const std::string& field, const std::string& value) {
  if (value.empty()) {
    out.push_back({field, "required"});
    return;
  }
  common::CheckKeyFilter(out, field, value);
}

}  // namespace

std::optional<std::string> TransitionRefusal(v1::LeadState from, v1::LeadState to) {
  const bool allowed = (from == v1::LEAD_NEW && (to == v1::LEAD_IN_HANDLING || to == v1::LEAD_CLOSED)) ||
                       (from == v1::LEAD_IN_HANDLING && to == v1::LEAD_CLOSED) ||
                       (from == v1::LEAD_CLOSED && to == v1::LEAD_IN_HANDLING);
  if (allowed) return std::nullopt;
  std::string onward;
  switch (from) {
    case v1::LEAD_NEW: onward = "LEAD_IN_HANDLING or LEAD_CLOSED"; break;
    case v1::LEAD_IN_HANDLING: onward = "LEAD_CLOSED"; break;
    case v1::LEAD_CLOSED: onward = "LEAD_IN_HANDLING (reopened)"; break;
    default: onward = "nothing"; break;
  }
  return "a lead in " + NameOf(from) + " cannot go to " + NameOf(to) + "; it can go to " + onward;
}

bool InScope(const LeadRow& lead, const common::CallerIdentity& caller) {
  return caller.role == ROLE_PROVINCE || lead.city_code == caller.city_code;
}

LeadsPage ReadLeadsPage(common::Violations& out, const v1::ListLeadsRequest& request,
                        const common::CallerIdentity& caller, common::Date today) {
  const std::string& city = request.city_code();
  const bool city_read = city.empty() || (!common::CheckAreaCode(city) && city.ends_with("00"));
  if (!city_read) out.push_back({"city_code", "must be a city or province code: 6 digits ending in 00"});
  common::CheckKeyFilter(out, "rule", request.rule());
  if (!v1::LeadState_IsValid(request.state())) out.push_back({"state", "not a lead state"});
  const common::Page page = common::ReadPage(out, request.page_size(), request.page_token(), 1, kLeadPage);
  LeadsPage read;
  read.page_size = page.size;
  read.filter.before_id = common::SeqPageStart(out, page);
  CheckJudgedYear(out, request.year(), today);
  read.filter.year = request.year();
  // A city sees its own city's leads (an empty city_code means it).
  if (caller.role != ROLE_PROVINCE && city_read && !city.empty() && city != caller.city_code) {
    throw common::ServiceError::PermissionDenied("city_code: " + city + " is not the caller's city " +
                                                 caller.city_code + ": a city reads its own leads");
  }
  read.filter.city_code = caller.role == ROLE_PROVINCE ? city : caller.city_code;
  read.filter.rule = request.rule();
  read.filter.state = static_cast<int>(request.state());
  read.filter.limit = page.size + 1;
  return read;
}

common::Violations CheckSetLeadState(const v1::SetLeadStateRequest& request) {
  common::Violations out;
  if (request.id() <= 0) out.push_back({"id", "required: a lead's id (a positive number)"});
  const bool closing = request.state() == v1::LEAD_CLOSED;
  if (request.state() != v1::LEAD_IN_HANDLING && !closing) {
    out.push_back({"state", "must be LEAD_IN_HANDLING or LEAD_CLOSED (a lead is new only when raised)"});
  }
  if (closing) {
    common::CheckText(out, "reason", request.reason(), {kMaxLeadReasonBytes, false}, common::Presence::kRequired);
  } else if (!request.reason().empty()) {
    out.push_back({"reason", "only a lead being closed has a reason"});
  }
  return out;
}

common::Violations CheckAttachLeads(const v1::AttachLeadsRequest& request) {
  common::Violations out;
  CheckRequiredKey(out, "supervision_organiser", request.supervision_organiser());
  CheckRequiredKey(out, "supervision_source_id", request.supervision_source_id());
  if (common::CheckCount(out, "lead_ids", request.lead_ids_size(), 1, kMaxAttachedLeads)) {
    for (int i = 0; i < request.lead_ids_size(); ++i) {
      if (request.lead_ids(i) <= 0) out.push_back({common::At("lead_ids", i), "must be a lead's id (positive)"});
    }
    common::CheckRepeats(out, "lead_ids", "lead_ids", request.lead_ids(),
                         [](int64_t id) { return std::to_string(id); });
  }
  return out;
}

v1::Lead LeadOf(const LeadRow& row) {
  v1::Lead lead;
  lead.set_id(row.id);
  lead.set_rule(row.rule);
  common::ParseStored(row.record, lead.mutable_record());
  common::v1::Finding related;
  common::ParseStored(row.related, &related);
  *lead.mutable_related() = std::move(*related.mutable_related());
  lead.set_city_code(row.city_code);
  lead.set_state(v1::LeadState_IsValid(row.state) ? static_cast<v1::LeadState>(row.state) : v1::LEAD_STATE_UNSPECIFIED);
  lead.set_closed_reason(row.closed_reason);
  lead.set_raised_on(common::FormatIsoDate(row.raised_on));
  lead.set_last_seen_on(common::FormatIsoDate(row.last_seen_on));
  lead.set_still_observed(row.still_observed);
  for (const std::string& s : row.supervisions) lead.add_supervisions(s);
  lead.set_updated_by(row.updated_by);
  lead.set_updated_at(row.updated_at);
  return lead;
}

std::string Rfc3339(std::chrono::system_clock::time_point instant) {
  const std::time_t t = std::chrono::system_clock::to_time_t(instant);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace gongkai::supervision
