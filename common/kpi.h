#pragma once

#include <string_view>

namespace gongkai::common {

// A KPI ratio: what was met of what was due; 1 when nothing was due.
inline double Share(double met, double due) { return due == 0 ? 1.0 : met / due; }

// The plan's four KPIs (docs/DOMAIN.md, "The plan's KPIs"), as the
// `kpi` of a KpiTally and the `kpi` label of the gauges.
inline constexpr std::string_view kKpiCoverage = "coverage";
inline constexpr std::string_view kKpiKeyDomainTimeliness = "key_domain_timeliness";
inline constexpr std::string_view kKpiConsultationResponse = "consultation_response_rate";
inline constexpr std::string_view kKpiStandardisedReply = "standardised_reply_rate";

}  // namespace gongkai::common
