#pragma once

#include <memory>
#include <string>

#include "common/migrations.h"
#include "common/pg_pool.h"

namespace gongkai::testing {

// A fresh, empty database in the throwaway cluster that scripts/test starts
// (its admin connection string is in GONGKAI_TEST_DATABASE_URL); dropped
// when the object goes. Every store and end-to-end test uses this one fixture.
class TestDatabase {
 public:
  TestDatabase();
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  // A libpq key=value connection string for this database.
  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

  // Applies `migrations` to this database and returns a pool whose
  // connections work in their schema: what a store test needs, in one line.
  std::unique_ptr<common::PgPool> MigratedPool(const common::MigrationSet& migrations, int size = 4) const;

  // The cluster's admin connection string; throws when the variable is unset.
  static std::string AdminUrl();

 private:
  std::string name_;
  std::string url_;
};

}  // namespace gongkai::testing
