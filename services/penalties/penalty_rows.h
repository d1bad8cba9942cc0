#pragma once

#include "services/penalties/penalty.h"
#include "services/penalties/penalty_store.h"

namespace gongkai::penalties {

// The row the store keeps for a valid decision: the decision as sent and, when
// it may be published (RetentionOf), its public form (PublicDecision) until
// the end of its retention, each serialised as a penalties.v1 message. The
// decision must be valid (ValidateDecision): it has its date.
RecordToStore RowOf(const PenaltyDecision& decision);

// The same for a valid measure: public unless its party is a minor, with no
// end date.
RecordToStore RowOf(const CoerciveMeasure& measure);

}  // namespace gongkai::penalties
