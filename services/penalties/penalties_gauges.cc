#include "services/penalties/penalties_gauges.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "services/penalties/penalty_timeliness.h"

namespace gongkai::penalties {

std::shared_ptr<common::ScrapeGauges> MakePenaltyGauges(PenaltyStore& store, const common::Deadlines& deadlines,
                                                        const common::Clock& clock) {
  return std::make_shared<common::ScrapeGauges>([&store, &deadlines, &clock] {
    using Family = common::ScrapeGauges::Family;
    const auto calendar = deadlines.calendar();
    const PublicationTimeliness tally = TallyPublications(
        store.PublicationCounts(),
        [&](PenaltyKind kind, common::Date clock_start) {
          return deadlines.engine().Due(*calendar, DeadlineKind(kind), clock_start).value;
        },
        clock.Today());
    Family overdue{
        "gongkai_disclosures_overdue", "Records past their deadline and still not published, by kind and city.", {}};
    for (const auto& [key, n] : tally.overdue) {
      overdue.samples.push_back({{{"kind", key.first}, {"city", key.second}}, n});
    }
    Family kpi{"gongkai_kpi_ratio", "The plan's KPIs, computed from the database.", {}};
    for (const auto& [scope, share] : tally.key_domain) {
      kpi.samples.push_back({{{"kpi", "key_domain_timeliness_penalties"}, {"scope", scope}}, share.Ratio()});
    }
    // Each deadline rule is reported for the province even when nothing was
    // due yet (ratio 1), so that an alert sees every rule.
    std::map<std::pair<std::string, std::string>, OnTimeShare> on_time = tally.on_time;
    for (const PenaltyKind kind : {PenaltyKind::kDecision, PenaltyKind::kMeasure}) {
      on_time.try_emplace({KindLabel(kind), "province"});
    }
    Family due{"gongkai_deadline_records_due",
               "Records of a deadline rule due by today (published, or past their deadline; never those the rules "
               "never publish), per city and for the province.",
               {}};
    Family met{"gongkai_deadline_records_met",
               "Records of a deadline rule published by their deadline, per city and for the province.",
               {}};
    Family ratio{"gongkai_deadline_on_time_ratio",
                 "Records of a deadline rule published by their deadline over those due (1 when none was due), per "
                 "city and for the province.",
                 {}};
    for (const auto& [key, share] : on_time) {
      const std::map<std::string, std::string> labels{{"kind", key.first}, {"scope", key.second}};
      due.samples.push_back({labels, share.due});
      met.samples.push_back({labels, share.on_time});
      ratio.samples.push_back({labels, share.Ratio()});
    }
    return std::vector<Family>{std::move(overdue), std::move(kpi), std::move(due), std::move(met), std::move(ratio)};
  });
}

}  // namespace gongkai::penalties
