#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/migrations.h"
#include "common/pg_pool.h"
#include "common/violations.h"
#include "services/registry/agency.h"

namespace gongkai {
// The registry schema's migrations, compiled in from migrations/*.sql.
const common::MigrationSet& gongkai_registry_migrations();
}  // namespace gongkai

namespace gongkai::registry {

// A record that failed validation, kept with its raw form.
struct Rejection {
  std::string kind;
  std::string key;
  int64_t source_version = 0;
  std::string raw_json;
  common::Violations violations;
  std::string received_at;
  int64_t id = 0;
};

enum class UpsertOutcome { kAccepted, kUnchanged };

struct AgencyFilter {
  std::string city_code;
  std::string domain;
  std::string after_credit_code;
  int limit = 50;
};

// Where agencies live. The service adapter talks to this interface only.
class AgencyStore {
 public:
  virtual ~AgencyStore() = default;

  // Credit codes among `codes` already registered to another city than `city`.
  // Stores `valid` and `rejected` in one transaction, unless some credit code
  // belongs to another city: then nothing is stored and those codes are returned
  // in `foreign`.
  struct BatchResult {
    std::vector<UpsertOutcome> outcomes;  // one per valid agency, same order
    std::vector<std::string> foreign;
  };
  virtual BatchResult UpsertBatch(const std::string& city_code, const std::vector<Agency>& valid,
                                  const std::vector<Rejection>& rejected) = 0;
  virtual std::optional<Agency> Get(const std::string& credit_code) = 0;
  virtual std::vector<Agency> List(const AgencyFilter& filter) = 0;
  // Newest first; before_id 0 means from the newest.
  virtual std::vector<Rejection> ListRejections(const std::string& city_code, int64_t before_id, int limit) = 0;
};

class PgAgencyStore final : public AgencyStore {
 public:
  explicit PgAgencyStore(common::PgPool& pool);

  BatchResult UpsertBatch(const std::string& city_code, const std::vector<Agency>& valid,
                          const std::vector<Rejection>& rejected) override;
  std::optional<Agency> Get(const std::string& credit_code) override;
  std::vector<Agency> List(const AgencyFilter& filter) override;
  std::vector<Rejection> ListRejections(const std::string& city_code, int64_t before_id, int limit) override;

 private:
  common::PgPool& pool_;
};

}  // namespace gongkai::registry
