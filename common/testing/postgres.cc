#include "common/testing/postgres.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <pqxx/pqxx>
#include <stdexcept>

namespace gongkai::testing {

std::string TestDatabase::AdminUrl() {
  const char* url = std::getenv("GONGKAI_TEST_DATABASE_URL");
  if (url == nullptr || *url == '\0') {
    throw std::runtime_error("GONGKAI_TEST_DATABASE_URL is not set: run the tests with scripts/test");
  }
  return url;
}

TestDatabase::TestDatabase() {
  static std::atomic<int> counter{0};
  auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
  name_ =
      "gk_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" + std::to_string(stamp % 1000000);
  std::string admin = AdminUrl();
  pqxx::connection conn(admin);
  pqxx::nontransaction tx(conn);
  tx.exec("CREATE DATABASE " + conn.quote_name(name_));
  url_ = admin + " dbname=" + name_;
}

TestDatabase::~TestDatabase() {
  try {
    pqxx::connection conn(AdminUrl());
    pqxx::nontransaction tx(conn);
    tx.exec("DROP DATABASE IF EXISTS " + conn.quote_name(name_) + " WITH (FORCE)");
  } catch (const std::exception&) {
    // The cluster is thrown away after the run; a leftover database is harmless.
  }
}

std::unique_ptr<common::PgPool> TestDatabase::MigratedPool(const common::MigrationSet& migrations, int size) const {
  common::ApplyMigrations(url_, migrations);
  return std::make_unique<common::PgPool>(url_, size, std::chrono::seconds(5), migrations.schema);
}

}  // namespace gongkai::testing
