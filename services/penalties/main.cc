// The penalties service: decisions and coercive measures, from city sync to public record.
#include "common/config.h"
#include "common/disclosure_metrics.h"
#include "common/log.h"
#include "common/service_runtime.h"
#include "services/registry/agency_directory.h"
#include "services/penalties/penalties_service.h"
#include "services/penalties/penalty_store.h"

int main(int argc, char** argv) {
  using namespace gongkai;
  common::SetLogComponent("penalties");
  common::Config config(argc, argv);
  auto settings = common::ReadServiceSettings(config, "127.0.0.1:7103", "127.0.0.1:9103");
  penalties::PenaltiesOptions options;
  options.max_batch = static_cast<int>(config.Int("GONGKAI_MAX_BATCH", 1000, 1, 100000, "records per batch write"));
  std::string registry = config.Address("GONGKAI_REGISTRY_ADDRESS", "127.0.0.1:7101", "the registry's gRPC address");
  auto cache_ttl = std::chrono::milliseconds(
      config.Int("GONGKAI_REGISTRY_CACHE_MS", 30000, 0, 3600000, "how long registry answers are cached"));
  config.Finish();

  common::ServiceRuntime runtime(settings, gongkai_penalties_migrations());
  penalties::PgPenaltyStore store(runtime.pool());
  registry::RegistryDirectory agencies(grpc::CreateChannel(registry, grpc::InsecureChannelCredentials()), cache_ttl);
  common::DisclosureMetrics metrics(runtime.server().registry());
  penalties::PenaltiesService service(store, agencies, runtime.signer(), runtime.deadlines(), metrics, options);
  runtime.server().AddService(&service);
  runtime.server().AddCollectable(penalties::MakePenaltyGauges(store, runtime.deadlines()));
  return runtime.Run();
}
