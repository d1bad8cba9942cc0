// RegistryService's methods that only the platform's other services call
// (ROLE_SERVICE, each with its own identity; the gateway routes none of
// them): certificates checked over a period, powers items by source id, the
// annual inspection plans published, which the coverage counts, the
// enforcement units the case-file reviews must cover, qualification lists on
// given days, and the registry's KPI tallies.
#include "common/batch.h"
#include "common/calendar/iso_date.h"
#include "common/call.h"
#include "common/errors.h"
#include "common/kpi_tallies.h"
#include "services/registry/inspection_plan.h"
#include "services/registry/public_size.h"
#include "services/registry/registry_mapping.h"
#include "services/registry/registry_service.h"
#include "services/registry/registry_tallies.h"

namespace gongkai::registry {
namespace {

using common::v1::ROLE_SERVICE;

// A request's violations, at most common::kMaxRecordViolations of them: a
// status carries them in its trailers.
void ThrowIfAnyCapped(common::Violations violations, const std::string& list, const std::string& what) {
  common::ThrowIfAny(common::CappedViolations(std::move(violations), list), what);
}

}  // namespace

// For the inspections service: whether each of a task's officers may check
// over its whole check period, and whose officer each is. Read from the
// verification index (every certificate's status, validity and agency).
grpc::ServerUnaryReactor* RegistryService::CheckCertificates(grpc::CallbackServerContext* context,
                                                             const v1::CheckCertificatesRequest* request,
                                                             v1::CheckCertificatesResponse* response) {
  return common::Serve(context, context_, {ROLE_SERVICE}, [=, this](const common::CallerIdentity&) {
    const std::vector<std::string> numbers(request->certificate_numbers().begin(),
                                           request->certificate_numbers().end());
    const auto from = common::ParseIsoDate(request->from());
    const auto to = common::ParseIsoDate(request->to());
    ThrowIfAnyCapped(ValidateCertificateCheck(numbers, from, to), "certificate_numbers", "bad certificate check");
    for (const auto& number : numbers) {
      auto* check = response->add_checks();
      check->set_certificate_number(number);
      const std::optional<Officer> officer = stores_.certificates.ByCertificate(number);
      if (!officer) {
        check->set_verdict(v1::VerifyCertificateResponse::UNKNOWN);
        continue;
      }
      check->set_known(true);
      check->set_agency_credit_code(officer->agency_credit_code);
      check->set_valid_over_period(ValidOverPeriod(*officer, *from, *to));
      check->set_verdict(VerdictToProto(Judge(*officer, *from)));
    }
    return grpc::Status::OK;
  });
}

// For the inspections service: the items a plan or a task names, of its
// agencies, to check their category and random-check flag.
grpc::ServerUnaryReactor* RegistryService::GetPowersItems(grpc::CallbackServerContext* context,
                                                          const v1::GetPowersItemsRequest* request,
                                                          v1::GetPowersItemsResponse* response) {
  return common::Serve(context, context_, {ROLE_SERVICE}, [=, this](const common::CallerIdentity&) {
    common::ThrowIfAny(ValidatePowersQuery(request->agency_credit_codes_size(), request->source_ids_size()),
                       "bad powers items request");
    const std::vector<std::string> agencies(request->agency_credit_codes().begin(),
                                            request->agency_credit_codes().end());
    const std::vector<std::string> ids(request->source_ids().begin(), request->source_ids().end());
    for (const auto& item : stores_.powers.Find(agencies, ids)) PowersItemSummaryToProto(item, response->add_items());
    return grpc::Status::OK;
  });
}

// From the inspections service: the annual inspection plans published, for
// the coverage item "inspection_plan". Sent again (the same notices, or a
// later day of a plan already recorded), nothing changes.
grpc::ServerUnaryReactor* RegistryService::RecordInspectionPlans(grpc::CallbackServerContext* context,
                                                                 const v1::RecordInspectionPlansRequest* request,
                                                                 v1::RecordInspectionPlansResponse* response) {
  return common::Serve(context, context_, {ROLE_SERVICE}, [=, this](const common::CallerIdentity&) {
    std::vector<InspectionPlan> notices;
    for (const auto& n : request->notices()) notices.push_back(InspectionPlanFromProto(n));
    ThrowIfAnyCapped(ValidateInspectionPlans(notices), "notices", "bad inspection plan notices");
    const AgencyStore::PlansResult result = stores_.agencies.RecordInspectionPlans(notices);
    response->set_recorded(result.recorded);
    response->set_unknown_agencies(result.unknown_agencies);
    return grpc::Status::OK;
  });
}

// For the supervision service: every enforcement unit, by credit code, for
// the case-file review coverage (reviewed units over units). One answer of
// at most kMaxEnforcementUnits units and 4 MB; past either, no part of the
// list but FAILED_PRECONDITION naming the bound.
grpc::ServerUnaryReactor* RegistryService::ListEnforcementUnits(grpc::CallbackServerContext* context,
                                                                const v1::ListEnforcementUnitsRequest*,
                                                                v1::ListEnforcementUnitsResponse* response) {
  return common::Serve(context, context_, {ROLE_SERVICE}, [=, this](const common::CallerIdentity&) {
    const std::vector<EnforcementUnit> units = stores_.powers.EnforcementUnits(kMaxEnforcementUnits + 1);
    if (units.size() > kMaxEnforcementUnits) {
      throw common::ServiceError::FailedPrecondition(std::string("more than ") + std::to_string(kMaxEnforcementUnits) +
                                                     " enforcement units, the most one answer lists");
    }
    for (const auto& unit : units) {
      v1::EnforcementUnit* out = response->add_units();
      out->set_credit_code(unit.credit_code);
      out->set_name(unit.name);
      out->set_city_code(unit.city_code);
    }
    if (response->ByteSizeLong() > kPublicAnswerBytes) {
      response->Clear();
      throw common::ServiceError::FailedPrecondition(std::string("the enforcement units' list passes ") +
                                                     std::to_string(kPublicAnswerBytes) +
                                                     " bytes, the most one answer holds");
    }
    return grpc::Status::OK;
  });
}

// For the penalties and inspections services' lead rules: whether each
// agency's qualification list was current on the day asked, in the order
// asked (QualificationListOn), read in one statement.
grpc::ServerUnaryReactor* RegistryService::CheckQualificationLists(grpc::CallbackServerContext* context,
                                                                   const v1::CheckQualificationListsRequest* request,
                                                                   v1::CheckQualificationListsResponse* response) {
  return common::Serve(context, context_, {ROLE_SERVICE}, [=, this](const common::CallerIdentity&) {
    std::vector<QualificationQuery> queries;
    std::vector<std::string> codes;
    for (const auto& q : request->queries()) {
      queries.push_back({q.agency_credit_code(), common::ParseIsoDate(q.on())});
      codes.push_back(q.agency_credit_code());
    }
    ThrowIfAnyCapped(ValidateQualificationQueries(queries), "queries", "bad qualification list check");
    const std::map<std::string, Agency> agencies = stores_.agencies.GetMany(codes);
    for (const auto& q : queries) {
      v1::QualificationAnswer* answer = response->add_answers();
      const auto agency = agencies.find(q.agency_credit_code);
      if (agency == agencies.end()) {
        answer->set_reason("the agency is not registered");
        continue;
      }
      const QualificationStanding standing = QualificationListOn(agency->second, context_.deadlines, *q.on);
      answer->set_known(true);
      answer->set_current(standing.current);
      answer->set_reason(standing.reason);
    }
    return grpc::Status::OK;
  });
}

// For the supervision service's province view: the coverage KPI and the
// registry's deadline rules counted per agency for the request's year and
// filters (RegistryTallies, which the gauges export too), grouped by city
// when asked.
grpc::ServerUnaryReactor* RegistryService::GetKpiTallies(grpc::CallbackServerContext* context,
                                                         const common::v1::GetKpiTalliesRequest* request,
                                                         common::v1::GetKpiTalliesResponse* response) {
  return common::Serve(context, context_, {ROLE_SERVICE}, [=, this](const common::CallerIdentity&) {
    common::ThrowIfAny(common::CheckKpiTalliesRequest(*request), "bad KPI tallies request");
    const common::Date today = context_.clock.Today();
    *response =
        common::TalliesAnswer(*request, RegistryTallies(stores_.agencies, *request, context_.deadlines, today), today);
    return grpc::Status::OK;
  });
}

}  // namespace gongkai::registry
