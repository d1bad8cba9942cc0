// PenaltiesService: 表二's enforcement rows of the annual report
// (政府信息公开工作年度报告, 第二十条第（八）项 行政处罚 and 第（九）项 行政强制:
// 本年处理决定数量), per agency for a year, in the caller's scope.
#include <chrono>
#include <string>

#include "common/call.h"
#include "common/errors.h"
#include "common/fields.h"
#include "services/penalties/penalties_service.h"

namespace gongkai::penalties {
namespace {

using common::ServiceError;
using common::v1::ROLE_CITY;
using common::v1::ROLE_DESK;
using common::v1::ROLE_PROVINCE;

constexpr int kFirstYear = 1990;  // the earliest decision date a record may carry

// The records counted: a city and an agency ("" = every one).
struct CountScope {
  std::string city;
  std::string agency;
};

// As the requests service scopes its statistics: a desk reads its agency
// whatever it asks; a city its own agencies (one of them when it names it),
// and naming another city is PERMISSION_DENIED; the province all, or one
// city or agency.
CountScope ScopeOf(const common::CallerIdentity& caller, const std::string& city_code,
                   const std::string& agency_credit_code) {
  if (caller.role == ROLE_DESK) return {"", caller.agency};
  if (caller.role == ROLE_CITY) {
    if (!city_code.empty() && city_code != caller.city_code) {
      throw ServiceError::PermissionDenied("city_code: " + city_code + " is not the caller's city " + caller.city_code +
                                           ": a city reads its own agencies' counts");
    }
    return {caller.city_code, agency_credit_code};
  }
  return {city_code, agency_credit_code};
}

// 表二's two enforcement rows as CSV with CRLF line ends, as the requests
// service writes its annual report. No field of it holds a comma, a quote or
// a line break, so none is quoted.
std::string EnforcementCsv(int penalty_decisions, int coercive_measures) {
  return "表二 主动公开政府信息情况（行政执法部分）\r\n"
         ",本年处理决定数量\r\n"
         "第二十条第（八）项 行政处罚," +
         std::to_string(penalty_decisions) +
         "\r\n"
         "第二十条第（九）项 行政强制," +
         std::to_string(coercive_measures) + "\r\n";
}

}  // namespace

grpc::ServerUnaryReactor* PenaltiesService::GetAnnualEnforcementCounts(
    grpc::CallbackServerContext* context, const v1::GetAnnualEnforcementCountsRequest* request,
    v1::AnnualEnforcementCounts* response) {
  auto body = [=, this](const common::CallerIdentity& caller) {
    const int last_year = static_cast<int>(std::chrono::year_month_day(context_.clock.Today()).year()) + 1;
    common::Violations violations;
    if (request->year() < kFirstYear || request->year() > last_year) {
      violations.push_back({"year", "must be " + std::to_string(kFirstYear) + ".." + std::to_string(last_year) +
                                        " (got " + std::to_string(request->year()) + ")"});
    }
    common::CheckCityFilter(violations, "city_code", request->city_code());
    common::CheckKeyFilter(violations, "agency_credit_code", request->agency_credit_code());
    common::ThrowIfAny(violations, "bad enforcement counts request");
    const CountScope scope = ScopeOf(caller, request->city_code(), request->agency_credit_code());

    int penalty_decisions = 0;
    int coercive_measures = 0;
    for (const EnforcementCount& c : store_.AnnualEnforcementCounts(request->year(), scope.city, scope.agency)) {
      auto* agency = response->add_agencies();
      agency->set_agency_credit_code(c.agency_credit_code);
      agency->set_city_code(c.city_code);
      agency->set_penalty_decisions(c.penalty_decisions);
      agency->set_coercive_measures(c.coercive_measures);
      penalty_decisions += c.penalty_decisions;
      coercive_measures += c.coercive_measures;
    }
    response->set_year(request->year());
    response->set_penalty_decisions(penalty_decisions);
    response->set_coercive_measures(coercive_measures);
    response->set_csv(EnforcementCsv(penalty_decisions, coercive_measures));
    return grpc::Status::OK;
  };
  return common::Serve(context, context_, {ROLE_DESK, ROLE_CITY, ROLE_PROVINCE}, body);
}

}  // namespace gongkai::penalties
