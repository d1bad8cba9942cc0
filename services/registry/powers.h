#pragma once

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
  // Set by the registry.
  std::string city_code;
  std::optional<common::Date> published_on;  // the day this version was stored
  int64_t change_seq = 0;
};

// Every content rule the item breaks (DOMAIN.md, "Powers list item"); the
// agency's existence and city are checked against the store, not here.
// changed_on may not be after `today`.
common::Violations ValidatePowersItem(const PowersItem& item, const std::string& path, common::Date today);

// The filters of the public powers list: a category of 0 (any) to 5
// ("category") and a keyword of at most 100 bytes ("keyword").
common::Violations ValidatePowersFilter(int category, std::string_view keyword);

}  // namespace gongkai::registry
