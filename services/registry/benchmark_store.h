#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/batch.h"
#include "common/clock.h"
#include "common/pg_pool.h"
#include "common/rejections.h"
#include "services/registry/benchmark.h"

namespace gongkai::registry {

struct BenchmarkFilter {
  std::string city_code;  // "" for every city
  std::string domain;     // "" for every domain
  // The key of the last table of the previous page; empty on the first page.
  std::string after_city_code;
  std::string after_domain;
  std::string after_violation_code;
  int limit = 50;
};

class BenchmarkStore {
 public:
  virtual ~BenchmarkStore() = default;
  // Tables are the city's own, keyed by (city, domain, violation code)
  // (distinct in a batch) and published on `today`.
  virtual std::vector<common::UpsertOutcome> UpsertBatch(const std::string& city_code,
                                                         const std::vector<DiscretionBenchmark>& valid,
                                                         const std::vector<common::Rejection>& rejected,
                                                         common::Date today) = 0;
  virtual std::optional<DiscretionBenchmark> Get(const std::string& city_code, const std::string& domain,
                                                 const std::string& violation_code) = 0;
  // Empty filters match all; by city, domain and violation code, after the
  // filter's key, at most its limit.
  virtual std::vector<DiscretionBenchmark> List(const BenchmarkFilter& filter) = 0;
};

class PgBenchmarkStore final : public BenchmarkStore {
 public:
  explicit PgBenchmarkStore(common::PgPool& pool);
  std::vector<common::UpsertOutcome> UpsertBatch(const std::string& city_code,
                                                 const std::vector<DiscretionBenchmark>& valid,
                                                 const std::vector<common::Rejection>& rejected,
                                                 common::Date today) override;
  std::optional<DiscretionBenchmark> Get(const std::string& city_code, const std::string& domain,
                                         const std::string& violation_code) override;
  std::vector<DiscretionBenchmark> List(const BenchmarkFilter& filter) override;

 private:
  common::PgPool& pool_;
  common::RejectionLog rejections_;
};

// The key a benchmark's rejection is kept under: "<domain>/<violation code>".
std::string BenchmarkKey(const DiscretionBenchmark& b);

}  // namespace gongkai::registry
