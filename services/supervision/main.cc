// The supervision service: case-file reviews and their coverage, special
// supervision, enforcement assessments, rectification to the end, and the
// province's view: every service's KPIs added up, and the lead sweep.
#include "common/config.h"
#include "common/disclosure_metrics.h"
#include "common/log.h"
#include "common/service_runtime.h"
#include "services/registry/registry_client.h"
#include "services/supervision/kpi_sources.h"
#include "services/supervision/lead_sweep.h"
#include "services/supervision/province_view.h"
#include "services/supervision/supervision_gauges.h"
#include "services/supervision/supervision_service.h"
#include "services/supervision/supervision_store.h"

int main(int argc, char** argv) {
  using namespace gongkai;
  common::SetLogComponent("supervision");
  common::Config config(argc, argv);
  auto settings = common::ReadServiceSettings(config, "127.0.0.1:7109", "127.0.0.1:9109");
  auto registry_settings = registry::ReadRegistryClientSettings(config);
  supervision::SupervisionSettings service_settings;
  service_settings.max_batch = settings.max_batch;
  service_settings.coverage_target =
      static_cast<double>(config.Int("GONGKAI_REVIEW_COVERAGE_TARGET_PERCENT", 60, 0, 100,
                                     "the share of enforcement units a year's case-file reviews must reach")) /
      100.0;
  const auto source_settings = supervision::ReadKpiSourceSettings(config);
  const auto sweep_settings = supervision::ReadLeadSweepSettings(config);
  config.Finish();

  common::ServiceRuntime runtime(settings, gongkai_supervision_migrations());
  // Its lookups in the registry are signed as this service's own (ROLE_SERVICE).
  auto registry =
      registry::ConnectRegistry(registry_settings, runtime.ChannelCredentials(), runtime.signer(), "supervision");
  supervision::PgSupervisionStore store(runtime.pool());
  common::DisclosureMetrics metrics(runtime.server().registry());
  supervision::SupervisionService service(store, *registry, runtime.context(), metrics, service_settings);
  runtime.server().AddService(&service);
  runtime.server().AddCollectable(
      supervision::MakeSupervisionGauges(store, *registry, runtime.deadlines(), runtime.clock(), service_settings));

  // The province's view asks every service for its part, each call signed
  // as this service's own (ROLE_SERVICE).
  std::vector<std::unique_ptr<supervision::KpiSource>> sources;
  for (const auto& [name, address] : {std::pair<std::string, std::string>{"registry", registry_settings.address},
                                      {"penalties", source_settings.penalties},
                                      {"requests", source_settings.requests},
                                      {"inspections", source_settings.inspections}}) {
    sources.push_back(supervision::ConnectKpiSource(name, address, runtime.ChannelCredentials(), runtime.signer(),
                                                    source_settings.timeout));
  }
  sources.push_back(supervision::LocalKpiSource(store, runtime.deadlines(), runtime.clock()));
  std::vector<supervision::KpiSource*> source_pointers;
  for (const auto& source : sources) source_pointers.push_back(source.get());
  supervision::ProvinceView view(source_pointers, *registry, supervision::RecordFindingsIn(store), runtime.clock(),
                                 sweep_settings.rules);
  service.SetProvinceView(&view);
  supervision::LeadSweeper sweeper(view, sweep_settings.interval);
  sweeper.Start();
  return runtime.Run();
}
