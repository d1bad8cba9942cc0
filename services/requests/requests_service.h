#pragma once

#include <memory>

#include "common/calendar/request_clock.h"
#include "common/deadlines.h"
#include "common/identity.h"
#include "common/scrape_gauges.h"
#include "gongkai/requests/v1/requests.grpc.pb.h"
#include "services/registry/agency_directory.h"
#include "services/requests/request_store.h"

namespace gongkai::requests {

// The gRPC adapter of the request desk: proto <-> domain, the request clock,
// scope (a desk user works within its agency), errors.
class RequestsService final : public v1::RequestsService::Service {
 public:
  RequestsService(RequestStore& store, registry::AgencyDirectory& agencies, const common::IdentitySigner& signer,
                  const common::Deadlines& deadlines);

  grpc::Status RegisterRequest(grpc::ServerContext* context, const v1::RegisterRequestRequest* request,
                               v1::RequestView* response) override;
  grpc::Status RecordStep(grpc::ServerContext* context, const v1::RecordStepRequest* request,
                          v1::RequestView* response) override;
  grpc::Status Reply(grpc::ServerContext* context, const v1::ReplyRequest* request,
                     v1::RequestView* response) override;
  grpc::Status GetRequest(grpc::ServerContext* context, const v1::GetRequestRequest* request,
                          v1::RequestView* response) override;
  grpc::Status ListOpenRequests(grpc::ServerContext* context, const v1::ListOpenRequestsRequest* request,
                                v1::ListOpenRequestsResponse* response) override;
  grpc::Status QuoteFee(grpc::ServerContext* context, const v1::QuoteFeeRequest* request,
                        v1::QuoteFeeResponse* response) override;
  grpc::Status RegisterConsultation(grpc::ServerContext* context, const v1::RegisterConsultationRequest* request,
                                    v1::ConsultationView* response) override;
  grpc::Status AnswerConsultation(grpc::ServerContext* context, const v1::AnswerConsultationRequest* request,
                                  v1::ConsultationView* response) override;
  grpc::Status ListOpenConsultations(grpc::ServerContext* context, const v1::ListOpenConsultationsRequest* request,
                                     v1::ListOpenConsultationsResponse* response) override;
  grpc::Status GetStatistics(grpc::ServerContext* context, const v1::GetStatisticsRequest* request,
                             v1::GetStatisticsResponse* response) override;

  // Recomputes the stored due dates that rested on a calendar year not loaded
  // then (run after a calendar reload).
  void RecomputeProvisional();

 private:
  common::RequestClockReport Evaluate(const StoredRequest& request, const v1::Step* next) const;
  void ToView(const StoredRequest& request, v1::RequestView* out) const;
  void ToView(const StoredConsultation& consultation, v1::ConsultationView* out) const;

  RequestStore& store_;
  registry::AgencyDirectory& agencies_;
  const common::IdentitySigner& signer_;
  const common::Deadlines& deadlines_;
};

// gongkai_kpi_ratio{kpi="standardised_reply_rate"|"consultation_response_rate",
// scope=<city>|"province"} and gongkai_disclosures_overdue{kind="request"|
// "consultation",city}, from the database at each scrape.
std::shared_ptr<common::ScrapeGauges> MakeRequestGauges(RequestStore& store);

}  // namespace gongkai::requests
