#pragma once

#include <string>

#include "common/violations.h"

namespace gongkai::common {

// The optional filters of list requests: empty matches everything, anything
// else must be a valid value, or the field is named with the rule.
void CheckCityFilter(Violations& out, const std::string& field, const std::string& value);
void CheckDomainFilter(Violations& out, const std::string& field, const std::string& value);
void CheckDateFilter(Violations& out, const std::string& field, const std::string& value);

}  // namespace gongkai::common
