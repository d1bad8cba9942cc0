#pragma once

#include <optional>
#include <string>

#include "common/clock.h"
#include "common/violations.h"

namespace gongkai::common {

// The checks of request fields that every service shares. Each names the
// field and the rule in `out` when the value breaks it.

// A date the caller reports as having happened: "YYYY-MM-DD", not after
// `today`. The date, or nullopt when it is not one.
std::optional<Date> CheckPastDate(Violations& out, const std::string& field, const std::string& value, Date today);
// The same rule for a date already read from the wire: nullopt means what was
// sent is not a date. True when the date passes.
bool CheckPastDate(Violations& out, const std::string& field, const std::optional<Date>& date, Date today);

// The optional filters of list requests: empty matches everything, anything
// else must be a valid value.
void CheckCityFilter(Violations& out, const std::string& field, const std::string& value);
void CheckDomainFilter(Violations& out, const std::string& field, const std::string& value);
// The date, or nullopt when the filter is empty or not a date.
std::optional<Date> CheckDateFilter(Violations& out, const std::string& field, const std::string& value);

// A filter naming a key (a credit code, a source id): empty, or 1 to 64
// bytes of printable ASCII (from '!' to '~').
void CheckKeyFilter(Violations& out, const std::string& field, const std::string& value);

}  // namespace gongkai::common
