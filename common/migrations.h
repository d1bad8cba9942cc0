#pragma once

#include <string>
#include <vector>

namespace gongkai::common {

struct Migration {
  int version;
  std::string name;
  std::string sql;
};

// A service's schema and its numbered migrations, compiled into the binary
// from services/<name>/migrations/NNN_*.sql (cmake/GongkaiMigrations.cmake).
struct MigrationSet {
  std::string schema;
  std::vector<Migration> migrations;
};

// Applies the migrations not yet recorded in <schema>.schema_migrations, each in
// its own transaction, under a PostgreSQL advisory lock so that replicas
// starting together apply each one exactly once. A released migration whose
// text changed is refused (its checksum is recorded). The schema is created
// when it is missing; a role that owns it but may not create schemas (each
// service's, scripts/db-roles) applies its migrations all the same. Returns
// how many ran.
int ApplyMigrations(const std::string& database_url, const MigrationSet& set);

}  // namespace gongkai::common
