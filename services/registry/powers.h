#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/legal.h"
#include "common/violations.h"

namespace gongkai::registry {

// 权责清单 category.
enum class PowerCategory { kLicensing = 1, kPenalty = 2, kCoercion = 3, kInspection = 4, kOther = 5 };

// One item of an agency's powers and duties list (权责清单事项).
struct PowersItem {
  std::string agency_credit_code;
  std::string source_id;
  int64_t source_version = 0;
  std::string name;
  PowerCategory category = PowerCategory::kOther;
  std::vector<common::LegalProvision> legal_basis;
  std::string responsibilities;  // 责任事项
  std::string accountability;    // 追责情形
  // Formed or changed: the clock start. nullopt when what was sent is not a
  // date (ValidatePowersItem names it).
  std::optional<common::Date> changed_on;
  // On the agency's random-check list (随机抽查事项清单): only an item of
  // category kInspection may be.
  bool random_check = false;
  // Set by the registry.
  std::string city_code;
  std::optional<common::Date> published_on;  // the day this version was stored
  int64_t change_seq = 0;
};

// Every content rule the item breaks (DOMAIN.md, "Powers list item"); the
// agency's existence and city are checked against the store, not here.
// changed_on may not be after `today`. The bounds of its fields (bounds.h),
// each a violation of that field:
//
//   field                                bound
//   agency_credit_code                   required, at most 18 bytes
//   source_id                            required, one line of at most 64 bytes (kSourceIdText)
//   name                                 required, one line of at most 500 bytes (kLineText)
//   legal_basis                          1 to 20 provisions (kMaxProvisions), a law of at most 500 bytes each
//   responsibilities, accountability     required, at most 10,000 bytes, paragraphs (kDutiesText)
//   random_check                         only with category INSPECTION
common::Violations ValidatePowersItem(const PowersItem& item, const std::string& path, common::Date today);

// The keyword of the public powers list is found by a trigram index
// (pg_trgm), which needs three characters: a shorter keyword would scan
// every item, so it is taken only within one agency's list.
inline constexpr std::size_t kMaxKeywordBytes = 100;
inline constexpr std::size_t kMinIndexedKeyword = 3;  // characters

// The filters of the public powers list: a category of 0 (any) to 5
// ("category"); a keyword of one line and at most 100 bytes, of at least 3
// characters unless `agency_credit_code` narrows the list to one agency
// ("keyword").
common::Violations ValidatePowersFilter(int category, std::string_view keyword, std::string_view agency_credit_code);

// What another service may ask of the powers lists at once (GetPowersItems):
// the items of 1 to 21 agencies (a lead agency and up to 20 joint ones) with
// any of 1 to 200 source ids.
inline constexpr std::size_t kMaxPowersQueryAgencies = 21;
inline constexpr std::size_t kMaxPowersQuerySourceIds = 200;

// The bounds of such a question: each list within its bound and not empty
// ("agency_credit_codes", "source_ids"). What the lists hold is not judged:
// a value that names no item finds none.
common::Violations ValidatePowersQuery(std::size_t agencies, std::size_t source_ids);

// The categories that make an agency an enforcement unit (执法单位): whoever
// holds a powers item of one of them takes decisions a case-file review
// (案卷评查) examines.
inline constexpr PowerCategory kEnforcementPowers[] = {PowerCategory::kLicensing, PowerCategory::kPenalty};
inline bool IsEnforcementPower(PowerCategory category) {
  for (PowerCategory c : kEnforcementPowers) {
    if (c == category) return true;
  }
  return false;
}

// An enforcement unit: a registered agency holding a powers item of a
// category of kEnforcementPowers, as ListEnforcementUnits answers it.
struct EnforcementUnit {
  std::string credit_code;
  std::string name;
  std::string city_code;
};

// ListEnforcementUnits answers every unit in one list, of at most 20,000
// units: serialised, a unit is some 120 bytes (a credit code, a name of a few
// dozen characters, a city), so 20,000 are some 2.4 MB, well within the 4 MB
// of an answer (kPublicAnswerBytes). A registry holding more units, or units
// whose names are so long that the list passes 4 MB, answers
// FAILED_PRECONDITION naming the bound rather than a part of the list.
inline constexpr std::size_t kMaxEnforcementUnits = 20'000;

}  // namespace gongkai::registry
