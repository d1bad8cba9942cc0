// PenaltiesService: what city systems send (batches, withdrawals, releases)
// and their rejections.
#include "services/penalties/penalties_service.h"

#include <optional>

#include "common/call.h"
#include "common/errors.h"
#include "common/fields.h"
#include "common/violations.h"
#include "google/rpc/status.pb.h"
#include "services/penalties/penalties_mapping.h"
#include "services/penalties/penalty.h"
#include "services/penalties/penalty_rows.h"
#include "services/penalties/penalty_timeliness.h"
#include "services/penalties/withdrawal.h"

namespace gongkai::penalties {
namespace {

using common::ServiceError;
using common::v1::ROLE_CITY;

// The registry's tiers as the domain checks them.
std::vector<BenchmarkTier> BenchmarkTiers(const std::vector<registry::TierRange>& ranges) {
  std::vector<BenchmarkTier> tiers;
  for (const auto& r : ranges) tiers.push_back({r.level, r.penalty_min_fen, r.penalty_max_fen});
  return tiers;
}

// A sync summary lists the results of its first rejected records while they
// fit in this many bytes, so that it stays small whatever the stream carried,
// small enough for an error's status details (gRPC clients take 8 KiB of
// trailers, and the gateway 4 KiB of details); the rest are counted.
constexpr std::size_t kSummaryResultsBytes = 3072;

// Adds one processed batch's results to the summary.
void Summarise(google::protobuf::RepeatedPtrField<common::v1::RecordResult>& results, v1::SyncSummary& summary,
               std::size_t& listed_bytes) {
  summary.set_received(summary.received() + results.size());
  for (auto& r : results) {
    switch (r.outcome()) {
      case common::v1::RecordResult::ACCEPTED: summary.set_accepted(summary.accepted() + 1); break;
      case common::v1::RecordResult::UNCHANGED: summary.set_unchanged(summary.unchanged() + 1); break;
      default: {
        summary.set_rejected(summary.rejected() + 1);
        // Stream order: once one is left out, so are all after it.
        const std::size_t size = r.ByteSizeLong();
        if (summary.unlisted_rejections() == 0 && listed_bytes + size <= kSummaryResultsBytes) {
          listed_bytes += size;
          *summary.add_results() = std::move(r);
        } else {
          summary.set_unlisted_rejections(summary.unlisted_rejections() + 1);
        }
      }
    }
  }
}

// The status of a sync that failed at message `index` (from 0): the
// failure's code, its message naming the message, and its details with the
// summary of the messages before it added.
grpc::Status FailedAtMessage(const grpc::Status& failure, int64_t index, const v1::SyncSummary& summary) {
  google::rpc::Status status;
  if (!failure.error_details().empty() && !status.ParseFromString(failure.error_details())) status.Clear();
  const std::string message = "message " + std::to_string(index) +
                              " (from 0) of the stream failed: " + failure.error_message() +
                              "; the messages before it were processed: see the summary in the details";
  status.set_code(failure.error_code());
  status.set_message(message);
  status.add_details()->PackFrom(summary);
  return {failure.error_code(), message, status.SerializeAsString()};
}

}  // namespace

PenaltiesService::PenaltiesService(PenaltyStore& store, registry::RegistryClient& registry,
                                   common::ServiceContext context, common::DisclosureMetrics& metrics, int max_batch)
    : store_(store), registry_(registry), context_(context), metrics_(metrics), max_batch_(max_batch) {}

void PenaltiesService::WriteDecisions(const common::CallerIdentity& caller,
                                      const google::protobuf::RepeatedPtrField<v1::PenaltyDecision>& decisions,
                                      int first_index,
                                      google::protobuf::RepeatedPtrField<common::v1::RecordResult>* results) {
  common::CheckBatchSize(decisions.size(), max_batch_, "decisions");
  const common::Date today = context_.clock.Today();
  common::BatchWrite<PenaltyDecision> batch(RejectionKind(PenaltyKind::kDecision), "decisions", results);
  // Each decision's row, made as soon as the decision passes its own checks,
  // from the public form validation made, while both are fresh in the
  // processor's cache (a batch is several megabytes); the batch's checks
  // below may still reject the decision, and its row then goes unused.
  std::vector<std::optional<RecordToStore>> made(static_cast<std::size_t>(decisions.size()));
  for (int i = 0; i < decisions.size(); ++i) {
    const auto& proto = decisions[i];
    const int index = first_index + i;
    const std::string path = common::At("decisions", index);
    PenaltyDecision d = DecisionFromProto(proto);
    PenaltyDecision shown;
    auto violations = ValidateDecision(d, path, today, &shown);
    CheckKnownDomain(violations, path, d.domain);
    if (violations.empty()) made[static_cast<std::size_t>(i)] = RowOf(d, &shown);
    batch.Add(index, proto.agency_credit_code() + "/" + proto.source_id(), proto.source_version(), proto, std::move(d),
              std::move(violations));
  }
  batch.RejectRepeatedKeys("decisions");
  batch.CheckAgencies(caller.city_code, "decisions", [&](const auto& codes) { return registry_.CitiesOf(codes); });
  batch.CheckEach([&](const PenaltyDecision& d, int index, common::Violations& violations) {
    if (!NamesBenchmark(d)) return;
    const auto tiers = registry_.Benchmark(caller.city_code, d.domain, d.benchmark_violation_code);
    if (!tiers) return;
    const auto found = CheckBenchmarkTier(d, BenchmarkTiers(*tiers), common::At("decisions", index));
    violations.insert(violations.end(), found.begin(), found.end());
  });
  std::vector<RecordToStore> rows;
  batch.ForEachValid([&](const PenaltyDecision&, int index) {
    rows.push_back(std::move(*made[static_cast<std::size_t>(index - first_index)]));
  });
  batch.Settle(Store(caller.city_code, rows, batch.Rejected(), today));
}

std::vector<common::UpsertOutcome> PenaltiesService::Store(const std::string& city,
                                                           const std::vector<RecordToStore>& rows,
                                                           const std::vector<common::Rejection>& rejected,
                                                           common::Date today) {
  const std::vector<WriteResult> written = store_.UpsertBatch(city, rows, rejected, today);
  std::vector<common::UpsertOutcome> outcomes;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    outcomes.push_back(written[i].outcome);
    if (!written[i].first_publication) continue;
    const PenaltyKind kind = rows[i].kind;
    metrics_.Disclosed(KindLabel(kind), city,
                       context_.deadlines.Assess(DeadlineKind(kind), rows[i].clock_start, today, today));
  }
  return outcomes;
}

grpc::ServerUnaryReactor* PenaltiesService::UpsertDecisions(grpc::CallbackServerContext* context,
                                                            const v1::UpsertDecisionsRequest* request,
                                                            v1::UpsertResponse* response) {
  return common::Serve(context, context_, {ROLE_CITY}, [=, this](const common::CallerIdentity& caller) {
    WriteDecisions(caller, request->decisions(), 0, response->mutable_results());
    return grpc::Status::OK;
  });
}

grpc::ServerReadReactor<v1::UpsertDecisionsRequest>* PenaltiesService::SyncDecisions(
    grpc::CallbackServerContext* context, v1::SyncSummary* response) {
  // Each message is a batch as UpsertDecisions takes it. A batch that fails
  // as a whole (another city's agency, the database) ends the stream with its
  // error, which names the message and carries the summary of those before.
  // The stream holds one of the process's stream slots and a thread of its
  // executor while it lasts (or is refused, RESOURCE_EXHAUSTED, when
  // GONGKAI_MAX_STREAMS are open), so idle streams never take every thread; a
  // database connection is held only while a message is written.
  return common::ServeStream<v1::UpsertDecisionsRequest>(
      context, context_.executor, context_.signer, {ROLE_CITY},
      [=, this](const common::CallerIdentity& caller, common::StreamReader<v1::UpsertDecisionsRequest>& reader) {
        v1::UpsertDecisionsRequest batch;
        std::size_t listed_bytes = 0;
        for (int64_t message = 0; reader.Read(&batch); ++message) {
          try {
            google::protobuf::RepeatedPtrField<common::v1::RecordResult> results;
            WriteDecisions(caller, batch.decisions(), static_cast<int>(response->received()), &results);
            Summarise(results, *response, listed_bytes);
          } catch (...) {
            return FailedAtMessage(common::StatusFromCurrentException(), message, *response);
          }
        }
        return grpc::Status::OK;
      });
}

grpc::ServerUnaryReactor* PenaltiesService::UpsertMeasures(grpc::CallbackServerContext* context,
                                                           const v1::UpsertMeasuresRequest* request,
                                                           v1::UpsertResponse* response) {
  return common::Serve(context, context_, {ROLE_CITY}, [=, this](const common::CallerIdentity& caller) {
    common::CheckBatchSize(request->measures_size(), max_batch_, "measures");
    const common::Date today = context_.clock.Today();
    common::BatchWrite<CoerciveMeasure> batch(RejectionKind(PenaltyKind::kMeasure), "measures",
                                              response->mutable_results());
    for (int i = 0; i < request->measures_size(); ++i) {
      const auto& proto = request->measures(i);
      const std::string path = common::At("measures", i);
      CoerciveMeasure m = MeasureFromProto(proto);
      auto violations = ValidateMeasure(m, path, today);
      CheckKnownDomain(violations, path, m.domain);
      batch.Add(i, proto.agency_credit_code() + "/" + proto.source_id(), proto.source_version(), proto, std::move(m),
                std::move(violations));
    }
    batch.RejectRepeatedKeys("measures");
    batch.CheckAgencies(caller.city_code, "measures", [&](const auto& codes) { return registry_.CitiesOf(codes); });
    std::vector<RecordToStore> rows;
    for (const auto& m : batch.Valid()) rows.push_back(RowOf(m));
    batch.Settle(Store(caller.city_code, rows, batch.Rejected(), today));
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* PenaltiesService::WithdrawDecision(grpc::CallbackServerContext* context,
                                                             const v1::WithdrawDecisionRequest* request,
                                                             v1::PublishedRecord* response) {
  return common::Serve(context, context_, {ROLE_CITY}, [=, this](const common::CallerIdentity& caller) {
    const common::Date today = context_.clock.Today();
    common::Violations violations =
        ValidateWithdrawal(static_cast<WithdrawalReason>(request->reason()), request->explanation());
    const auto event_date = common::CheckPastDate(violations, "event_date", request->event_date(), today);
    common::ThrowIfAny(violations, "bad withdrawal");
    const auto not_found = [&] {
      return ServiceError::NotFound("no decision " + request->source_id() + " of agency " +
                                    request->agency_credit_code() + " in city " + caller.city_code);
    };
    auto before = store_.Get(PenaltyKind::kDecision, request->agency_credit_code(), request->source_id());
    if (!before || !IsOwnRecord(before->city_code, caller.city_code)) throw not_found();
    common::ThrowIfAny(CheckWithdrawalDate(*event_date, before->clock_start), "bad withdrawal");
    auto row = store_.Withdraw(request->agency_credit_code(), request->source_id(), request->reason(),
                               PublicExplanation(*before, request->explanation()), *event_date, today);
    if (!row) throw not_found();
    ToPublished(*row, response);
    if (!before->withdrawn_on && !before->public_record.empty()) {
      metrics_.Disclosed("penalty_withdrawal", caller.city_code, response->withdrawal_timeliness());
    }
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* PenaltiesService::ReleaseMeasure(grpc::CallbackServerContext* context,
                                                           const v1::ReleaseMeasureRequest* request,
                                                           v1::PublishedRecord* response) {
  return common::Serve(context, context_, {ROLE_CITY}, [=, this](const common::CallerIdentity& caller) {
    common::Violations violations;
    const auto release_date =
        common::CheckPastDate(violations, "release_date", request->release_date(), context_.clock.Today());
    const common::Violations release = ValidateRelease(request->explanation());
    violations.insert(violations.end(), release.begin(), release.end());
    common::ThrowIfAny(violations, "bad release");
    const auto not_found = [&] {
      return ServiceError::NotFound("no measure " + request->source_id() + " of agency " +
                                    request->agency_credit_code() + " in city " + caller.city_code);
    };
    auto before = store_.Get(PenaltyKind::kMeasure, request->agency_credit_code(), request->source_id());
    if (!before || !IsOwnRecord(before->city_code, caller.city_code)) throw not_found();
    auto row = store_.Release(request->agency_credit_code(), request->source_id(), *release_date,
                              PublicExplanation(*before, request->explanation()));
    if (!row) throw not_found();
    ToPublished(*row, response);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* PenaltiesService::ListRejections(grpc::CallbackServerContext* context,
                                                           const v1::ListRejectionsRequest* request,
                                                           v1::ListRejectionsResponse* response) {
  return common::Serve(context, context_, {ROLE_CITY}, [=, this](const common::CallerIdentity& caller) {
    response->set_next_page_token(common::RejectionsPage(
        [&](int64_t before, int limit) { return store_.ListRejections(caller.city_code, before, limit); },
        request->page_token(), request->page_size(), response->mutable_rejections()));
    return grpc::Status::OK;
  });
}

}  // namespace gongkai::penalties
