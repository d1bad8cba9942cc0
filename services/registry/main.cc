// The registry service: agencies and the basis of enforcement.
#include "common/config.h"
#include "common/log.h"
#include "common/service_runtime.h"
#include "services/registry/agency_store.h"
#include "services/registry/registry_service.h"

int main(int argc, char** argv) {
  using namespace gongkai;
  common::SetLogComponent("registry");
  common::Config config(argc, argv);
  auto settings = common::ReadServiceSettings(config, "127.0.0.1:7101", "127.0.0.1:9101");
  registry::RegistryOptions options;
  options.max_batch = static_cast<int>(config.Int("GONGKAI_MAX_BATCH", 1000, 1, 100000, "records per batch write"));
  config.Finish();

  common::ServiceRuntime runtime(settings, gongkai_registry_migrations());
  registry::PgAgencyStore agencies(runtime.pool());
  registry::RegistryService service(agencies, runtime.signer(), options);
  runtime.server().AddService(&service);
  return runtime.Run();
}
