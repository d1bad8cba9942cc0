#include "common/pg_pool.h"

#include <algorithm>
#include <climits>
#include <iterator>

#include "common/log.h"
#include "common/sql.h"

namespace gongkai::common {

namespace {

constexpr char kPing[] = "SELECT 1";
// A fresh connection's one round trip: it works in the schema, with the
// statement_timeout of work without a deadline.
constexpr char kSetUpConnection[] =
    "SELECT set_config('search_path', $1 || ', public', false), set_config('statement_timeout', $2, false)";
constexpr char kSetStatementTimeout[] = "SELECT set_config('statement_timeout', $1, false)";

// The longest statement_timeout PostgreSQL takes (an int of milliseconds).
constexpr std::chrono::milliseconds kLongestStatementTimeout{INT_MAX};

const char* ShareName(int share) {
  switch (share) {
    case static_cast<int>(Lane::kPublic): return "public reads";
    case static_cast<int>(Lane::kCity): return "calls";
    default: return "the readiness probe";
  }
}

}  // namespace

std::optional<std::chrono::milliseconds> StatementTimeoutToSet(std::chrono::milliseconds current,
                                                               const CurrentCall* call,
                                                               std::chrono::system_clock::time_point now,
                                                               std::chrono::milliseconds fallback) {
  using std::chrono::milliseconds;
  if (call == nullptr || !call->has_deadline()) {
    if (current == fallback) return std::nullopt;
    return fallback;
  }
  milliseconds left = call->deadline <= now ? milliseconds(1) : std::chrono::ceil<milliseconds>(call->deadline - now);
  left = std::clamp(left, milliseconds(1), kLongestStatementTimeout);
  if (current.count() > 0 && current >= left && current <= left + left / 4 + milliseconds(50)) return std::nullopt;
  return left;
}

PgPool::PgPool(std::string url, int size, std::chrono::milliseconds acquire_timeout, std::string schema,
               PgPoolLimits limits)
    : url_(std::move(url)),
      public_url_(limits.public_url.empty() ? url_ : limits.public_url),
      schema_(std::move(schema)),
      acquire_timeout_(acquire_timeout),
      statement_timeout_(std::clamp(limits.statement_timeout, std::chrono::milliseconds(0), kLongestStatementTimeout)),
      statements_(SharedStatements()) {
  shares_[static_cast<int>(Lane::kPublic)].size = std::max(limits.public_size, 1);
  shares_[static_cast<int>(Lane::kCity)].size = std::max(size, 1);
  shares_[kProbeShare].size = 1;
}

PgPool::~PgPool() = default;

void PgPool::Prepare(const Statement& statement) {
  std::lock_guard lock(mutex_);
  statements_.push_back(statement);
  for (auto& share : shares_) {
    for (auto& pooled : share.idle) pooled.conn->prepare(statement.name, statement.sql);
  }
}

PgPool::Pooled PgPool::Open(int share) {
  try {
    auto conn = std::make_unique<pqxx::connection>(share == static_cast<int>(Lane::kPublic) ? public_url_ : url_);
    {
      pqxx::nontransaction tx(*conn);
      tx.exec_params(kSetUpConnection, conn->quote_name(schema_), std::to_string(statement_timeout_.count()));
    }
    std::vector<Statement> statements;
    {
      std::lock_guard lock(mutex_);
      statements = statements_;
    }
    for (const auto& s : statements) conn->prepare(s.name, s.sql);
    return {std::move(conn), statement_timeout_};
  } catch (const pqxx::broken_connection& e) {
    throw DatabaseUnavailable("cannot connect to the database");
  }
}

PgPool::Pooled PgPool::Take(int share) {
  Share& s = shares_[share];
  {
    std::unique_lock lock(mutex_);
    bool ok = s.available.wait_for(
        lock, acquire_timeout_, [&] { return !s.idle.empty() || s.leased + static_cast<int>(s.idle.size()) < s.size; });
    if (!ok) {
      throw DatabaseUnavailable(std::string("connection pool exhausted: the connections for ") + ShareName(share) +
                                " are all in use");
    }
    ++s.leased;
    if (!s.idle.empty()) {
      Pooled pooled = std::move(s.idle.back());
      s.idle.pop_back();
      if (pooled.conn->is_open()) return pooled;
    }
  }
  // Open outside the lock: connecting can take a while.
  try {
    return Open(share);
  } catch (...) {
    Give(share, {});
    throw;
  }
}

void PgPool::Give(int share, Pooled pooled) {
  Share& s = shares_[share];
  {
    std::lock_guard lock(mutex_);
    --s.leased;
    if (pooled.conn) s.idle.push_back(std::move(pooled));
  }
  s.available.notify_one();
}

void PgPool::DropBroken(int share) {
  std::vector<Pooled> dropped;
  {
    std::lock_guard lock(mutex_);
    --shares_[share].leased;
    for (auto& s : shares_) {
      std::move(s.idle.begin(), s.idle.end(), std::back_inserter(dropped));
      s.idle.clear();
    }
  }
  for (auto& s : shares_) s.available.notify_all();
  Log(LogLevel::kWarning, "database_connections_dropped", {{"idle", dropped.size()}});
  // Closed here, outside the lock.
}

void PgPool::FitStatementTimeout(Pooled& pooled) {
  const auto wanted = StatementTimeoutToSet(pooled.statement_timeout, CurrentCallOfThisThread(),
                                            std::chrono::system_clock::now(), statement_timeout_);
  if (!wanted) return;
  pqxx::nontransaction tx(*pooled.conn);
  tx.exec_params(kSetStatementTimeout, std::to_string(wanted->count()));
  pooled.statement_timeout = *wanted;
}

bool PgPool::Ping() {
  try {
    auto ping = [](pqxx::connection& conn) {
      pqxx::nontransaction tx(conn);
      tx.exec(kPing);
    };
    RunIn(kProbeShare, ping);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace gongkai::common
