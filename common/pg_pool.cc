#include "common/pg_pool.h"

#include "common/log.h"
#include "common/sql.h"

namespace gongkai::common {

namespace {

constexpr char kPing[] = "SELECT 1";
constexpr char kUseSchema[] = "SELECT set_config('search_path', $1 || ', public', false)";

}  // namespace

PgPool::PgPool(std::string url, int size, std::chrono::milliseconds acquire_timeout, std::string schema)
    : url_(std::move(url)),
      schema_(std::move(schema)),
      size_(size),
      acquire_timeout_(acquire_timeout),
      statements_(SharedStatements()) {}

PgPool::~PgPool() = default;

void PgPool::Prepare(const Statement& statement) {
  std::lock_guard lock(mutex_);
  statements_.push_back(statement);
  for (auto& conn : idle_) conn->prepare(statement.name, statement.sql);
}

std::unique_ptr<pqxx::connection> PgPool::Open() {
  try {
    auto conn = std::make_unique<pqxx::connection>(url_);
    {
      pqxx::nontransaction tx(*conn);
      tx.exec_params(kUseSchema, conn->quote_name(schema_));
    }
    std::vector<Statement> statements;
    {
      std::lock_guard lock(mutex_);
      statements = statements_;
    }
    for (const auto& s : statements) conn->prepare(s.name, s.sql);
    return conn;
  } catch (const pqxx::broken_connection& e) {
    throw DatabaseUnavailable("cannot connect to the database");
  }
}

std::unique_ptr<pqxx::connection> PgPool::Take() {
  {
    std::unique_lock lock(mutex_);
    bool ok = available_.wait_for(
        lock, acquire_timeout_, [this] { return !idle_.empty() || leased_ + static_cast<int>(idle_.size()) < size_; });
    if (!ok) throw DatabaseUnavailable("connection pool exhausted");
    ++leased_;
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      if (conn->is_open()) return conn;
    }
  }
  // Open outside the lock: connecting can take a while.
  try {
    return Open();
  } catch (...) {
    Give(nullptr);
    throw;
  }
}

void PgPool::Give(std::unique_ptr<pqxx::connection> conn) {
  {
    std::lock_guard lock(mutex_);
    --leased_;
    if (conn) idle_.push_back(std::move(conn));
  }
  available_.notify_one();
}

void PgPool::DropBroken() {
  std::vector<std::unique_ptr<pqxx::connection>> dropped;
  {
    std::lock_guard lock(mutex_);
    --leased_;
    dropped.swap(idle_);
  }
  available_.notify_all();
  Log(LogLevel::kWarning, "database_connections_dropped", {{"idle", dropped.size()}});
  // Closed here, outside the lock.
}

bool PgPool::Ping() {
  try {
    Run([](pqxx::connection& conn) {
      pqxx::nontransaction tx(conn);
      tx.exec(kPing);
    });
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace gongkai::common
