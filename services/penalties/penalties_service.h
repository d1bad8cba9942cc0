#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include "common/batch.h"
#include "common/disclosure_metrics.h"
#include "common/identity.h"
#include "common/service_context.h"
#include "gongkai/penalties/v1/penalties.grpc.pb.h"
#include "services/penalties/penalty.h"
#include "services/penalties/penalty_store.h"
#include "services/registry/registry_client.h"

namespace gongkai::penalties {

// The gRPC adapter of the penalties service: proto <-> domain, the caller's
// scope (agencies checked with the registry), errors. Its methods are split
// over penalties_service.cc (what cities send), credit_repair_service.cc
// (credit repairs), published_service.cc (what is read back) and
// annual_counts_service.cc (表二's enforcement rows).
class PenaltiesService final : public v1::PenaltiesService::CallbackService {
 public:
  PenaltiesService(PenaltyStore& store, registry::RegistryClient& registry, common::ServiceContext context,
                   common::DisclosureMetrics& metrics, int max_batch);
  // With the domains whose credit repairs wait at least a year
  // (GONGKAI_CREDIT_REPAIR_ONE_YEAR_DOMAINS, penalty.h); the one above takes
  // kDefaultOneYearRepairDomains.
  PenaltiesService(PenaltyStore& store, registry::RegistryClient& registry, common::ServiceContext context,
                   common::DisclosureMetrics& metrics, int max_batch, std::set<std::string> one_year_repair_domains);

  grpc::ServerUnaryReactor* UpsertDecisions(grpc::CallbackServerContext* context,
                                            const v1::UpsertDecisionsRequest* request,
                                            v1::UpsertResponse* response) override;
  grpc::ServerReadReactor<v1::UpsertDecisionsRequest>* SyncDecisions(grpc::CallbackServerContext* context,
                                                                     v1::SyncSummary* response) override;
  grpc::ServerUnaryReactor* UpsertMeasures(grpc::CallbackServerContext* context,
                                           const v1::UpsertMeasuresRequest* request,
                                           v1::UpsertResponse* response) override;
  grpc::ServerUnaryReactor* WithdrawDecision(grpc::CallbackServerContext* context,
                                             const v1::WithdrawDecisionRequest* request,
                                             v1::PublishedRecord* response) override;
  grpc::ServerUnaryReactor* RecordCreditRepair(grpc::CallbackServerContext* context,
                                               const v1::RecordCreditRepairRequest* request,
                                               v1::PublishedRecord* response) override;
  grpc::ServerUnaryReactor* ReleaseMeasure(grpc::CallbackServerContext* context,
                                           const v1::ReleaseMeasureRequest* request,
                                           v1::PublishedRecord* response) override;
  grpc::ServerUnaryReactor* ListRejections(grpc::CallbackServerContext* context,
                                           const v1::ListRejectionsRequest* request,
                                           v1::ListRejectionsResponse* response) override;
  grpc::ServerUnaryReactor* GetDecision(grpc::CallbackServerContext* context, const v1::GetRecordRequest* request,
                                        v1::PenaltyDecision* response) override;
  grpc::ServerUnaryReactor* ListPublished(grpc::CallbackServerContext* context, const v1::ListPublishedRequest* request,
                                          v1::ListPublishedResponse* response) override;
  grpc::ServerUnaryReactor* GetPublished(grpc::CallbackServerContext* context, const v1::GetRecordRequest* request,
                                         v1::PublishedRecord* response) override;
  grpc::ServerUnaryReactor* ListChanges(grpc::CallbackServerContext* context, const v1::ListChangesRequest* request,
                                        v1::ListChangesResponse* response) override;
  grpc::ServerUnaryReactor* GetAnnualEnforcementCounts(grpc::CallbackServerContext* context,
                                                       const v1::GetAnnualEnforcementCountsRequest* request,
                                                       v1::AnnualEnforcementCounts* response) override;
  // The national credit platform's exchange (credit_exchange_service.cc).
  grpc::ServerUnaryReactor* ListCreditExchange(grpc::CallbackServerContext* context,
                                               const v1::ListCreditExchangeRequest* request,
                                               v1::ListCreditExchangeResponse* response) override;
  // The supervision service's province view (kpi_service.cc).
  grpc::ServerUnaryReactor* GetKpiTallies(grpc::CallbackServerContext* context,
                                          const common::v1::GetKpiTalliesRequest* request,
                                          common::v1::GetKpiTalliesResponse* response) override;
  grpc::ServerUnaryReactor* ListFindings(grpc::CallbackServerContext* context,
                                         const common::v1::ListFindingsRequest* request,
                                         common::v1::ListFindingsResponse* response) override;

 private:
  // Validates, checks scope, masks and stores one batch of decisions; fills
  // `results` (indexes from `first_index`).
  void WriteDecisions(const common::CallerIdentity& caller,
                      const google::protobuf::RepeatedPtrField<v1::PenaltyDecision>& decisions, int first_index,
                      google::protobuf::RepeatedPtrField<common::v1::RecordResult>* results);
  // The public form of a stored row, with its timeliness blocks.
  void ToPublished(const RecordRow& row, v1::PublishedRecord* out) const;
  // Stores a batch's valid rows and its rejections as published on `today`,
  // meters the first publications, and returns the outcomes for BatchWrite::Settle.
  std::vector<common::UpsertOutcome> Store(const std::string& city, const std::vector<RecordToStore>& rows,
                                           const std::vector<common::Rejection>& rejected, common::Date today);

  PenaltyStore& store_;
  registry::RegistryClient& registry_;
  common::ServiceContext context_;
  common::DisclosureMetrics& metrics_;
  int max_batch_;
  std::set<std::string> one_year_repair_domains_ = ParseDomainList(kDefaultOneYearRepairDomains).codes;
};

// The retention terms of stored decisions, at start-up, before the service
// serves (credit_repair_service.cc): every decision stored public without a
// public_until (dated before 2026-04-01, stored before those decisions had a
// term) gets the term RetentionOf gives its record as sent, or loses its
// public form when the rules never publish it (a MINOR tier, a record that
// no longer reads back), `batch_size` per transaction
// (PgPenaltyStore::RecomputeRetention), with one log line of the totals.
// Returns the decisions read; once every decision has its term, none.
std::size_t RecomputeRetentionTerms(PgPenaltyStore& store, int batch_size = 500);

}  // namespace gongkai::penalties
