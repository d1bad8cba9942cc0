#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/batch.h"
#include "common/clock.h"
#include "common/pg_pool.h"
#include "common/rejections.h"
#include "services/registry/powers.h"

namespace gongkai::registry {

struct PowersFilter {
  std::string agency_credit_code;
  int category = 0;     // 0: any
  std::string keyword;  // found in the name or the responsibilities, as it is ("" for any)
  // The key of the last item of the previous page; empty on the first page.
  std::string after_agency_credit_code;
  std::string after_source_id;
  int limit = 50;
  bool random_check = false;  // only the items on the random-check list
};

class PowersStore {
 public:
  virtual ~PowersStore() = default;
  // Items (distinct keys) are published on `today`; their agencies are
  // registered in the caller's city (the service checks first).
  virtual std::vector<common::UpsertOutcome> UpsertBatch(const std::string& city_code,
                                                         const std::vector<PowersItem>& valid,
                                                         const std::vector<common::Rejection>& rejected,
                                                         common::Date today) = 0;
  virtual std::vector<PowersItem> List(const PowersFilter& filter) = 0;
  // Items changed after `after_seq`, in change_seq order.
  virtual std::vector<PowersItem> Changes(int64_t after_seq, int limit) = 0;
  // The items of any of `agencies` with any of `source_ids`, by agency and
  // source id, without legal basis, responsibilities and accountability:
  // agency, source id, city, name, category and random-check flag.
  virtual std::vector<PowersItem> Find(const std::vector<std::string>& agencies,
                                       const std::vector<std::string>& source_ids) = 0;
  // The enforcement units: the registered agencies holding an item of a
  // category of kEnforcementPowers, by credit code, the first `limit` of
  // them. Every stored item is its agency's current one (a newer version
  // replaces it in place).
  virtual std::vector<EnforcementUnit> EnforcementUnits(std::size_t limit) = 0;
};

class PgPowersStore final : public PowersStore {
 public:
  explicit PgPowersStore(common::PgPool& pool);
  std::vector<common::UpsertOutcome> UpsertBatch(const std::string& city_code, const std::vector<PowersItem>& valid,
                                                 const std::vector<common::Rejection>& rejected,
                                                 common::Date today) override;
  std::vector<PowersItem> List(const PowersFilter& filter) override;
  std::vector<PowersItem> Changes(int64_t after_seq, int limit) override;
  std::vector<PowersItem> Find(const std::vector<std::string>& agencies,
                               const std::vector<std::string>& source_ids) override;
  std::vector<EnforcementUnit> EnforcementUnits(std::size_t limit) override;

 private:
  common::PgPool& pool_;
  common::RejectionLog rejections_;
};

// The key a powers item's rejection is kept under: "<agency>/<source id>".
std::string PowersItemKey(const std::string& agency_credit_code, const std::string& source_id);

}  // namespace gongkai::registry
