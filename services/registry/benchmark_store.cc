#include "services/registry/benchmark_store.h"

#include <nlohmann/json.hpp>

#include "common/legal.h"
#include "services/registry/agency_store.h"

namespace gongkai::registry {
namespace {

using common::Statement;

constexpr char kColumns[] =
    "city_code, domain, violation_code, violation, legal_basis::text, measure, tiers::text, source_version, "
    "changed_on::text, published_on::text";

const Statement kUpsert{
    "registry_upsert_benchmark",
    "INSERT INTO registry.benchmarks AS b (city_code, domain, violation_code, violation, legal_basis, measure, "
    "tiers, source_version, changed_on, published_on) "
    "VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7::jsonb, $8, $9::date, $10::date) "
    "ON CONFLICT (city_code, domain, violation_code) DO UPDATE SET violation = EXCLUDED.violation, "
    "legal_basis = EXCLUDED.legal_basis, measure = EXCLUDED.measure, tiers = EXCLUDED.tiers, "
    "source_version = EXCLUDED.source_version, changed_on = EXCLUDED.changed_on, "
    "published_on = EXCLUDED.published_on WHERE b.source_version < EXCLUDED.source_version RETURNING 1"};

const std::string kGetSql = std::string("SELECT ") + kColumns +
                            " FROM registry.benchmarks WHERE city_code = $1 AND domain = $2 AND violation_code = $3";
const Statement kGet{"registry_get_benchmark", kGetSql.c_str()};

const std::string kListSql = std::string("SELECT ") + kColumns +
                             " FROM registry.benchmarks WHERE ($1 = '' OR city_code = $1) AND ($2 = '' OR domain = $2) "
                             "ORDER BY city_code, domain, violation_code";
const Statement kList{"registry_list_benchmarks", kListSql.c_str()};

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
  b.changed_on = r[8].as<std::string>();
  b.published_on = r[9].as<std::string>();
  return b;
}

}  // namespace

std::string BenchmarkKey(const DiscretionBenchmark& b) { return b.domain + "/" + b.violation_code; }

PgBenchmarkStore::PgBenchmarkStore(common::PgPool& pool) : pool_(pool) {
  for (const Statement& s : {kUpsert, kGet, kList}) pool_.Prepare(s);
}

std::vector<UpsertOutcome> PgBenchmarkStore::UpsertBatch(const std::string& city_code,
                                               const std::vector<DiscretionBenchmark>& valid,
                                               const std::vector<common::Rejection>& rejected,
                                               const std::string& today) {
  return pool_.Run([&](pqxx::connection& conn) {
    std::vector<UpsertOutcome> result;
    pqxx::work tx(conn);
    for (const auto& b : valid) {
      bool written = !tx.exec_prepared(kUpsert.name, city_code, b.domain, b.violation_code, b.violation,
                                       common::LegalBasisToJson(b.legal_basis), static_cast<int>(b.measure),
                                       TiersToJson(b.tiers), b.source_version, b.changed_on, today)
                          .empty();
      if (written) RegistryRejections().Clear(tx, city_code, "benchmark", BenchmarkKey(b));
      result.push_back(written ? UpsertOutcome::kAccepted : UpsertOutcome::kUnchanged);
    }
    for (const auto& r : rejected) RegistryRejections().Record(tx, city_code, r);
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

std::vector<DiscretionBenchmark> PgBenchmarkStore::List(const std::string& city_code, const std::string& domain) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<DiscretionBenchmark> out;
    for (const auto& row : tx.exec_prepared(kList.name, city_code, domain)) out.push_back(FromRow(row));
    return out;
  });
}

}  // namespace gongkai::registry
