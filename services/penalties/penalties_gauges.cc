#include "services/penalties/penalties_gauges.h"

#include "services/penalties/penalty_timeliness.h"

namespace gongkai::penalties {

std::shared_ptr<common::ScrapeGauges> MakePenaltyGauges(PenaltyStore& store, const common::Deadlines& deadlines,
                                                        const common::Clock& clock) {
  return std::make_shared<common::ScrapeGauges>([&store, &deadlines, &clock] {
    const auto calendar = deadlines.calendar();
    const PublicationTimeliness tally = TallyPublications(
        store.PublicationCounts(),
        [&](PenaltyKind kind, common::Date clock_start) {
          return deadlines.engine().Due(*calendar, DeadlineKind(kind), clock_start).value;
        },
        clock.Today());
    common::ScrapeGauges::Family overdue{
        "gongkai_disclosures_overdue", "Records past their deadline and still not published, by kind and city.", {}};
    for (const auto& [key, n] : tally.overdue) {
      overdue.samples.push_back({{{"kind", key.first}, {"city", key.second}}, n});
    }
    common::ScrapeGauges::Family kpi{"gongkai_kpi_ratio", "The plan's KPIs, computed from the database.", {}};
    for (const auto& [scope, share] : tally.key_domain) {
      kpi.samples.push_back({{{"kpi", "key_domain_timeliness_penalties"}, {"scope", scope}}, share.Ratio()});
    }
    return std::vector<common::ScrapeGauges::Family>{overdue, kpi};
  });
}

}  // namespace gongkai::penalties
