// The requests service: the public-request desk's disclosure requests and consultations.
#include "common/config.h"
#include "common/identity.h"
#include "common/log.h"
#include "common/service_runtime.h"
#include "services/registry/registry_client.h"
#include "services/requests/request_desk.h"
#include "services/requests/request_store.h"
#include "services/requests/requests_gauges.h"
#include "services/requests/requests_service.h"

int main(int argc, char** argv) {
  using namespace gongkai;
  common::SetLogComponent("requests");
  common::Config config(argc, argv);
  auto settings = common::ReadServiceSettings(config, "127.0.0.1:7105", "127.0.0.1:9105");
  auto registry_settings = registry::ReadRegistryClientSettings(config);
  std::string applicant_key_secret_file = config.RequiredString(
      "GONGKAI_APPLICANT_KEY_SECRET_FILE", "file holding the secret applicant keys (fee counts) are made with");
  const int consultation_window = static_cast<int>(
      config.Int("GONGKAI_CONSULTATION_WINDOW_WORKING_DAYS", common::RequestClockRules{}.consultation_working_days, 1,
                 100, "working days from its start that a consultation (Art. 32, 34) pauses a request's reply clock"));
  config.Finish();

  // Refused before anything else starts: applicant keys made with a short
  // secret could be computed from ID numbers.
  std::string applicant_key_secret;
  try {
    applicant_key_secret = common::ReadSecretFile(applicant_key_secret_file);
    common::CheckSecret(applicant_key_secret, "GONGKAI_APPLICANT_KEY_SECRET_FILE");
  } catch (const std::exception& e) {
    common::Log(common::LogLevel::kError, "applicant_key_secret_unusable",
                {{"file", applicant_key_secret_file}, {"reason", e.what()}});
    return 2;
  }

  common::ServiceRuntime runtime(settings, gongkai_requests_migrations());
  // Its lookups in the registry are signed as this service's own (ROLE_SERVICE).
  auto registry_client =
      registry::ConnectRegistry(registry_settings, runtime.ChannelCredentials(), runtime.signer(), "requests");
  requests::PgRequestStore store(runtime.pool());
  requests::RequestsService service(store, *registry_client, runtime.context(), applicant_key_secret,
                                    consultation_window);
  runtime.server().AddService(&service);
  const common::Deadlines& deadlines = runtime.context().deadlines;
  runtime.server().AddCollectable(requests::MakeRequestGauges(
      store, deadlines, requests::RequestClockRulesOf(deadlines, consultation_window), runtime.clock()));
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
