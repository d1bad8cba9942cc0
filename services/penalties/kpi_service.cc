// PenaltiesService: the supervision service's province view (ROLE_SERVICE
// only; the gateway routes neither method): the tallies of the penalties'
// deadline rules and of the key-domain KPI with the records overdue its
// gauge counts (penalties_gauges.h), and the lead rules this service holds
// the records of (penalty_kpis.h).
#include <utility>

#include "common/call.h"
#include "common/errors.h"
#include "common/kpi_tallies.h"
#include "services/penalties/penalties_gauges.h"
#include "services/penalties/penalties_service.h"
#include "services/penalties/penalty_kpis.h"

namespace gongkai::penalties {

using common::v1::ROLE_SERVICE;

grpc::ServerUnaryReactor* PenaltiesService::GetKpiTallies(grpc::CallbackServerContext* context,
                                                          const common::v1::GetKpiTalliesRequest* request,
                                                          common::v1::GetKpiTalliesResponse* response) {
  return common::Serve(context, context_, {ROLE_SERVICE}, [=, this](const common::CallerIdentity&) {
    common::ThrowIfAny(common::CheckKpiTalliesRequest(*request), "bad kpi tallies request");
    const common::Date today = context_.clock.Today();
    *response = common::TalliesAnswer(*request, PenaltyTallies(store_, context_.deadlines, today, *request), today);
    // The gauge's overdue counts, of the city asked; they are kept per city,
    // so an agency's answer has none.
    if (request->agency_credit_code().empty()) {
      for (common::v1::OverdueCount& c : PenaltyOverdue(store_.PublicationCounts(), context_.deadlines, today)) {
        if (request->city_code().empty() || c.city_code() == request->city_code()) {
          *response->add_overdue() = std::move(c);
        }
      }
    }
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* PenaltiesService::ListFindings(grpc::CallbackServerContext* context,
                                                         const common::v1::ListFindingsRequest* request,
                                                         common::v1::ListFindingsResponse* response) {
  return common::Serve(context, context_, {ROLE_SERVICE}, [=, this](const common::CallerIdentity&) {
    common::ThrowIfAny(common::CheckFindingsRequest(*request), "bad findings request");
    *response = PenaltyFindings(store_, registry_, context_.deadlines, context_.clock.Today(), *request);
    return grpc::Status::OK;
  });
}

}  // namespace gongkai::penalties
