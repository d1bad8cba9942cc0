#include "services/registry/officer_store.h"

#include <map>
#include <set>

#include "common/calendar/iso_date.h"
#include "common/sql.h"

namespace gongkai::registry {
namespace {

using common::ArrayLiteral;
using common::Statement;

constexpr char kFeed[] = "registry.officer_change_seq";

// What the badge code generation of a batch's stored certificates depends on.
const Statement kStored{"registry_stored_officers",
                        "SELECT certificate_number, valid_from::text, status, code_generation "
                        "FROM registry.officers WHERE certificate_number = ANY($1::text[]) FOR UPDATE"};

// The certificates among $1 registered to another city than $2.
const Statement kForeign{"registry_foreign_officers",
                         "SELECT certificate_number FROM registry.officers "
                         "WHERE certificate_number = ANY($1::text[]) AND city_code <> $2 ORDER BY certificate_number"};

// A batch in one statement: $1 city, $2 today (the publication), $3..$14 the
// officers' columns, one text array each, with each one's badge code
// generation and code as they are if this version is stored. Inserts, or
// replaces an older version registered to the same city; returns the
// certificate numbers it wrote. A row it does not replace is still locked by
// it until commit (ON CONFLICT DO UPDATE locks the row it meets, whatever its
// WHERE answers).
const Statement kMerge{
    "registry_merge_officers",
    "INSERT INTO registry.officers AS o (certificate_number, agency_credit_code, city_code, name, category, "
    "valid_from, valid_until, status, source_version, code_generation, officer_code, changed_on, published_on) "
    "SELECT i.certificate_number, i.agency_credit_code, $1, i.name, i.category, i.valid_from::date, "
    "i.valid_until::date, i.status::smallint, i.source_version::bigint, i.code_generation::integer, "
    "i.officer_code, NULLIF(i.changed_on, '')::date, $2::date "
    "FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], "
    "$10::text[], $11::text[], $12::text[], $13::text[]) AS i(certificate_number, agency_credit_code, name, "
    "category, valid_from, valid_until, status, source_version, code_generation, officer_code, changed_on) "
    "ON CONFLICT (certificate_number) DO UPDATE SET agency_credit_code = EXCLUDED.agency_credit_code, "
    "name = EXCLUDED.name, category = EXCLUDED.category, valid_from = EXCLUDED.valid_from, "
    "valid_until = EXCLUDED.valid_until, status = EXCLUDED.status, source_version = EXCLUDED.source_version, "
    "code_generation = EXCLUDED.code_generation, officer_code = EXCLUDED.officer_code, "
    "changed_on = EXCLUDED.changed_on, published_on = EXCLUDED.published_on, updated_at = now(), "
    "change_seq = nextval('registry.officer_change_seq') "
    "WHERE o.source_version < EXCLUDED.source_version AND o.city_code = EXCLUDED.city_code "
    "RETURNING o.certificate_number"};

const Statement kByCertificate{
    "registry_officer_by_certificate",
    "SELECT o.certificate_number, o.agency_credit_code, o.city_code, o.name, o.category, o.valid_from::text, "
    "o.valid_until::text, o.status, o.source_version, o.code_generation, a.name "
    "FROM registry.officers o JOIN registry.agencies a ON a.credit_code = o.agency_credit_code "
    "WHERE o.certificate_number = $1"};

// Lists also carry what the entry's timeliness needs (columns 11 and 12).
const Statement kByAgency{
    "registry_officers_by_agency",
    "SELECT o.certificate_number, o.agency_credit_code, o.city_code, o.name, o.category, o.valid_from::text, "
    "o.valid_until::text, o.status, o.source_version, o.code_generation, a.name, o.changed_on::text, "
    "o.published_on::text "
    "FROM registry.officers o JOIN registry.agencies a ON a.credit_code = o.agency_credit_code "
    "WHERE o.agency_credit_code = $1 AND o.certificate_number > $2 ORDER BY o.certificate_number LIMIT $3"};

// A batch's columns as kMerge takes them.
struct OfficerColumns {
  std::vector<std::string> number, agency, name, category, valid_from, valid_until, status, source_version, generation,
      code, changed_on;
};

}  // namespace

Officer OfficerFromRow(const pqxx::row& r) {
  Officer o;
  o.certificate_number = r[0].as<std::string>();
  o.agency_credit_code = r[1].as<std::string>();
  o.city_code = r[2].as<std::string>();
  o.name = r[3].as<std::string>();
  o.category = r[4].as<std::string>();
  o.valid_from = common::ReadDate(r[5]);
  o.valid_until = common::ReadDate(r[6]);
  o.status = static_cast<OfficerStatus>(r[7].as<int>());
  o.source_version = r[8].as<int64_t>();
  o.code_generation = r[9].as<int>();
  o.agency_name = r[10].as<std::string>();
  return o;
}

PgOfficerStore::PgOfficerStore(common::PgPool& pool, std::string code_secret)
    : pool_(pool), rejections_(pool), code_secret_(std::move(code_secret)) {
  for (const Statement& s : {kStored, kForeign, kMerge, kByCertificate, kByAgency}) pool_.Prepare(s);
}

OfficerStore::BatchResult PgOfficerStore::UpsertBatch(const std::string& city_code, const std::vector<Officer>& valid,
                                                      const std::vector<common::Rejection>& rejected,
                                                      common::Date today) {
  std::vector<std::string> numbers;
  for (const auto& o : valid) numbers.push_back(o.certificate_number);
  return pool_.Run([&](pqxx::connection& conn) {
    BatchResult result;
    pqxx::work tx(conn);
    std::vector<std::string> accepted;
    if (!valid.empty()) {
      // The merge advances change_seq: writers take turns from here to
      // commit, so change_seq order is commit order and the verification
      // index, reading past its watermark, misses nothing. Taken before the
      // stored generations are read, so they stay as read until the merge.
      common::LockFeed(tx, kFeed);
      std::map<std::string, Officer> stored;
      for (const auto& row : tx.exec_prepared(kStored.name, ArrayLiteral(numbers))) {
        Officer& previous = stored[row[0].as<std::string>()];
        previous.valid_from = common::ReadDate(row[1]);
        previous.status = static_cast<OfficerStatus>(row[2].as<int>());
        previous.code_generation = row[3].as<int>();
      }
      OfficerColumns c;
      for (const auto& o : valid) {
        auto previous = stored.find(o.certificate_number);
        const int generation = previous == stored.end()
                                   ? 1
                                   : previous->second.code_generation + (NeedsNewCode(previous->second, o) ? 1 : 0);
        c.number.push_back(o.certificate_number);
        c.agency.push_back(o.agency_credit_code);
        c.name.push_back(o.name);
        c.category.push_back(o.category);
        c.valid_from.push_back(common::FormatIsoDate(o.valid_from));
        c.valid_until.push_back(common::FormatIsoDate(o.valid_until));
        c.status.push_back(std::to_string(static_cast<int>(o.status)));
        c.source_version.push_back(std::to_string(o.source_version));
        c.generation.push_back(std::to_string(generation));
        c.code.push_back(OfficerCode(code_secret_, o.certificate_number, generation));
        c.changed_on.push_back(common::FormatIsoDate(o.changed_on));
      }
      for (const auto& row : tx.exec_prepared(
               kMerge.name, city_code, common::FormatIsoDate(today), ArrayLiteral(c.number), ArrayLiteral(c.agency),
               ArrayLiteral(c.name), ArrayLiteral(c.category), ArrayLiteral(c.valid_from), ArrayLiteral(c.valid_until),
               ArrayLiteral(c.status), ArrayLiteral(c.source_version), ArrayLiteral(c.generation), ArrayLiteral(c.code),
               ArrayLiteral(c.changed_on))) {
        accepted.push_back(row[0].as<std::string>());
      }
      // What the merge did not write is an equal or older version, or a
      // certificate registered to another city, which is not this city's to
      // change or to move under its own agency. The check runs here, in the
      // write's transaction, on rows the merge holds locked, so a concurrent
      // batch cannot slip in between a check and the write.
      if (accepted.size() < valid.size()) {
        for (const auto& row : tx.exec_prepared(kForeign.name, ArrayLiteral(numbers), city_code)) {
          result.foreign.push_back(row[0].as<std::string>());
        }
        if (!result.foreign.empty()) return result;  // the transaction rolls back: nothing is stored
      }
    }
    const std::set<std::string> written(accepted.begin(), accepted.end());
    for (const auto& o : valid) {
      result.outcomes.push_back(written.contains(o.certificate_number) ? common::UpsertOutcome::kAccepted
                                                                       : common::UpsertOutcome::kUnchanged);
    }
    rejections_.Clear(tx, city_code, "officer", accepted);
    rejections_.Record(tx, city_code, rejected);
    tx.commit();
    return result;
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
      o.changed_on = common::ReadOptionalDate(row[11]);
      o.published_on = common::ReadDate(row[12]);
      out.push_back(std::move(o));
    }
    return out;
  });
}

}  // namespace gongkai::registry
