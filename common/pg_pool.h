#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>
#include <vector>

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

// A bounded pool of PostgreSQL connections that outlives database restarts:
// connections are opened lazily, a broken one is dropped, and a call that
// finds its connection broken is retried once on a fresh one, so after the
// database comes back the next call succeeds without a process restart. A
// connection found broken means the server went away, and the idle ones
// were opened before that too: they are all dropped with it, so the retry
// and every later call run on fresh connections.
//
// Every connection works in the pool's `schema` (its search_path is the
// schema, then public): statements shared by all services, such as the
// rejection log's, name their tables unqualified and reach the schema of
// the service whose pool runs them.
class PgPool {
 public:
  PgPool(std::string url, int size, std::chrono::milliseconds acquire_timeout, std::string schema);
  ~PgPool();
  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  // Registers a statement to prepare on each connection; call before Run().
  void Prepare(const Statement& statement);

  // Runs work on a pooled connection. Throws DatabaseUnavailable when no
  // connection can be had, and whatever the work throws otherwise. The work
  // must be safe to run twice if it does not commit (a transaction is).
  template <typename Work>
  auto Run(Work&& work) -> decltype(work(std::declval<pqxx::connection&>()));

  // True when a round trip to the database succeeds now.
  bool Ping();

  const std::string& url() const { return url_; }

 private:
  std::unique_ptr<pqxx::connection> Take();
  void Give(std::unique_ptr<pqxx::connection> conn);
  // Drops the broken connection of a call (Give(nullptr)) and every idle one.
  void DropBroken();
  std::unique_ptr<pqxx::connection> Open();

  const std::string url_;
  const std::string schema_;
  const int size_;
  const std::chrono::milliseconds acquire_timeout_;

  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;  // guarded by mutex_
  int leased_ = 0;                                       // guarded by mutex_
  std::vector<Statement> statements_;                    // guarded by mutex_
};

template <typename Work>
auto PgPool::Run(Work&& work) -> decltype(work(std::declval<pqxx::connection&>())) {
  for (int attempt = 0;; ++attempt) {
    std::unique_ptr<pqxx::connection> conn = Take();
    try {
      if constexpr (std::is_void_v<decltype(work(*conn))>) {
        work(*conn);
        Give(std::move(conn));
        return;
      } else {
        auto result = work(*conn);
        Give(std::move(conn));
        return result;
      }
    } catch (const pqxx::broken_connection&) {
      DropBroken();
      if (attempt > 0) throw;
    } catch (const pqxx::in_doubt_error&) {
      // Lost during a commit: whether it happened is unknown, so no retry.
      DropBroken();
      throw;
    } catch (...) {
      // The connection may be mid-transaction or broken in a way libpq has
      // not noticed; a fresh one is cheaper than doubt.
      Give(conn && conn->is_open() ? std::move(conn) : nullptr);
      throw;
    }
  }
}

}  // namespace gongkai::common
