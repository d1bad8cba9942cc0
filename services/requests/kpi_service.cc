// RequestsService's methods that only the platform's other services call
// (ROLE_SERVICE; the gateway routes neither): the requests' KPI and
// deadline-rule tallies with the records overdue its gauge counts, and the
// records that trip the lead rules.
#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/calendar/deadline_engine.h"
#include "common/call.h"
#include "common/errors.h"
#include "common/kpi_tallies.h"
#include "services/requests/request_desk.h"
#include "services/requests/request_statistics.h"
#include "services/requests/requests_gauges.h"
#include "services/requests/requests_service.h"

namespace gongkai::requests {
namespace {

using common::v1::ROLE_SERVICE;

bool Names(const std::vector<std::string>& rules, std::string_view rule) {
  return std::find(rules.begin(), rules.end(), rule) != rules.end();
}

// Marks each miss of `answer` open when its request is still not replied (a
// request_reply miss, of either figure) or its consultation still not
// answered, among the facts it was counted from: a miss is past its due
// date, so either is overdue. A reply late or not standardised is not open.
void MarkOpenMisses(common::v1::GetKpiTalliesResponse& answer, const std::vector<RequestFacts>& requests,
                    const std::vector<ConsultationFacts>& consultations) {
  std::set<std::string> unreplied;
  std::set<std::string> unanswered;
  for (const RequestFacts& f : requests) {
    if (!f.replied_on) unreplied.insert(f.id);
  }
  for (const ConsultationFacts& c : consultations) {
    if (!c.answered_on) unanswered.insert(c.id);
  }
  const std::string_view consultation = common::RecordKindName(common::RecordKind::kConsultation);
  for (common::v1::KpiTally& tally : *answer.mutable_tallies()) {
    for (common::v1::RecordLink& miss : *tally.mutable_misses()) {
      const std::set<std::string>& open = miss.kind() == consultation ? unanswered : unreplied;
      miss.set_open(open.contains(miss.key()));
    }
  }
}

}  // namespace

grpc::ServerUnaryReactor* RequestsService::GetKpiTallies(grpc::CallbackServerContext* context,
                                                         const common::v1::GetKpiTalliesRequest* request,
                                                         common::v1::GetKpiTalliesResponse* response) {
  return common::Serve(context, context_, {ROLE_SERVICE}, [=, this](const common::CallerIdentity&) {
    common::ThrowIfAny(common::CheckKpiTalliesRequest(*request), "bad kpi tallies request");
    const ClockAsOf clock = ClockToday();
    const int year = request->year();
    const std::string& city = request->city_code();
    const std::string& agency = request->agency_credit_code();
    const std::vector<RequestFacts> requests = LiveRequestFacts(store_, year, city, agency, clock);
    const std::vector<ConsultationFacts> consultations = store_.ConsultationFactsOf(year, city, agency);
    *response = common::TalliesAnswer(
        *request, KpiTalliesOf(year, clock.today, requests, consultations, request->max_misses()), clock.today);
    MarkOpenMisses(*response, requests, consultations);
    // The gauge's overdue counts, read as the gauge reads them, of the city
    // asked; they are kept per city, so an agency's answer has none.
    if (agency.empty()) {
      for (common::v1::OverdueCount& c : RequestOverdue(clock.today, ReadGaugeFacts(store_, clock, city))) {
        *response->add_overdue() = std::move(c);
      }
    }
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* RequestsService::ListFindings(grpc::CallbackServerContext* context,
                                                        const common::v1::ListFindingsRequest* request,
                                                        common::v1::ListFindingsResponse* response) {
  return common::Serve(context, context_, {ROLE_SERVICE}, [=, this](const common::CallerIdentity&) {
    common::ThrowIfAny(common::CheckFindingsRequest(*request), "bad findings request");
    std::vector<std::string> rules;
    for (const common::v1::LeadRule& rule : request->rules()) rules.push_back(rule.name());

    const ClockAsOf clock = ClockToday();
    std::vector<OpenRequestState> open;
    if (Names(rules, kRequestOverdueRule) || Names(rules, kRequestVeryOverdueRule)) {
      for (const StoredRequest& r : store_.OpenRequestsReceivedIn(request->year(), "", "")) {
        // A history the clock refuses is named where the request is read, not here.
        const auto report = EvaluateRequestClock(r, nullptr, clock);
        if (!report.ok() || !IsOpen(report.value->state)) continue;
        open.push_back({r.id, r.agency_credit_code, r.city_code, DeskDue(*report.value),
                        RequestDeskState(*report.value, clock), report.value->working_days_used,
                        report.value->limit_working_days});
      }
    }
    std::vector<ConsultationFacts> consultations;
    if (Names(rules, kConsultationOverdueRule)) consultations = store_.ConsultationFactsOf(request->year(), "", "");
    *response = FindingsOf(rules, clock.today, open, consultations);
    return grpc::Status::OK;
  });
}

}  // namespace gongkai::requests
