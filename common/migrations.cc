#include "common/migrations.h"

#include <pqxx/pqxx>
#include <stdexcept>

#include "common/encoding.h"
#include "common/log.h"

namespace gongkai::common {

int ApplyMigrations(const std::string& database_url, const MigrationSet& set) {
  pqxx::connection conn(database_url);
  const std::string schema = conn.quote_name(set.schema);
  const std::string lock_key = "gongkai.migrations." + set.schema;
  {
    pqxx::nontransaction tx(conn);
    tx.exec_params("SELECT pg_advisory_lock(hashtext($1))", lock_key);
  }
  int applied = 0;
  try {
    {
      pqxx::work tx(conn);
      tx.exec("CREATE SCHEMA IF NOT EXISTS " + schema);
      tx.exec("CREATE TABLE IF NOT EXISTS " + schema +
              ".schema_migrations (version integer PRIMARY KEY, name text NOT NULL, "
              "checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
      tx.commit();
    }
    for (const auto& m : set.migrations) {
      const std::string checksum = Sha256Hex(m.sql);
      pqxx::work tx(conn);
      auto row = tx.exec_params("SELECT checksum FROM " + schema + ".schema_migrations WHERE version = $1",
                                m.version);
      if (!row.empty()) {
        if (row[0][0].as<std::string>() != checksum) {
          throw std::runtime_error("migration " + set.schema + "/" + m.name +
                                   " was changed after it was applied; add a new migration instead");
        }
        continue;
      }
      tx.exec("SET LOCAL search_path TO " + schema);
      tx.exec(m.sql);
      tx.exec_params("INSERT INTO " + schema + ".schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                     m.version, m.name, checksum);
      tx.commit();
      ++applied;
      Log(LogLevel::kInfo, "migration_applied", {{"schema", set.schema}, {"migration", m.name}});
    }
  } catch (...) {
    pqxx::nontransaction tx(conn);
    tx.exec_params("SELECT pg_advisory_unlock(hashtext($1))", lock_key);
    throw;
  }
  pqxx::nontransaction tx(conn);
  tx.exec_params("SELECT pg_advisory_unlock(hashtext($1))", lock_key);
  return applied;
}

}  // namespace gongkai::common
