#include "services/penalties/penalties_gauges.h"

#include <chrono>
#include <cstdint>
#include <utility>
#include <vector>

#include "common/kpi_tallies.h"
#include "services/penalties/penalty_kpis.h"
#include "services/penalties/penalty_timeliness.h"

namespace gongkai::penalties {

std::vector<common::v1::OverdueCount> PenaltyOverdue(const std::vector<PublicationCount>& counts,
                                                     const common::Deadlines& deadlines, common::Date today) {
  const auto calendar = deadlines.calendar();
  const PublicationTimeliness tally = TallyPublications(
      counts,
      [&](PenaltyKind kind, common::Date clock_start) {
        return deadlines.engine().Due(*calendar, DeadlineKind(kind), clock_start).value;
      },
      today);
  std::vector<common::v1::OverdueCount> out;
  for (const auto& [key, n] : tally.overdue) {  // by (kind, city)
    common::v1::OverdueCount& count = out.emplace_back();
    count.set_kind(key.first);
    count.set_city_code(key.second);
    count.set_count(static_cast<int64_t>(n));
  }
  return out;
}

std::shared_ptr<common::ScrapeGauges> MakePenaltyGauges(PenaltyStore& store, const common::Deadlines& deadlines,
                                                        const common::Clock& clock) {
  return std::make_shared<common::ScrapeGauges>([&store, &deadlines, &clock] {
    using Family = common::ScrapeGauges::Family;
    const common::Date today = clock.Today();
    Family overdue{
        "gongkai_disclosures_overdue", "Records past their deadline and still not published, by kind and city.", {}};
    for (const common::v1::OverdueCount& c : PenaltyOverdue(store.PublicationCounts(), deadlines, today)) {
      overdue.samples.push_back({{{"kind", c.kind()}, {"city", c.city_code()}}, static_cast<double>(c.count())});
    }
    common::v1::GetKpiTalliesRequest this_year;
    this_year.set_year(static_cast<int>(std::chrono::year_month_day(today).year()));
    std::vector<Family> families = common::KpiTallyFamilies(PenaltyTallies(store, deadlines, today, this_year));
    families.insert(families.begin(), std::move(overdue));
    return families;
  });
}

}  // namespace gongkai::penalties
