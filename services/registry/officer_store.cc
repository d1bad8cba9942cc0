#include "services/registry/officer_store.h"

#include "services/registry/agency_store.h"

namespace gongkai::registry {
namespace {

using common::Statement;

constexpr char kColumns[] =
    "o.certificate_number, o.agency_credit_code, o.city_code, o.name, o.category, o.valid_from::text, "
    "o.valid_until::text, o.status, o.source_version, o.code_generation, a.name";

const Statement kSelectForUpdate{
    "registry_officer_for_update",
    "SELECT valid_from::text, status, source_version, code_generation "
    "FROM registry.officers WHERE certificate_number = $1 FOR UPDATE"};

const Statement kCities{
    "registry_officer_cities",
    "SELECT certificate_number, city_code FROM registry.officers WHERE certificate_number = ANY($1::text[])"};

const Statement kInsert{
    "registry_insert_officer",
    "INSERT INTO registry.officers (certificate_number, agency_credit_code, city_code, name, category, valid_from, "
    "valid_until, status, source_version, code_generation, officer_code, changed_on, published_on) "
    "VALUES ($1, $2, $3, $4, $5, $6::date, $7::date, $8, $9, $10, $11, NULLIF($12, '')::date, $13::date)"};

const Statement kUpdate{
    "registry_update_officer",
    "UPDATE registry.officers SET agency_credit_code = $2, name = $3, category = $4, valid_from = $5::date, "
    "valid_until = $6::date, status = $7, source_version = $8, code_generation = $9, officer_code = $10, "
    "changed_on = NULLIF($11, '')::date, published_on = $12::date, updated_at = now(), "
    "change_seq = nextval('registry.officer_change_seq') WHERE certificate_number = $1"};

const std::string kByCertificateSql = std::string("SELECT ") + kColumns +
                                      " FROM registry.officers o JOIN registry.agencies a "
                                      "ON a.credit_code = o.agency_credit_code WHERE o.certificate_number = $1";
const Statement kByCertificate{"registry_officer_by_certificate", kByCertificateSql.c_str()};

// Lists also carry what the entry's timeliness needs (columns 11 and 12).
const std::string kByAgencySql = std::string("SELECT ") + kColumns +
                                 ", coalesce(o.changed_on::text, ''), o.published_on::text"
                                 " FROM registry.officers o JOIN registry.agencies a "
                                 "ON a.credit_code = o.agency_credit_code WHERE o.agency_credit_code = $1 "
                                 "AND o.certificate_number > $2 ORDER BY o.certificate_number LIMIT $3";
const Statement kByAgency{"registry_officers_by_agency", kByAgencySql.c_str()};

}  // namespace

Officer OfficerFromRow(const pqxx::row& r) {
  Officer o;
  o.certificate_number = r[0].as<std::string>();
  o.agency_credit_code = r[1].as<std::string>();
  o.city_code = r[2].as<std::string>();
  o.name = r[3].as<std::string>();
  o.category = r[4].as<std::string>();
  o.valid_from = r[5].as<std::string>();
  o.valid_until = r[6].as<std::string>();
  o.status = static_cast<OfficerStatus>(r[7].as<int>());
  o.source_version = r[8].as<int64_t>();
  o.code_generation = r[9].as<int>();
  o.agency_name = r[10].as<std::string>();
  return o;
}

PgOfficerStore::PgOfficerStore(common::PgPool& pool, std::string code_secret)
    : pool_(pool), code_secret_(std::move(code_secret)) {
  for (const Statement& s : {kSelectForUpdate, kCities, kInsert, kUpdate, kByCertificate, kByAgency}) {
    pool_.Prepare(s);
  }
}

std::vector<UpsertOutcome> PgOfficerStore::UpsertBatch(const std::string& city_code, const std::vector<Officer>& valid,
                                                       const std::vector<common::Rejection>& rejected,
                                                       const std::string& today) {
  return pool_.Run([&](pqxx::connection& conn) {
    std::vector<UpsertOutcome> result;
    pqxx::work tx(conn);
    // Writers take turns, so change_seq order is commit order and the
    // verification index, reading past its watermark, misses nothing.
    tx.exec("SELECT pg_advisory_xact_lock(hashtext('registry.officer_change_seq'))");
    for (const auto& o : valid) {
      auto stored = tx.exec_prepared(kSelectForUpdate.name, o.certificate_number);
      if (stored.empty()) {
        tx.exec_prepared(kInsert.name, o.certificate_number, o.agency_credit_code, city_code, o.name, o.category,
                         o.valid_from, o.valid_until, static_cast<int>(o.status), o.source_version, 1,
                         OfficerCode(code_secret_, o.certificate_number, 1), o.changed_on, today);
      } else if (stored[0][2].as<int64_t>() >= o.source_version) {
        result.push_back(UpsertOutcome::kUnchanged);
        continue;
      } else {
        Officer previous;
        previous.valid_from = stored[0][0].as<std::string>();
        previous.status = static_cast<OfficerStatus>(stored[0][1].as<int>());
        int generation = stored[0][3].as<int>() + (NeedsNewCode(previous, o) ? 1 : 0);
        tx.exec_prepared(kUpdate.name, o.certificate_number, o.agency_credit_code, o.name, o.category, o.valid_from,
                         o.valid_until, static_cast<int>(o.status), o.source_version, generation,
                         OfficerCode(code_secret_, o.certificate_number, generation), o.changed_on, today);
      }
      RegistryRejections().Clear(tx, city_code, "officer", o.certificate_number);
      result.push_back(UpsertOutcome::kAccepted);
    }
    for (const auto& r : rejected) RegistryRejections().Record(tx, city_code, r);
    tx.commit();
    return result;
  });
}

std::map<std::string, std::string> PgOfficerStore::CitiesOf(const std::vector<std::string>& numbers) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::map<std::string, std::string> out;
    for (const auto& row : tx.exec_prepared(kCities.name, common::TextArrayLiteral(numbers))) {
      out[row[0].as<std::string>()] = row[1].as<std::string>();
    }
    return out;
  });
}

std::string PgOfficerStore::CodeOf(const Officer& officer) const {
  return OfficerCode(code_secret_, officer.certificate_number, officer.code_generation);
}

std::optional<Officer> PgOfficerStore::ByCertificate(const std::string& certificate_number) {
  return pool_.Run([&](pqxx::connection& conn) -> std::optional<Officer> {
    pqxx::nontransaction tx(conn);
    auto rows = tx.exec_prepared(kByCertificate.name, certificate_number);
    if (rows.empty()) return std::nullopt;
    return OfficerFromRow(rows[0]);
  });
}

std::vector<Officer> PgOfficerStore::ListByAgency(const std::string& agency_credit_code, const std::string& after,
                                                  int limit) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<Officer> out;
    for (const auto& row : tx.exec_prepared(kByAgency.name, agency_credit_code, after, limit)) {
      Officer o = OfficerFromRow(row);
      o.changed_on = row[11].as<std::string>();
      o.published_on = row[12].as<std::string>();
      out.push_back(std::move(o));
    }
    return out;
  });
}

}  // namespace gongkai::registry
