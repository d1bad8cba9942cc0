#pragma once

#include "common/service_context.h"
#include "gongkai/registry/v1/registry.grpc.pb.h"
#include "services/registry/agency_store.h"
#include "services/registry/benchmark_store.h"
#include "services/registry/flowchart_store.h"
#include "services/registry/officer_index.h"
#include "services/registry/officer_store.h"
#include "services/registry/powers_store.h"

namespace gongkai::registry {

struct RegistryStores {
  AgencyStore& agencies;
  PowersStore& powers;
  BenchmarkStore& benchmarks;
  OfficerStore& officers;
  CertificateLookup& certificates;
  FlowchartStore& flowcharts;
};

// The caller's scope: its city, or for the province (whose principal carries
// no code) "province". Whose rejections its refused records are, and whose
// agencies' qualification lists it confirms.
std::string RejectionScope(const common::CallerIdentity& caller);

// The gRPC adapter of the registry: proto <-> domain, authorisation, errors.
// Its methods are spread over registry_service.cc (agencies, rejections,
// qualification lists, coverage), powers_service.cc (powers lists and
// benchmarks), officers_service.cc (officers and verification),
// flowcharts_service.cc (flowcharts and "三定" provisions) and
// service_calls.cc (what only the platform's other services call).
//
// Certificate verification, which reads the in-memory index only, is served
// with gRPC's callback API (common::AnswerNow): a flood of it takes none of
// the synchronous server's threads from the methods that wait on the database.
class RegistryService final
    : public v1::RegistryService::WithCallbackMethod_VerifyCertificate<v1::RegistryService::Service> {
 public:
  // `max_batch`: the most records a batch write may carry.
  RegistryService(RegistryStores stores, common::ServiceContext context, int max_batch);

  grpc::Status UpsertAgencies(grpc::ServerContext* context, const v1::UpsertAgenciesRequest* request,
                              v1::UpsertAgenciesResponse* response) override;
  grpc::Status GetAgency(grpc::ServerContext* context, const v1::GetAgencyRequest* request,
                         v1::Agency* response) override;
  grpc::Status ListAgencies(grpc::ServerContext* context, const v1::ListAgenciesRequest* request,
                            v1::ListAgenciesResponse* response) override;
  grpc::Status ListRejections(grpc::ServerContext* context, const v1::ListRejectionsRequest* request,
                              v1::ListRejectionsResponse* response) override;
  grpc::Status ConfirmQualificationLists(grpc::ServerContext* context,
                                         const v1::ConfirmQualificationListsRequest* request,
                                         v1::ConfirmQualificationListsResponse* response) override;
  grpc::Status UpsertPowers(grpc::ServerContext* context, const v1::UpsertPowersRequest* request,
                            v1::UpsertPowersResponse* response) override;
  grpc::Status ListPowers(grpc::ServerContext* context, const v1::ListPowersRequest* request,
                          v1::ListPowersResponse* response) override;
  grpc::Status ListPowersChanges(grpc::ServerContext* context, const v1::ListPowersChangesRequest* request,
                                 v1::ListPowersChangesResponse* response) override;
  grpc::Status UpsertBenchmarks(grpc::ServerContext* context, const v1::UpsertBenchmarksRequest* request,
                                v1::UpsertBenchmarksResponse* response) override;
  grpc::Status ListBenchmarks(grpc::ServerContext* context, const v1::ListBenchmarksRequest* request,
                              v1::ListBenchmarksResponse* response) override;
  grpc::Status RecommendTier(grpc::ServerContext* context, const v1::RecommendTierRequest* request,
                             v1::RecommendTierResponse* response) override;
  grpc::Status UpsertOfficers(grpc::ServerContext* context, const v1::UpsertOfficersRequest* request,
                              v1::UpsertOfficersResponse* response) override;
  grpc::Status ListOfficers(grpc::ServerContext* context, const v1::ListOfficersRequest* request,
                            v1::ListOfficersResponse* response) override;
  grpc::Status GetOfficerCode(grpc::ServerContext* context, const v1::GetOfficerCodeRequest* request,
                              v1::GetOfficerCodeResponse* response) override;
  grpc::ServerUnaryReactor* VerifyCertificate(grpc::CallbackServerContext* context,
                                              const v1::VerifyCertificateRequest* request,
                                              v1::VerifyCertificateResponse* response) override;
  grpc::Status GetCoverage(grpc::ServerContext* context, const v1::GetCoverageRequest* request,
                           v1::GetCoverageResponse* response) override;
  grpc::Status UpsertFlowcharts(grpc::ServerContext* context, const v1::UpsertFlowchartsRequest* request,
                                v1::UpsertFlowchartsResponse* response) override;
  grpc::Status ListFlowcharts(grpc::ServerContext* context, const v1::ListFlowchartsRequest* request,
                              v1::ListFlowchartsResponse* response) override;
  grpc::Status ListFlowchartChanges(grpc::ServerContext* context, const v1::ListFlowchartChangesRequest* request,
                                    v1::ListFlowchartChangesResponse* response) override;
  grpc::Status UpsertStaffingProvisions(grpc::ServerContext* context,
                                        const v1::UpsertStaffingProvisionsRequest* request,
                                        v1::UpsertStaffingProvisionsResponse* response) override;
  grpc::Status ListStaffingProvisions(grpc::ServerContext* context, const v1::ListStaffingProvisionsRequest* request,
                                      v1::ListStaffingProvisionsResponse* response) override;
  grpc::Status CheckCertificates(grpc::ServerContext* context, const v1::CheckCertificatesRequest* request,
                                 v1::CheckCertificatesResponse* response) override;
  grpc::Status GetPowersItems(grpc::ServerContext* context, const v1::GetPowersItemsRequest* request,
                              v1::GetPowersItemsResponse* response) override;
  grpc::Status RecordInspectionPlans(grpc::ServerContext* context, const v1::RecordInspectionPlansRequest* request,
                                     v1::RecordInspectionPlansResponse* response) override;
  grpc::Status ListEnforcementUnits(grpc::ServerContext* context, const v1::ListEnforcementUnitsRequest* request,
                                    v1::ListEnforcementUnitsResponse* response) override;
  // service_calls.cc, for the penalties and inspections services' lead rules
  // and the supervision service's province view.
  grpc::Status CheckQualificationLists(grpc::ServerContext* context, const v1::CheckQualificationListsRequest* request,
                                       v1::CheckQualificationListsResponse* response) override;
  grpc::Status GetKpiTallies(grpc::ServerContext* context, const common::v1::GetKpiTalliesRequest* request,
                             common::v1::GetKpiTalliesResponse* response) override;

 private:
  RegistryStores stores_;
  common::ServiceContext context_;
  const int max_batch_;
};

}  // namespace gongkai::registry
