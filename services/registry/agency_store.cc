#include "services/registry/agency_store.h"

#include <nlohmann/json.hpp>

namespace gongkai::registry {
namespace {

using common::Statement;

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
    "to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
    "coalesce(qualification_confirmed_on::text, '')";

const Statement kForeignAgencies{
    "registry_foreign_agencies",
    "SELECT credit_code FROM registry.agencies WHERE credit_code = ANY($1::text[]) AND city_code <> $2 "
    "ORDER BY credit_code"};

// Inserts, or replaces an older version of the same city's agency; returns a
// row only when something was written.
const Statement kUpsertAgency{
    "registry_upsert_agency",
    "INSERT INTO registry.agencies AS a (credit_code, name, legal_representative, area_code, city_code, "
    "contact, domains, valid_from, valid_until, source_version, qualification_confirmed_on) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7::text[], $8::date, $9::date, $10, $11::date) "
    "ON CONFLICT (credit_code) DO UPDATE SET name = EXCLUDED.name, "
    "legal_representative = EXCLUDED.legal_representative, area_code = EXCLUDED.area_code, "
    "contact = EXCLUDED.contact, domains = EXCLUDED.domains, valid_from = EXCLUDED.valid_from, "
    "valid_until = EXCLUDED.valid_until, source_version = EXCLUDED.source_version, updated_at = now(), "
    "qualification_confirmed_on = EXCLUDED.qualification_confirmed_on, "
    "change_seq = nextval('registry.agency_change_seq') "
    "WHERE a.source_version < EXCLUDED.source_version AND a.city_code = EXCLUDED.city_code "
    "RETURNING 1"};

const Statement kConfirmQualification{
    "registry_confirm_qualification",
    "UPDATE registry.agencies SET qualification_confirmed_on = $2::date WHERE credit_code = $1 RETURNING 1"};


const std::string kGetAgencySql =
    std::string("SELECT ") + kAgencyColumns + " FROM registry.agencies WHERE credit_code = $1";
const Statement kGetAgency{"registry_get_agency", kGetAgencySql.c_str()};

const std::string kListAgenciesSql =
    std::string("SELECT ") + kAgencyColumns +
    " FROM registry.agencies WHERE ($1 = '' OR city_code = $1) AND ($2 = '' OR $2 = ANY(domains)) "
    "AND credit_code > $3 ORDER BY credit_code LIMIT $4";
const Statement kListAgencies{"registry_list_agencies", kListAgenciesSql.c_str()};

// Active officers count; a benchmark must exist in the agency's city for
// each of its domains.
const Statement kCoverage{
    "registry_coverage",
    "SELECT a.credit_code, a.name, a.city_code, coalesce(a.qualification_confirmed_on::text, ''), "
    "a.valid_until::text, "
    "EXISTS (SELECT 1 FROM registry.powers_items p WHERE p.agency_credit_code = a.credit_code), "
    "EXISTS (SELECT 1 FROM registry.officers o WHERE o.agency_credit_code = a.credit_code AND o.status = 1), "
    "NOT EXISTS (SELECT 1 FROM unnest(a.domains) d WHERE NOT EXISTS "
    "  (SELECT 1 FROM registry.benchmarks b WHERE b.city_code = a.city_code AND b.domain = d)) "
    "FROM registry.agencies a WHERE ($1 = '' OR a.city_code = $1) AND ($2 = '' OR a.credit_code = $2) "
    "ORDER BY a.credit_code"};

// The city of each registered agency among `codes` (unknown codes are absent).
std::map<std::string, std::string> AgencyCities(pqxx::transaction_base& tx, const std::vector<std::string>& codes) {
  std::map<std::string, std::string> out;
  const char* sql = "SELECT credit_code, city_code FROM registry.agencies WHERE credit_code = ANY($1::text[])";
  for (const auto& row : tx.exec_params(sql, common::TextArrayLiteral(codes))) {
    out[row[0].as<std::string>()] = row[1].as<std::string>();
  }
  return out;
}

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
  a.qualification_confirmed_on = r[11].as<std::string>();
  return a;
}

}  // namespace

PgAgencyStore::PgAgencyStore(common::PgPool& pool) : pool_(pool) {
  for (const Statement& s : {kForeignAgencies, kUpsertAgency, kConfirmQualification, kCoverage, kGetAgency,
                             kListAgencies}) {
    pool_.Prepare(s);
  }
}

AgencyStore::BatchResult PgAgencyStore::UpsertBatch(const std::string& city_code, const std::vector<Agency>& valid,
                                                    const std::vector<Rejection>& rejected, const std::string& today) {
  return pool_.Run([&](pqxx::connection& conn) {
    BatchResult result;
    pqxx::work tx(conn);
    std::vector<std::string> codes;
    for (const auto& a : valid) codes.push_back(a.credit_code);
    for (const auto& row : tx.exec_prepared(kForeignAgencies.name, common::TextArrayLiteral(codes), city_code)) {
      result.foreign.push_back(row[0].as<std::string>());
    }
    if (!result.foreign.empty()) return result;  // the transaction rolls back
    // Writers take turns, so change_seq order is commit order (the officer
    // index and feeds read past a watermark).
    tx.exec("SELECT pg_advisory_xact_lock(hashtext('registry.agency_change_seq'))");

    for (const auto& a : valid) {
      auto written = tx.exec_prepared(kUpsertAgency.name, a.credit_code, a.name, a.legal_representative,
                                      a.area_code, city_code, a.contact, common::TextArrayLiteral(a.domains), a.valid_from,
                                      a.valid_until, a.source_version, today);
      bool accepted = !written.empty();
      if (accepted) RegistryRejections().Clear(tx, city_code, "agency", a.credit_code);
      result.outcomes.push_back(accepted ? UpsertOutcome::kAccepted : UpsertOutcome::kUnchanged);
    }
    for (const auto& r : rejected) RegistryRejections().Record(tx, city_code, r);
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
    return RegistryRejections().List(tx, city_code, before_id, limit);
  });
}

AgencyStore::ConfirmResult PgAgencyStore::ConfirmQualificationLists(const std::string& city_code,
                                                                    const std::vector<std::string>& codes,
                                                                    const std::string& today) {
  return pool_.Run([&](pqxx::connection& conn) {
    ConfirmResult result;
    pqxx::work tx(conn);
    auto cities = AgencyCities(tx, codes);
    for (const auto& [code, city] : cities) {
      if (city != city_code) result.foreign.push_back(code);
    }
    if (!result.foreign.empty()) return result;
    for (const auto& code : codes) {
      result.confirmed.push_back(!tx.exec_prepared(kConfirmQualification.name, code, today).empty());
    }
    tx.commit();
    return result;
  });
}

std::vector<CoverageFacts> PgAgencyStore::Coverage(const std::string& city_code, const std::string& credit_code) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<CoverageFacts> out;
    for (const auto& r : tx.exec_prepared(kCoverage.name, city_code, credit_code)) {
      out.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<std::string>(),
                     r[4].as<std::string>(), r[5].as<bool>(), r[6].as<bool>(), r[7].as<bool>()});
    }
    return out;
  });
}

std::map<std::string, std::string> PgAgencyStore::CitiesOf(const std::vector<std::string>& codes) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    return AgencyCities(tx, codes);
  });
}

const common::RejectionLog& RegistryRejections() {
  static const common::RejectionLog kLog("registry");
  return kLog;
}

}  // namespace gongkai::registry
