#include "common/pg_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <climits>
#include <future>
#include <latch>
#include <thread>
#include <vector>

#include "common/errors.h"
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
  pool.Run([](pqxx::connection& c) {
    pqxx::nontransaction t(c);
    t.exec("SELECT 1");
  });
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

using std::chrono::milliseconds;
using std::chrono::steady_clock;
using std::chrono::system_clock;

// Holds `count` connections of the lane `lane` (on threads of their own)
// until released.
class Holders {
 public:
  Holders(PgPool& pool, Lane lane, int count) : holding_(count) {
    std::shared_future<void> release = release_.get_future().share();
    for (int i = 0; i < count; ++i) {
      threads_.emplace_back([&pool, lane, release, this] {
        ScopedCurrentCall call(CurrentCall{lane});
        bool holds = false;
        try {
          pool.Run([&](pqxx::connection& c) {
            pqxx::nontransaction tx(c);
            tx.exec("SELECT 1");
            holds = true;
            holding_.count_down();
            release.wait();
          });
        } catch (const std::exception& e) {
          ADD_FAILURE() << "a holder got no connection: " << e.what();
          if (!holds) holding_.count_down();
        }
      });
    }
    holding_.wait();
  }
  ~Holders() {
    release_.set_value();
    for (auto& t : threads_) t.join();
  }

 private:
  std::latch holding_;
  std::promise<void> release_;
  std::vector<std::thread> threads_;
};

int SelectSeven(pqxx::connection& c) {
  pqxx::nontransaction t(c);
  return t.exec("SELECT 7")[0][0].as<int>();
}

TEST(PgPool, PublicReadsGetAConnectionWhileCallsHoldEveryOther) {
  testing::TestDatabase db;
  PgPool pool(db.url(), 2, milliseconds(300), "public", PgPoolLimits{.public_size = 1});
  Holders writers(pool, Lane::kCity, 2);
  EXPECT_THROW(pool.Run(SelectSeven), DatabaseUnavailable) << "the calls' connections are all held";

  ScopedCurrentCall read(CurrentCall{Lane::kPublic});
  const auto start = steady_clock::now();
  EXPECT_EQ(pool.Run(SelectSeven), 7);
  EXPECT_LT(steady_clock::now() - start, milliseconds(300)) << "at once, not after waiting for a connection";
}

TEST(PgPool, ThePublicsReadsGoToTheirOwnDatabaseWhenOneIsSet) {
  testing::TestDatabase db;
  // The "replica": the same database, every transaction read-only, as a hot
  // standby's are.
  PgPool pool(db.url(), 1, milliseconds(500), "public",
              PgPoolLimits{.public_url = db.url() + " options='-c default_transaction_read_only=on'"});
  pool.Run([](pqxx::connection& c) {
    pqxx::work tx(c);
    tx.exec0("CREATE TABLE read_url_probe (n int)");
    tx.commit();
  });
  auto read_only = [](pqxx::connection& c) {
    pqxx::work tx(c);
    return tx.exec1("SHOW transaction_read_only")[0].as<std::string>();
  };
  EXPECT_EQ(pool.Run(read_only), "off") << "the other calls write to the primary";
  ScopedCurrentCall read(CurrentCall{Lane::kPublic});
  EXPECT_EQ(pool.Run(read_only), "on") << "the public's calls reach the read URL";
  EXPECT_EQ(pool.Run([](pqxx::connection& c) {
    pqxx::work tx(c);
    return tx.exec1("SELECT count(*) FROM read_url_probe")[0].as<int>();
  }),
            0);
}

TEST(PgPool, CallsGetAConnectionWhilePublicReadsHoldTheirs) {
  testing::TestDatabase db;
  PgPool pool(db.url(), 1, milliseconds(300), "public", PgPoolLimits{.public_size = 2});
  Holders readers(pool, Lane::kPublic, 2);
  {
    ScopedCurrentCall read(CurrentCall{Lane::kPublic});
    EXPECT_THROW(pool.Run(SelectSeven), DatabaseUnavailable) << "the public's connections are all held";
  }
  EXPECT_EQ(pool.Run(SelectSeven), 7);
  EXPECT_TRUE(pool.Ping()) << "the probe has its own connection";
}

// The statement_timeout a connection of the pool has now.
int64_t StatementTimeoutMs(pqxx::connection& c) {
  pqxx::nontransaction t(c);
  return t.exec("SELECT setting::bigint FROM pg_settings WHERE name = 'statement_timeout'")[0][0].as<int64_t>();
}

TEST(PgPool, AStatementOutlivingItsCallsDeadlineIsCancelledAsDeadlineExceeded) {
  testing::TestDatabase db;
  PgPool pool(db.url(), 1, milliseconds(1000), "public");
  grpc::Status status;
  const auto start = steady_clock::now();
  {
    ScopedCurrentCall call(CurrentCall{Lane::kCity, system_clock::now() + milliseconds(300)});
    status = Handle([&]() -> grpc::Status {
      pool.Run([](pqxx::connection& c) {
        pqxx::work t(c);
        t.exec("SELECT pg_sleep(5)");
        t.commit();
      });
      return grpc::Status::OK;
    });
  }
  const auto took = steady_clock::now() - start;
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << status.error_message();
  EXPECT_GE(took, milliseconds(250));
  EXPECT_LT(took, milliseconds(2000)) << "stopped at the deadline, not after the 5 s asked";

  // The same connection, outside a call: no timeout again.
  EXPECT_EQ(pool.Run(StatementTimeoutMs), 0);
}

TEST(PgPool, WorkWithoutADeadlineHasTheConfiguredTimeout) {
  testing::TestDatabase db;
  PgPool pool(db.url(), 1, milliseconds(1000), "public", PgPoolLimits{.statement_timeout = milliseconds(60000)});
  EXPECT_EQ(pool.Run(StatementTimeoutMs), 60000);
  {
    ScopedCurrentCall call(CurrentCall{Lane::kCity, system_clock::now() + milliseconds(8000)});
    const int64_t set = pool.Run(StatementTimeoutMs);
    EXPECT_GT(set, 7000);
    EXPECT_LE(set, 8000);
  }
  {
    ScopedCurrentCall call(CurrentCall{Lane::kCity});
    EXPECT_EQ(pool.Run(StatementTimeoutMs), 60000) << "a caller that set no deadline";
  }
}

TEST(StatementTimeoutToSet, TheTimeLeftRoundedUpAndKeptForSimilarDeadlines) {
  const auto now = system_clock::now();
  const CurrentCall call{Lane::kCity, now + std::chrono::microseconds(299001)};
  EXPECT_EQ(StatementTimeoutToSet(milliseconds(0), &call, now, milliseconds(0)), milliseconds(300));
  EXPECT_EQ(StatementTimeoutToSet(milliseconds(300), &call, now, milliseconds(0)), std::nullopt);
  EXPECT_EQ(StatementTimeoutToSet(milliseconds(400), &call, now, milliseconds(0)), std::nullopt)
      << "within a quarter more and 50 ms";
  EXPECT_EQ(StatementTimeoutToSet(milliseconds(500), &call, now, milliseconds(0)), milliseconds(300));
  EXPECT_EQ(StatementTimeoutToSet(milliseconds(299), &call, now, milliseconds(0)), milliseconds(300))
      << "never shorter than the time left";

  const CurrentCall past{Lane::kCity, now - milliseconds(5)};
  EXPECT_EQ(StatementTimeoutToSet(milliseconds(0), &past, now, milliseconds(0)), milliseconds(1))
      << "a deadline passed: the least timeout, never 0 (none)";

  const CurrentCall far{Lane::kCity, now + std::chrono::hours(24 * 365)};
  EXPECT_EQ(StatementTimeoutToSet(milliseconds(0), &far, now, milliseconds(0)), milliseconds(INT_MAX));

  const CurrentCall none{Lane::kPublic};
  EXPECT_EQ(StatementTimeoutToSet(milliseconds(300), &none, now, milliseconds(0)), milliseconds(0));
  EXPECT_EQ(StatementTimeoutToSet(milliseconds(0), &none, now, milliseconds(0)), std::nullopt);
  EXPECT_EQ(StatementTimeoutToSet(milliseconds(0), nullptr, now, milliseconds(60000)), milliseconds(60000));
  EXPECT_EQ(StatementTimeoutToSet(milliseconds(60000), nullptr, now, milliseconds(60000)), std::nullopt);
}

}  // namespace
}  // namespace gongkai::common
