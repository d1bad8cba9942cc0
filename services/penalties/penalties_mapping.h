#pragma once

#include "gongkai/penalties/v1/penalties.pb.h"
#include "services/penalties/penalty.h"

namespace gongkai::penalties {

// Proto <-> domain, field by field; no rules here. A date field that does not
// read as a date (YYYY-MM-DD) comes in as nullopt, which validation names.
PenaltyDecision DecisionFromProto(const v1::PenaltyDecision& proto);
void DecisionToProto(const PenaltyDecision& decision, v1::PenaltyDecision* proto);
CoerciveMeasure MeasureFromProto(const v1::CoerciveMeasure& proto);
void MeasureToProto(const CoerciveMeasure& measure, v1::CoerciveMeasure* proto);

}  // namespace gongkai::penalties
