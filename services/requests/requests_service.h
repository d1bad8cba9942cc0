#pragma once

#include <string>

#include "common/calendar/request_clock.h"
#include "common/service_context.h"
#include "gongkai/requests/v1/requests.grpc.pb.h"
#include "services/registry/registry_client.h"
#include "services/requests/request_desk.h"
#include "services/requests/request_store.h"

namespace gongkai::requests {

// The gRPC adapter of the request desk: proto <-> domain, scope (a desk user
// works within its agency; statistics by role), errors. Its methods are in
// requests_service.cc (requests), consultations_service.cc (consultations),
// statistics_service.cc (statistics), annual_report_service.cc (the annual
// report), explain_service.cc (explained deadlines) and kpi_service.cc (the
// tallies and lead findings the platform's other services ask for).
class RequestsService final : public v1::RequestsService::CallbackService {
 public:
  // `applicant_key_secret` keys ApplicantKey (at least 32 bytes, checked at
  // start); a consultation pauses the request clock for at most
  // `consultation_working_days` (GONGKAI_CONSULTATION_WINDOW_WORKING_DAYS).
  RequestsService(RequestStore& store, registry::RegistryClient& registry, common::ServiceContext context,
                  std::string applicant_key_secret,
                  int consultation_working_days = common::RequestClockRules{}.consultation_working_days);

  grpc::ServerUnaryReactor* RegisterRequest(grpc::CallbackServerContext* context,
                                            const v1::RegisterRequestRequest* request,
                                            v1::RequestView* response) override;
  grpc::ServerUnaryReactor* RecordStep(grpc::CallbackServerContext* context, const v1::RecordStepRequest* request,
                                       v1::RequestView* response) override;
  grpc::ServerUnaryReactor* Reply(grpc::CallbackServerContext* context, const v1::ReplyRequest* request,
                                  v1::RequestView* response) override;
  grpc::ServerUnaryReactor* GetRequest(grpc::CallbackServerContext* context, const v1::GetRequestRequest* request,
                                       v1::RequestView* response) override;
  grpc::ServerUnaryReactor* ListOpenRequests(grpc::CallbackServerContext* context,
                                             const v1::ListOpenRequestsRequest* request,
                                             v1::ListOpenRequestsResponse* response) override;
  grpc::ServerUnaryReactor* QuoteFee(grpc::CallbackServerContext* context, const v1::QuoteFeeRequest* request,
                                     v1::QuoteFeeResponse* response) override;
  grpc::ServerUnaryReactor* RegisterConsultation(grpc::CallbackServerContext* context,
                                                 const v1::RegisterConsultationRequest* request,
                                                 v1::ConsultationView* response) override;
  grpc::ServerUnaryReactor* AnswerConsultation(grpc::CallbackServerContext* context,
                                               const v1::AnswerConsultationRequest* request,
                                               v1::ConsultationView* response) override;
  grpc::ServerUnaryReactor* ListOpenConsultations(grpc::CallbackServerContext* context,
                                                  const v1::ListOpenConsultationsRequest* request,
                                                  v1::ListOpenConsultationsResponse* response) override;
  grpc::ServerUnaryReactor* GetStatistics(grpc::CallbackServerContext* context, const v1::GetStatisticsRequest* request,
                                          v1::GetStatisticsResponse* response) override;
  grpc::ServerUnaryReactor* GetAnnualReport(grpc::CallbackServerContext* context,
                                            const v1::GetAnnualReportRequest* request,
                                            v1::AnnualReport* response) override;
  grpc::ServerUnaryReactor* ExplainDeadline(grpc::CallbackServerContext* context,
                                            const v1::ExplainDeadlineRequest* request,
                                            common::v1::DeadlineExplanation* response) override;
  // ROLE_SERVICE only (the supervision service's province view).
  grpc::ServerUnaryReactor* GetKpiTallies(grpc::CallbackServerContext* context,
                                          const common::v1::GetKpiTalliesRequest* request,
                                          common::v1::GetKpiTalliesResponse* response) override;
  grpc::ServerUnaryReactor* ListFindings(grpc::CallbackServerContext* context,
                                         const common::v1::ListFindingsRequest* request,
                                         common::v1::ListFindingsResponse* response) override;

  // Recomputes the stored due dates that rested on a calendar year not loaded
  // then (run after a calendar reload).
  void RecomputeProvisional();

 private:
  // The request clock as of today.
  ClockAsOf ClockToday() const;
  // The request clock over the stored steps and `next` (when given), as of
  // today; an impossible sequence is FAILED_PRECONDITION with the clock's reason.
  common::RequestClockReport Evaluate(const StoredRequest& request, const v1::Step* next) const;
  void ToView(const StoredRequest& request, v1::RequestView* out) const;
  void ToView(const StoredConsultation& consultation, v1::ConsultationView* out) const;
  // The city of the desk's agency; FAILED_PRECONDITION when the registry does not know it.
  std::string CityOfDesk(const std::string& agency);

  RequestStore& store_;
  registry::RegistryClient& registry_;
  const common::ServiceContext context_;
  const std::string applicant_key_secret_;
  const common::RequestClockRules clock_rules_;
};

}  // namespace gongkai::requests
