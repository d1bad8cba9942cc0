#pragma once

#include <cstddef>
#include <cstdint>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <vector>

#include "common/pg_pool.h"
#include "common/violations.h"

namespace gongkai::common {

// A record a city sent that was not stored, kept with its raw form so that
// nothing is lost; a later accepted version of the same key clears it.
struct Rejection {
  std::string kind;  // "agency", "officer", ...
  std::string key;   // the record's key as sent
  int64_t source_version = 0;
  std::string raw_json;
  Violations violations;
  // Set when read back.
  std::string received_at;
  int64_t id = 0;
  // The size of the raw JSON as kept, in bytes (RejectionLog::List reads at
  // most kListedRawBytes of it into raw_json).
  int64_t raw_bytes = 0;
};

// What a list of rejections reads of each (the table keeps every byte): the
// first 128 KiB of its raw JSON, more than any valid record's, and the first
// 256 bytes of its key, longer than any valid key. Both are cut at a
// character boundary.
inline constexpr std::size_t kListedRawBytes = 128 * 1024;
inline constexpr std::size_t kListedKeyBytes = 256;

// The longest start of UTF-8 `text` of at most `max_bytes` bytes that ends
// on a character boundary.
std::string_view Utf8Prefix(std::string_view text, std::size_t max_bytes);

// The rejections table of a service's schema (common/migrations, applied to
// every schema), reached through the pool's connections, which work in that
// schema (PgPool's schema). The only code that writes or clears rejections.
class RejectionLog {
 public:
  // Prepares its statements on the pool.
  explicit RejectionLog(PgPool& pool);

  // Records each rejection, replacing any earlier one of the same key. The
  // raw JSON and the violations are kept as text, so any string a city sent
  // is kept (NUL as JSON's \u0000); a key holding NUL is kept as EscapeNul
  // (common/sql.h) writes it.
  void Record(pqxx::work& tx, const std::string& city_code, const std::vector<Rejection>& rejections) const;
  // Clears the rejections of the given keys of one kind (their records were
  // accepted).
  void Clear(pqxx::work& tx, const std::string& city_code, const std::string& kind,
             const std::vector<std::string>& keys) const;
  // Newest first; before_id 0 means from the newest. Each with at most
  // kListedRawBytes of its raw JSON and kListedKeyBytes of its key, and
  // raw_bytes set.
  std::vector<Rejection> List(pqxx::transaction_base& tx, const std::string& city_code, int64_t before_id,
                              int limit) const;
};

// Violations as JSON ([{"field","description"}]) and back.
std::string ViolationsToJson(const Violations& violations);
Violations ViolationsFromJson(const std::string& json);

}  // namespace gongkai::common
