#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/batch.h"
#include "common/disclosure_metrics.h"
#include "common/fields.h"
#include "common/identity.h"
#include "common/paging.h"
#include "common/proto_strings.h"
#include "common/service_context.h"
#include "gongkai/supervision/v1/supervision.grpc.pb.h"
#include "services/registry/registry_client.h"
#include "services/supervision/review_coverage.h"
#include "services/supervision/supervision_rules.h"
#include "services/supervision/supervision_store.h"

namespace gongkai::supervision {

class ProvinceView;

// Settings of the service besides those of every service.
struct SupervisionSettings {
  int max_batch = 1000;
  // The year's review coverage target (60% of enforcement units).
  double coverage_target = 0.6;
};

// The gRPC adapter of the supervision service: the caller's scope (the
// province writes for any agency; a city for its own city's: the organiser
// and every unit a record names), the checks against stored rounds and plans,
// the public forms, errors. Its methods are split over
// supervision_service.cc (the shared parts, the feed, rejections),
// reviews_service.cc (rounds, reviews), coverage_service.cc, supervisions_service.cc
// (special supervision, problem statistics), assessments_service.cc and
// rectifications_service.cc.
class SupervisionService final : public v1::SupervisionService::CallbackService {
 public:
  SupervisionService(SupervisionStore& store, registry::RegistryClient& registry, common::ServiceContext context,
                     common::DisclosureMetrics& metrics, SupervisionSettings settings);

  grpc::ServerUnaryReactor* UpsertRounds(grpc::CallbackServerContext* context, const v1::UpsertRoundsRequest* request,
                                         v1::UpsertResponse* response) override;
  grpc::ServerUnaryReactor* ListRounds(grpc::CallbackServerContext* context, const v1::ListRoundsRequest* request,
                                       v1::ListRoundsResponse* response) override;
  grpc::ServerUnaryReactor* GetRound(grpc::CallbackServerContext* context, const v1::GetRecordRequest* request,
                                     v1::Round* response) override;
  grpc::ServerUnaryReactor* UpsertReviews(grpc::CallbackServerContext* context, const v1::UpsertReviewsRequest* request,
                                          v1::UpsertResponse* response) override;
  grpc::ServerUnaryReactor* ListReviews(grpc::CallbackServerContext* context, const v1::ListReviewsRequest* request,
                                        v1::ListReviewsResponse* response) override;
  grpc::ServerUnaryReactor* GetReview(grpc::CallbackServerContext* context, const v1::GetRecordRequest* request,
                                      v1::Review* response) override;
  grpc::ServerUnaryReactor* GetReviewCoverage(grpc::CallbackServerContext* context,
                                              const v1::GetReviewCoverageRequest* request,
                                              v1::ReviewCoverage* response) override;
  grpc::ServerUnaryReactor* UpsertSupervisions(grpc::CallbackServerContext* context,
                                               const v1::UpsertSupervisionsRequest* request,
                                               v1::UpsertResponse* response) override;
  grpc::ServerUnaryReactor* ListSupervisions(grpc::CallbackServerContext* context,
                                             const v1::ListSupervisionsRequest* request,
                                             v1::ListSupervisionsResponse* response) override;
  grpc::ServerUnaryReactor* GetSupervision(grpc::CallbackServerContext* context, const v1::GetRecordRequest* request,
                                           v1::Supervision* response) override;
  grpc::ServerUnaryReactor* GetProblemStatistics(grpc::CallbackServerContext* context,
                                                 const v1::GetProblemStatisticsRequest* request,
                                                 v1::ProblemStatistics* response) override;
  grpc::ServerUnaryReactor* UpsertAssessmentPlans(grpc::CallbackServerContext* context,
                                                  const v1::UpsertAssessmentPlansRequest* request,
                                                  v1::UpsertResponse* response) override;
  grpc::ServerUnaryReactor* UpsertAssessmentResults(grpc::CallbackServerContext* context,
                                                    const v1::UpsertAssessmentResultsRequest* request,
                                                    v1::UpsertResponse* response) override;
  grpc::ServerUnaryReactor* ListAssessmentPlans(grpc::CallbackServerContext* context,
                                                const v1::ListAssessmentsRequest* request,
                                                v1::ListAssessmentPlansResponse* response) override;
  grpc::ServerUnaryReactor* ListAssessmentResults(grpc::CallbackServerContext* context,
                                                  const v1::ListAssessmentsRequest* request,
                                                  v1::ListAssessmentResultsResponse* response) override;
  grpc::ServerUnaryReactor* GetAssessmentPlan(grpc::CallbackServerContext* context, const v1::GetRecordRequest* request,
                                              v1::AssessmentPlan* response) override;
  grpc::ServerUnaryReactor* GetAssessmentResult(grpc::CallbackServerContext* context,
                                                const v1::GetRecordRequest* request,
                                                v1::AssessmentResult* response) override;
  grpc::ServerUnaryReactor* ReportRectifications(grpc::CallbackServerContext* context,
                                                 const v1::ReportRectificationsRequest* request,
                                                 v1::UpsertResponse* response) override;
  grpc::ServerUnaryReactor* ListRectifications(grpc::CallbackServerContext* context,
                                               const v1::ListRectificationsRequest* request,
                                               v1::ListRectificationsResponse* response) override;
  grpc::ServerUnaryReactor* ListChanges(grpc::CallbackServerContext* context, const v1::ListChangesRequest* request,
                                        v1::ListChangesResponse* response) override;
  grpc::ServerUnaryReactor* ListRejections(grpc::CallbackServerContext* context,
                                           const v1::ListRejectionsRequest* request,
                                           v1::ListRejectionsResponse* response) override;
  // The province's view (province_service.cc), through the ProvinceView set
  // by main; without one they are UNIMPLEMENTED.
  grpc::ServerUnaryReactor* GetKpis(grpc::CallbackServerContext* context, const v1::GetKpisRequest* request,
                                    v1::GetKpisResponse* response) override;
  grpc::ServerUnaryReactor* SweepLeads(grpc::CallbackServerContext* context, const v1::SweepLeadsRequest* request,
                                       v1::SweepLeadsResponse* response) override;
  // Leads as supervisors handle them (leads_service.cc).
  grpc::ServerUnaryReactor* ListLeads(grpc::CallbackServerContext* context, const v1::ListLeadsRequest* request,
                                      v1::ListLeadsResponse* response) override;
  grpc::ServerUnaryReactor* SetLeadState(grpc::CallbackServerContext* context, const v1::SetLeadStateRequest* request,
                                         v1::Lead* response) override;
  grpc::ServerUnaryReactor* AttachLeads(grpc::CallbackServerContext* context, const v1::AttachLeadsRequest* request,
                                        v1::AttachLeadsResponse* response) override;

  // The province's view the adapter answers GetKpis and SweepLeads with;
  // must outlive the service.
  void SetProvinceView(ProvinceView* view) { province_ = view; }

  // A record of a batch (in the request, which outlives the batch) with the
  // organiser BatchWrite::CheckAgencies reads.
  template <typename Message>
  struct Held {
    std::string agency_credit_code;
    const Message* record = nullptr;
  };

 private:
  // The scope a caller writes and reads in: "province", or its city code.
  static std::string ScopeOf(const common::CallerIdentity& caller);
  // Checks a batch's organisers (BatchWrite::CheckAgencies; the province's
  // may be of any city) and, through `units_of`, every unit each record
  // names: unknown units reject the record naming the field
  // (`<field>[i].<path>`), a unit of another city than a city caller's
  // refuses the batch (PERMISSION_DENIED). Answers each organiser's city.
  template <typename Message>
  std::map<std::string, std::string> CheckScope(
      common::BatchWrite<Held<Message>>& batch, const common::CallerIdentity& caller, const std::string& field,
      const std::function<std::vector<std::pair<std::string, std::string>>(const Message&)>& units_of);
  // Stores a batch as of `today` (each row under its organiser's city) and
  // counts the first publications in the disclosure counters under `rule`.
  std::vector<common::UpsertOutcome> Store(RecordKind kind, const std::string& scope,
                                           const std::vector<RecordToStore>& rows,
                                           const std::map<std::string, std::string>& cities,
                                           const std::vector<common::Rejection>& rejected, common::Date today);
  // The stored record of `kind` a Get request names: its key checked
  // (CheckKeyFilter; both required), NOT_FOUND naming the kind when absent.
  StoredRecord GetStored(RecordKind kind, const v1::GetRecordRequest& request);
  // The enforcement units' names, for the answers that list units.
  std::map<std::string, std::string> UnitNames();
  // The public forms of stored records, with the platform's fields
  // (timeliness as of today, change_seq, published_on, city).
  void ToPublicRound(const StoredRecord& row, v1::Round* out) const;
  void ToPublicReview(const StoredRecord& row, v1::Review* out) const;
  void ToPublicSupervision(const StoredRecord& row, bool with_problems, v1::Supervision* out) const;
  void ToPublicAssessmentPlan(const StoredRecord& row, v1::AssessmentPlan* out) const;
  void ToPublicAssessmentResult(const StoredRecord& row, v1::AssessmentResult* out) const;

  SupervisionStore& store_;
  registry::RegistryClient& registry_;
  common::ServiceContext context_;
  common::DisclosureMetrics& metrics_;
  SupervisionSettings settings_;
  ProvinceView* province_ = nullptr;
};

// Every answer stays under a default client's 4 MiB: a record is at most
// kMaxRecordBytes as sent and kMaxPublicRecordBytes published
// (CheckRecordSize, for every write), and a list or feed page ends before
// the record that would take it past kAnswerBytes (one record at least).
inline constexpr std::size_t kAnswerBytes = 3'500'000;

// Fills `out` with the public forms `to_public(row, message)` makes of `rows`
// (read with one more than `size`) while the answer stays within
// kAnswerBytes, and answers the next page token.
template <typename Message, typename ToPublic>
std::string FillSeqPage(std::vector<StoredRecord>& rows, int size, google::protobuf::RepeatedPtrField<Message>* out,
                        ToPublic&& to_public) {
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < rows.size() && static_cast<int>(i) < size; ++i) {
    Message message;
    to_public(rows[i], &message);
    bytes += message.ByteSizeLong() + 8;  // with its tag and length
    if (i > 0 && bytes > kAnswerBytes) {
      rows.resize(i + 1);  // the page ends before rows[i]
      return common::TakeSeqPage(rows, static_cast<int>(i));
    }
    *out->Add() = std::move(message);
  }
  return common::TakeSeqPage(rows, size);
}

// A rectification as the lists show it, with its state on `today` and its
// report (reported_on, late) as sent.
v1::Rectification RectificationOf(const RectificationRow& row, common::Date today);

// A year filter of a request: 2000 to 2100, or 0 for every year unless
// `required` (a violation of "year" otherwise).
void CheckYearFilter(common::Violations& violations, int year, bool required);

// The registry's enforcement units, as the coverage counts them. Throws
// common::ServiceError (UNAVAILABLE) when the registry cannot answer.
std::vector<EnforcementUnit> EnforcementUnitsOf(registry::RegistryClient& registry);

}  // namespace gongkai::supervision
