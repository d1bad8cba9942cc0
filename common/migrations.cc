#include "common/migrations.h"

#include <pqxx/pqxx>
#include <stdexcept>

#include "common/encoding.h"
#include "common/log.h"

namespace gongkai::common {
namespace {

// The runner's statements. Its connection is its own (no pool), so they are
// run with parameters rather than prepared; the schema's name is an
// identifier, which SQL takes in no parameter: the one statement that needs it
// is the only SQL assembled at run time (CREATE SCHEMA), with the name
// quoted (`quote_name`), from the service's own constant, never from a caller.
//
// A service runs as a role that owns its schema but may not create one
// (scripts/db-roles makes the schema for it), and PostgreSQL checks that right
// before it looks whether the schema exists, even under IF NOT EXISTS: the
// schema is created only when it is missing (a database made by a superuser,
// as in store tests). Migrations see the schema, then public, as the pool's
// connections do: an extension lives in public (scripts/db-roles creates it
// there), and what a migration creates unqualified goes into the schema.
constexpr char kLock[] = "SELECT pg_advisory_lock(hashtext($1))";
constexpr char kUnlock[] = "SELECT pg_advisory_unlock(hashtext($1))";
constexpr char kSchemaExists[] = "SELECT 1 FROM pg_namespace WHERE nspname = $1";
constexpr char kUseSchema[] = "SELECT set_config('search_path', $1 || ', public', true)";
constexpr char kCreateLedger[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, "
    "checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())";
constexpr char kChecksumOf[] = "SELECT checksum FROM schema_migrations WHERE version = $1";
constexpr char kRecord[] = "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)";

}  // namespace

int ApplyMigrations(const std::string& database_url, const MigrationSet& set) {
  pqxx::connection conn(database_url);
  const std::string schema = conn.quote_name(set.schema);
  const std::string lock_key = "gongkai.migrations." + set.schema;
  {
    pqxx::nontransaction tx(conn);
    tx.exec_params(kLock, lock_key);
  }
  int applied = 0;
  try {
    {
      pqxx::work tx(conn);
      if (tx.exec_params(kSchemaExists, set.schema).empty()) tx.exec("CREATE SCHEMA " + schema);
      tx.exec_params(kUseSchema, schema);
      tx.exec(kCreateLedger);
      tx.commit();
    }
    for (const auto& m : set.migrations) {
      const std::string checksum = Sha256Hex(m.sql);
      pqxx::work tx(conn);
      tx.exec_params(kUseSchema, schema);
      auto row = tx.exec_params(kChecksumOf, m.version);
      if (!row.empty()) {
        if (row[0][0].as<std::string>() != checksum) {
          throw std::runtime_error("migration " + set.schema + "/" + m.name +
                                   " was changed after it was applied; add a new migration instead");
        }
        continue;
      }
      tx.exec(m.sql);
      tx.exec_params(kUseSchema, schema);  // in case the migration moved it
      tx.exec_params(kRecord, m.version, m.name, checksum);
      tx.commit();
      ++applied;
      Log(LogLevel::kInfo, "migration_applied", {{"schema", set.schema}, {"migration", m.name}});
    }
  } catch (...) {
    pqxx::nontransaction tx(conn);
    tx.exec_params(kUnlock, lock_key);
    throw;
  }
  pqxx::nontransaction tx(conn);
  tx.exec_params(kUnlock, lock_key);
  return applied;
}

}  // namespace gongkai::common
