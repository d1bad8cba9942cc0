#include "services/registry/agency.h"

#include <chrono>
#include <set>

#include "common/calendar/iso_date.h"
#include "common/domains.h"
#include "common/identifiers.h"
#include "common/text.h"
#include "services/registry/bounds.h"

namespace gongkai::registry {
namespace {

// The six region digits (characters 3-8) of a valid credit code.
std::optional<std::string> RegionOf(std::string_view credit_code) {
  if (common::CheckCreditCode(credit_code)) return std::nullopt;
  return std::string(credit_code.substr(2, 6));
}

// A province's own code (e.g. 140000), not one of its cities or counties.
bool IsProvinceLevel(std::string_view area_code) { return area_code.substr(2) == "0000"; }

std::string ProvinceOf(std::string_view area_code) { return std::string(area_code.substr(0, 2)) + "0000"; }

std::string Issued(const std::string& credit_code, const std::string& region) {
  return "credit code " + credit_code + " was issued in region " + region + " (characters 3-8, GB 32100)";
}

}  // namespace

common::Violations ValidateAgency(const Agency& a, const std::string& path) {
  common::Violations out;
  CheckCreditCodeField(out, path + ".credit_code", a.credit_code);
  common::CheckText(out, path + ".name", a.name, kLineText, common::Presence::kRequired);
  common::CheckText(out, path + ".legal_representative", a.legal_representative, kLineText,
                    common::Presence::kRequired);
  common::CheckText(out, path + ".contact", a.contact, kLineText, common::Presence::kRequired);
  if (auto problem = common::CheckAreaCode(a.area_code)) {
    out.push_back({path + ".area_code", *problem});
  }
  if (a.domains.empty()) {
    out.push_back({path + ".domains", "at least one enforcement domain is required"});
  }
  if (CheckListSize(out, path + ".domains", a.domains.size(), kMaxAgencyDomains, "enforcement domains")) {
    std::set<std::string> seen;
    for (std::size_t i = 0; i < a.domains.size(); ++i) {
      const std::string field = common::At(path + ".domains", static_cast<int>(i));
      if (!common::IsKnownDomain(a.domains[i])) {
        out.push_back({field, UnknownDomain(a.domains[i])});
      } else if (!seen.insert(a.domains[i]).second) {
        out.push_back({field, "listed twice"});
      }
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

std::string RegistrantOf(std::string_view credit_code) {
  const auto region = RegionOf(credit_code);
  // CityOfArea keeps a province-level code as it is (140000 -> 140000).
  return region ? common::CityOfArea(*region) : "";
}

std::optional<std::string> CityRegistrationRefusal(const Agency& agency, const std::string& city_code) {
  if (!common::CheckAreaCode(agency.area_code) && common::CityOfArea(agency.area_code) != city_code) {
    return "area code " + agency.area_code + " is outside city " + city_code;
  }
  if (const auto region = RegionOf(agency.credit_code)) {
    if (IsProvinceLevel(*region)) {
      return Issued(agency.credit_code, *region) + ", a provincial agency's: the province registers it";
    }
    if (common::CityOfArea(*region) != city_code) {
      return Issued(agency.credit_code, *region) + ", which lies in city " + common::CityOfArea(*region) + ", not " +
             city_code;
    }
  }
  return std::nullopt;
}

std::optional<std::string> ProvinceRegistrationRefusal(const Agency& agency) {
  const auto region = RegionOf(agency.credit_code);
  if (region && !IsProvinceLevel(*region)) {
    return Issued(agency.credit_code, *region) + ", which lies in city " + common::CityOfArea(*region) +
           ": the city registers it";
  }
  if (region && !common::CheckAreaCode(agency.area_code) && ProvinceOf(agency.area_code) != *region) {
    return "area code " + agency.area_code + " is outside province " + *region;
  }
  return std::nullopt;
}

bool IsExpired(const Agency& agency, common::Date today) {
  return agency.valid_until.has_value() && *agency.valid_until < today;
}

bool ChangesQualificationList(const Agency& stored, const Agency& sent) {
  const std::set<std::string> stored_domains(stored.domains.begin(), stored.domains.end());
  const std::set<std::string> sent_domains(sent.domains.begin(), sent.domains.end());
  return stored.name != sent.name || stored.area_code != sent.area_code || stored_domains != sent_domains ||
         stored.valid_from != sent.valid_from || stored.valid_until != sent.valid_until;
}

common::Deadline NewAgencyListDeadline(const common::WorkingDayCalendar& calendar, common::Date created_on) {
  const auto due = calendar.AddWorkingDays(created_on, kNewAgencyListDays);
  return {due, calendar.AddWorkingDays(due.value, kNewAgencyListDays)};
}

common::Timeliness QualificationListTimeliness(const std::optional<common::Date>& confirmed_on,
                                               const std::optional<common::Date>& created_on,
                                               const common::Deadlines& deadlines, common::Date today) {
  using std::chrono::year_month_day;
  const std::chrono::year year = year_month_day(today).year();
  const auto calendar = deadlines.calendar();
  std::optional<common::Date> done;
  if (confirmed_on && year_month_day(*confirmed_on).year() == year) done = confirmed_on;
  if (created_on && year_month_day(*created_on).year() == year) {
    return common::AssessDeadline(*calendar, *created_on, NewAgencyListDeadline(*calendar, *created_on), done, today);
  }
  const common::Date january_1 = year / std::chrono::January / 1;
  return common::AssessDeadline(
      *calendar, january_1, deadlines.engine().DeadlineOf(*calendar, common::RecordKind::kQualificationList, january_1),
      done, today);
}

QualificationStanding QualificationListOn(const Agency& agency, const common::Deadlines& deadlines, common::Date on) {
  using std::chrono::year_month_day;
  const auto year_of = [](common::Date day) { return year_month_day(day).year(); };
  const auto not_current = [](std::string reason) { return QualificationStanding{false, std::move(reason)}; };
  const std::chrono::year year = year_of(on);
  const auto& confirmed = agency.qualification_confirmed_on;
  const auto& created = agency.created_on;
  if (created && on < *created) return not_current("not registered before " + common::FormatIsoDate(*created));
  if (agency.valid_from && on < *agency.valid_from) {
    return not_current("not yet valid (from " + common::FormatIsoDate(*agency.valid_from) + ")");
  }
  if (agency.valid_until && *agency.valid_until < on) {
    return not_current("validity ended " + common::FormatIsoDate(*agency.valid_until));
  }
  if (confirmed && (*confirmed > on || year_of(*confirmed) == year)) return {true, ""};
  const std::string list = "the " + std::to_string(static_cast<int>(year)) + " list";
  if (created && year_of(*created) == year) {
    const common::Date due = NewAgencyListDeadline(*deadlines.calendar(), *created).due.value;
    if (on <= due) return {true, ""};
    return not_current(list + " was not confirmed by " + common::FormatIsoDate(due) + ", 20 working days after " +
                       common::FormatIsoDate(*created));
  }
  if (on <= common::Date(year / std::chrono::January / 31)) {
    // Within the grace: the list before holds (a new agency's while its own
    // deadline has not passed).
    if (confirmed && year_of(*confirmed) == year - std::chrono::years(1)) return {true, ""};
    if (created && on <= NewAgencyListDeadline(*deadlines.calendar(), *created).due.value) return {true, ""};
    return not_current("the " + std::to_string(static_cast<int>(year) - 1) + " list is not confirmed");
  }
  return not_current(list + " is not confirmed");
}

common::Violations ValidateQualificationQueries(const std::vector<QualificationQuery>& queries) {
  common::Violations out;
  if (queries.empty()) out.push_back({"queries", "at least one query is required"});
  if (!CheckListSize(out, "queries", queries.size(), kMaxQualificationQueries, "queries")) return out;
  for (std::size_t i = 0; i < queries.size(); ++i) {
    const std::string path = common::At("queries", static_cast<int>(i));
    CheckCreditCodeField(out, path + ".agency_credit_code", queries[i].agency_credit_code);
    if (!queries[i].on) out.push_back({path + ".on", "must be a date YYYY-MM-DD"});
  }
  return out;
}

}  // namespace gongkai::registry
