#include "common/list_filters.h"

#include "common/calendar/iso_date.h"
#include "common/domains.h"
#include "common/identifiers.h"

namespace gongkai::common {

void CheckCityFilter(Violations& out, const std::string& field, const std::string& value) {
  if (!value.empty() && !IsCityCode(value)) {
    out.push_back({field, "must be a prefecture-level city code such as 140100"});
  }
}

void CheckDomainFilter(Violations& out, const std::string& field, const std::string& value) {
  if (!value.empty() && !IsKnownDomain(value)) out.push_back({field, "unknown enforcement domain"});
}

void CheckDateFilter(Violations& out, const std::string& field, const std::string& value) {
  if (!value.empty() && !IsIsoDate(value)) out.push_back({field, "must be a date YYYY-MM-DD"});
}

}  // namespace gongkai::common
