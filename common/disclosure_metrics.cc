#include "common/disclosure_metrics.h"

namespace gongkai::common {

DisclosureMetrics::DisclosureMetrics(prometheus::Registry& registry)
    : total_(prometheus::BuildCounter()
                 .Name("gongkai_disclosures_total")
                 .Help("Records disclosed, by kind, city and whether by their deadline.")
                 .Register(registry)),
      lag_(prometheus::BuildHistogram()
               .Name("gongkai_disclosure_lag_workdays")
               .Help("Working days past the deadline at disclosure (0 when on time).")
               .Register(registry)) {}

void DisclosureMetrics::Disclosed(const std::string& kind, const std::string& city, const v1::Timeliness& t) {
  const bool late = t.status() == v1::Timeliness::LATE;
  prometheus::Counter* counter = nullptr;
  prometheus::Histogram* lag = nullptr;
  {
    const std::lock_guard lock(mutex_);
    Series& series = series_[kind][city];
    prometheus::Counter*& outcome = late ? series.late : series.on_time;
    if (outcome == nullptr) {
      outcome = &total_.Add({{"kind", kind}, {"city", city}, {"outcome", late ? "late" : "on_time"}});
    }
    if (series.lag == nullptr) {
      static const prometheus::Histogram::BucketBoundaries kBuckets = {0, 1, 2, 3, 5, 7, 10, 15, 20, 30, 60};
      series.lag = &lag_.Add({{"kind", kind}, {"city", city}}, kBuckets);
    }
    counter = outcome;
    lag = series.lag;
  }
  counter->Increment();
  lag->Observe(late ? t.lag_working_days() : 0);
}

}  // namespace gongkai::common
