#include "common/pg_pool.h"

#include <gtest/gtest.h>

#include <thread>

#include "common/testing/postgres.h"

namespace gongkai::common {
namespace {

TEST(PgPool, RunsWorkAndPreparesStatements) {
  testing::TestDatabase db;
  PgPool pool(db.url(), 2, std::chrono::milliseconds(500), "public");
  pool.Prepare({"add_one", "SELECT $1::int + 1"});
  int v = pool.Run([](pqxx::connection& c) {
    pqxx::work tx(c);
    return tx.exec_prepared("add_one", 41)[0][0].as<int>();
  });
  EXPECT_EQ(v, 42);
  EXPECT_TRUE(pool.Ping());
}

TEST(PgPool, ExhaustedPoolIsUnavailableNotAHang) {
  testing::TestDatabase db;
  PgPool pool(db.url(), 1, std::chrono::milliseconds(200), "public");
  std::thread holder([&] {
    pool.Run([](pqxx::connection& c) {
      pqxx::nontransaction tx(c);
      tx.exec("SELECT pg_sleep(1)");
    });
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_THROW(pool.Run([](pqxx::connection&) {}), DatabaseUnavailable);
  holder.join();
}

TEST(PgPool, UnreachableDatabaseIsUnavailable) {
  PgPool pool("host=127.0.0.1 port=1 user=nobody dbname=none connect_timeout=1", 2, std::chrono::milliseconds(200),
              "public");
  EXPECT_THROW(pool.Run([](pqxx::connection&) {}), DatabaseUnavailable);
  EXPECT_FALSE(pool.Ping());
}

TEST(PgPool, RecoversWhenServerDropsConnections) {
  testing::TestDatabase db;
  PgPool pool(db.url(), 2, std::chrono::milliseconds(500), "public");
  EXPECT_TRUE(pool.Ping());
  // Kill every connection to the database, as a server restart does.
  pqxx::connection admin(testing::TestDatabase::AdminUrl());
  pqxx::nontransaction tx(admin);
  tx.exec_params("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", db.name());
  int v = pool.Run([](pqxx::connection& c) {
    pqxx::work t(c);
    return t.exec("SELECT 7")[0][0].as<int>();
  });
  EXPECT_EQ(v, 7);
}

}  // namespace
}  // namespace gongkai::common
