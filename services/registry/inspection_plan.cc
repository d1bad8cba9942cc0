#include "services/registry/inspection_plan.h"

#include <chrono>

#include "services/registry/bounds.h"

namespace gongkai::registry {

common::Violations ValidateInspectionPlans(const std::vector<InspectionPlan>& notices) {
  common::Violations out;
  if (!CheckListSize(out, "notices", notices.size(), kMaxInspectionPlanNotices, "notices")) return out;
  for (std::size_t i = 0; i < notices.size(); ++i) {
    const InspectionPlan& n = notices[i];
    const std::string path = common::At("notices", static_cast<int>(i));
    CheckCreditCodeField(out, path + ".agency_credit_code", n.agency_credit_code);
    if (n.year < kFirstPlanYear || n.year > kLastPlanYear) {
      out.push_back({path + ".year", std::string("must be a year from ") + std::to_string(kFirstPlanYear) + " to " +
                                         std::to_string(kLastPlanYear)});
    }
    if (!n.published_on) out.push_back({path + ".published_on", "must be a date YYYY-MM-DD"});
  }
  return out;
}

int InspectionPlanYear(common::Date today) { return static_cast<int>(std::chrono::year_month_day(today).year()); }

}  // namespace gongkai::registry
