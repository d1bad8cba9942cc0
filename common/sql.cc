#include "common/sql.h"

#include <stdexcept>

#include "common/calendar/iso_date.h"
#include "common/pg_pool.h"

namespace gongkai::common {
namespace {

const Statement kLockFeed{"lock_feed", "SELECT pg_advisory_xact_lock(hashtext($1))"};

}  // namespace

void ArrayLiteralBuilder::Add(std::string_view item) {
  if (out_.size() > 1) out_ += ',';
  out_ += '"';
  std::size_t run = 0;  // start of the characters not yet written
  for (std::size_t i = 0; i < item.size(); ++i) {
    const char c = item[i];
    if (c != '\0' && c != '"' && c != '\\') continue;
    out_.append(item, run, i - run);
    run = i + 1;
    if (c == '\0') {
      out_ += "\\\\u0000";  // EscapeNul's text, its backslash escaped
    } else {
      out_ += '\\';
      out_ += c;
    }
  }
  out_.append(item, run);
  out_ += '"';
}

std::string ArrayLiteral(const std::vector<std::string>& items) {
  ArrayLiteralBuilder literal;
  for (const std::string& item : items) literal.Add(item);
  return literal.Literal();
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
