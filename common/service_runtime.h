#pragma once

#include <prometheus/collectable.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "common/call_scope.h"
#include "common/clock.h"
#include "common/config.h"
#include "common/deadlines.h"
#include "common/executor.h"
#include "common/identity.h"
#include "common/migrations.h"
#include "common/pg_pool.h"
#include "common/server.h"
#include "common/service_context.h"
#include "common/tls.h"

namespace gongkai::common {

// The settings every database-backed service reads.
struct ServiceSettings {
  ServerOptions server;
  std::string database_url;
  // Where the public's reads go instead (a read-only replica;
  // GONGKAI_DATABASE_READ_URL); empty: database_url.
  std::string database_read_url;
  // Database connections for every call but the public's, and for work
  // outside calls (GONGKAI_DB_POOL_SIZE).
  int pool_size = 8;
  // Database connections for the public's calls, apart (GONGKAI_DB_PUBLIC_POOL_SIZE).
  int public_pool_size = 4;
  // The statement_timeout of database work without a call deadline; zero: none
  // (GONGKAI_DB_STATEMENT_TIMEOUT_MS).
  std::chrono::milliseconds statement_timeout{0};
  // Client streams a process serves at once (GONGKAI_MAX_STREAMS); at most
  // half of the calls of a lane (CallsPerLane of GONGKAI_MAX_THREADS), so
  // that idle streams leave the other calls threads.
  int max_streams = 32;
  IdentityFiles identity;
  bool migrate = true;
  int database_wait_seconds = 30;
  int max_batch = 1000;  // records per batch write
  // The TLS of its calls to other services (common/tls.h ReadUpstreamTls;
  // plaintext when not set). Its own port's TLS is `server.credentials`
  // (ReadTlsFiles, client certificates required when
  // GONGKAI_TLS_CLIENT_CA_FILE is set).
  std::optional<UpstreamTls> upstream_tls;
  // The gauge of when its certificates end (CertificateExpiryGauges); none
  // without TLS.
  std::shared_ptr<prometheus::Collectable> certificate_expiry;
  std::shared_ptr<Deadlines> deadlines;
  std::shared_ptr<const Clock> clock = std::make_shared<SystemClock>();
};

ServiceSettings ReadServiceSettings(Config& config, const std::string& default_listen,
                                    const std::string& default_metrics_listen);

// tcmalloc's budget for all threads' caches of freed memory, as a service
// sets it at start (ServiceRuntime) unless TCMALLOC_MAX_TOTAL_THREAD_CACHE_BYTES
// says otherwise.
inline constexpr std::size_t kThreadCacheBytes = std::size_t{64} << 20;
void SizeThreadCaches();

// Gives the calling thread's cache of freed memory back to tcmalloc's central
// lists, where any thread allocates from next (a client stream's end: call.h,
// Admission). The thread starts a new cache at its next allocation.
void ReleaseThreadCache();

// What a service's main wires its store and adapter to: the server, the
// migrated database's pool (its readiness is the health status), the identity
// signer, the deadlines (the calendar reloads on SIGHUP) and the clock. Construct it first
// thing in main, after the config. Its server scopes every call
// (Server::ScopeCalls): identities bound to their method, the call's lane and
// deadline for the pool, the calls of each lane (CallsPerLane) and the client
// streams (`max_streams`) let in at once bounded.
class ServiceRuntime {
 public:
  // Exits the process with a message when its identity key or trust file
  // cannot be read (status 2) or the migrations cannot be applied within the
  // wait. The service signs its own calls to another as "service-<schema>"
  // (ServiceIdentity); the trust file is read again on SIGHUP.
  ServiceRuntime(const ServiceSettings& settings, const MigrationSet& migrations);

  Server& server() { return server_; }
  PgPool& pool() { return *pool_; }
  const IdentitySigner& signer() const { return *signer_; }
  // The credentials of one new channel to another service, that channel's
  // own (ChannelCredentialsOf: a channel's first connection has its
  // certificates).
  std::shared_ptr<grpc::ChannelCredentials> ChannelCredentials() const { return ChannelCredentialsOf(upstream_tls_); }
  const Deadlines& deadlines() const { return *deadlines_; }
  // Where "today" comes from (the machine's clock, or a date pinned for tests).
  const Clock& clock() const { return *clock_; }
  // What adapters take: these three, and the executor their calls' work runs on.
  ServiceContext context() { return {*signer_, *deadlines_, *clock_, executor_}; }

  int Run() { return server_.Run(); }

 private:
  // Before the server: its calls' work is done before the executor goes.
  Executor executor_;
  Server server_;
  std::unique_ptr<IdentitySigner> signer_;
  CallBounds bounds_;
  std::unique_ptr<PgPool> pool_;
  std::shared_ptr<Deadlines> deadlines_;
  std::shared_ptr<const Clock> clock_;
  std::optional<UpstreamTls> upstream_tls_;
};

}  // namespace gongkai::common
