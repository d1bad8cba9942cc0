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
  const auto one_year_repair_domains = penalties::ParseDomainList(
      config.String("GONGKAI_CREDIT_REPAIR_ONE_YEAR_DOMAINS", penalties::kDefaultOneYearRepairDomains,
                    "comma list of domain codes whose credit repairs wait at least a year whatever the tier (特种设备, "
                    "安全生产, 消防)"));
  if (!one_year_repair_domains.problem.empty()) {
    config.Fail("GONGKAI_CREDIT_REPAIR_ONE_YEAR_DOMAINS", one_year_repair_domains.problem);
  }
  config.Finish();

  common::ServiceRuntime runtime(settings, gongkai_penalties_migrations());
  // Its lookups in the registry are signed as this service's own (ROLE_SERVICE).
  auto registry =
      registry::ConnectRegistry(registry_settings, runtime.ChannelCredentials(), runtime.signer(), "penalties");
  penalties::PgPenaltyStore store(runtime.pool());
  // Before the server starts: until every stored public form is what the
  // current masking rules make, and every stored decision has the retention
  // term of its rules, the service answers nobody (and reports nothing
  // ready), so no public answer carries an older form or a decision past its
  // term.
  const char* failed = "republish_failed";
  try {
    penalties::RepublishStoredRecords(store);
    failed = "retention_terms_failed";
    penalties::RecomputeRetentionTerms(store);
  } catch (const pqxx::sql_error& e) {
    common::Log(common::LogLevel::kError, failed, {{"sqlstate", e.sqlstate()}});
    return 1;
  } catch (const pqxx::broken_connection&) {
    common::Log(common::LogLevel::kError, failed, {{"reason", "database connection lost"}});
    return 1;
  } catch (const std::exception&) {
    common::Log(common::LogLevel::kError, failed);
    return 1;
  }
  common::DisclosureMetrics metrics(runtime.server().registry());
  penalties::PenaltiesService service(store, *registry, runtime.context(), metrics, settings.max_batch,
                                      one_year_repair_domains.codes);
  runtime.server().AddService(&service);
  runtime.server().AddCollectable(penalties::MakePenaltyGauges(store, runtime.deadlines(), runtime.clock()));
  return runtime.Run();
}
