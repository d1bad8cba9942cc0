#include "services/registry/registry_service.h"

#include "common/batch.h"
#include "common/calendar/iso_date.h"
#include "common/call.h"
#include "common/errors.h"
#include "common/fields.h"
#include "common/paging.h"
#include "services/registry/bounds.h"
#include "services/registry/coverage.h"
#include "services/registry/inspection_plan.h"
#include "services/registry/public_size.h"
#include "services/registry/registry_mapping.h"

namespace gongkai::registry {

std::string RejectionScope(const common::CallerIdentity& caller) {
  return caller.role == common::v1::ROLE_PROVINCE ? "province" : caller.city_code;
}

namespace {

using common::At;
using common::RecordKind;
using common::ServiceError;
using common::v1::ROLE_CITY;
using common::v1::ROLE_PROVINCE;
using common::v1::ROLE_PUBLIC;
using common::v1::ROLE_SERVICE;

// A timeliness block as Deadlines::Assess writes one, for a deadline of the
// rule `kind` that the domain computed itself.
common::v1::Timeliness TimelinessToProto(RecordKind kind, const common::Timeliness& t) {
  common::v1::Timeliness out;
  out.set_rule(std::string(common::RecordKindName(kind)));
  out.set_clock_start(common::FormatIsoDate(t.clock_start));
  out.set_due(common::FormatIsoDate(t.due));
  if (t.done) out.set_done(common::FormatIsoDate(*t.done));
  // The proto's statuses follow TimelinessStatus, from 1 (0 is unspecified).
  static_assert(static_cast<int>(common::TimelinessStatus::kOnTime) + 1 == common::v1::Timeliness::ON_TIME &&
                static_cast<int>(common::TimelinessStatus::kVeryOverdue) + 1 == common::v1::Timeliness::VERY_OVERDUE);
  out.set_status(static_cast<common::v1::Timeliness::Status>(static_cast<int>(t.status) + 1));
  out.set_lag_working_days(t.lag_working_days);
  out.set_provisional(t.provisional);
  return out;
}

// What the registry says of an agency besides its own fields: its
// qualification list's timeliness this year and whether its validity has
// ended.
void AddAgencyDerived(const Agency& a, const common::Deadlines& deadlines, common::Date today, v1::Agency* p) {
  *p->mutable_qualification_list() =
      TimelinessToProto(RecordKind::kQualificationList,
                        QualificationListTimeliness(a.qualification_confirmed_on, a.created_on, deadlines, today));
  p->set_expired(IsExpired(a, today));
}

}  // namespace

RegistryService::RegistryService(RegistryStores stores, common::ServiceContext context, int max_batch)
    : stores_(stores), context_(context), max_batch_(max_batch) {}

grpc::ServerUnaryReactor* RegistryService::UpsertAgencies(grpc::CallbackServerContext* context,
                                                          const v1::UpsertAgenciesRequest* request,
                                                          v1::UpsertAgenciesResponse* response) {
  return common::Serve(context, context_, {ROLE_CITY, ROLE_PROVINCE}, [=, this](const common::CallerIdentity& caller) {
    common::CheckBatchSize(request->agencies_size(), max_batch_, "agencies");
    common::BatchWrite<Agency> batch("agency", "agencies", response->mutable_results());
    for (int i = 0; i < request->agencies_size(); ++i) {
      const auto& proto = request->agencies(i);
      Agency agency = AgencyFromProto(proto);
      // Scope first: a city writes only its own agencies, the province only
      // provincial ones (agency.h), and a batch that reaches outside the
      // caller's is refused whole.
      const auto refusal = caller.role == ROLE_PROVINCE ? ProvinceRegistrationRefusal(agency)
                                                        : CityRegistrationRefusal(agency, caller.city_code);
      if (refusal) throw ServiceError::PermissionDenied(At("agencies", i) + ": " + *refusal);
      agency.city_code = RegistrantOf(agency.credit_code);
      auto violations = ValidateAgency(agency, At("agencies", i));
      batch.Add(i, proto.credit_code(), proto.source_version(), proto, std::move(agency), std::move(violations));
    }
    batch.RejectRepeatedKeys("agencies");
    auto stored =
        stores_.agencies.UpsertBatch(RejectionScope(caller), batch.Valid(), batch.Rejected(), context_.clock.Today());
    if (!stored.foreign.empty()) {
      throw ServiceError::PermissionDenied("agency " + stored.foreign.front() + " is registered to another city");
    }
    batch.Settle(stored.outcomes);
    return grpc::Status::OK;
  });
}

// The public's lookup, and the other services' (GrpcRegistryClient::Agency),
// whose calls run outside the public's lane.
grpc::ServerUnaryReactor* RegistryService::GetAgency(grpc::CallbackServerContext* context,
                                                     const v1::GetAgencyRequest* request, v1::Agency* response) {
  return common::Serve(context, context_, {ROLE_PUBLIC, ROLE_SERVICE}, [=, this](const common::CallerIdentity&) {
    common::Violations violations;
    CheckCreditCodeField(violations, "credit_code", request->credit_code());
    common::ThrowIfAny(violations, "bad credit code");
    auto agency = stores_.agencies.Get(request->credit_code());
    if (!agency) throw ServiceError::NotFound("no agency " + request->credit_code());
    AgencyToProto(*agency, response);
    AddAgencyDerived(*agency, context_.deadlines, context_.clock.Today(), response);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* RegistryService::ListAgencies(grpc::CallbackServerContext* context,
                                                        const v1::ListAgenciesRequest* request,
                                                        v1::ListAgenciesResponse* response) {
  return common::Serve(context, context_, {ROLE_PUBLIC}, [=, this](const common::CallerIdentity&) {
    common::Violations violations;
    common::CheckCityFilter(violations, "city_code", request->city_code());
    common::CheckDomainFilter(violations, "domain", request->domain());
    const common::Page page = common::ReadPage(violations, request->page_size(), request->page_token(), 1, kAgencyPage);
    common::ThrowIfAny(violations, "bad list request");

    auto agencies = stores_.agencies.List(
        {request->city_code(), request->domain(), page.after.empty() ? "" : page.after[0], page.size + 1});
    response->set_next_page_token(
        common::TakePage(agencies, page.size, [](const Agency& a) { return common::PagePosition{a.credit_code}; }));
    const common::Date today = context_.clock.Today();
    for (const auto& a : agencies) {
      auto* p = response->add_agencies();
      AgencyToProto(a, p);
      AddAgencyDerived(a, context_.deadlines, today, p);
    }
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* RegistryService::ListRejections(grpc::CallbackServerContext* context,
                                                          const v1::ListRejectionsRequest* request,
                                                          v1::ListRejectionsResponse* response) {
  return common::Serve(context, context_, {ROLE_CITY, ROLE_PROVINCE}, [=, this](const common::CallerIdentity& caller) {
    const std::string scope = RejectionScope(caller);
    response->set_next_page_token(common::RejectionsPage(
        [&](int64_t before, int limit) { return stores_.agencies.ListRejections(scope, before, limit); },
        request->page_token(), request->page_size(), response->mutable_rejections()));
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* RegistryService::ConfirmQualificationLists(
    grpc::CallbackServerContext* context, const v1::ConfirmQualificationListsRequest* request,
    v1::ConfirmQualificationListsResponse* response) {
  // A city confirms its agencies' lists, the province its provincial agencies'.
  return common::Serve(context, context_, {ROLE_CITY, ROLE_PROVINCE}, [=, this](const common::CallerIdentity& caller) {
    common::CheckBatchSize(request->credit_codes_size(), max_batch_, "credit_codes");
    std::vector<std::string> codes(request->credit_codes().begin(), request->credit_codes().end());
    auto result = stores_.agencies.ConfirmQualificationLists(RejectionScope(caller), codes, context_.clock.Today());
    if (!result.foreign.empty()) {
      throw ServiceError::PermissionDenied(
          caller.role == ROLE_PROVINCE
              ? "agency " + result.foreign.front() +
                    " is not a provincial agency; the province confirms only provincial agencies' lists"
              : "agency " + result.foreign.front() + " is registered to another city");
    }
    for (std::size_t i = 0; i < codes.size(); ++i) {
      auto* r = response->add_results();
      r->set_index(static_cast<int>(i));
      r->set_key(codes[i]);
      if (result.confirmed[i]) {
        r->set_outcome(common::v1::RecordResult::ACCEPTED);
      } else {
        r->set_outcome(common::v1::RecordResult::REJECTED);
        common::WriteViolations({{At("credit_codes", static_cast<int>(i)), "no such agency in the registry"}},
                                r->mutable_violations());
      }
    }
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* RegistryService::GetCoverage(grpc::CallbackServerContext* context,
                                                       const v1::GetCoverageRequest* request,
                                                       v1::GetCoverageResponse* response) {
  return common::Serve(context, context_, {ROLE_PUBLIC}, [=, this](const common::CallerIdentity&) {
    common::Violations violations;
    common::CheckCityFilter(violations, "city_code", request->city_code());
    if (!request->agency_credit_code().empty()) {
      CheckCreditCodeField(violations, "agency_credit_code", request->agency_credit_code());
    }
    const common::Page page =
        common::ReadPage(violations, request->page_size(), request->page_token(), 1, kCoveragePage);
    common::ThrowIfAny(violations, "bad coverage request");
    const common::Date today = context_.clock.Today();
    // The totals are over every agency the filters match; the agencies are
    // listed a page at a time, by credit code, after the token's.
    std::vector<AgencyCoverage> all;
    std::vector<AgencyCoverage> listed;
    for (const auto& facts : stores_.agencies.Coverage(request->city_code(), request->agency_credit_code(),
                                                       InspectionPlanYear(today), today)) {
      all.push_back(CoverageOf(facts, context_.deadlines, today));
      const bool after = page.after.empty() || facts.credit_code > page.after[0];
      if (after && static_cast<int>(listed.size()) <= page.size) listed.push_back(all.back());
    }
    response->set_next_page_token(common::TakePage(
        listed, page.size, [](const AgencyCoverage& c) { return common::PagePosition{c.facts.credit_code}; }));
    for (const auto& c : listed) CoverageToProto(c, response->add_agencies());
    const CoverageTotals totals = Totals(all);
    response->set_items_present(totals.present);
    response->set_items_required(totals.required);
    response->set_ratio(totals.ratio());
    return grpc::Status::OK;
  });
}

}  // namespace gongkai::registry
