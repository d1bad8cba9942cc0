#pragma once

#include <string>
#include <vector>

namespace gongkai::common {

// One broken rule of one field: the field's path in the request
// (e.g. "agencies[2].credit_code") and the rule, in words.
struct FieldViolation {
  std::string field;
  std::string description;

  bool operator==(const FieldViolation&) const = default;
};

using Violations = std::vector<FieldViolation>;

}  // namespace gongkai::common
