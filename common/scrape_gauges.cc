#include "common/scrape_gauges.h"

#include <prometheus/client_metric.h>
#include <prometheus/metric_family.h>

#include "common/log.h"

namespace gongkai::common {

ScrapeGauges::ScrapeGauges(std::function<std::vector<Family>()> read) : read_(std::move(read)) {}

std::vector<prometheus::MetricFamily> ScrapeGauges::Collect() const {
  std::vector<prometheus::MetricFamily> out;
  try {
    for (const auto& family : read_()) {
      prometheus::MetricFamily f;
      f.name = family.name;
      f.help = family.help;
      f.type = prometheus::MetricType::Gauge;
      for (const auto& sample : family.samples) {
        prometheus::ClientMetric m;
        for (const auto& [name, value] : sample.labels) m.label.push_back({name, value});
        m.gauge.value = sample.value;
        f.metric.push_back(std::move(m));
      }
      out.push_back(std::move(f));
    }
  } catch (const std::exception& e) {
    Log(LogLevel::kWarning, "scrape_gauges_unavailable", {{"reason", e.what()}});
    return {};
  }
  return out;
}

}  // namespace gongkai::common
