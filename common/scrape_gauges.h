#pragma once

#include <prometheus/collectable.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace gongkai::common {

// Gauges read afresh at every scrape (from the database, say), so restarts
// and replicas never change what Prometheus sees. A failed read is logged and
// yields no samples rather than stale ones.
class ScrapeGauges final : public prometheus::Collectable {
 public:
  struct Sample {
    std::map<std::string, std::string> labels;
    double value;
  };
  struct Family {
    std::string name;
    std::string help;
    std::vector<Sample> samples;
  };
  explicit ScrapeGauges(std::function<std::vector<Family>()> read);

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  std::function<std::vector<Family>()> read_;
};

}  // namespace gongkai::common
