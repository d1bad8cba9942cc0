#include "common/rejections.h"

#include <nlohmann/json.hpp>

#include "common/sql.h"

namespace gongkai::common {
namespace {

// Finds the keys through the index of their MD5 (migration 1003).
const Statement kClear{"rejections_clear",
                       "DELETE FROM rejections WHERE city_code = $1 AND kind = $2 "
                       "AND md5(record_key) = ANY(ARRAY(SELECT md5(k) FROM unnest($3::text[]) AS k)) "
                       "AND record_key = ANY($3::text[])"};

const Statement kInsert{"rejections_insert",
                        "INSERT INTO rejections (city_code, kind, record_key, source_version, raw, violations) "
                        "VALUES ($1, $2, $3, $4, $5, $6)"};

// $1 city, $2 before id (0: from the newest), $3 limit; $4 and $5 the bytes
// read of the key and of the raw JSON, as bytea: one more than is listed, so
// that ListedText can tell where the character at the cut begins. The raw
// JSON's whole size comes last.
const Statement kList{"rejections_list",
                      "SELECT id, kind, substring(convert_to(record_key, 'UTF8') FROM 1 FOR $4), source_version, "
                      "substring(convert_to(raw, 'UTF8') FROM 1 FOR $5), violations, "
                      "to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
                      "octet_length(raw) FROM rejections "
                      "WHERE city_code = $1 AND ($2::bigint = 0 OR id < $2::bigint) ORDER BY id DESC LIMIT $3"};

// A text column read as its first max_bytes + 1 bytes (kList): its start of
// at most `max_bytes`, up to the last whole character.
std::string ListedText(const pqxx::field& field, std::size_t max_bytes) {
  const std::string bytes = ReadBytes(field);
  return std::string(Utf8Prefix(bytes, max_bytes));
}

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
  for (const auto& row :
       tx.exec_prepared(kList.name, city_code, before_id, limit, static_cast<int64_t>(kListedKeyBytes + 1),
                        static_cast<int64_t>(kListedRawBytes + 1))) {
    Rejection r;
    r.id = row[0].as<int64_t>();
    r.kind = row[1].as<std::string>();
    r.key = ListedText(row[2], kListedKeyBytes);
    r.source_version = row[3].as<int64_t>();
    r.raw_json = ListedText(row[4], kListedRawBytes);
    r.violations = ViolationsFromJson(row[5].as<std::string>());
    r.received_at = row[6].as<std::string>();
    r.raw_bytes = row[7].as<int64_t>();
    out.push_back(std::move(r));
  }
  return out;
}

std::string_view Utf8Prefix(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t end = max_bytes;
  // Back to the first byte of the character text[end] belongs to (UTF-8
  // continuation bytes are 10xxxxxx): the prefix ends before it.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
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
