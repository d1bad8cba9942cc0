#pragma once

#include <cstdint>
#include <pqxx/pqxx>
#include <string>
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
};

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
  // Newest first; before_id 0 means from the newest.
  std::vector<Rejection> List(pqxx::transaction_base& tx, const std::string& city_code, int64_t before_id,
                              int limit) const;
};

// Violations as JSON ([{"field","description"}]) and back.
std::string ViolationsToJson(const Violations& violations);
Violations ViolationsFromJson(const std::string& json);

}  // namespace gongkai::common
