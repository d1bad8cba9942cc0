#include "common/fields.h"

#include "common/calendar/iso_date.h"
#include "common/domains.h"
#include "common/identifiers.h"
#include "common/text.h"

namespace gongkai::common {

std::optional<Date> CheckPastDate(Violations& out, const std::string& field, const std::string& value, Date today) {
  auto date = ParseIsoDate(value);
  return CheckPastDate(out, field, date, today) ? date : std::nullopt;
}

bool CheckPastDate(Violations& out, const std::string& field, const std::optional<Date>& date, Date today) {
  if (!date) {
    out.push_back({field, "must be a date YYYY-MM-DD"});
    return false;
  }
  if (*date > today) {
    out.push_back({field, "must not be in the future"});
    return false;
  }
  return true;
}

void CheckCityFilter(Violations& out, const std::string& field, const std::string& value) {
  if (!value.empty() && !IsCityCode(value)) {
    out.push_back({field, "must be a prefecture-level city code such as 140100"});
  }
}

void CheckDomainFilter(Violations& out, const std::string& field, const std::string& value) {
  if (!value.empty() && !IsKnownDomain(value)) out.push_back({field, "unknown enforcement domain"});
}

std::optional<Date> CheckDateFilter(Violations& out, const std::string& field, const std::string& value) {
  if (value.empty()) return std::nullopt;
  auto date = ParseIsoDate(value);
  if (!date) out.push_back({field, "must be a date YYYY-MM-DD"});
  return date;
}

void CheckKeyFilter(Violations& out, const std::string& field, const std::string& value) {
  if (value.empty()) return;
  if (value.size() > 64 || !IsPrintableAscii(value)) {
    out.push_back({field, "must be 1 to 64 characters from '!' to '~'"});
  }
}

}  // namespace gongkai::common
