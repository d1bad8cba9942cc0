#include "services/registry/benchmark_store.h"

#include <nlohmann/json.hpp>
#include <set>

#include "common/calendar/iso_date.h"
#include "common/legal.h"
#include "common/sql.h"

namespace gongkai::registry {
namespace {

using common::ArrayLiteral;
using common::Statement;

// A batch in one statement: $1 city, $2 today (the publication), $3..$10
// the tables' columns, one text array each. Inserts, or replaces an older
// version; returns the keys it wrote.
const Statement kMerge{
    "registry_merge_benchmarks",
    "INSERT INTO registry.benchmarks AS b (city_code, domain, violation_code, violation, legal_basis, measure, "
    "tiers, source_version, changed_on, published_on) "
    "SELECT $1, i.domain, i.violation_code, i.violation, i.legal_basis::jsonb, i.measure::smallint, "
    "i.tiers::jsonb, i.source_version::bigint, i.changed_on::date, $2::date "
    "FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], "
    "$10::text[]) AS i(domain, violation_code, violation, legal_basis, measure, tiers, source_version, changed_on) "
    "ON CONFLICT (city_code, domain, violation_code) DO UPDATE SET violation = EXCLUDED.violation, "
    "legal_basis = EXCLUDED.legal_basis, measure = EXCLUDED.measure, tiers = EXCLUDED.tiers, "
    "source_version = EXCLUDED.source_version, changed_on = EXCLUDED.changed_on, "
    "published_on = EXCLUDED.published_on WHERE b.source_version < EXCLUDED.source_version "
    "RETURNING b.domain, b.violation_code"};

const Statement kGet{
    "registry_get_benchmark",
    "SELECT city_code, domain, violation_code, violation, legal_basis::text, measure, tiers::text, source_version, "
    "changed_on::text, published_on::text "
    "FROM registry.benchmarks WHERE city_code = $1 AND domain = $2 AND violation_code = $3"};

// $1 city, $2 domain ('' matches all); $3..$5 the keyset position ('' on the
// first page); $6 limit.
const Statement kList{
    "registry_list_benchmarks",
    "SELECT city_code, domain, violation_code, violation, legal_basis::text, measure, tiers::text, source_version, "
    "changed_on::text, published_on::text "
    "FROM registry.benchmarks WHERE ($1 = '' OR city_code = $1) AND ($2 = '' OR domain = $2) "
    "AND (city_code, domain, violation_code) > ($3, $4, $5) "
    "ORDER BY city_code, domain, violation_code LIMIT $6"};

std::string TiersToJson(const std::vector<BenchmarkTier>& tiers) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& t : tiers) {
    out.push_back({{"level", static_cast<int>(t.level)},
                   {"from_fen", t.from_fen},
                   {"to_fen", t.to_fen},
                   {"requires_first_offence", t.requires_first_offence},
                   {"requires_prompt_correction", t.requires_prompt_correction},
                   {"requires_no_harm", t.requires_no_harm},
                   {"on_serious_harm", t.on_serious_harm},
                   {"on_repeat_offence", t.on_repeat_offence},
                   {"penalty_min_fen", t.penalty_min_fen},
                   {"penalty_max_fen", t.penalty_max_fen},
                   {"description", t.description}});
  }
  return out.dump();
}

std::vector<BenchmarkTier> TiersFromJson(const std::string& text) {
  std::vector<BenchmarkTier> out;
  for (const auto& j : nlohmann::json::parse(text)) {
    BenchmarkTier t;
    t.level = static_cast<TierLevel>(j.at("level").get<int>());
    t.from_fen = j.at("from_fen").get<int64_t>();
    t.to_fen = j.at("to_fen").get<int64_t>();
    t.requires_first_offence = j.at("requires_first_offence").get<bool>();
    t.requires_prompt_correction = j.at("requires_prompt_correction").get<bool>();
    t.requires_no_harm = j.at("requires_no_harm").get<bool>();
    t.on_serious_harm = j.at("on_serious_harm").get<bool>();
    t.on_repeat_offence = j.at("on_repeat_offence").get<bool>();
    t.penalty_min_fen = j.at("penalty_min_fen").get<int64_t>();
    t.penalty_max_fen = j.at("penalty_max_fen").get<int64_t>();
    t.description = j.at("description").get<std::string>();
    out.push_back(std::move(t));
  }
  return out;
}

DiscretionBenchmark FromRow(const pqxx::row& r) {
  DiscretionBenchmark b;
  b.city_code = r[0].as<std::string>();
  b.domain = r[1].as<std::string>();
  b.violation_code = r[2].as<std::string>();
  b.violation = r[3].as<std::string>();
  b.legal_basis = common::LegalBasisFromJson(r[4].as<std::string>());
  b.measure = static_cast<Measure>(r[5].as<int>());
  b.tiers = TiersFromJson(r[6].as<std::string>());
  b.source_version = r[7].as<int64_t>();
  b.changed_on = common::ReadDate(r[8]);
  b.published_on = common::ReadDate(r[9]);
  return b;
}

// A batch's columns as kMerge takes them.
struct BenchmarkColumns {
  std::vector<std::string> domain, violation_code, violation, legal_basis, measure, tiers, source_version, changed_on;

  explicit BenchmarkColumns(const std::vector<DiscretionBenchmark>& benchmarks) {
    for (const auto& b : benchmarks) {
      domain.push_back(b.domain);
      violation_code.push_back(b.violation_code);
      violation.push_back(b.violation);
      legal_basis.push_back(common::LegalBasisToJson(b.legal_basis));
      measure.push_back(std::to_string(static_cast<int>(b.measure)));
      tiers.push_back(TiersToJson(b.tiers));
      source_version.push_back(std::to_string(b.source_version));
      changed_on.push_back(common::FormatIsoDate(b.changed_on));
    }
  }
};

}  // namespace

std::string BenchmarkKey(const DiscretionBenchmark& b) { return b.domain + "/" + b.violation_code; }

PgBenchmarkStore::PgBenchmarkStore(common::PgPool& pool) : pool_(pool), rejections_(pool) {
  for (const Statement& s : {kMerge, kGet, kList}) pool_.Prepare(s);
}

std::vector<common::UpsertOutcome> PgBenchmarkStore::UpsertBatch(const std::string& city_code,
                                                                 const std::vector<DiscretionBenchmark>& valid,
                                                                 const std::vector<common::Rejection>& rejected,
                                                                 common::Date today) {
  const BenchmarkColumns columns(valid);
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    std::vector<std::string> accepted;
    if (!valid.empty()) {
      for (const auto& row : tx.exec_prepared(kMerge.name, city_code, common::FormatIsoDate(today),
                                              ArrayLiteral(columns.domain), ArrayLiteral(columns.violation_code),
                                              ArrayLiteral(columns.violation), ArrayLiteral(columns.legal_basis),
                                              ArrayLiteral(columns.measure), ArrayLiteral(columns.tiers),
                                              ArrayLiteral(columns.source_version), ArrayLiteral(columns.changed_on))) {
        accepted.push_back(row[0].as<std::string>() + "/" + row[1].as<std::string>());
      }
    }
    const std::set<std::string> written(accepted.begin(), accepted.end());
    std::vector<common::UpsertOutcome> result;
    for (const auto& b : valid) {
      result.push_back(written.contains(BenchmarkKey(b)) ? common::UpsertOutcome::kAccepted
                                                         : common::UpsertOutcome::kUnchanged);
    }
    rejections_.Clear(tx, city_code, "benchmark", accepted);
    rejections_.Record(tx, city_code, rejected);
    tx.commit();
    return result;
  });
}

std::optional<DiscretionBenchmark> PgBenchmarkStore::Get(const std::string& city_code, const std::string& domain,
                                                         const std::string& violation_code) {
  return pool_.Run([&](pqxx::connection& conn) -> std::optional<DiscretionBenchmark> {
    pqxx::read_transaction tx(conn);
    auto rows = tx.exec_prepared(kGet.name, city_code, domain, violation_code);
    if (rows.empty()) return std::nullopt;
    return FromRow(rows[0]);
  });
}

std::vector<DiscretionBenchmark> PgBenchmarkStore::List(const BenchmarkFilter& f) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<DiscretionBenchmark> out;
    for (const auto& row : tx.exec_prepared(kList.name, f.city_code, f.domain, f.after_city_code, f.after_domain,
                                            f.after_violation_code, f.limit)) {
      out.push_back(FromRow(row));
    }
    return out;
  });
}

}  // namespace gongkai::registry
