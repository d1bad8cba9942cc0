#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/current_call.h"

namespace gongkai::common {

// The database cannot be reached or the pool is exhausted; maps to UNAVAILABLE.
class DatabaseUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A named SQL statement, prepared on every pooled connection. Stores keep
// theirs as constants next to the code that runs them.
struct Statement {
  const char* name;
  const char* sql;
};

// What a pool has besides its size.
struct PgPoolLimits {
  // Connections for the calls of the public (Lane::kPublic), kept apart from
  // the pool's `size`, which serves every other call and the work done
  // outside calls: writers holding all of theirs do not make a public read
  // wait, nor public reads a write.
  int public_size = 4;
  // The statement_timeout of work that has no deadline: outside calls, or a
  // call whose caller set none. Zero: none.
  std::chrono::milliseconds statement_timeout{0};
  // Where the public's connections go, when not to the pool's own `url`: a
  // read-only replica (GONGKAI_DATABASE_READ_URL). The public's calls only
  // read; a replica's answers may lag the primary's by its replication delay.
  std::string public_url;
};

// A bounded pool of PostgreSQL connections that outlives database restarts:
// connections are opened lazily, a broken one is dropped, and a call that
// finds its connection broken is retried once on a fresh one, so after the
// database comes back the next call succeeds without a process restart. A
// connection found broken means the server went away, and the idle ones
// were opened before that too: they are all dropped with it, so the retry
// and every later call run on fresh connections.
//
// The connections are in separate shares, by the lane of the call that
// runs the work (CurrentCallOfThisThread(), set by the call scope): `size`
// for Lane::kCity (and work outside calls), PgPoolLimits::public_size for
// Lane::kPublic, and one of its own for the readiness probe (Ping).
//
// The database stops work whose caller stopped waiting: before the work
// runs, the connection's statement_timeout is made the time left before the
// call's deadline (StatementTimeoutToSet; PgPoolLimits::statement_timeout
// for work without one), and a statement it cancels (SQLSTATE 57014)
// becomes DEADLINE_EXCEEDED (errors.h).
//
// Every connection works in the pool's `schema` (its search_path is the
// schema, then public): statements shared by all services, such as the
// rejection log's, name their tables unqualified and reach the schema of
// the service whose pool runs them.
class PgPool {
 public:
  PgPool(std::string url, int size, std::chrono::milliseconds acquire_timeout, std::string schema,
         PgPoolLimits limits = {});
  ~PgPool();
  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  // Registers a statement to prepare on each connection; call before Run().
  void Prepare(const Statement& statement);

  // Runs work on a pooled connection of the lane of this thread's call.
  // Throws DatabaseUnavailable when no connection can be had within the
  // acquire timeout, and whatever the work throws otherwise. The work must be
  // safe to run twice if it does not commit (a transaction is).
  template <typename Work>
  auto Run(Work&& work) -> decltype(work(std::declval<pqxx::connection&>()));

  // True when a round trip to the database succeeds now, on the probe's own
  // connection, so that calls holding every other one do not make the
  // service look down.
  bool Ping();

  const std::string& url() const { return url_; }

 private:
  // A connection and the statement_timeout it has.
  struct Pooled {
    std::unique_ptr<pqxx::connection> conn;
    std::chrono::milliseconds statement_timeout{0};
  };
  // One share of the connections.
  struct Share {
    int size = 0;
    std::vector<Pooled> idle;  // guarded by mutex_
    int leased = 0;            // guarded by mutex_
    std::condition_variable available;
  };
  // The shares: Lane::kPublic, Lane::kCity, then the probe's.
  static constexpr int kProbeShare = 2;
  static constexpr int kShares = 3;

  template <typename Work>
  auto RunIn(int share, Work& work) -> decltype(work(std::declval<pqxx::connection&>()));
  Pooled Take(int share);
  // Puts a leased connection back (or, when `pooled.conn` is null, drops it).
  void Give(int share, Pooled pooled);
  // Drops the broken connection of a call of `share` and every idle one.
  void DropBroken(int share);
  // A new connection for `share`, to its database.
  Pooled Open(int share);
  // Gives the connection the statement_timeout this thread's call needs.
  void FitStatementTimeout(Pooled& pooled);

  const std::string url_;
  const std::string public_url_;  // Lane::kPublic's, when not url_
  const std::string schema_;
  const std::chrono::milliseconds acquire_timeout_;
  const std::chrono::milliseconds statement_timeout_;

  std::mutex mutex_;
  Share shares_[kShares];
  std::vector<Statement> statements_;  // guarded by mutex_
};

// The statement_timeout a connection that has `current` must be given for
// the work of `call` (nullptr: outside a call) at `now`; nullopt when
// `current` will do. For a call with a deadline, the time left in whole
// milliseconds rounded up, at least 1 (0 would mean none); a connection
// keeps its setting while that lies between the time left and a quarter
// more (plus 50 ms), so calls of similar deadlines cost no extra round trip.
// Otherwise `fallback`, exactly.
std::optional<std::chrono::milliseconds> StatementTimeoutToSet(std::chrono::milliseconds current,
                                                               const CurrentCall* call,
                                                               std::chrono::system_clock::time_point now,
                                                               std::chrono::milliseconds fallback);

template <typename Work>
auto PgPool::Run(Work&& work) -> decltype(work(std::declval<pqxx::connection&>())) {
  const CurrentCall* call = CurrentCallOfThisThread();
  return RunIn(static_cast<int>(call != nullptr ? call->lane : Lane::kCity), work);
}

template <typename Work>
auto PgPool::RunIn(int share, Work& work) -> decltype(work(std::declval<pqxx::connection&>())) {
  for (int attempt = 0;; ++attempt) {
    Pooled pooled = Take(share);
    try {
      FitStatementTimeout(pooled);
      if constexpr (std::is_void_v<decltype(work(*pooled.conn))>) {
        work(*pooled.conn);
        Give(share, std::move(pooled));
        return;
      } else {
        auto result = work(*pooled.conn);
        Give(share, std::move(pooled));
        return result;
      }
    } catch (const pqxx::broken_connection&) {
      DropBroken(share);
      if (attempt > 0) throw;
    } catch (const pqxx::in_doubt_error&) {
      // Lost during a commit: whether it happened is unknown, so no retry.
      DropBroken(share);
      throw;
    } catch (...) {
      // The connection may be mid-transaction or broken in a way libpq has
      // not noticed; a fresh one is cheaper than doubt.
      if (pooled.conn && !pooled.conn->is_open()) pooled.conn.reset();
      Give(share, std::move(pooled));
      throw;
    }
  }
}

}  // namespace gongkai::common
