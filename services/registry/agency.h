#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/violations.h"

namespace gongkai::registry {

// An enforcement agency (执法主体) as the registry keeps it.
struct Agency {
  std::string credit_code;
  std::string name;
  std::string legal_representative;
  std::string area_code;
  std::string contact;
  std::vector<std::string> domains;
  // nullopt when what was sent is not a date (ValidateAgency names it).
  std::optional<common::Date> valid_from;
  std::optional<common::Date> valid_until;
  int64_t source_version = 0;
  // Set by the registry.
  std::string city_code;
  std::string updated_at;                                  // RFC 3339
  std::optional<common::Date> qualification_confirmed_on;  // nullopt when never
};

// Every content rule an agency breaks (DOMAIN.md, "Agency"); field paths are
// prefixed with `path` (e.g. "agencies[3]").
common::Violations ValidateAgency(const Agency& agency, const std::string& path);

// True once the agency's validity has ended: valid_until is before `today`.
bool IsExpired(const Agency& agency, common::Date today);

// This year's confirmation of an agency's qualification list (due 31
// January), as the deadline engine assesses it: the clock starts on 1
// January of `today`'s year, and the confirmation is done when the list was
// confirmed in that year.
struct AnnualConfirmation {
  common::Date clock_start;
  std::optional<common::Date> done;
};
AnnualConfirmation ThisYearsConfirmation(const std::optional<common::Date>& confirmed_on, common::Date today);

}  // namespace gongkai::registry
