#pragma once

#include <cstdint>
#include <string>
#include <vector>

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
  std::string changed_on;        // formed or changed, YYYY-MM-DD: the clock start
  // Set by the registry.
  std::string city_code;
  std::string published_on;  // YYYY-MM-DD, Asia/Shanghai
  int64_t change_seq = 0;
};

// Every content rule the item breaks (DOMAIN.md, "Powers list item"); the
// agency's existence and city are checked against the store, not here.
common::Violations ValidatePowersItem(const PowersItem& item, const std::string& path, const std::string& today);

}  // namespace gongkai::registry
