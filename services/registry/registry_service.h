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
// Every method's work runs on the service's executor (common::Serve) but
// certificate verification's, which reads the in-memory index only and is
// answered on gRPC's thread (common::AnswerNow): a flood of it takes none of
// the executor's threads from the methods that wait on the database.
class RegistryService final : public v1::RegistryService::CallbackService {
 public:
  // `max_batch`: the most records a batch write may carry.
  RegistryService(RegistryStores stores, common::ServiceContext context, int max_batch);

  grpc::ServerUnaryReactor* UpsertAgencies(grpc::CallbackServerContext* context,
                                           const v1::UpsertAgenciesRequest* request,
                                           v1::UpsertAgenciesResponse* response) override;
  grpc::ServerUnaryReactor* GetAgency(grpc::CallbackServerContext* context, const v1::GetAgencyRequest* request,
                                      v1::Agency* response) override;
  grpc::ServerUnaryReactor* ListAgencies(grpc::CallbackServerContext* context, const v1::ListAgenciesRequest* request,
                                         v1::ListAgenciesResponse* response) override;
  grpc::ServerUnaryReactor* ListRejections(grpc::CallbackServerContext* context,
                                           const v1::ListRejectionsRequest* request,
                                           v1::ListRejectionsResponse* response) override;
  grpc::ServerUnaryReactor* ConfirmQualificationLists(grpc::CallbackServerContext* context,
                                                      const v1::ConfirmQualificationListsRequest* request,
                                                      v1::ConfirmQualificationListsResponse* response) override;
  grpc::ServerUnaryReactor* UpsertPowers(grpc::CallbackServerContext* context, const v1::UpsertPowersRequest* request,
                                         v1::UpsertPowersResponse* response) override;
  grpc::ServerUnaryReactor* ListPowers(grpc::CallbackServerContext* context, const v1::ListPowersRequest* request,
                                       v1::ListPowersResponse* response) override;
  grpc::ServerUnaryReactor* ListPowersChanges(grpc::CallbackServerContext* context,
                                              const v1::ListPowersChangesRequest* request,
                                              v1::ListPowersChangesResponse* response) override;
  grpc::ServerUnaryReactor* UpsertBenchmarks(grpc::CallbackServerContext* context,
                                             const v1::UpsertBenchmarksRequest* request,
                                             v1::UpsertBenchmarksResponse* response) override;
  grpc::ServerUnaryReactor* ListBenchmarks(grpc::CallbackServerContext* context,
                                           const v1::ListBenchmarksRequest* request,
                                           v1::ListBenchmarksResponse* response) override;
  grpc::ServerUnaryReactor* RecommendTier(grpc::CallbackServerContext* context, const v1::RecommendTierRequest* request,
                                          v1::RecommendTierResponse* response) override;
  grpc::ServerUnaryReactor* UpsertOfficers(grpc::CallbackServerContext* context,
                                           const v1::UpsertOfficersRequest* request,
                                           v1::UpsertOfficersResponse* response) override;
  grpc::ServerUnaryReactor* ListOfficers(grpc::CallbackServerContext* context, const v1::ListOfficersRequest* request,
                                         v1::ListOfficersResponse* response) override;
  grpc::ServerUnaryReactor* GetOfficerCode(grpc::CallbackServerContext* context,
                                           const v1::GetOfficerCodeRequest* request,
                                           v1::GetOfficerCodeResponse* response) override;
  grpc::ServerUnaryReactor* VerifyCertificate(grpc::CallbackServerContext* context,
                                              const v1::VerifyCertificateRequest* request,
                                              v1::VerifyCertificateResponse* response) override;
  grpc::ServerUnaryReactor* GetCoverage(grpc::CallbackServerContext* context, const v1::GetCoverageRequest* request,
                                        v1::GetCoverageResponse* response) override;
  grpc::ServerUnaryReactor* UpsertFlowcharts(grpc::CallbackServerContext* context,
                                             const v1::UpsertFlowchartsRequest* request,
                                             v1::UpsertFlowchartsResponse* response) override;
  grpc::ServerUnaryReactor* ListFlowcharts(grpc::CallbackServerContext* context,
                                           const v1::ListFlowchartsRequest* request,
                                           v1::ListFlowchartsResponse* response) override;
  grpc::ServerUnaryReactor* ListFlowchartChanges(grpc::CallbackServerContext* context,
                                                 const v1::ListFlowchartChangesRequest* request,
                                                 v1::ListFlowchartChangesResponse* response) override;
  grpc::ServerUnaryReactor* UpsertStaffingProvisions(grpc::CallbackServerContext* context,
                                                     const v1::UpsertStaffingProvisionsRequest* request,
                                                     v1::UpsertStaffingProvisionsResponse* response) override;
  grpc::ServerUnaryReactor* ListStaffingProvisions(grpc::CallbackServerContext* context,
                                                   const v1::ListStaffingProvisionsRequest* request,
                                                   v1::ListStaffingProvisionsResponse* response) override;
  grpc::ServerUnaryReactor* CheckCertificates(grpc::CallbackServerContext* context,
                                              const v1::CheckCertificatesRequest* request,
                                              v1::CheckCertificatesResponse* response) override;
  grpc::ServerUnaryReactor* GetPowersItems(grpc::CallbackServerContext* context,
                                           const v1::GetPowersItemsRequest* request,
                                           v1::GetPowersItemsResponse* response) override;
  grpc::ServerUnaryReactor* RecordInspectionPlans(grpc::CallbackServerContext* context,
                                                  const v1::RecordInspectionPlansRequest* request,
                                                  v1::RecordInspectionPlansResponse* response) override;
  grpc::ServerUnaryReactor* ListEnforcementUnits(grpc::CallbackServerContext* context,
                                                 const v1::ListEnforcementUnitsRequest* request,
                                                 v1::ListEnforcementUnitsResponse* response) override;
  // service_calls.cc, for the penalties and inspections services' lead rules
  // and the supervision service's province view.
  grpc::ServerUnaryReactor* CheckQualificationLists(grpc::CallbackServerContext* context,
                                                    const v1::CheckQualificationListsRequest* request,
                                                    v1::CheckQualificationListsResponse* response) override;
  grpc::ServerUnaryReactor* GetKpiTallies(grpc::CallbackServerContext* context,
                                          const common::v1::GetKpiTalliesRequest* request,
                                          common::v1::GetKpiTalliesResponse* response) override;

 private:
  RegistryStores stores_;
  common::ServiceContext context_;
  const int max_batch_;
};

}  // namespace gongkai::registry
