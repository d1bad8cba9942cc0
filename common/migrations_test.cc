#include "common/migrations.h"

#include <gtest/gtest.h>

#include <future>
#include <pqxx/pqxx>

#include "common/testing/postgres.h"

namespace gongkai::common {
namespace {

MigrationSet Sample() {
  return {"sample",
          {{1, "001_things.sql", "CREATE TABLE things (id int PRIMARY KEY);"},
           {2, "002_more.sql", "ALTER TABLE things ADD COLUMN name text;"}}};
}

TEST(Migrations, AppliedOnceAndRecorded) {
  testing::TestDatabase db;
  EXPECT_EQ(ApplyMigrations(db.url(), Sample()), 2);
  EXPECT_EQ(ApplyMigrations(db.url(), Sample()), 0);
  pqxx::connection conn(db.url());
  pqxx::work tx(conn);
  EXPECT_EQ(tx.exec("SELECT count(*) FROM sample.schema_migrations")[0][0].as<int>(), 2);
  tx.exec("INSERT INTO sample.things (id, name) VALUES (1, 'x')");
}

TEST(Migrations, ReplicasStartingTogetherApplyEachOnce) {
  testing::TestDatabase db;
  std::vector<std::future<int>> replicas;
  for (int i = 0; i < 4; ++i) {
    replicas.push_back(std::async(std::launch::async, [&] { return ApplyMigrations(db.url(), Sample()); }));
  }
  int total = 0;
  for (auto& r : replicas) total += r.get();
  EXPECT_EQ(total, 2);
}

TEST(Migrations, EditedReleasedMigrationIsRefused) {
  testing::TestDatabase db;
  ApplyMigrations(db.url(), Sample());
  MigrationSet edited = Sample();
  edited.migrations[0].sql = "CREATE TABLE things (id bigint PRIMARY KEY);";
  EXPECT_THROW(ApplyMigrations(db.url(), edited), std::runtime_error);
}

}  // namespace
}  // namespace gongkai::common
