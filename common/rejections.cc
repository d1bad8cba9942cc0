#include "common/rejections.h"

#include <nlohmann/json.hpp>

namespace gongkai::common {

RejectionLog::RejectionLog(const std::string& schema)
    : clear_sql_("DELETE FROM " + schema + ".rejections WHERE city_code = $1 AND kind = $2 AND record_key = $3"),
      insert_sql_("INSERT INTO " + schema +
                  ".rejections (city_code, kind, record_key, source_version, raw, violations) "
                  "VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)"),
      list_sql_("SELECT id, kind, record_key, source_version, raw::text, violations::text, "
                "to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM " +
                schema + ".rejections WHERE city_code = $1 AND ($2 = 0 OR id < $2) ORDER BY id DESC LIMIT $3") {}

void RejectionLog::Record(pqxx::work& tx, const std::string& city_code, const Rejection& r) const {
  if (!r.key.empty()) Clear(tx, city_code, r.kind, r.key);
  tx.exec_params(insert_sql_, city_code, r.kind, r.key, r.source_version, r.raw_json, ViolationsToJson(r.violations));
}

void RejectionLog::Clear(pqxx::work& tx, const std::string& city_code, const std::string& kind,
                         const std::string& key) const {
  tx.exec_params(clear_sql_, city_code, kind, key);
}

std::vector<Rejection> RejectionLog::List(pqxx::transaction_base& tx, const std::string& city_code, int64_t before_id,
                                          int limit) const {
  std::vector<Rejection> out;
  for (const auto& row : tx.exec_params(list_sql_, city_code, before_id, limit)) {
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
  return out.dump();
}

Violations ViolationsFromJson(const std::string& text) {
  Violations out;
  for (const auto& v : nlohmann::json::parse(text)) {
    out.push_back({v.at("field").get<std::string>(), v.at("description").get<std::string>()});
  }
  return out;
}

std::string TextArrayLiteral(const std::vector<std::string>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

}  // namespace gongkai::common
