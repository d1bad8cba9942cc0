#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/batch.h"
#include "common/clock.h"
#include "common/pg_pool.h"
#include "common/rejections.h"
#include "services/registry/flowchart.h"

namespace gongkai::registry {

struct FlowchartFilter {
  std::string agency_credit_code;  // "" for any
  std::string domain;              // "" for any
  std::string city_code;           // "" for any
  // The key of the last flowchart of the previous page; empty on the first page.
  std::string after_agency_credit_code;
  std::string after_domain;
  int limit = 50;
};

struct ProvisionsFilter {
  std::string agency_credit_code;        // "" for any
  std::string city_code;                 // "" for any
  std::string after_agency_credit_code;  // "" on the first page
  int limit = 50;
};

// Where flowcharts (执法流程图) and "三定" provisions live.
class FlowchartStore {
 public:
  virtual ~FlowchartStore() = default;

  // The registered agencies among `codes`: their cities and domains.
  virtual std::map<std::string, AgencyFacts> AgenciesOf(const std::vector<std::string>& codes) = 0;

  // Stores `valid` (distinct keys, of registered agencies the caller may
  // write) and `rejected` in one transaction, advancing the flowchart feed;
  // `scope` (a city code, or "province") is whose rejections they are. Each
  // is stored under its agency's city. A version newer than the stored one
  // replaces it; a new changed_on is published `today`, a correction of the
  // same changed_on keeps its published_on.
  virtual std::vector<common::UpsertOutcome> UpsertFlowcharts(const std::string& scope,
                                                              const std::vector<Flowchart>& valid,
                                                              const std::vector<common::Rejection>& rejected,
                                                              common::Date today) = 0;
  // By agency and domain.
  virtual std::vector<Flowchart> ListFlowcharts(const FlowchartFilter& filter) = 0;
  // Flowcharts changed after `after_seq`, in change_seq order.
  virtual std::vector<Flowchart> FlowchartChanges(int64_t after_seq, int limit) = 0;

  // As UpsertFlowcharts, for provisions (no feed); a new approved_on is
  // published `today`.
  virtual std::vector<common::UpsertOutcome> UpsertProvisions(const std::string& scope,
                                                              const std::vector<StaffingProvisions>& valid,
                                                              const std::vector<common::Rejection>& rejected,
                                                              common::Date today) = 0;
  // By agency.
  virtual std::vector<StaffingProvisions> ListProvisions(const ProvisionsFilter& filter) = 0;
};

class PgFlowchartStore final : public FlowchartStore {
 public:
  explicit PgFlowchartStore(common::PgPool& pool);

  std::map<std::string, AgencyFacts> AgenciesOf(const std::vector<std::string>& codes) override;
  std::vector<common::UpsertOutcome> UpsertFlowcharts(const std::string& scope, const std::vector<Flowchart>& valid,
                                                      const std::vector<common::Rejection>& rejected,
                                                      common::Date today) override;
  std::vector<Flowchart> ListFlowcharts(const FlowchartFilter& filter) override;
  std::vector<Flowchart> FlowchartChanges(int64_t after_seq, int limit) override;
  std::vector<common::UpsertOutcome> UpsertProvisions(const std::string& scope,
                                                      const std::vector<StaffingProvisions>& valid,
                                                      const std::vector<common::Rejection>& rejected,
                                                      common::Date today) override;
  std::vector<StaffingProvisions> ListProvisions(const ProvisionsFilter& filter) override;

 private:
  common::PgPool& pool_;
  common::RejectionLog rejections_;
};

}  // namespace gongkai::registry
