#include "services/penalties/republish.h"

#include <optional>
#include <string>

#include "common/log.h"
#include "services/penalties/penalties_mapping.h"
#include "services/penalties/penalty_public.h"
#include "services/penalties/penalty_rows.h"

namespace gongkai::penalties {
namespace {

// The row a write makes of a stored record as sent (RowOf); nullopt when the
// record does not parse or has no date, so that no public form can be made
// of it.
std::optional<RecordToStore> RowOfStored(PenaltyKind kind, const std::string& record) {
  if (kind == PenaltyKind::kDecision) {
    v1::PenaltyDecision proto;
    if (!proto.ParseFromString(record)) return std::nullopt;
    const PenaltyDecision decision = DecisionFromProto(proto);
    if (!decision.decision_date) return std::nullopt;
    return RowOf(decision);
  }
  v1::CoerciveMeasure proto;
  if (!proto.ParseFromString(record)) return std::nullopt;
  const CoerciveMeasure measure = MeasureFromProto(proto);
  if (!measure.period_start) return std::nullopt;
  return RowOf(measure);
}

std::string MaskedAgain(const StaleRecord& stale, const std::string& explanation) {
  if (explanation.empty()) return explanation;
  RecordRow stored;
  stored.kind = stale.kind;
  stored.record = stale.record;
  return PublicExplanation(stored, explanation);
}

}  // namespace

Republished RepublishRecord(const StaleRecord& stale) {
  const PublicColumns& before = stale.columns;
  Republished out;
  if (before.public_record.empty()) {
    out.columns.public_party_name = before.public_party_name;
    out.columns.public_party_credit_code = before.public_party_credit_code;
  } else if (const auto row = RowOfStored(stale.kind, stale.record)) {
    out.columns.public_record = row->public_record;
    out.columns.public_party_name = row->public_party_name;
    out.columns.public_party_credit_code = row->public_party_credit_code;
  }
  out.columns.withdrawal_explanation = MaskedAgain(stale, before.withdrawal_explanation);
  out.columns.release_explanation = MaskedAgain(stale, before.release_explanation);

  if (before.public_record.empty() || out.columns == before) return out;
  if (out.columns.public_record.empty()) {
    out.event = ChangeType::kUnpublished;
  } else if (stale.withdrawn) {
    if (out.columns.withdrawal_explanation != before.withdrawal_explanation) out.event = ChangeType::kWithdrawn;
  } else if (out.columns.public_record != before.public_record) {
    out.event = ChangeType::kPublished;
  }
  return out;
}

RepublishTotals RepublishStoredRecords(PgPenaltyStore& store, int batch_size) {
  RepublishTotals totals;
  RepublishPosition after;
  for (;;) {
    const RepublishBatch batch = store.Republish(after, batch_size, RepublishRecord);
    if (batch.read == 0) break;
    ++totals.batches;
    totals.read += batch.read;
    totals.rewritten += batch.rewritten;
    totals.announced += batch.announced;
    common::Log(common::LogLevel::kInfo, "republish_batch",
                {{"masking_version", kMaskingVersion},
                 {"batch", totals.batches},
                 {"read", batch.read},
                 {"rewritten", batch.rewritten},
                 {"announced", batch.announced}});
    if (batch.read < static_cast<std::size_t>(batch_size)) break;
    after = batch.last;
  }
  common::Log(common::LogLevel::kInfo, "republished",
              {{"masking_version", kMaskingVersion},
               {"batches", totals.batches},
               {"read", totals.read},
               {"rewritten", totals.rewritten},
               {"announced", totals.announced}});
  return totals;
}

}  // namespace gongkai::penalties
