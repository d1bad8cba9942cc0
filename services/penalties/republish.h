#pragma once

#include <cstddef>

#include "services/penalties/penalty_store.h"

namespace gongkai::penalties {

// Public forms made by older masking rules (DOMAIN.md, "Publication and
// masking (脱敏)"): a stored record keeps the public form computed when it was
// written, and notes the version of the masking rules that made it
// (kMaskingVersion). When the rules change, the service recomputes, before it
// serves, the public form of every record of an older version from the
// record as sent, so that no public answer carries what the current rules
// mask.

// Records per transaction of the republish.
inline constexpr int kRepublishBatch = 500;

// A stale record's public columns under the current rules, and the feed event
// that announces them:
// - the public form, with the party's public name and credit code: RowOf of
//   the record as sent, as a write makes it; a record that had none gets none
//   (the republish never publishes), and one whose record does not read back
//   (no parse, no date) loses it;
// - a stored explanation (withdrawal, release): only its masked text is
//   kept, so it is masked again (PublicExplanation) with the record's
//   personal data and the current rules;
// - the event: none when nothing changed or the record was never public;
//   UNPUBLISHED when the public form is gone; for a withdrawn decision,
//   whose public answers are its notice, WITHDRAWN when its explanation
//   changed; otherwise PUBLISHED when its public form changed, as a new
//   version would be announced (a public credit code filled in alone, which
//   the public form already carried, is not).
Republished RepublishRecord(const StaleRecord& stale);

struct RepublishTotals {
  std::size_t batches = 0;
  std::size_t read = 0;
  std::size_t rewritten = 0;
  std::size_t announced = 0;
};

// Walks every stored record of an older masking version, `batch_size` per
// transaction (PgPenaltyStore::Republish with RepublishRecord), logging one
// line of counts per batch and one of the totals (never a record's key or
// content). A record the city replaces meanwhile is written at the current
// version and is not read again.
RepublishTotals RepublishStoredRecords(PgPenaltyStore& store, int batch_size = kRepublishBatch);

}  // namespace gongkai::penalties
