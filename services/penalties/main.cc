// The penalties service: decisions and coercive measures, from city sync to public record.
#include <pqxx/except>

#include "common/config.h"
#include "common/disclosure_metrics.h"
#include "common/log.h"
#include "common/service_runtime.h"
#include "services/penalties/penalties_gauges.h"
#include "services/penalties/penalties_service.h"
#include "services/penalties/penalty_store.h"
#include "services/penalties/republish.h"
#include "services/registry/registry_client.h"

int main(int argc, char** argv) {
  using namespace gongkai;
  common::SetLogComponent("penalties");
  common::Config config(argc, argv);
  auto settings = common::ReadServiceSettings(config, "127.0.0.1:7103", "127.0.0.1:9103");
  auto registry_settings = registry::ReadRegistryClientSettings(config);
  config.Finish();

  common::ServiceRuntime runtime(settings, gongkai_penalties_migrations());
  // Its lookups in the registry are signed as this service's own (ROLE_SERVICE).
  auto registry = registry::ConnectRegistry(registry_settings, runtime.signer(), "penalties");
  penalties::PgPenaltyStore store(runtime.pool());
  // Before the server starts: until every stored public form is what the
  // current masking rules make, the service answers nobody (and reports
  // nothing ready), so no public answer carries an older one.
  try {
    penalties::RepublishStoredRecords(store);
  } catch (const pqxx::sql_error& e) {
    common::Log(common::LogLevel::kError, "republish_failed", {{"sqlstate", e.sqlstate()}});
    return 1;
  } catch (const pqxx::broken_connection&) {
    common::Log(common::LogLevel::kError, "republish_failed", {{"reason", "database connection lost"}});
    return 1;
  } catch (const std::exception&) {
    common::Log(common::LogLevel::kError, "republish_failed");
    return 1;
  }
  common::DisclosureMetrics metrics(runtime.server().registry());
  penalties::PenaltiesService service(store, *registry, runtime.context(), metrics, settings.max_batch);
  runtime.server().AddService(&service);
  runtime.server().AddCollectable(penalties::MakePenaltyGauges(store, runtime.deadlines(), runtime.clock()));
  return runtime.Run();
}
