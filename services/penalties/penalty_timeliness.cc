#include "services/penalties/penalty_timeliness.h"

#include "common/domains.h"

namespace gongkai::penalties {

common::RecordKind DeadlineKind(PenaltyKind kind) {
  return kind == PenaltyKind::kDecision ? common::RecordKind::kPenaltyDecision : common::RecordKind::kCoerciveMeasure;
}

std::string KindLabel(PenaltyKind kind) { return std::string(common::RecordKindName(DeadlineKind(kind))); }

bool NeverPublished(PenaltyKind kind, const PublicationClaims& claims, common::Date clock_start) {
  PenaltyDecision claimed;
  claimed.party.minor = claims.minor || claims.id_shows_minor;
  if (!claims.person_id.empty()) {
    claimed.party.kind = Party::Kind::kNaturalPerson;
    claimed.party.id_number = claims.person_id;
  }
  claimed.decision_date = clock_start;
  claimed.severity =
      kind == PenaltyKind::kDecision && claims.minor_tier ? CreditSeverity::kMinor : CreditSeverity::kGeneral;
  return !RetentionOf(claimed).publishable;
}

PublicationTimeliness TallyPublications(const std::vector<PublicationCount>& counts, const DueDate& due,
                                        common::Date today) {
  PublicationTimeliness out;
  for (const auto& c : counts) {
    if (!c.clock_start || c.never_published) continue;
    const common::Date due_date = due(c.kind, *c.clock_start);
    const bool published = c.published_on.has_value();
    if (!published && today <= due_date) continue;  // not due yet
    const auto n = static_cast<double>(c.count);
    if (!published) out.overdue[{KindLabel(c.kind), c.city_code}] += n;
    const double on_time = published && *c.published_on <= due_date ? n : 0;
    const bool key_domain = common::IsKeyDomain(c.domain);
    for (const std::string& scope : {c.city_code, std::string("province")}) {
      OnTimeShare& kind_share = out.on_time[{KindLabel(c.kind), scope}];
      kind_share.on_time += on_time;
      kind_share.due += n;
      if (!key_domain) continue;
      out.key_domain[scope].on_time += on_time;
      out.key_domain[scope].due += n;
    }
  }
  return out;
}

}  // namespace gongkai::penalties
