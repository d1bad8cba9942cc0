#include "common/rejections.h"

#include <nlohmann/json.hpp>

#include "common/sql.h"

namespace gongkai::common {
namespace {

const Statement kClear{"rejections_clear",
                       "DELETE FROM rejections WHERE city_code = $1 AND kind = $2 AND record_key = ANY($3::text[])"};

const Statement kInsert{"rejections_insert",
                        "INSERT INTO rejections (city_code, kind, record_key, source_version, raw, violations) "
                        "VALUES ($1, $2, $3, $4, $5, $6)"};

const Statement kList{"rejections_list",
                      "SELECT id, kind, record_key, source_version, raw, violations, "
                      "to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM rejections "
                      "WHERE city_code = $1 AND ($2 = 0 OR id < $2) ORDER BY id DESC LIMIT $3"};

}  // namespace

RejectionLog::RejectionLog(PgPool& pool) {
  pool.Prepare(kClear);
  pool.Prepare(kInsert);
  pool.Prepare(kList);
}

void RejectionLog::Record(pqxx::work& tx, const std::string& city_code,
                          const std::vector<Rejection>& rejections) const {
  for (const auto& r : rejections) {
    // PostgreSQL text holds no NUL: a key holding one (its record is
    // rejected for it) is kept with each written as \u0000; the raw JSON
    // keeps the exact value.
    const std::string key = EscapeNul(r.key);
    if (!key.empty()) Clear(tx, city_code, r.kind, {key});
    tx.exec_prepared(kInsert.name, city_code, r.kind, key, r.source_version, EscapeNul(r.raw_json),
                     ViolationsToJson(r.violations));
  }
}

void RejectionLog::Clear(pqxx::work& tx, const std::string& city_code, const std::string& kind,
                         const std::vector<std::string>& keys) const {
  if (keys.empty()) return;
  // ArrayLiteral writes a NUL as EscapeNul does, as Record keeps keys.
  tx.exec_prepared(kClear.name, city_code, kind, ArrayLiteral(keys));
}

std::vector<Rejection> RejectionLog::List(pqxx::transaction_base& tx, const std::string& city_code, int64_t before_id,
                                          int limit) const {
  std::vector<Rejection> out;
  for (const auto& row : tx.exec_prepared(kList.name, city_code, before_id, limit)) {
    Rejection r;
    r.id = row[0].as<int64_t>();
    r.kind = row[1].as<std::string>();
    r.key = row[2].as<std::string>();
    r.source_version = row[3].as<int64_t>();
    r.raw_json = row[4].as<std::string>();
    r.violations = ViolationsFromJson(row[5].as<std::string>());
    r.received_at = row[6].as<std::string>();
    out.push_back(std::move(r));
  }
  return out;
}

std::string ViolationsToJson(const Violations& violations) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& v : violations) out.push_back({{"field", v.field}, {"description", v.description}});
  // Control characters (U+0000 too) are escaped; bytes that are not UTF-8
  // become U+FFFD rather than failing the write.
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Violations ViolationsFromJson(const std::string& text) {
  Violations out;
  for (const auto& v : nlohmann::json::parse(text)) {
    out.push_back({v.at("field").get<std::string>(), v.at("description").get<std::string>()});
  }
  return out;
}

}  // namespace gongkai::common
