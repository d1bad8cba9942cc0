// The penalties service: decisions and coercive measures, from city sync to public record.
#include "common/config.h"
#include "common/disclosure_metrics.h"
#include "common/log.h"
#include "common/service_runtime.h"
#include "services/penalties/penalties_gauges.h"
#include "services/penalties/penalties_service.h"
#include "services/penalties/penalty_store.h"
#include "services/registry/registry_client.h"

int main(int argc, char** argv) {
  using namespace gongkai;
  common::SetLogComponent("penalties");
  common::Config config(argc, argv);
  auto settings = common::ReadServiceSettings(config, "127.0.0.1:7103", "127.0.0.1:9103");
  auto registry = registry::RegistryClientFromConfig(config);
  config.Finish();

  common::ServiceRuntime runtime(settings, gongkai_penalties_migrations());
  penalties::PgPenaltyStore store(runtime.pool());
  common::DisclosureMetrics metrics(runtime.server().registry());
  penalties::PenaltiesService service(store, *registry, runtime.context(), metrics, settings.max_batch);
  runtime.server().AddService(&service);
  runtime.server().AddCollectable(penalties::MakePenaltyGauges(store, runtime.deadlines(), runtime.clock()));
  return runtime.Run();
}
