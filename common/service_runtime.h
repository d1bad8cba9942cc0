#pragma once

#include <memory>
#include <string>

#include "common/config.h"
#include "common/deadlines.h"
#include "common/identity.h"
#include "common/migrations.h"
#include "common/pg_pool.h"
#include "common/server.h"

namespace gongkai::common {

// The settings every database-backed service reads.
struct ServiceSettings {
  ServerOptions server;
  std::string database_url;
  int pool_size = 8;
  std::string identity_secret_file;
  bool migrate = true;
  int database_wait_seconds = 30;
  std::shared_ptr<Deadlines> deadlines;
};

ServiceSettings ReadServiceSettings(Config& config, const std::string& default_listen,
                                    const std::string& default_metrics_listen);

// What a service's main wires its store and adapter to: the server, the
// migrated database's pool (its readiness is the health status), the identity
// signer and the deadlines (the calendar reloads on SIGHUP). Construct it first
// thing in main, after the config.
class ServiceRuntime {
 public:
  // Exits the process with a message when the secret cannot be read or the
  // migrations cannot be applied within the wait.
  ServiceRuntime(const ServiceSettings& settings, const MigrationSet& migrations);

  Server& server() { return server_; }
  PgPool& pool() { return *pool_; }
  const IdentitySigner& signer() const { return *signer_; }
  const Deadlines& deadlines() const { return *deadlines_; }

  int Run() { return server_.Run(); }

 private:
  Server server_;
  std::unique_ptr<IdentitySigner> signer_;
  std::unique_ptr<PgPool> pool_;
  std::shared_ptr<Deadlines> deadlines_;
};

}  // namespace gongkai::common
