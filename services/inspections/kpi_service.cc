// InspectionsService: the province view's calls, of the platform's other
// services only (ROLE_SERVICE; no access option, so the gateway routes them
// to nobody): the tallies of the inspections' deadline rules and KPIs with
// the records overdue its gauge counts, and the findings of the lead rules
// whose records this service holds.
#include <algorithm>

#include "common/call.h"
#include "common/errors.h"
#include "common/kpi_tallies.h"
#include "services/inspections/inspection_kpis.h"
#include "services/inspections/inspections_gauges.h"
#include "services/inspections/inspections_service.h"

namespace gongkai::inspections {
namespace {

using common::v1::ROLE_SERVICE;

// The most qualification-list queries one registry call takes.
constexpr std::size_t kListQueriesPerCall = 1'000;

}  // namespace

grpc::ServerUnaryReactor* InspectionsService::GetKpiTallies(grpc::CallbackServerContext* context,
                                                            const common::v1::GetKpiTalliesRequest* request,
                                                            common::v1::GetKpiTalliesResponse* response) {
  return common::Serve(context, context_, {ROLE_SERVICE}, [=, this](const common::CallerIdentity&) {
    common::ThrowIfAny(common::CheckKpiTalliesRequest(*request), "bad tallies request");
    const common::Date today = context_.clock.Today();
    const KpiFilter filter{request->year(), request->city_code(), request->agency_credit_code()};
    const KpiFacts facts = FactsOf(context_.deadlines, registry_);
    auto tallies = ReadTallies(store_, facts, filter, today, request->max_misses());
    *response = common::TalliesAnswer(*request, std::move(tallies), today);
    // The gauge's overdue counts, of the city asked; they are kept per city,
    // so an agency's answer has none.
    if (request->agency_credit_code().empty()) {
      for (common::v1::OverdueCount& c : ReadOverdue(store_, facts, today)) {
        if (request->city_code().empty() || c.city_code() == request->city_code()) {
          *response->add_overdue() = std::move(c);
        }
      }
    }
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* InspectionsService::ListFindings(grpc::CallbackServerContext* context,
                                                           const common::v1::ListFindingsRequest* request,
                                                           common::v1::ListFindingsResponse* response) {
  return common::Serve(context, context_, {ROLE_SERVICE}, [=, this](const common::CallerIdentity&) {
    common::ThrowIfAny(common::CheckFindingsRequest(*request), "bad findings request");
    if (!RunsAnyRule(*request)) return grpc::Status::OK;
    const common::Date today = context_.clock.Today();
    // Whether each agency's list was current on each day, asked in calls the
    // registry takes.
    const ListStates states = [&](const std::vector<ListQuery>& queries) {
      std::vector<ListState> out;
      out.reserve(queries.size());
      for (std::size_t at = 0; at < queries.size(); at += kListQueriesPerCall) {
        std::vector<registry::RegistryClient::QualificationQuery> asked;
        for (std::size_t i = at; i < std::min(queries.size(), at + kListQueriesPerCall); ++i) {
          asked.push_back({queries[i].agency_credit_code, queries[i].on});
        }
        const auto answers = registry_.QualificationLists(asked);
        if (answers.size() != asked.size()) {
          throw common::ServiceError::Unavailable("the registry answered " + std::to_string(answers.size()) +
                                                  " qualification-list queries of " + std::to_string(asked.size()));
        }
        for (const auto& answer : answers) {
          out.push_back({answer.known && answer.current,
                         answer.known ? answer.reason : "the agency is not known to the registry"});
        }
      }
      return out;
    };
    *response = Findings(*request, store_.ReadKpiRecords({request->year(), "", ""}),
                         FactsOf(context_.deadlines, registry_), states, today);
    return grpc::Status::OK;
  });
}

}  // namespace gongkai::inspections
