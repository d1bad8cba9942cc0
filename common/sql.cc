#include "common/sql.h"

#include <stdexcept>

#include "common/calendar/iso_date.h"
#include "common/pg_pool.h"

namespace gongkai::common {
namespace {

const Statement kLockFeed{"lock_feed", "SELECT pg_advisory_xact_lock(hashtext($1))"};

}  // namespace

std::string ArrayLiteral(const std::vector<std::string>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : items[i]) {
      if (c == '\0') {
        out += "\\\\u0000";  // EscapeNul's text, its backslash escaped
        continue;
      }
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

std::string EscapeNul(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\0') {
      out += "\\u0000";
    } else {
      out += c;
    }
  }
  return out;
}

std::string ReadBytes(const pqxx::field& field) { return pqxx::binarystring(field).str(); }

Date ReadDate(const pqxx::field& field) {
  auto date = ReadOptionalDate(field);
  if (!date) throw std::runtime_error(std::string("column ") + field.name() + " holds no date");
  return *date;
}

std::optional<Date> ReadOptionalDate(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  const std::string text = field.as<std::string>();
  if (text.empty()) return std::nullopt;
  auto date = ParseIsoDate(text);
  if (!date) throw std::runtime_error(std::string("column ") + field.name() + " is not an ISO date: " + text);
  return date;
}

void LockFeed(pqxx::transaction_base& tx, std::string_view feed) {
  tx.exec_prepared(kLockFeed.name, std::string(feed));
}

const std::vector<Statement>& SharedStatements() {
  static const std::vector<Statement> kShared = {kLockFeed};
  return kShared;
}

}  // namespace gongkai::common
