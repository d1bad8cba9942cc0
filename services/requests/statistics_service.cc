// RequestsService's yearly statistics and KPIs.
#include <string>

#include "common/call.h"
#include "common/errors.h"
#include "services/requests/request_statistics.h"
#include "services/requests/requests_mapping.h"
#include "services/requests/requests_service.h"

namespace gongkai::requests {
namespace {

using common::ServiceError;
using common::v1::ROLE_CITY;
using common::v1::ROLE_DESK;
using common::v1::ROLE_PROVINCE;

// What a caller's statistics cover (empty: all): a desk sees its own agency,
// a city its own city (asking for another's is PERMISSION_DENIED), the
// province the city and agency it asks for.
struct Scope {
  std::string city;
  std::string agency;
};

Scope ScopeOf(const common::CallerIdentity& caller, const v1::GetStatisticsRequest& request) {
  if (caller.role == ROLE_DESK) return {"", caller.agency};
  if (caller.role == ROLE_CITY) {
    if (!request.city_code().empty() && request.city_code() != caller.city_code) {
      throw ServiceError::PermissionDenied("another city's statistics");
    }
    return {caller.city_code, request.agency_credit_code()};
  }
  return {request.city_code(), request.agency_credit_code()};
}

}  // namespace

grpc::Status RequestsService::GetStatistics(grpc::ServerContext* context, const v1::GetStatisticsRequest* request,
                                            v1::GetStatisticsResponse* response) {
  auto body = [&](const common::CallerIdentity& caller) {
    const common::Date today = context_.clock.Today();
    common::Violations violations;
    const int year = StatisticsYear(violations, request->year(), today);
    common::ThrowIfAny(violations, "bad year");
    const Scope scope = ScopeOf(caller, *request);
    ToProto(StatisticsOf(year, today, store_.RequestFactsOf(year, scope.city, scope.agency),
                         store_.ConsultationFactsOf(year, scope.city, scope.agency)),
            response);
    return grpc::Status::OK;
  };
  return common::Call(*context, context_.signer, {ROLE_DESK, ROLE_CITY, ROLE_PROVINCE}, body);
}

}  // namespace gongkai::requests
