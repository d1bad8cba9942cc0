#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/calendar/timeliness.h"
#include "common/clock.h"
#include "common/deadlines.h"
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
  // Set by the registry: who registered it (RegistrantOf).
  std::string city_code;
  std::string updated_at;                                  // RFC 3339
  std::optional<common::Date> qualification_confirmed_on;  // nullopt when never
  // The day the registry first stored it; nullopt for an agency stored
  // before the registry kept that day.
  std::optional<common::Date> created_on;
};

// Every content rule an agency breaks (DOMAIN.md, "Agency"); field paths are
// prefixed with `path` (e.g. "agencies[3]"). The bounds of its fields
// (bounds.h), each a violation of that field:
//
//   field                                   bound
//   credit_code                             18 characters (GB 32100)
//   name, legal_representative, contact     required, one line of at most 500 bytes (kLineText)
//   area_code                               6 digits (GB/T 2260)
//   domains                                 1 to 16 (kMaxAgencyDomains), each a known domain code, none twice
common::Violations ValidateAgency(const Agency& agency, const std::string& path);

// Whose agency it is to register. GB 32100-2015 (4, 代码结构): characters
// 3-8 of a unified social credit code are the administrative division code
// (GB/T 2260) of the authority that registered the organisation
// (登记管理机关行政区划码), so the code itself says in whose territory the
// agency was set up:
// - a prefecture-level city registers an agency whose code's six region
//   digits lie in the city (common::CityOfArea of them is the city: the
//   city's own code or one of its districts and counties), and whose area
//   code lies in the same city;
// - the province registers a provincial agency, whose code's region is the
//   province itself (e.g. 140000), with an area code in that province.
// Another city's agency, or a provincial one, is not a city's to register;
// a city's agency is not the province's. Either refuses the caller's whole
// batch (PERMISSION_DENIED), as an area code of another city does.

// The code an agency is registered under, from its credit code's region:
// the city (e.g. "140100" for region 140105), or the province code (e.g.
// "140000") of a provincial agency; "" when the credit code is not valid.
std::string RegistrantOf(std::string_view credit_code);

// Why the city `city_code` (e.g. "140200") may not register `agency`, naming
// the rule; nullopt when it may. Only a valid credit code and a valid area
// code are judged: ValidateAgency rejects the others as a record.
std::optional<std::string> CityRegistrationRefusal(const Agency& agency, const std::string& city_code);

// Why the province may not register `agency`; nullopt when it may. The same
// reading of the codes as for a city. The province's principal carries no
// province code, so a code issued at any province level is taken as the
// province's; the area code must lie in that same province.
std::optional<std::string> ProvinceRegistrationRefusal(const Agency& agency);

// True once the agency's validity has ended: valid_until is before `today`.
bool IsExpired(const Agency& agency, common::Date today);

// The qualification list (执法主体资格清单, DOMAIN.md kind 1) is confirmed by
// an explicit act (ConfirmQualificationLists), or by a new version of the
// agency that changes the list itself: its name, enforcement area
// (area_code), enforcement domains (as a set: their order is not a change)
// or validity period. The legal representative and the contact (telephone,
// office address) are not on the list, so a version changing only them
// confirms nothing.
bool ChangesQualificationList(const Agency& stored, const Agency& sent);

// A new agency's own deadline for its list, in the year the registry first
// stored it: this many working days after that day.
inline constexpr int kNewAgencyListDays = 20;

// That deadline: due kNewAgencyListDays working days after `created_on`,
// very overdue once as many again have passed.
common::Deadline NewAgencyListDeadline(const common::WorkingDayCalendar& calendar, common::Date created_on);

// The list's timeliness in `today`'s year: in the year the agency was
// created, its own deadline (clock start the creation day); in any other
// year, or when the creation day is not known, the annual one (clock start 1
// January, due 31 January). Done by a confirmation in that year.
common::Timeliness QualificationListTimeliness(const std::optional<common::Date>& confirmed_on,
                                               const std::optional<common::Date>& created_on,
                                               const common::Deadlines& deadlines, common::Date today);

// Whether an agency's qualification list was current on a day, and why not.
struct QualificationStanding {
  bool current = false;
  // When not current: why, in one line ("the 2026 list is not confirmed").
  std::string reason;
};

// The qualification list of `agency` on the day `on` (DOMAIN.md kind 1). It
// is current when the agency was registered and within its validity that day
// and either the list of that day's year was confirmed on or before it, or
// that day is on or before the year's deadline (31 January; in the year the
// registry first stored the agency, its own, NewAgencyListDeadline) and the
// list before it held: last year's confirmed, or the agency new (its own
// deadline not passed). The registry keeps an agency's latest confirmation
// only, so a day before that confirmation is not held against the agency:
// the confirmations before it are not known.
QualificationStanding QualificationListOn(const Agency& agency, const common::Deadlines& deadlines, common::Date on);

// A question of CheckQualificationLists: an agency's list on a day.
struct QualificationQuery {
  std::string agency_credit_code;
  std::optional<common::Date> on;  // nullopt when what was sent is not a date
};

// The most queries one CheckQualificationLists call takes.
inline constexpr std::size_t kMaxQualificationQueries = 1'000;

// Every rule the queries break: 1 to kMaxQualificationQueries of them, each
// a credit code (`queries[i].agency_credit_code`) and a date (`queries[i].on`).
common::Violations ValidateQualificationQueries(const std::vector<QualificationQuery>& queries);

}  // namespace gongkai::registry
