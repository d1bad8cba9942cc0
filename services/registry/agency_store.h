#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/batch.h"
#include "common/clock.h"
#include "common/migrations.h"
#include "common/pg_pool.h"
#include "common/rejections.h"
#include "services/registry/agency.h"
#include "services/registry/coverage.h"
#include "services/registry/inspection_plan.h"
#include "services/registry/registry_tallies.h"

namespace gongkai {
// The registry schema's migrations, compiled in from migrations/*.sql.
const common::MigrationSet& gongkai_registry_migrations();
}  // namespace gongkai

namespace gongkai::registry {

using common::Rejection;

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

  // Stores `valid` (distinct credit codes) and `rejected` in one transaction.
  // Each valid agency is stored under its `city_code` (the registrant: the
  // caller's city, or the province code of a provincial agency); `scope` (the
  // caller's city code, or "province") is whose rejections they are. An agency
  // already stored under another city than its `city_code` is not changed:
  // then nothing is stored and those codes are returned in `foreign`. That
  // check is made inside the write's transaction, on the rows it locked.
  struct BatchResult {
    std::vector<common::UpsertOutcome> outcomes;  // one per valid agency, same order
    std::vector<std::string> foreign;
  };
  // A new agency is created on `today` (the day its list's own deadline
  // counts from, NewAgencyListDeadline), its qualification list not
  // confirmed; an accepted new version that changes the list
  // (ChangesQualificationList) confirms it on `today`, one that changes only
  // other fields leaves the confirmation as it was.
  virtual BatchResult UpsertBatch(const std::string& scope, const std::vector<Agency>& valid,
                                  const std::vector<Rejection>& rejected, common::Date today) = 0;
  virtual std::optional<Agency> Get(const std::string& credit_code) = 0;
  virtual std::vector<Agency> List(const AgencyFilter& filter) = 0;
  // The rejections of `scope` (a city code, or "province"), newest first;
  // before_id 0 means from the newest. Every kind the registry keeps.
  virtual std::vector<Rejection> ListRejections(const std::string& scope, int64_t before_id, int limit) = 0;

  // Records that the qualification lists of `codes` were confirmed on `today`,
  // for `scope`: a city code, or "province" for the provincial agencies.
  // Per code: true when confirmed, false when no such agency; codes outside
  // the scope come back in `foreign` and then nothing is stored.
  struct ConfirmResult {
    std::vector<bool> confirmed;
    std::vector<std::string> foreign;
  };
  virtual ConfirmResult ConfirmQualificationLists(const std::string& scope, const std::vector<std::string>& codes,
                                                  common::Date today) = 0;

  // The city of each registered agency among `codes`.
  virtual std::map<std::string, std::string> CitiesOf(const std::vector<std::string>& codes) = 0;

  // The coverage facts of every agency, of one city, or of one agency
  // (empty filters match all), by credit code; an inspection plan counts when
  // it is of `plan_year` (InspectionPlanYear), an officer when their
  // certificate is valid on `today`. The changes not stored are the
  // rejections of powers items, benchmarks and flowcharts still awaiting an
  // accepted version newer than the stored one, with the changed_on their
  // raw record claims (one without a readable changed_on is not counted).
  virtual std::vector<CoverageFacts> Coverage(const std::string& city_code, const std::string& credit_code,
                                              int plan_year, common::Date today) = 0;

  // The registered agencies among `codes`, by credit code (unknown ones
  // absent). By default one Get each.
  virtual std::map<std::string, Agency> GetMany(const std::vector<std::string>& codes);

  // The records of the registry's 20 WD rules whose clock starts in `year`,
  // of every agency, of one city or of one agency (empty filters match all;
  // benchmarks, which are a city's, only without an agency filter), ordered
  // by kind and key: powers items, flowcharts, benchmarks and officers
  // stored, and the changes sent and not stored (rejections awaiting an
  // accepted version newer than the stored one, their clock start as the raw
  // record claims it: one without a readable one is not counted). A store
  // without records of these kinds keeps the default: none.
  virtual std::vector<DeadlineRecord> DeadlineRecords(const std::string& city_code, const std::string& credit_code,
                                                      int year);

  // Keeps the notices (valid ones) of registered agencies, the earliest
  // published_on of each agency and year (an agency and year already stored
  // with an earlier or the same day is left as it is); a notice of an agency
  // the registry does not know is not kept. Idempotent.
  struct PlansResult {
    int recorded = 0;          // notices of registered agencies
    int unknown_agencies = 0;  // notices of others
  };
  virtual PlansResult RecordInspectionPlans(const std::vector<InspectionPlan>& notices) = 0;
};

class PgAgencyStore final : public AgencyStore {
 public:
  explicit PgAgencyStore(common::PgPool& pool);

  BatchResult UpsertBatch(const std::string& scope, const std::vector<Agency>& valid,
                          const std::vector<Rejection>& rejected, common::Date today) override;
  std::optional<Agency> Get(const std::string& credit_code) override;
  std::vector<Agency> List(const AgencyFilter& filter) override;
  std::vector<Rejection> ListRejections(const std::string& scope, int64_t before_id, int limit) override;
  ConfirmResult ConfirmQualificationLists(const std::string& scope, const std::vector<std::string>& codes,
                                          common::Date today) override;
  std::vector<CoverageFacts> Coverage(const std::string& city_code, const std::string& credit_code, int plan_year,
                                      common::Date today) override;
  std::map<std::string, Agency> GetMany(const std::vector<std::string>& codes) override;
  std::vector<DeadlineRecord> DeadlineRecords(const std::string& city_code, const std::string& credit_code,
                                              int year) override;
  PlansResult RecordInspectionPlans(const std::vector<InspectionPlan>& notices) override;
  std::map<std::string, std::string> CitiesOf(const std::vector<std::string>& codes) override;

 private:
  common::PgPool& pool_;
  common::RejectionLog rejections_;
};

}  // namespace gongkai::registry
