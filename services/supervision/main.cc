// The supervision service: case-file reviews and their coverage, special
// supervision, enforcement assessments, and rectification to the end.
#include "common/config.h"
#include "common/disclosure_metrics.h"
#include "common/log.h"
#include "common/service_runtime.h"
#include "services/registry/registry_client.h"
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
  config.Finish();

  common::ServiceRuntime runtime(settings, gongkai_supervision_migrations());
  // Its lookups in the registry are signed as this service's own (ROLE_SERVICE).
  auto registry = registry::ConnectRegistry(registry_settings, runtime.signer(), "supervision");
  supervision::PgSupervisionStore store(runtime.pool());
  common::DisclosureMetrics metrics(runtime.server().registry());
  supervision::SupervisionService service(store, *registry, runtime.context(), metrics, service_settings);
  runtime.server().AddService(&service);
  runtime.server().AddCollectable(
      supervision::MakeSupervisionGauges(store, *registry, runtime.deadlines(), runtime.clock(), service_settings));
  return runtime.Run();
}
