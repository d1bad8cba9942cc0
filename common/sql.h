#pragma once

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/pg_pool.h"

namespace gongkai::common {

// How stores write SQL: every statement is a named `Statement` constant
// (pg_pool.h) beside the code that runs it, prepared on every connection;
// values travel as parameters, lists as one array parameter (ArrayLiteral),
// bytes as binary parameters (pqxx::binarystring), never hex or inlined.

// A PostgreSQL text[] literal of the items, quoted and escaped: the one
// encoder of array parameters. An item holding NUL, which text cannot hold,
// goes as EscapeNul writes it, so the statement still runs (such an item is
// never stored: BatchWrite rejects records holding NUL).
std::string ArrayLiteral(const std::vector<std::string>& items);

// The same literal built an item at a time, for a batch's columns: no vector
// of the items is kept.
class ArrayLiteralBuilder {
 public:
  void Add(std::string_view item);
  // The literal of the items added so far ("{}" for none).
  std::string Literal() const { return out_ + "}"; }

 private:
  std::string out_ = "{";
};

// `text` with each NUL character (U+0000), which PostgreSQL text cannot hold,
// written as the six characters \u0000 (JSON's escape of it, so JSON stays
// JSON); any other text is unchanged.
std::string EscapeNul(std::string_view text);

// Date columns are read as their ISO text (`col::text`) and come back as
// dates; a NULL or empty one is nullopt. Dates go in as ISO text parameters
// cast in SQL (`$n::date`, or `NULLIF($n, '')::date` for an optional one).
Date ReadDate(const pqxx::field& field);
std::optional<Date> ReadOptionalDate(const pqxx::field& field);

// A bytea column's bytes.
std::string ReadBytes(const pqxx::field& field);

// Takes the transaction-level lock of a change feed: writers of one feed take
// turns, so sequence order is commit order and a reader resuming after the
// last seq it saw misses nothing and sees nothing twice. `feed` names it
// ("penalties.changes").
void LockFeed(pqxx::transaction_base& tx, std::string_view feed);

// The statements of this file, which every pool prepares.
const std::vector<Statement>& SharedStatements();

}  // namespace gongkai::common
