#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/violations.h"

namespace gongkai::registry {

// That an agency's annual inspection plan (年度检查计划) of a year was
// published, and the first day it was public, as the inspections service
// reports it (RecordInspectionPlans). The registry keeps the earliest day of
// each agency and year; an agency holding powers items of category
// INSPECTION must have one for the current year (coverage.h).
struct InspectionPlan {
  std::string agency_credit_code;
  int year = 0;
  // nullopt when what was sent is not a date.
  std::optional<common::Date> published_on;
};

// The most notices one call carries.
inline constexpr std::size_t kMaxInspectionPlanNotices = 1000;
// The years a plan may be of.
inline constexpr int kFirstPlanYear = 2000;
inline constexpr int kLastPlanYear = 2100;

// At most 1,000 notices ("notices"; none is a call that records nothing),
// each with a credit code (GB 32100), a year from 2000 to 2100 and a
// published_on date, under "notices[i]". Whether the agency is registered is
// the store's to say: a notice of an unknown agency is counted, not refused.
common::Violations ValidateInspectionPlans(const std::vector<InspectionPlan>& notices);

// The year whose plan an agency must have published on `today`: today's.
int InspectionPlanYear(common::Date today);

}  // namespace gongkai::registry
