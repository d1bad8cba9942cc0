#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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
  std::string valid_from;   // YYYY-MM-DD
  std::string valid_until;  // YYYY-MM-DD
  int64_t source_version = 0;
  // Set by the registry.
  std::string city_code;
  std::string updated_at;
  std::string qualification_confirmed_on;  // YYYY-MM-DD, empty when never
};

// Every content rule an agency breaks (DOMAIN.md, "Agency"); field paths are
// prefixed with `path` (e.g. "agencies[3]").
common::Violations ValidateAgency(const Agency& agency, const std::string& path);

}  // namespace gongkai::registry
