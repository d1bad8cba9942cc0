// RequestsService's yearly statistics and KPIs.
#include <string>

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

grpc::ServerUnaryReactor* RequestsService::GetStatistics(grpc::CallbackServerContext* context,
                                                         const v1::GetStatisticsRequest* request,
                                                         v1::GetStatisticsResponse* response) {
  auto body = [=, this](const common::CallerIdentity& caller) {
    const common::Date today = context_.clock.Today();
    common::Violations violations;
    const int year = StatisticsYear(violations, request->year(), today);
    common::ThrowIfAny(violations, "bad year");
    const StatisticsScope scope = ScopeOf(caller, request->city_code(), request->agency_credit_code());
    ToProto(StatisticsOf(year, today, LiveRequestFacts(store_, year, scope.city, scope.agency, ClockToday()),
                         store_.ConsultationFactsOf(year, scope.city, scope.agency)),
            response);
    return grpc::Status::OK;
  };
  return common::Serve(context, context_, {ROLE_DESK, ROLE_CITY, ROLE_PROVINCE}, body);
}

}  // namespace gongkai::requests
