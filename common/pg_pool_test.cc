#include "common/pg_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <thread>
#include <vector>

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

// The connections to the test database other than the caller's own.
int OtherBackends(pqxx::connection& admin) {
  pqxx::nontransaction tx(admin);
  return tx
      .exec(
          "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> "
          "pg_backend_pid()")[0][0]
      .as<int>();
}

// Runs `count` calls at once, each on a connection of its own (each waits
// until all have theirs); returns how many succeeded.
int RunAtOnce(PgPool& pool, int count) {
  std::latch all_hold_one(count);
  std::atomic<int> succeeded = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < count; ++i) {
    threads.emplace_back([&] {
      bool arrived = false;  // a retried call arrives once
      try {
        pool.Run([&](pqxx::connection& c) {
          if (!arrived) {
            arrived = true;
            all_hold_one.arrive_and_wait();
          }
          pqxx::work tx(c);
          tx.exec("SELECT 1");
          tx.commit();
        });
        ++succeeded;
      } catch (const std::exception&) {
        if (!arrived) all_hold_one.count_down();
      }
    });
  }
  for (auto& t : threads) t.join();
  return succeeded;
}

TEST(PgPool, FirstCallAfterEveryConnectionWasEndedSucceedsWithSeveralIdle) {
  testing::TestDatabase db;
  PgPool pool(db.url(), 4, std::chrono::milliseconds(2000), "public");
  ASSERT_EQ(RunAtOnce(pool, 4), 4);
  pqxx::connection admin(db.url());
  ASSERT_EQ(OtherBackends(admin), 4) << "the pool holds four idle connections";

  // What a server restart does to them: every backend of the database ends.
  {
    pqxx::nontransaction tx(admin);
    tx.exec(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> "
        "pg_backend_pid()");
  }
  for (int i = 0; i < 100 && OtherBackends(admin) > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_EQ(OtherBackends(admin), 0);

  int v = pool.Run([](pqxx::connection& c) {
    pqxx::work t(c);
    return t.exec("SELECT 7")[0][0].as<int>();
  });
  EXPECT_EQ(v, 7);
  // Every later call runs on a live connection too, however many run at once.
  EXPECT_EQ(RunAtOnce(pool, 4), 4);
}

}  // namespace
}  // namespace gongkai::common
