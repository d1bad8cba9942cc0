// RequestsService's annual report (表三, 表四 of the national template).
#include "common/call.h"
#include "common/errors.h"
#include "services/requests/request_desk.h"
#include "services/requests/request_statistics.h"
#include "services/requests/requests_mapping.h"
#include "services/requests/requests_service.h"

namespace gongkai::requests {

using common::v1::ROLE_CITY;
using common::v1::ROLE_DESK;
using common::v1::ROLE_PROVINCE;

grpc::ServerUnaryReactor* RequestsService::GetAnnualReport(grpc::CallbackServerContext* context,
                                                           const v1::GetAnnualReportRequest* request,
                                                           v1::AnnualReport* response) {
  auto body = [=, this](const common::CallerIdentity& caller) {
    common::Violations violations;
    const int year = StatisticsYear(violations, request->year(), context_.clock.Today());
    common::ThrowIfAny(violations, "bad year");
    const StatisticsScope scope = ScopeOf(caller, request->city_code(), request->agency_credit_code());
    ToProto(AnnualReportOf(year, LiveRequestFacts(store_, year, scope.city, scope.agency, ClockToday()),
                           store_.LegalFactsOf(scope.city, scope.agency)),
            response);
    return grpc::Status::OK;
  };
  return common::Serve(context, context_, {ROLE_DESK, ROLE_CITY, ROLE_PROVINCE}, body);
}

}  // namespace gongkai::requests
