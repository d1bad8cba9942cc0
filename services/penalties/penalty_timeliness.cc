#include "services/penalties/penalty_timeliness.h"

#include "common/domains.h"

namespace gongkai::penalties {

common::RecordKind DeadlineKind(PenaltyKind kind) {
  return kind == PenaltyKind::kDecision ? common::RecordKind::kPenaltyDecision : common::RecordKind::kCoerciveMeasure;
}

std::string KindLabel(PenaltyKind kind) { return std::string(common::RecordKindName(DeadlineKind(kind))); }

PublicationTimeliness TallyPublications(const std::vector<PublicationCount>& counts, const DueDate& due,
                                        common::Date today) {
  PublicationTimeliness out;
  for (const auto& c : counts) {
    if (!c.clock_start) continue;
    const common::Date due_date = due(c.kind, *c.clock_start);
    const bool published = c.published_on.has_value();
    const auto n = static_cast<double>(c.count);
    if (!published && today > due_date) out.overdue[{KindLabel(c.kind), c.city_code}] += n;
    if (!common::IsKeyDomain(c.domain) || (!published && today <= due_date)) continue;
    const bool on_time = published && *c.published_on <= due_date;
    for (const std::string& scope : {c.city_code, std::string("province")}) {
      out.key_domain[scope].on_time += on_time ? n : 0;
      out.key_domain[scope].due += n;
    }
  }
  return out;
}

}  // namespace gongkai::penalties
