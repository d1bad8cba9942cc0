#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/pg_pool.h"
#include "common/rejections.h"
#include "services/registry/benchmark.h"
#include "services/registry/record_store.h"

namespace gongkai::registry {

class BenchmarkStore {
 public:
  virtual ~BenchmarkStore() = default;
  // Tables are the city's own, keyed by (city, domain, violation code) and
  // published on `today`.
  virtual std::vector<UpsertOutcome> UpsertBatch(const std::string& city_code, const std::vector<DiscretionBenchmark>& valid,
                                       const std::vector<common::Rejection>& rejected, const std::string& today) = 0;
  virtual std::optional<DiscretionBenchmark> Get(const std::string& city_code, const std::string& domain,
                                                 const std::string& violation_code) = 0;
  // Empty filters match all.
  virtual std::vector<DiscretionBenchmark> List(const std::string& city_code, const std::string& domain) = 0;
};

class PgBenchmarkStore final : public BenchmarkStore {
 public:
  explicit PgBenchmarkStore(common::PgPool& pool);
  std::vector<UpsertOutcome> UpsertBatch(const std::string& city_code, const std::vector<DiscretionBenchmark>& valid,
                               const std::vector<common::Rejection>& rejected, const std::string& today) override;
  std::optional<DiscretionBenchmark> Get(const std::string& city_code, const std::string& domain,
                                         const std::string& violation_code) override;
  std::vector<DiscretionBenchmark> List(const std::string& city_code, const std::string& domain) override;

 private:
  common::PgPool& pool_;
};

// The key a benchmark's rejection is kept under: "<domain>/<violation code>".
std::string BenchmarkKey(const DiscretionBenchmark& b);

}  // namespace gongkai::registry
