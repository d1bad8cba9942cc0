#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

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
  prometheus::Family<prometheus::Counter>& total_;
  prometheus::Family<prometheus::Histogram>& lag_;
};

}  // namespace gongkai::common
