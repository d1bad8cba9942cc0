#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/identity.h"
#include "gongkai/common/v1/kpi.pb.h"
#include "gongkai/supervision/v1/supervision.pb.h"
#include "services/registry/registry_client.h"
#include "services/supervision/kpi_sources.h"
#include "services/supervision/supervision_store.h"

namespace gongkai::supervision {

// Where a sweep's findings go: SupervisionStore::RecordFindings.
using RecordFindingsFn =
    std::function<LeadSweepCounts(int year, const std::vector<std::string>& rules_run,
                                  const std::vector<common::v1::Finding>& findings, common::Date today)>;
// RecordFindings of `store`, which must outlive the function.
RecordFindingsFn RecordFindingsIn(SupervisionStore& store);

// The province's view (docs/DOMAIN.md, "Province view (GetKpis)" and "Lead
// sweep"): the KPIs and deadline figures added up from every service's
// tallies, the very counts each service's gauges export, so that a figure
// equals Prometheus' recording rule over the same series (sum(met) /
// sum(due)); and the lead rules run over every service's records.
class ProvinceView {
 public:
  // `sources`: one per service, each asked at once in a thread of its own.
  // `rules`: the lead rules a sweep runs (ReadLeadSweepSettings). The
  // sources, the registry and the clock must outlive the view.
  ProvinceView(std::vector<KpiSource*> sources, registry::RegistryClient& registry, RecordFindingsFn record,
               const common::Clock& clock, std::vector<common::v1::LeadRule> rules);

  // The figures of a year for the scope asked, as `caller` (ROLE_PROVINCE or
  // ROLE_CITY) may see them, with the records overdue on the day asked that
  // the services' gongkai_disclosures_overdue gauges count (their answers'
  // overdue), summed per kind and city: the province's every city, a city's
  // its own, none for an agency. Throws common::ServiceError: INVALID_ARGUMENT
  // naming each bad field, PERMISSION_DENIED for a city caller naming
  // another city or another city's agency, UNAVAILABLE naming a service
  // (the registry included) that did not answer: no figure without every
  // part; INTERNAL naming one that refused outright (KpiSource::Tallies).
  v1::GetKpisResponse Kpis(const v1::GetKpisRequest& request, const common::CallerIdentity& caller);

  // Runs the rules over the records of `year` (0: the current year; else
  // 2000 to next year, INVALID_ARGUMENT otherwise) in every service and
  // records the findings as leads. A service that does not answer, or
  // answers truncated, is logged, and the rules it runs are left out of the
  // run (whatever the others found of them is still recorded), so that its
  // leads are not taken for no longer observed.
  v1::SweepLeadsResponse Sweep(int year);

 private:
  std::vector<KpiSource*> sources_;
  registry::RegistryClient& registry_;
  RecordFindingsFn record_;
  const common::Clock& clock_;
  std::vector<common::v1::LeadRule> rules_;
  // Held through a sweep (Sweep).
  std::mutex sweeping_;
};

}  // namespace gongkai::supervision
