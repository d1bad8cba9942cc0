// The registry service: agencies, powers lists, discretion benchmarks, officers, flowcharts and "三定"
// provisions.
#include "common/config.h"
#include "common/identity.h"
#include "common/log.h"
#include "common/service_runtime.h"
#include "services/registry/agency_store.h"
#include "services/registry/benchmark_store.h"
#include "services/registry/flowchart_store.h"
#include "services/registry/officer_store.h"
#include "services/registry/powers_store.h"
#include "services/registry/registry_gauges.h"
#include "services/registry/registry_service.h"

int main(int argc, char** argv) {
  using namespace gongkai;
  common::SetLogComponent("registry");
  common::Config config(argc, argv);
  auto settings = common::ReadServiceSettings(config, "127.0.0.1:7101", "127.0.0.1:9101");
  std::string code_secret_file = config.RequiredString(
      "GONGKAI_OFFICER_CODE_SECRET_FILE", "file holding the secret officer badge codes (一人一码) are made with");
  config.Finish();

  // Refused before anything else starts: badge codes made with a short
  // secret could be computed from certificate numbers.
  std::string code_secret;
  try {
    code_secret = common::ReadSecretFile(code_secret_file);
    common::CheckSecret(code_secret, "GONGKAI_OFFICER_CODE_SECRET_FILE");
  } catch (const std::exception& e) {
    common::Log(common::LogLevel::kError, "officer_code_secret_unusable",
                {{"file", code_secret_file}, {"reason", e.what()}});
    return 2;
  }
  common::ServiceRuntime runtime(settings, gongkai_registry_migrations());
  registry::PgAgencyStore agencies(runtime.pool());
  registry::PgPowersStore powers(runtime.pool());
  registry::PgBenchmarkStore benchmarks(runtime.pool());
  registry::PgOfficerStore officers(runtime.pool(), code_secret);
  registry::PgFlowchartStore flowcharts(runtime.pool());
  registry::OfficerIndex officer_index(settings.database_url, runtime.pool());
  try {
    officer_index.Start();
  } catch (const std::exception& e) {
    common::Log(common::LogLevel::kError, "officer_index_unavailable", {{"reason", e.what()}});
    return 1;
  }
  registry::RegistryService service({agencies, powers, benchmarks, officers, officer_index, flowcharts},
                                    runtime.context(), settings.max_batch);
  runtime.server().AddService(&service);
  runtime.server().AddCollectable(registry::MakeRegistryGauges(agencies, runtime.deadlines(), runtime.clock()));
  return runtime.Run();
}
