#pragma once

#include <string>

#include "services/penalties/penalty.h"
#include "services/penalties/penalty_store.h"

namespace gongkai::penalties {

// The row the store keeps for a valid decision: the decision as sent and, when
// it may be published (RetentionOf), its public form (PublicDecision) until
// the end of its retention, each serialised as a penalties.v1 message, with
// the party's name and credit code as that form publishes them (a natural
// person's credit code is not). The decision must be valid
// (ValidateDecision): it has its date. `shown`, when given, is its public
// form as ValidateDecision left it.
RecordToStore RowOf(const PenaltyDecision& decision, const PenaltyDecision* shown = nullptr);

// The same for a valid measure: public unless its party is a minor, with no
// end date.
RecordToStore RowOf(const CoerciveMeasure& measure);

// A withdrawal or release explanation as published with the notice: masked
// (MaskPersonalData) with the personal data of the stored record it concerns
// (`stored.record`, the record as sent), as the record's own free text is.
std::string PublicExplanation(const RecordRow& stored, const std::string& explanation);

}  // namespace gongkai::penalties
