#include "services/registry/agency.h"

#include <chrono>
#include <set>

#include "common/domains.h"
#include "common/identifiers.h"
#include "common/text.h"

namespace gongkai::registry {
namespace {

constexpr std::size_t kMaxText = 500;

void RequireText(common::Violations& out, const std::string& path, const char* field, const std::string& value) {
  if (common::IsAsciiBlank(value)) {
    out.push_back({path + "." + field, "required"});
  } else if (value.size() > kMaxText) {
    out.push_back({path + "." + field, "at most " + std::to_string(kMaxText) + " bytes"});
  }
}

}  // namespace

common::Violations ValidateAgency(const Agency& a, const std::string& path) {
  common::Violations out;
  if (auto problem = common::CheckCreditCode(a.credit_code)) {
    out.push_back({path + ".credit_code", *problem});
  }
  RequireText(out, path, "name", a.name);
  RequireText(out, path, "legal_representative", a.legal_representative);
  RequireText(out, path, "contact", a.contact);
  if (auto problem = common::CheckAreaCode(a.area_code)) {
    out.push_back({path + ".area_code", *problem});
  }
  if (a.domains.empty()) {
    out.push_back({path + ".domains", "at least one enforcement domain is required"});
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < a.domains.size(); ++i) {
    const std::string field = path + ".domains[" + std::to_string(i) + "]";
    if (!common::IsKnownDomain(a.domains[i])) {
      out.push_back({field, "unknown enforcement domain '" + a.domains[i] + "'"});
    } else if (!seen.insert(a.domains[i]).second) {
      out.push_back({field, "listed twice"});
    }
  }
  if (!a.valid_from) out.push_back({path + ".valid_from", "must be a date YYYY-MM-DD"});
  if (!a.valid_until) out.push_back({path + ".valid_until", "must be a date YYYY-MM-DD"});
  if (a.valid_from && a.valid_until && *a.valid_from >= *a.valid_until) {
    out.push_back({path + ".valid_until", "must be after valid_from"});
  }
  if (a.source_version <= 0) {
    out.push_back({path + ".source_version", "must be a positive version number"});
  }
  return out;
}

bool IsExpired(const Agency& agency, common::Date today) {
  return agency.valid_until.has_value() && *agency.valid_until < today;
}

AnnualConfirmation ThisYearsConfirmation(const std::optional<common::Date>& confirmed_on, common::Date today) {
  const std::chrono::year year = std::chrono::year_month_day(today).year();
  AnnualConfirmation out{common::Date(year / std::chrono::January / 1), std::nullopt};
  if (confirmed_on && std::chrono::year_month_day(*confirmed_on).year() == year) out.done = confirmed_on;
  return out;
}

}  // namespace gongkai::registry
