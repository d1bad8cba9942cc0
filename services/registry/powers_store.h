#pragma once

#include <string>
#include <vector>

#include "common/pg_pool.h"
#include "common/rejections.h"
#include "services/registry/powers.h"
#include "services/registry/record_store.h"

namespace gongkai::registry {

struct PowersFilter {
  std::string agency_credit_code;
  int category = 0;  // 0: any
  std::string keyword;
  std::string after;  // "<agency>|<source id>" of the last item of the previous page
  int limit = 50;
};

class PowersStore {
 public:
  virtual ~PowersStore() = default;
  // Items are published on `today`; their agencies are registered in the
  // caller's city (the service checks first).
  virtual std::vector<UpsertOutcome> UpsertBatch(const std::string& city_code, const std::vector<PowersItem>& valid,
                                       const std::vector<common::Rejection>& rejected, const std::string& today) = 0;
  virtual std::vector<PowersItem> List(const PowersFilter& filter) = 0;
  virtual std::vector<PowersItem> Changes(int64_t after_seq, int limit) = 0;
};

class PgPowersStore final : public PowersStore {
 public:
  explicit PgPowersStore(common::PgPool& pool);
  std::vector<UpsertOutcome> UpsertBatch(const std::string& city_code, const std::vector<PowersItem>& valid,
                               const std::vector<common::Rejection>& rejected, const std::string& today) override;
  std::vector<PowersItem> List(const PowersFilter& filter) override;
  std::vector<PowersItem> Changes(int64_t after_seq, int limit) override;

 private:
  common::PgPool& pool_;
};

}  // namespace gongkai::registry
