#include "common/service_runtime.h"

#include <gperftools/malloc_extension.h>

#include <algorithm>
#include <cstdlib>
#include <thread>

#include "common/log.h"

namespace gongkai::common {

void SizeThreadCaches() {
  // A batch of a thousand records allocates and frees megabytes of small
  // strings and messages on its stream's thread. With tcmalloc's default
  // budget for all threads' caches (32 MiB) what a batch freed overflowed its
  // thread's cache into the central lists, and the resident size of a long
  // sync crept up by 12-16 MiB; with 64 MiB (a bound, not an allocation) by
  // 2-12 (bench/README.md).
  if (std::getenv("TCMALLOC_MAX_TOTAL_THREAD_CACHE_BYTES") != nullptr) return;
  MallocExtension::instance()->SetNumericProperty("tcmalloc.max_total_thread_cache_bytes", kThreadCacheBytes);
}

void ReleaseThreadCache() { MallocExtension::instance()->MarkThreadIdle(); }

ServiceSettings ReadServiceSettings(Config& config, const std::string& default_listen,
                                    const std::string& default_metrics_listen) {
  ServiceSettings s;
  s.server = ReadServerOptions(config, default_listen, default_metrics_listen);
  s.database_url = config.RequiredString("GONGKAI_DATABASE_URL", "libpq connection string of the database");
  s.database_read_url = config.String(
      "GONGKAI_DATABASE_READ_URL", "",
      "libpq connection string the public's reads use instead (a read-only replica); empty: GONGKAI_DATABASE_URL");
  s.pool_size = static_cast<int>(
      config.Int("GONGKAI_DB_POOL_SIZE", 8, 1, 256, "database connections at most for calls other than the public's"));
  s.public_pool_size = static_cast<int>(
      config.Int("GONGKAI_DB_PUBLIC_POOL_SIZE", 4, 1, 256, "database connections at most for the public's calls"));
  s.statement_timeout = std::chrono::milliseconds(
      config.Int("GONGKAI_DB_STATEMENT_TIMEOUT_MS", 0, 0, 86400000,
                 "statement_timeout of database work without a call deadline (0: none; a call's is its time left)"));
  s.max_streams = static_cast<int>(
      config.Int("GONGKAI_MAX_STREAMS", 32, 1, 2048, "client streams served at once (more are RESOURCE_EXHAUSTED)"));
  const int most_streams = std::max(CallsPerLane(s.server.max_threads) / 2, 1);
  if (s.max_streams > most_streams) {
    config.Fail("GONGKAI_MAX_STREAMS", "must be at most " + std::to_string(most_streams) +
                                           ", half of the calls a lane may have at once with GONGKAI_MAX_THREADS=" +
                                           std::to_string(s.server.max_threads) +
                                           ", so that idle streams leave the other calls threads");
  }
  s.identity = ReadIdentityFiles(config);
  const auto tls = ReadTlsFiles(config);
  if (tls) s.server.credentials = ServerCredentialsOf(*tls);
  s.upstream_tls = ReadUpstreamTls(config);
  s.certificate_expiry = CertificateExpiryGauges(tls, s.upstream_tls);
  s.migrate = config.Bool("GONGKAI_MIGRATE", true, "apply this service's migrations at start-up");
  s.database_wait_seconds =
      static_cast<int>(config.Int("GONGKAI_DB_WAIT_SECONDS", 30, 0, 3600, "how long start-up waits for the database"));
  s.max_batch = static_cast<int>(config.Int("GONGKAI_MAX_BATCH", 1000, 1, 100000, "records per batch write"));
  s.deadlines = Deadlines::FromConfig(config);
  s.clock = ClockFromConfig(config);
  return s;
}

ServiceRuntime::ServiceRuntime(const ServiceSettings& settings, const MigrationSet& migrations)
    : executor_(settings.server.max_threads, settings.server.max_threads),
      server_(settings.server),
      bounds_(CallsPerLane(settings.server.max_threads), settings.max_streams),
      deadlines_(settings.deadlines),
      clock_(settings.clock),
      upstream_tls_(settings.upstream_tls) {
  SizeThreadCaches();
  if (auto error = deadlines_->Reload()) {
    Log(LogLevel::kError, "calendar_unreadable", {{"reason", *error}});
    std::exit(2);
  }
  server_.OnReload([this] { (void)deadlines_->Reload(); });
  if (settings.certificate_expiry) server_.AddCollectable(settings.certificate_expiry);
  try {
    signer_ = std::make_unique<IdentitySigner>(ReadSigningKey(settings.identity.key), "service-" + migrations.schema,
                                               ReadTrustedKeys(settings.identity.trust));
    server_.ScopeCalls(*signer_, bounds_);
  } catch (const std::exception& e) {
    Log(LogLevel::kError, "identity_keys_unusable", {{"reason", e.what()}});
    std::exit(2);
  }
  server_.OnReload([this, trust = settings.identity.trust] { ReloadTrust(*signer_, trust); });
  if (settings.migrate) {
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(settings.database_wait_seconds);
    for (;;) {
      try {
        ApplyMigrations(settings.database_url, migrations);
        break;
      } catch (const pqxx::broken_connection&) {
        if (std::chrono::steady_clock::now() >= give_up) {
          Log(LogLevel::kError, "database_unreachable_at_start", {{"schema", migrations.schema}});
          std::exit(1);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
      } catch (const std::exception& e) {
        Log(LogLevel::kError, "migration_failed", {{"schema", migrations.schema}, {"reason", e.what()}});
        std::exit(1);
      }
    }
  }
  pool_ = std::make_unique<PgPool>(
      settings.database_url, settings.pool_size, std::chrono::seconds(2), migrations.schema,
      PgPoolLimits{settings.public_pool_size, settings.statement_timeout, settings.database_read_url});
  server_.SetReadinessProbe([this] { return pool_->Ping(); }, std::chrono::seconds(1));
}

}  // namespace gongkai::common
