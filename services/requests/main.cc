// The requests service: the public-request desk's disclosure requests and consultations.
#include "common/config.h"
#include "common/log.h"
#include "common/service_runtime.h"
#include "services/registry/agency_directory.h"
#include "services/requests/request_store.h"
#include "services/requests/requests_service.h"

int main(int argc, char** argv) {
  using namespace gongkai;
  common::SetLogComponent("requests");
  common::Config config(argc, argv);
  auto settings = common::ReadServiceSettings(config, "127.0.0.1:7105", "127.0.0.1:9105");
  std::string registry = config.Address("GONGKAI_REGISTRY_ADDRESS", "127.0.0.1:7101", "the registry's gRPC address");
  auto cache_ttl = std::chrono::milliseconds(
      config.Int("GONGKAI_REGISTRY_CACHE_MS", 30000, 0, 3600000, "how long registry answers are cached"));
  config.Finish();

  common::ServiceRuntime runtime(settings, gongkai_requests_migrations());
  requests::PgRequestStore store(runtime.pool());
  registry::RegistryDirectory agencies(grpc::CreateChannel(registry, grpc::InsecureChannelCredentials()), cache_ttl);
  requests::RequestsService service(store, agencies, runtime.signer(), runtime.deadlines());
  runtime.server().AddService(&service);
  runtime.server().AddCollectable(requests::MakeRequestGauges(store));
  // After the calendar reload (registered first by the runtime), due dates
  // that rested on a missing year are recomputed.
  runtime.server().OnReload([&service] {
    try {
      service.RecomputeProvisional();
    } catch (const std::exception& e) {
      common::Log(common::LogLevel::kError, "recompute_failed", {{"reason", e.what()}});
    }
  });
  return runtime.Run();
}
