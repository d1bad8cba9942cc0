// The inspections service: annual inspection plans, 双随机 spot checks with a
// draw anyone can verify, and the live-inspection pilot.
#include "common/calendar/iso_date.h"
#include "common/config.h"
#include "common/disclosure_metrics.h"
#include "common/log.h"
#include "common/service_runtime.h"
#include "services/inspections/inspection_store.h"
#include "services/inspections/inspections_gauges.h"
#include "services/inspections/inspections_service.h"
#include "services/inspections/plan_notices.h"
#include "services/registry/registry_client.h"

int main(int argc, char** argv) {
  using namespace gongkai;
  common::SetLogComponent("inspections");
  common::Config config(argc, argv);
  auto settings = common::ReadServiceSettings(config, "127.0.0.1:7107", "127.0.0.1:9107");
  auto registry_settings = registry::ReadRegistryClientSettings(config);
  inspections::PilotTargets targets;
  targets.units =
      static_cast<int>(config.Int("GONGKAI_PILOT_TARGET_UNITS", 10, 0, 100000, "live-inspection pilot units to reach"));
  targets.sectors =
      static_cast<int>(config.Int("GONGKAI_PILOT_TARGET_SECTORS", 3, 0, 100, "key sectors the pilot units must cover"));
  const std::string target_date = config.String("GONGKAI_PILOT_TARGET_DATE", "2026-12-31",
                                                "the day by whose end the pilot targets must be met (YYYY-MM-DD)");
  if (auto date = common::ParseIsoDate(target_date)) {
    targets.date = *date;
  } else {
    config.Fail("GONGKAI_PILOT_TARGET_DATE", "not a date (YYYY-MM-DD)");
  }
  const auto notice_interval = std::chrono::milliseconds(config.Int(
      "GONGKAI_PLAN_NOTICE_INTERVAL_MS", 10000, 100, 3600000, "how often plan notices held back are sent again"));
  config.Finish();

  common::ServiceRuntime runtime(settings, gongkai_inspections_migrations());
  // Its lookups in the registry are signed as this service's own (ROLE_SERVICE).
  auto registry =
      registry::ConnectRegistry(registry_settings, runtime.ChannelCredentials(), runtime.signer(), "inspections");
  inspections::PgInspectionStore store(runtime.pool());
  inspections::PlanNotices notices(store, *registry, notice_interval);
  common::DisclosureMetrics metrics(runtime.server().registry());
  inspections::InspectionsService service(store, *registry, runtime.context(), metrics, notices, settings.max_batch,
                                          targets);
  runtime.server().AddService(&service);
  runtime.server().AddCollectable(
      inspections::MakeInspectionGauges(store, runtime.deadlines(), *registry, runtime.clock(), targets));
  notices.Start();
  return runtime.Run();
}
