#pragma once

#include <cstdint>
#include <pqxx/pqxx>
#include <string>
#include <vector>

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

// The rejections table of a service's schema (every service's first
// migration creates `<schema>.rejections` with the same columns).
class RejectionLog {
 public:
  explicit RejectionLog(const std::string& schema);

  // Replaces any earlier rejection of the same key.
  void Record(pqxx::work& tx, const std::string& city_code, const Rejection& rejection) const;
  void Clear(pqxx::work& tx, const std::string& city_code, const std::string& kind, const std::string& key) const;
  // Newest first; before_id 0 means from the newest.
  std::vector<Rejection> List(pqxx::transaction_base& tx, const std::string& city_code, int64_t before_id,
                              int limit) const;

 private:
  std::string clear_sql_;
  std::string insert_sql_;
  std::string list_sql_;
};

// Violations as JSON ([{"field","description"}]) and back.
std::string ViolationsToJson(const Violations& violations);
Violations ViolationsFromJson(const std::string& json);

// A PostgreSQL text[] literal of the items, quoted and escaped.
std::string TextArrayLiteral(const std::vector<std::string>& items);

}  // namespace gongkai::common
