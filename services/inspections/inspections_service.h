#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/batch.h"
#include "common/disclosure_metrics.h"
#include "common/fields.h"
#include "common/identity.h"
#include "common/paging.h"
#include "common/proto_strings.h"
#include "common/service_context.h"
#include "gongkai/inspections/v1/inspections.grpc.pb.h"
#include "services/inspections/inspection_rules.h"
#include "services/inspections/inspection_store.h"
#include "services/inspections/inspection_timeliness.h"
#include "services/inspections/plan_notices.h"
#include "services/registry/registry_client.h"

namespace gongkai::inspections {

// The gRPC adapter of the inspections service: the caller's scope (agencies,
// certificates and powers items checked with the registry), the draw's
// commitment, the public forms, errors. Its methods are split over
// inspections_service.cc (plans, the feed, rejections), tasks_service.cc
// (tasks and the draw), results_service.cc, pilot_service.cc and
// kpi_service.cc (the province view's tallies and findings).
class InspectionsService final : public v1::InspectionsService::CallbackService {
 public:
  // `notices` is woken after plans are stored, to tell the registry;
  // `pilot_targets` are what ListPilotUnits states of the pilot's targets.
  InspectionsService(InspectionStore& store, registry::RegistryClient& registry, common::ServiceContext context,
                     common::DisclosureMetrics& metrics, PlanNotices& notices, int max_batch,
                     PilotTargets pilot_targets = {});

  grpc::ServerUnaryReactor* UpsertPlans(grpc::CallbackServerContext* context, const v1::UpsertPlansRequest* request,
                                        v1::UpsertResponse* response) override;
  grpc::ServerUnaryReactor* ListPlans(grpc::CallbackServerContext* context, const v1::ListPlansRequest* request,
                                      v1::ListPlansResponse* response) override;
  grpc::ServerUnaryReactor* GetPlan(grpc::CallbackServerContext* context, const v1::GetRecordRequest* request,
                                    v1::Plan* response) override;
  grpc::ServerUnaryReactor* UpsertTasks(grpc::CallbackServerContext* context, const v1::UpsertTasksRequest* request,
                                        v1::UpsertResponse* response) override;
  grpc::ServerUnaryReactor* ListTasks(grpc::CallbackServerContext* context, const v1::ListTasksRequest* request,
                                      v1::ListTasksResponse* response) override;
  grpc::ServerUnaryReactor* GetTask(grpc::CallbackServerContext* context, const v1::GetRecordRequest* request,
                                    v1::Task* response) override;
  grpc::ServerUnaryReactor* UpsertResults(grpc::CallbackServerContext* context, const v1::UpsertResultsRequest* request,
                                          v1::UpsertResponse* response) override;
  grpc::ServerUnaryReactor* SearchResults(grpc::CallbackServerContext* context, const v1::SearchResultsRequest* request,
                                          v1::SearchResultsResponse* response) override;
  grpc::ServerUnaryReactor* GetResult(grpc::CallbackServerContext* context, const v1::GetRecordRequest* request,
                                      v1::Result* response) override;
  grpc::ServerUnaryReactor* UpsertPilotUnits(grpc::CallbackServerContext* context,
                                             const v1::UpsertPilotUnitsRequest* request,
                                             v1::UpsertResponse* response) override;
  grpc::ServerUnaryReactor* UpsertBroadcasts(grpc::CallbackServerContext* context,
                                             const v1::UpsertBroadcastsRequest* request,
                                             v1::UpsertResponse* response) override;
  grpc::ServerUnaryReactor* ListPilotUnits(grpc::CallbackServerContext* context,
                                           const v1::ListPilotUnitsRequest* request,
                                           v1::ListPilotUnitsResponse* response) override;
  grpc::ServerUnaryReactor* ListBroadcasts(grpc::CallbackServerContext* context,
                                           const v1::ListBroadcastsRequest* request,
                                           v1::ListBroadcastsResponse* response) override;
  grpc::ServerUnaryReactor* ListChanges(grpc::CallbackServerContext* context, const v1::ListChangesRequest* request,
                                        v1::ListChangesResponse* response) override;
  grpc::ServerUnaryReactor* ListRejections(grpc::CallbackServerContext* context,
                                           const v1::ListRejectionsRequest* request,
                                           v1::ListRejectionsResponse* response) override;
  // The province view's calls (kpi_service.cc), of the platform's other
  // services only (ROLE_SERVICE).
  grpc::ServerUnaryReactor* GetKpiTallies(grpc::CallbackServerContext* context,
                                          const common::v1::GetKpiTalliesRequest* request,
                                          common::v1::GetKpiTalliesResponse* response) override;
  grpc::ServerUnaryReactor* ListFindings(grpc::CallbackServerContext* context,
                                         const common::v1::ListFindingsRequest* request,
                                         common::v1::ListFindingsResponse* response) override;

  // A record of a batch (in the request, which outlives the batch) with the
  // agency BatchWrite::CheckAgencies reads, and anything the checks made of
  // it for the write (a result's public form).
  template <typename Message>
  struct Held {
    std::string agency_credit_code;
    const Message* record = nullptr;
    std::shared_ptr<const Message> published;
  };

 private:
  // The public forms of stored records, with the platform's fields.
  void ToPublicPlan(const StoredRecord& row, v1::Plan* out) const;
  void ToPublicTask(const StoredRecord& row, bool with_pool, v1::Task* out) const;
  void ToPublicResult(const StoredRecord& row, v1::Result* out) const;
  // The powers items of `agencies` among `ids`, as the domain checks them.
  PowersFacts Powers(const std::vector<std::string>& agencies, const std::vector<std::string>& ids);
  // Stores a batch (its valid rows and its rejections) as of `today`, calls
  // `published(i)` for each row the write published (WriteOutcome), and
  // returns the outcomes for BatchWrite::Settle.
  std::vector<common::UpsertOutcome> Store(RecordKind kind, const std::string& city,
                                           const std::vector<RecordToStore>& rows,
                                           const std::vector<common::Rejection>& rejected, common::Date today,
                                           const std::function<void(std::size_t)>& published = {});

  // A stored task as its results are checked, with the keys of its objects.
  struct CheckedTask {
    Task task;
    StoredRecord row;
    TaskObjects objects;
    common::Date day{};  // the day `objects` was made for (a draw is revealed on its date)
  };
  // The tasks the results of a batch name, by key: read whole only when the
  // cache holds no copy of their current change_seq made today (a task of
  // 10,000 objects is a megabyte to read and parse for every batch
  // otherwise). Absent keys are left out.
  std::map<std::pair<std::string, std::string>, std::shared_ptr<const CheckedTask>> TasksForResults(
      const std::vector<std::pair<std::string, std::string>>& keys, common::Date today);

  InspectionStore& store_;
  registry::RegistryClient& registry_;
  common::ServiceContext context_;
  common::DisclosureMetrics& metrics_;
  PlanNotices& notices_;
  int max_batch_;
  PilotTargets pilot_targets_;
  // The tasks TasksForResults read last, each with its object keys only (at
  // most 10,000 of 64 bytes); at most kCachedTasks, emptied when full.
  static constexpr std::size_t kCachedTasks = 4;
  std::mutex tasks_mutex_;
  std::map<std::pair<std::string, std::string>, std::shared_ptr<const CheckedTask>> tasks_;  // guarded
};

}  // namespace gongkai::inspections
