#pragma once

#include <string>
#include <string_view>
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

// The path of element `index` of a repeated field: "decisions[3]".
std::string At(std::string_view field, int index);

}  // namespace gongkai::common
