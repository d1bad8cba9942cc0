#include "services/penalties/penalties_gauges.h"

#include <chrono>
#include <utility>
#include <vector>

#include "common/kpi_tallies.h"
#include "services/penalties/penalty_kpis.h"
#include "services/penalties/penalty_timeliness.h"

namespace gongkai::penalties {

std::shared_ptr<common::ScrapeGauges> MakePenaltyGauges(PenaltyStore& store, const common::Deadlines& deadlines,
                                                        const common::Clock& clock) {
  return std::make_shared<common::ScrapeGauges>([&store, &deadlines, &clock] {
    using Family = common::ScrapeGauges::Family;
    const common::Date today = clock.Today();
    const auto calendar = deadlines.calendar();
    const PublicationTimeliness tally = TallyPublications(
        store.PublicationCounts(),
        [&](PenaltyKind kind, common::Date clock_start) {
          return deadlines.engine().Due(*calendar, DeadlineKind(kind), clock_start).value;
        },
        today);
    Family overdue{
        "gongkai_disclosures_overdue", "Records past their deadline and still not published, by kind and city.", {}};
    for (const auto& [key, n] : tally.overdue) {
      overdue.samples.push_back({{{"kind", key.first}, {"city", key.second}}, n});
    }
    common::v1::GetKpiTalliesRequest this_year;
    this_year.set_year(static_cast<int>(std::chrono::year_month_day(today).year()));
    std::vector<Family> families = common::KpiTallyFamilies(PenaltyTallies(store, deadlines, today, this_year));
    families.insert(families.begin(), std::move(overdue));
    return families;
  });
}

}  // namespace gongkai::penalties
