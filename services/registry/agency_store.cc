#include "services/registry/agency_store.h"

#include <nlohmann/json.hpp>

namespace gongkai::registry {
namespace {

using common::Statement;

// Text arrays travel as PostgreSQL array literals; elements are quoted and escaped.
std::string ArrayLiteral(const std::vector<std::string>& items) {
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

std::vector<std::string> SplitDomains(const std::string& joined) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < joined.size()) {
    std::size_t comma = joined.find(',', start);
    if (comma == std::string::npos) comma = joined.size();
    out.push_back(joined.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

constexpr char kAgencyColumns[] =
    "credit_code, name, legal_representative, area_code, city_code, contact, "
    "array_to_string(domains, ','), valid_from::text, valid_until::text, source_version, "
    "to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";

const Statement kForeignAgencies{
    "registry_foreign_agencies",
    "SELECT credit_code FROM registry.agencies WHERE credit_code = ANY($1::text[]) AND city_code <> $2 "
    "ORDER BY credit_code"};

// Inserts, or replaces an older version of the same city's agency; returns a
// row only when something was written.
const Statement kUpsertAgency{
    "registry_upsert_agency",
    "INSERT INTO registry.agencies AS a (credit_code, name, legal_representative, area_code, city_code, "
    "contact, domains, valid_from, valid_until, source_version) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7::text[], $8::date, $9::date, $10) "
    "ON CONFLICT (credit_code) DO UPDATE SET name = EXCLUDED.name, "
    "legal_representative = EXCLUDED.legal_representative, area_code = EXCLUDED.area_code, "
    "contact = EXCLUDED.contact, domains = EXCLUDED.domains, valid_from = EXCLUDED.valid_from, "
    "valid_until = EXCLUDED.valid_until, source_version = EXCLUDED.source_version, updated_at = now(), "
    "change_seq = nextval('registry.agency_change_seq') "
    "WHERE a.source_version < EXCLUDED.source_version AND a.city_code = EXCLUDED.city_code "
    "RETURNING 1"};

const Statement kClearRejections{
    "registry_clear_rejections",
    "DELETE FROM registry.rejections WHERE city_code = $1 AND kind = $2 AND record_key = $3"};

const Statement kInsertRejection{
    "registry_insert_rejection",
    "INSERT INTO registry.rejections (city_code, kind, record_key, source_version, raw, violations) "
    "VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)"};

const std::string kGetAgencySql =
    std::string("SELECT ") + kAgencyColumns + " FROM registry.agencies WHERE credit_code = $1";
const Statement kGetAgency{"registry_get_agency", kGetAgencySql.c_str()};

const std::string kListAgenciesSql =
    std::string("SELECT ") + kAgencyColumns +
    " FROM registry.agencies WHERE ($1 = '' OR city_code = $1) AND ($2 = '' OR $2 = ANY(domains)) "
    "AND credit_code > $3 ORDER BY credit_code LIMIT $4";
const Statement kListAgencies{"registry_list_agencies", kListAgenciesSql.c_str()};

const Statement kListRejections{
    "registry_list_rejections",
    "SELECT id, kind, record_key, source_version, raw::text, violations::text, "
    "to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
    "FROM registry.rejections WHERE city_code = $1 AND ($2 = 0 OR id < $2) ORDER BY id DESC LIMIT $3"};

Agency AgencyFromRow(const pqxx::row& r) {
  Agency a;
  a.credit_code = r[0].as<std::string>();
  a.name = r[1].as<std::string>();
  a.legal_representative = r[2].as<std::string>();
  a.area_code = r[3].as<std::string>();
  a.city_code = r[4].as<std::string>();
  a.contact = r[5].as<std::string>();
  a.domains = SplitDomains(r[6].as<std::string>());
  a.valid_from = r[7].as<std::string>();
  a.valid_until = r[8].as<std::string>();
  a.source_version = r[9].as<int64_t>();
  a.updated_at = r[10].as<std::string>();
  return a;
}

std::string ViolationsJson(const common::Violations& violations) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& v : violations) out.push_back({{"field", v.field}, {"description", v.description}});
  return out.dump();
}

common::Violations ViolationsFromJson(const std::string& text) {
  common::Violations out;
  for (const auto& v : nlohmann::json::parse(text)) {
    out.push_back({v.at("field").get<std::string>(), v.at("description").get<std::string>()});
  }
  return out;
}

}  // namespace

PgAgencyStore::PgAgencyStore(common::PgPool& pool) : pool_(pool) {
  for (const Statement& s : {kForeignAgencies, kUpsertAgency, kClearRejections, kInsertRejection, kGetAgency,
                             kListAgencies, kListRejections}) {
    pool_.Prepare(s);
  }
}

AgencyStore::BatchResult PgAgencyStore::UpsertBatch(const std::string& city_code, const std::vector<Agency>& valid,
                                                    const std::vector<Rejection>& rejected) {
  return pool_.Run([&](pqxx::connection& conn) {
    BatchResult result;
    pqxx::work tx(conn);
    std::vector<std::string> codes;
    for (const auto& a : valid) codes.push_back(a.credit_code);
    for (const auto& row : tx.exec_prepared(kForeignAgencies.name, ArrayLiteral(codes), city_code)) {
      result.foreign.push_back(row[0].as<std::string>());
    }
    if (!result.foreign.empty()) return result;  // the transaction rolls back

    for (const auto& a : valid) {
      auto written = tx.exec_prepared(kUpsertAgency.name, a.credit_code, a.name, a.legal_representative,
                                      a.area_code, city_code, a.contact, ArrayLiteral(a.domains), a.valid_from,
                                      a.valid_until, a.source_version);
      bool accepted = !written.empty();
      if (accepted) tx.exec_prepared(kClearRejections.name, city_code, "agency", a.credit_code);
      result.outcomes.push_back(accepted ? UpsertOutcome::kAccepted : UpsertOutcome::kUnchanged);
    }
    for (const auto& r : rejected) {
      if (!r.key.empty()) tx.exec_prepared(kClearRejections.name, city_code, r.kind, r.key);
      tx.exec_prepared(kInsertRejection.name, city_code, r.kind, r.key, r.source_version, r.raw_json,
                       ViolationsJson(r.violations));
    }
    tx.commit();
    return result;
  });
}

std::optional<Agency> PgAgencyStore::Get(const std::string& credit_code) {
  return pool_.Run([&](pqxx::connection& conn) -> std::optional<Agency> {
    pqxx::read_transaction tx(conn);
    auto rows = tx.exec_prepared(kGetAgency.name, credit_code);
    if (rows.empty()) return std::nullopt;
    return AgencyFromRow(rows[0]);
  });
}

std::vector<Agency> PgAgencyStore::List(const AgencyFilter& f) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<Agency> out;
    for (const auto& row : tx.exec_prepared(kListAgencies.name, f.city_code, f.domain, f.after_credit_code, f.limit)) {
      out.push_back(AgencyFromRow(row));
    }
    return out;
  });
}

std::vector<Rejection> PgAgencyStore::ListRejections(const std::string& city_code, int64_t before_id, int limit) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<Rejection> out;
    for (const auto& row : tx.exec_prepared(kListRejections.name, city_code, before_id, limit)) {
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
  });
}

}  // namespace gongkai::registry
