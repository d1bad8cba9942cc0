// SupervisionService: supervision leads (监督线索) as supervisors handle them:
// listed, taken in hand, closed or reopened, attached to a special
// supervision as its evidence.
#include <map>
#include <string>
#include <vector>

#include "common/call.h"
#include "common/errors.h"
#include "services/supervision/leads.h"
#include "services/supervision/supervision_service.h"

namespace gongkai::supervision {
namespace {

using common::ServiceError;
using common::v1::ROLE_CITY;
using common::v1::ROLE_PROVINCE;

// The leads of `ids` the caller sees, by id; NOT_FOUND naming the first
// that is absent or of another city (never told apart).
std::map<int64_t, LeadRow> LeadsInScope(SupervisionStore& store, const std::vector<int64_t>& ids,
                                        const common::CallerIdentity& caller) {
  std::map<int64_t, LeadRow> found;
  for (LeadRow& lead : store.GetLeads(ids)) {
    if (InScope(lead, caller)) found.emplace(lead.id, std::move(lead));
  }
  for (int64_t id : ids) {
    if (!found.contains(id)) throw ServiceError::NotFound("no lead " + std::to_string(id));
  }
  return found;
}

}  // namespace

grpc::ServerUnaryReactor* SupervisionService::ListLeads(grpc::CallbackServerContext* context,
                                                        const v1::ListLeadsRequest* request,
                                                        v1::ListLeadsResponse* response) {
  return common::Serve(context, context_, {ROLE_CITY, ROLE_PROVINCE}, [=, this](const common::CallerIdentity& caller) {
    common::Violations violations;
    const LeadsPage page = ReadLeadsPage(violations, *request, caller, context_.clock.Today());
    common::ThrowIfAny(violations, "bad list request");
    auto rows = store_.ListLeads(page.filter);
    response->set_next_page_token(common::TakePage(
        rows, page.page_size, [](const LeadRow& last) { return common::PagePosition{std::to_string(last.id)}; }));
    for (const LeadRow& row : rows) *response->add_leads() = LeadOf(row);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* SupervisionService::SetLeadState(grpc::CallbackServerContext* context,
                                                           const v1::SetLeadStateRequest* request, v1::Lead* response) {
  return common::Serve(context, context_, {ROLE_CITY, ROLE_PROVINCE}, [=, this](const common::CallerIdentity& caller) {
    common::ThrowIfAny(CheckSetLeadState(*request), "bad lead state change");
    const LeadRow lead = std::move(LeadsInScope(store_, {request->id()}, caller).begin()->second);
    const auto from = static_cast<v1::LeadState>(lead.state);
    if (auto refusal = TransitionRefusal(from, request->state())) {
      throw ServiceError::FailedPrecondition("lead " + std::to_string(lead.id) + ": " + *refusal);
    }
    LeadStateChange change;
    change.id = lead.id;
    change.from = lead.state;
    change.to = static_cast<int>(request->state());
    change.closed_reason = request->state() == v1::LEAD_CLOSED ? request->reason() : std::string();
    change.updated_by = caller.principal;
    change.updated_at = Rfc3339(context_.clock.Now());
    const auto changed = store_.SetLeadState(change);
    if (!changed) {
      throw ServiceError(grpc::StatusCode::ABORTED, "lead " + std::to_string(lead.id) + " left " +
                                                        v1::LeadState_Name(from) +
                                                        " while this change was made; read it again");
    }
    *response = LeadOf(*changed);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* SupervisionService::AttachLeads(grpc::CallbackServerContext* context,
                                                          const v1::AttachLeadsRequest* request,
                                                          v1::AttachLeadsResponse* response) {
  return common::Serve(context, context_, {ROLE_CITY, ROLE_PROVINCE}, [=, this](const common::CallerIdentity& caller) {
    common::ThrowIfAny(CheckAttachLeads(*request), "bad attach request");
    const auto supervision =
        store_.Get(RecordKind::kSupervision, request->supervision_organiser(), request->supervision_source_id());
    if (!supervision) {
      throw ServiceError::NotFound("no supervision " + request->supervision_source_id() + " of agency " +
                                   request->supervision_organiser());
    }
    if (caller.role == ROLE_CITY && supervision->city_code != caller.city_code) {
      throw ServiceError::PermissionDenied("supervision " + request->supervision_source_id() + " of agency " +
                                           request->supervision_organiser() + " is of city " + supervision->city_code +
                                           ", not " + caller.city_code);
    }
    const std::vector<int64_t> ids(request->lead_ids().begin(), request->lead_ids().end());
    LeadsInScope(store_, ids, caller);
    response->set_attached(store_.AttachLeads(request->supervision_organiser(), request->supervision_source_id(), ids));
    return grpc::Status::OK;
  });
}

}  // namespace gongkai::supervision
