// RegistryService's methods for enforcement flowcharts (执法流程图) and
// agencies' "三定" provisions (三定规定).
#include "common/batch.h"
#include "common/calendar/iso_date.h"
#include "common/call.h"
#include "common/errors.h"
#include "common/fields.h"
#include "common/paging.h"
#include "services/registry/flowchart.h"
#include "services/registry/registry_service.h"

namespace gongkai::registry {
namespace {

using common::At;
using common::FormatIsoDate;
using common::ParseIsoDate;
using common::ServiceError;
using common::v1::ROLE_CITY;
using common::v1::ROLE_PROVINCE;
using common::v1::ROLE_PUBLIC;

// The domain's stages are the proto's, number for number.
static_assert(static_cast<int>(FlowchartStage::kAcceptance) == v1::ACCEPTANCE &&
              static_cast<int>(FlowchartStage::kInvestigation) == v1::INVESTIGATION &&
              static_cast<int>(FlowchartStage::kReview) == v1::REVIEW &&
              static_cast<int>(FlowchartStage::kDecision) == v1::DECISION &&
              static_cast<int>(FlowchartStage::kExecution) == v1::EXECUTION);

Flowchart FlowchartFromProto(const v1::Flowchart& p) {
  Flowchart f;
  f.agency_credit_code = p.agency_credit_code();
  f.domain = p.domain();
  f.source_version = p.source_version();
  f.changed_on = ParseIsoDate(p.changed_on());
  f.title = p.title();
  for (const auto& s : p.steps()) f.steps.push_back({static_cast<FlowchartStage>(s.stage()), s.description()});
  f.link = p.link();
  return f;
}

void FlowchartToProto(const Flowchart& f, const common::Deadlines& deadlines, common::Date today, v1::Flowchart* p) {
  p->set_agency_credit_code(f.agency_credit_code);
  p->set_domain(f.domain);
  p->set_source_version(f.source_version);
  p->set_changed_on(FormatIsoDate(f.changed_on));
  p->set_title(f.title);
  for (const auto& s : f.steps) {
    auto* step = p->add_steps();
    step->set_stage(static_cast<v1::FlowchartStage>(s.stage));
    step->set_description(s.description);
  }
  p->set_link(f.link);
  p->set_city_code(f.city_code);
  p->set_updated_at(f.updated_at);
  // The 20 WD from the change to the day it was first published, as of today.
  *p->mutable_timeliness() =
      deadlines.Assess(common::RecordKind::kFlowchart, f.changed_on.value(), f.published_on, today);
  p->set_change_seq(f.change_seq);
}

StaffingProvisions ProvisionsFromProto(const v1::StaffingProvisions& p) {
  StaffingProvisions s;
  s.agency_credit_code = p.agency_credit_code();
  s.source_version = p.source_version();
  s.title = p.title();
  s.document_number = p.document_number();
  s.approved_on = ParseIsoDate(p.approved_on());
  s.link = p.link();
  return s;
}

void ProvisionsToProto(const StaffingProvisions& s, v1::StaffingProvisions* p) {
  p->set_agency_credit_code(s.agency_credit_code);
  p->set_source_version(s.source_version);
  p->set_title(s.title);
  p->set_document_number(s.document_number);
  p->set_approved_on(FormatIsoDate(s.approved_on));
  p->set_link(s.link);
  p->set_city_code(s.city_code);
  p->set_updated_at(s.updated_at);
}

// The batch's agencies, read once: an unknown one rejects its record, one
// outside the caller's scope (a city: its own; the province: the provincial
// ones) refuses the whole batch. Their facts, for the rules that follow.
template <typename Record>
std::map<std::string, AgencyFacts> CheckScope(common::BatchWrite<Record>& batch, const common::CallerIdentity& caller,
                                              const std::string& field, FlowchartStore& store) {
  const std::string caller_city = caller.role == ROLE_PROVINCE ? "" : caller.city_code;
  std::map<std::string, AgencyFacts> agencies;
  // The scope is judged here, for a city and the province alike; CheckAgencies
  // (any city) then rejects the records of unknown agencies.
  batch.CheckAgencies("", field, [&](const std::vector<std::string>& codes) {
    agencies = store.AgenciesOf(codes);
    std::map<std::string, std::string> cities;
    for (const auto& [code, facts] : agencies) {
      if (auto refusal = WriteScopeRefusal(code, facts.city_code, caller_city)) {
        throw ServiceError::PermissionDenied(*refusal);
      }
      cities[code] = facts.city_code;
    }
    return cities;
  });
  return agencies;
}

}  // namespace

grpc::ServerUnaryReactor* RegistryService::UpsertFlowcharts(grpc::CallbackServerContext* context,
                                                            const v1::UpsertFlowchartsRequest* request,
                                                            v1::UpsertFlowchartsResponse* response) {
  return common::Serve(context, context_, {ROLE_CITY, ROLE_PROVINCE}, [=, this](const common::CallerIdentity& caller) {
    common::CheckBatchSize(request->flowcharts_size(), max_batch_, "flowcharts");
    const common::Date today = context_.clock.Today();
    common::BatchWrite<Flowchart> batch("flowchart", "flowcharts", response->mutable_results());
    for (int i = 0; i < request->flowcharts_size(); ++i) {
      const auto& proto = request->flowcharts(i);
      Flowchart f = FlowchartFromProto(proto);
      auto violations = ValidateFlowchart(f, At("flowcharts", i), today);
      batch.Add(i, FlowchartKey(proto.agency_credit_code(), proto.domain()), proto.source_version(), proto,
                std::move(f), std::move(violations));
    }
    batch.RejectRepeatedKeys("flowcharts");
    const auto agencies = CheckScope(batch, caller, "flowcharts", stores_.flowcharts);
    batch.CheckEach([&](const Flowchart& f, int index, common::Violations& violations) {
      FlowchartDomainRule(violations, At("flowcharts", index), f.domain, agencies.at(f.agency_credit_code));
    });
    batch.Settle(stores_.flowcharts.UpsertFlowcharts(RejectionScope(caller), batch.Valid(), batch.Rejected(), today));
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* RegistryService::ListFlowcharts(grpc::CallbackServerContext* context,
                                                          const v1::ListFlowchartsRequest* request,
                                                          v1::ListFlowchartsResponse* response) {
  return common::Serve(context, context_, {ROLE_PUBLIC}, [=, this](const common::CallerIdentity&) {
    common::Violations violations;
    common::CheckKeyFilter(violations, "agency_credit_code", request->agency_credit_code());
    common::CheckDomainFilter(violations, "domain", request->domain());
    common::CheckCityFilter(violations, "city_code", request->city_code());
    const common::Page page =
        common::ReadPage(violations, request->page_size(), request->page_token(), 2, kFlowchartPage);
    common::ThrowIfAny(violations, "bad list request");
    FlowchartFilter filter{
        request->agency_credit_code(), request->domain(), request->city_code(), "", "", page.size + 1};
    if (!page.after.empty()) {
      filter.after_agency_credit_code = page.after[0];
      filter.after_domain = page.after[1];
    }
    auto flowcharts = stores_.flowcharts.ListFlowcharts(filter);
    response->set_next_page_token(common::TakePage(flowcharts, page.size, [](const Flowchart& f) {
      return common::PagePosition{f.agency_credit_code, f.domain};
    }));
    const common::Date today = context_.clock.Today();
    for (const auto& f : flowcharts) FlowchartToProto(f, context_.deadlines, today, response->add_flowcharts());
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* RegistryService::ListFlowchartChanges(grpc::CallbackServerContext* context,
                                                                const v1::ListFlowchartChangesRequest* request,
                                                                v1::ListFlowchartChangesResponse* response) {
  return common::Serve(context, context_, {ROLE_PUBLIC}, [=, this](const common::CallerIdentity&) {
    common::Violations violations;
    if (request->after_seq() < 0) violations.push_back({"after_seq", "must not be negative"});
    const int limit = common::ReadPageSize(violations, "limit", request->limit(), kFlowchartFeedPage);
    common::ThrowIfAny(violations, "bad feed request");
    const common::Date today = context_.clock.Today();
    int64_t last = request->after_seq();
    for (const auto& f : stores_.flowcharts.FlowchartChanges(request->after_seq(), limit)) {
      FlowchartToProto(f, context_.deadlines, today, response->add_flowcharts());
      last = f.change_seq;
    }
    response->set_last_seq(last);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* RegistryService::UpsertStaffingProvisions(grpc::CallbackServerContext* context,
                                                                    const v1::UpsertStaffingProvisionsRequest* request,
                                                                    v1::UpsertStaffingProvisionsResponse* response) {
  return common::Serve(context, context_, {ROLE_CITY, ROLE_PROVINCE}, [=, this](const common::CallerIdentity& caller) {
    common::CheckBatchSize(request->provisions_size(), max_batch_, "provisions");
    const common::Date today = context_.clock.Today();
    common::BatchWrite<StaffingProvisions> batch("staffing_provisions", "provisions", response->mutable_results());
    for (int i = 0; i < request->provisions_size(); ++i) {
      const auto& proto = request->provisions(i);
      StaffingProvisions p = ProvisionsFromProto(proto);
      auto violations = ValidateStaffingProvisions(p, At("provisions", i), today);
      batch.Add(i, proto.agency_credit_code(), proto.source_version(), proto, std::move(p), std::move(violations));
    }
    batch.RejectRepeatedKeys("provisions");
    CheckScope(batch, caller, "provisions", stores_.flowcharts);
    batch.Settle(stores_.flowcharts.UpsertProvisions(RejectionScope(caller), batch.Valid(), batch.Rejected(), today));
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* RegistryService::ListStaffingProvisions(grpc::CallbackServerContext* context,
                                                                  const v1::ListStaffingProvisionsRequest* request,
                                                                  v1::ListStaffingProvisionsResponse* response) {
  return common::Serve(context, context_, {ROLE_PUBLIC}, [=, this](const common::CallerIdentity&) {
    common::Violations violations;
    common::CheckKeyFilter(violations, "agency_credit_code", request->agency_credit_code());
    common::CheckCityFilter(violations, "city_code", request->city_code());
    const common::Page page =
        common::ReadPage(violations, request->page_size(), request->page_token(), 1, kProvisionsPage);
    common::ThrowIfAny(violations, "bad list request");
    ProvisionsFilter filter{request->agency_credit_code(), request->city_code(), "", page.size + 1};
    if (!page.after.empty()) filter.after_agency_credit_code = page.after[0];
    auto provisions = stores_.flowcharts.ListProvisions(filter);
    response->set_next_page_token(common::TakePage(
        provisions, page.size, [](const StaffingProvisions& p) { return common::PagePosition{p.agency_credit_code}; }));
    for (const auto& p : provisions) ProvisionsToProto(p, response->add_provisions());
    return grpc::Status::OK;
  });
}

}  // namespace gongkai::registry
