#include "services/penalties/penalty_rows.h"

#include <optional>

#include "services/penalties/penalties_mapping.h"
#include "services/penalties/penalty_public.h"

namespace gongkai::penalties {

RecordToStore RowOf(const PenaltyDecision& d, const PenaltyDecision* public_form) {
  RecordToStore row{PenaltyKind::kDecision,  d.agency_credit_code, d.source_id, d.domain, d.source_version, "", "", "",
                    d.decision_date.value(), std::nullopt};
  v1::PenaltyDecision full;
  DecisionToProto(d, &full);
  row.record = full.SerializeAsString();
  const Retention retention = RetentionOf(d);
  if (retention.publishable) {
    std::optional<PenaltyDecision> made;
    const PenaltyDecision& shown = public_form != nullptr ? *public_form : made.emplace(PublicDecision(d));
    v1::PenaltyDecision proto;
    DecisionToProto(shown, &proto);
    row.public_record = proto.SerializeAsString();
    row.public_party_name = shown.party.name;
    row.public_party_credit_code = shown.party.credit_code;
    row.public_until = retention.public_until;
  }
  return row;
}

RecordToStore RowOf(const CoerciveMeasure& m) {
  RecordToStore row{PenaltyKind::kMeasure,  m.agency_credit_code, m.source_id, m.domain, m.source_version, "", "", "",
                    m.period_start.value(), std::nullopt};
  v1::CoerciveMeasure full;
  MeasureToProto(m, &full);
  row.record = full.SerializeAsString();
  if (!m.party.minor) {
    const CoerciveMeasure shown = PublicMeasure(m);
    v1::CoerciveMeasure proto;
    MeasureToProto(shown, &proto);
    row.public_record = proto.SerializeAsString();
    row.public_party_name = shown.party.name;
    row.public_party_credit_code = shown.party.credit_code;
  }
  return row;
}

std::string PublicExplanation(const RecordRow& stored, const std::string& explanation) {
  PersonalData data;  // none but the rules' when the stored record does not parse
  if (stored.kind == PenaltyKind::kDecision) {
    v1::PenaltyDecision full;
    if (full.ParseFromString(stored.record)) data = PersonalDataOf(DecisionFromProto(full));
  } else {
    v1::CoerciveMeasure full;
    if (full.ParseFromString(stored.record)) data = PersonalDataOf(MeasureFromProto(full));
  }
  return MaskPersonalData(explanation, data);
}

}  // namespace gongkai::penalties
