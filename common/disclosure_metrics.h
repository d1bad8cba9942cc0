#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <map>
#include <mutex>
#include <string>

#include "gongkai/common/v1/timeliness.pb.h"

namespace gongkai::common {

// Per-disclosure series, counted when a record is published (or a reply
// sent): gongkai_disclosures_total{kind,city,outcome="on_time|late"} and
// gongkai_disclosure_lag_workdays{kind,city}. Labels are bounded: a
// record kind and a city code.
class DisclosureMetrics {
 public:
  explicit DisclosureMetrics(prometheus::Registry& registry);

  void Disclosed(const std::string& kind, const std::string& city, const v1::Timeliness& timeliness);

 private:
  // A kind's and city's series, each resolved once, when first counted: a
  // sync publishes thousands of records a second.
  struct Series {
    prometheus::Counter* on_time = nullptr;
    prometheus::Counter* late = nullptr;
    prometheus::Histogram* lag = nullptr;
  };

  prometheus::Family<prometheus::Counter>& total_;
  prometheus::Family<prometheus::Histogram>& lag_;
  std::mutex mutex_;
  std::map<std::string, std::map<std::string, Series>> series_;  // by kind, city
};

}  // namespace gongkai::common
