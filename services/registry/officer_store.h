#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/batch.h"
#include "common/clock.h"
#include "common/pg_pool.h"
#include "common/rejections.h"
#include "services/registry/officer.h"

namespace gongkai::registry {

// An officer from a row whose first columns are, in order: certificate
// number, agency credit code, city code, name, category, valid from, valid
// until (dates as text), status, source version, code generation, agency name.
Officer OfficerFromRow(const pqxx::row& row);

class OfficerStore {
 public:
  virtual ~OfficerStore() = default;
  // Stores `valid` and `rejected` in one transaction, unless a certificate
  // among `valid` is registered to another city than `city_code`: then
  // nothing is stored and those numbers are returned in `foreign`. That check
  // is made inside the write's transaction, on the rows it locked, so a
  // certificate cannot be taken over between a check and the write.
  struct BatchResult {
    std::vector<common::UpsertOutcome> outcomes;  // one per valid officer, same order
    std::vector<std::string> foreign;
  };
  // A new officer gets code generation 1; a revoked or reissued certificate
  // the next generation, so its old badge code stops verifying. The officers'
  // agencies are registered in the caller's city (the service checks first);
  // certificate numbers are distinct. An accepted version is published on
  // `today`.
  virtual BatchResult UpsertBatch(const std::string& city_code, const std::vector<Officer>& valid,
                                  const std::vector<common::Rejection>& rejected, common::Date today) = 0;
  // The badge code of the officer's current generation.
  virtual std::string CodeOf(const Officer& officer) const = 0;
  virtual std::optional<Officer> ByCertificate(const std::string& certificate_number) = 0;
  // after: the last certificate number of the previous page. With
  // changed_on and published_on, for the entries' timeliness.
  virtual std::vector<Officer> ListByAgency(const std::string& agency_credit_code, const std::string& after,
                                            int limit) = 0;
};

class PgOfficerStore final : public OfficerStore {
 public:
  PgOfficerStore(common::PgPool& pool, std::string code_secret);
  BatchResult UpsertBatch(const std::string& city_code, const std::vector<Officer>& valid,
                          const std::vector<common::Rejection>& rejected, common::Date today) override;
  std::string CodeOf(const Officer& officer) const override;
  std::optional<Officer> ByCertificate(const std::string& certificate_number) override;
  std::vector<Officer> ListByAgency(const std::string& agency_credit_code, const std::string& after,
                                    int limit) override;

 private:
  common::PgPool& pool_;
  common::RejectionLog rejections_;
  const std::string code_secret_;
};

}  // namespace gongkai::registry
