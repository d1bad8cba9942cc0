#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/violations.h"
#include "services/penalties/penalty.h"

namespace gongkai::penalties {

// What the public sees of a record (DOMAIN.md, "Publication and masking (脱敏)").

// Free text as published: numbers that identify people scrubbed
// (ScrubFreeText), and a natural-person party's name replaced by its masked
// form (`masked`, MaskParty of `party`) wherever it occurs.
std::string PublicText(const std::string& text, const Party& party, const Party& masked);

// The public form of a decision: masked party, its free text (facts, other
// result, legal-application explanation) as PublicText.
PenaltyDecision PublicDecision(const PenaltyDecision& decision);

// The public form of a measure: masked party, its free text (object name,
// release conditions, necessity statement) as PublicText.
CoerciveMeasure PublicMeasure(const CoerciveMeasure& measure);

// Whether a stored record is visible to the public on `today`: it has a public
// form, and it is withdrawn (its withdrawal notice stays public) or still
// within its retention (`public_until` inclusive; nullopt = no end).
bool VisibleToPublic(bool has_public_form, bool withdrawn, const std::optional<common::Date>& public_until,
                     common::Date today);

// The limits of the public list's own filters (its city, domain and date
// filters are the common list filters): a party name searched for is at most
// 200 bytes ("party_name").
common::Violations ValidatePublishedFilter(std::string_view party_name);

}  // namespace gongkai::penalties
