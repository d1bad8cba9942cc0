#include "services/registry/agency_store.h"

#include <set>
#include <utility>

#include "common/calendar/iso_date.h"
#include "common/sql.h"

namespace gongkai::registry {
namespace {

using common::ArrayLiteral;
using common::Statement;

constexpr char kFeed[] = "registry.agency_change_seq";

// The agencies among $1 that are not of the scope $2: a city code, or
// "province" for the provincial agencies (stored under a province's own
// code, e.g. 140000).
const Statement kForeignAgencies{
    "registry_foreign_agencies",
    "SELECT credit_code FROM registry.agencies WHERE credit_code = ANY($1::text[]) "
    "AND CASE WHEN $2 = 'province' THEN right(city_code, 4) <> '0000' ELSE city_code <> $2 END "
    "ORDER BY credit_code"};

const Statement kAgencyCities{
    "registry_agency_cities",
    "SELECT credit_code, city_code FROM registry.agencies WHERE credit_code = ANY($1::text[])"};

// The agencies of a batch that are stored under another city than the one
// they are sent under: $1 credit codes, $2 their cities.
const Statement kForeignInBatch{
    "registry_foreign_in_batch",
    "SELECT a.credit_code FROM registry.agencies a "
    "JOIN unnest($1::text[], $2::text[]) AS i(credit_code, city_code) ON a.credit_code = i.credit_code "
    "WHERE a.city_code <> i.city_code ORDER BY a.credit_code"};

// A batch in one statement: $1 today, $2..$11 the agencies' columns, one
// text array each (domains as array literals; an agency without a city fails
// the column's NOT NULL rather than being stored under ""). Inserts, created
// on $1 and with its qualification list not confirmed, or replaces an older
// version of an agency stored under the same city; a version that changes
// the list (ChangesQualificationList: name, area code, the set of domains,
// validity) confirms it on $1, another keeps the confirmation it had.
// Returns the credit codes it wrote. A row it does not replace is still
// locked by it until commit (ON CONFLICT DO UPDATE locks the row it meets,
// whatever its WHERE answers).
const Statement kMergeAgencies{
    "registry_merge_agencies",
    "INSERT INTO registry.agencies AS a (credit_code, name, legal_representative, area_code, city_code, "
    "contact, domains, valid_from, valid_until, source_version, created_on) "
    "SELECT i.credit_code, i.name, i.legal_representative, i.area_code, NULLIF(i.city_code, ''), i.contact, "
    "i.domains::text[], i.valid_from::date, i.valid_until::date, i.source_version::bigint, $1::date "
    "FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], "
    "$9::text[], $10::text[], $11::text[]) AS i(credit_code, city_code, name, legal_representative, area_code, "
    "contact, domains, valid_from, valid_until, source_version) "
    "ON CONFLICT (credit_code) DO UPDATE SET name = EXCLUDED.name, "
    "legal_representative = EXCLUDED.legal_representative, area_code = EXCLUDED.area_code, "
    "contact = EXCLUDED.contact, domains = EXCLUDED.domains, valid_from = EXCLUDED.valid_from, "
    "valid_until = EXCLUDED.valid_until, source_version = EXCLUDED.source_version, updated_at = now(), "
    "qualification_confirmed_on = CASE WHEN (a.name, a.area_code, a.valid_from, a.valid_until) IS DISTINCT FROM "
    "(EXCLUDED.name, EXCLUDED.area_code, EXCLUDED.valid_from, EXCLUDED.valid_until) "
    "OR NOT (a.domains @> EXCLUDED.domains AND a.domains <@ EXCLUDED.domains) THEN $1::date "
    "ELSE a.qualification_confirmed_on END, "
    "change_seq = nextval('registry.agency_change_seq') "
    "WHERE a.source_version < EXCLUDED.source_version AND a.city_code = EXCLUDED.city_code "
    "RETURNING a.credit_code"};

const Statement kConfirmQualification{
    "registry_confirm_qualification",
    "UPDATE registry.agencies SET qualification_confirmed_on = $2::date WHERE credit_code = ANY($1::text[]) "
    "RETURNING credit_code"};

const Statement kGetAgency{
    "registry_get_agency",
    "SELECT credit_code, name, legal_representative, area_code, city_code, contact, "
    "array_to_string(domains, ','), valid_from::text, valid_until::text, source_version, "
    "to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), qualification_confirmed_on::text, "
    "created_on::text "
    "FROM registry.agencies WHERE credit_code = $1"};

const Statement kListAgencies{
    "registry_list_agencies",
    "SELECT credit_code, name, legal_representative, area_code, city_code, contact, "
    "array_to_string(domains, ','), valid_from::text, valid_until::text, source_version, "
    "to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), qualification_confirmed_on::text, "
    "created_on::text "
    "FROM registry.agencies WHERE ($1 = '' OR city_code = $1) AND ($2 = '' OR $2 = ANY(domains)) "
    "AND credit_code > $3 ORDER BY credit_code LIMIT $4"};

// Officers count with a certificate valid on $4 (Judge's VALID: ACTIVE, 1,
// and $4 within its validity); a benchmark must exist in the agency's city
// for each of its domains; an agency holding a powers item of category
// INSPECTION (4) owes the inspection plan of the year $3. Also the creation
// day, the domains (for kUnpublishedChanges' benchmarks), whether its "三定"
// provisions are stored and its domains without a flowchart of its own.
const Statement kCoverage{
    "registry_coverage",
    "SELECT a.credit_code, a.name, a.city_code, a.qualification_confirmed_on::text, a.valid_until::text, "
    "EXISTS (SELECT 1 FROM registry.powers_items p WHERE p.agency_credit_code = a.credit_code), "
    "EXISTS (SELECT 1 FROM registry.officers o WHERE o.agency_credit_code = a.credit_code AND o.status = 1 "
    "  AND o.valid_from <= $4::date AND $4::date <= o.valid_until), "
    "NOT EXISTS (SELECT 1 FROM unnest(a.domains) d WHERE NOT EXISTS "
    "  (SELECT 1 FROM registry.benchmarks b WHERE b.city_code = a.city_code AND b.domain = d)), "
    "EXISTS (SELECT 1 FROM registry.powers_items p WHERE p.agency_credit_code = a.credit_code AND p.category = 4), "
    "EXISTS (SELECT 1 FROM registry.inspection_plans ip WHERE ip.agency_credit_code = a.credit_code "
    "  AND ip.year = $3::integer), "
    "a.created_on::text, array_to_string(a.domains, ','), "
    "EXISTS (SELECT 1 FROM registry.staffing_provisions s WHERE s.agency_credit_code = a.credit_code), "
    "array_to_string(ARRAY(SELECT d FROM unnest(a.domains) d WHERE NOT EXISTS "
    "  (SELECT 1 FROM registry.flowcharts f WHERE f.agency_credit_code = a.credit_code AND f.domain = d)), ',') "
    "FROM registry.agencies a WHERE ($1 = '' OR a.city_code = $1) AND ($2 = '' OR a.credit_code = $2) "
    "ORDER BY a.credit_code"};

// The changes of powers items, benchmarks and flowcharts sent and not
// stored, of the city $1 and of the city of the agency $2 ('' for any):
// rejections awaiting an accepted version newer than the stored one (a
// rejected version no newer than it changes nothing). Each with its kind,
// city, agency (powers items, key "<agency>/<source id>"; flowcharts,
// "<agency>/<domain>") or domain (benchmarks, "<domain>/<violation code>"),
// and the changed_on the raw record claims (NULL for none). The raw
// record is the proto JSON of the record as sent (common::RecordJson, proto
// field names), held as text; no nested message of these records has a field
// of that name, and inside a JSON string every quote is escaped, so the only
// match is the record's own field; the optional space after the colon also
// reads rows PostgreSQL printed from jsonb. A powers item's or flowchart's
// rejection counts when its agency is of the scope that sent it (the
// province's are kept under "province"): another city's refused claim on an
// agency says nothing of that agency.
const Statement kUnpublishedChanges{
    "registry_unpublished_changes",
    "WITH pending AS (SELECT r.kind, r.record_key, r.source_version, r.raw, r.city_code AS scope, "
    "  CASE WHEN r.kind = 'benchmark' OR r.city_code = a.city_code THEN r.city_code "
    "    WHEN r.city_code = 'province' AND right(a.city_code, 4) = '0000' THEN a.city_code END AS city_code "
    "  FROM registry.rejections r LEFT JOIN registry.agencies a "
    "    ON r.kind <> 'benchmark' AND a.credit_code = split_part(r.record_key, '/', 1) "
    "  WHERE r.kind IN ('powers_item', 'benchmark', 'flowchart')) "
    "SELECT r.kind, r.city_code, split_part(r.record_key, '/', 1), "
    "substring(r.raw FROM '\"changed_on\": ?\"([0-9]{4}-[0-9]{2}-[0-9]{2})\"') "
    "FROM pending r WHERE r.city_code IS NOT NULL "
    "AND ($1 = '' OR r.city_code = $1) "
    "AND ($2 = '' OR r.city_code = (SELECT city_code FROM registry.agencies WHERE credit_code = $2)) "
    "AND NOT EXISTS (SELECT 1 FROM registry.powers_items p WHERE r.kind = 'powers_item' "
    "  AND p.agency_credit_code = split_part(r.record_key, '/', 1) "
    "  AND p.source_id = substr(r.record_key, strpos(r.record_key, '/') + 1) "
    "  AND p.source_version >= r.source_version) "
    "AND NOT EXISTS (SELECT 1 FROM registry.benchmarks b WHERE r.kind = 'benchmark' AND b.city_code = r.scope "
    "  AND b.domain = split_part(r.record_key, '/', 1) "
    "  AND b.violation_code = substr(r.record_key, strpos(r.record_key, '/') + 1) "
    "  AND b.source_version >= r.source_version) "
    "AND NOT EXISTS (SELECT 1 FROM registry.flowcharts f WHERE r.kind = 'flowchart' "
    "  AND f.agency_credit_code = split_part(r.record_key, '/', 1) "
    "  AND f.domain = substr(r.record_key, strpos(r.record_key, '/') + 1) "
    "  AND f.source_version >= r.source_version)"};

const Statement kGetAgencies{
    "registry_get_agencies",
    "SELECT credit_code, name, legal_representative, area_code, city_code, contact, "
    "array_to_string(domains, ','), valid_from::text, valid_until::text, source_version, "
    "to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), qualification_confirmed_on::text, "
    "created_on::text "
    "FROM registry.agencies WHERE credit_code = ANY($1::text[])"};

// The records of the 20 WD rules whose clock starts in the year $3 (text),
// of the agencies of the city $1 and the agency $2 ('' for any): kind (the
// engine's name), key, agency, city, own domain, clock start, published_on
// (NULL: not stored). Stored: powers items, flowcharts, benchmarks (without
// an agency filter) and officers (clock start changed_on, else valid_from).
// Not stored: rejections awaiting an accepted version newer than the stored
// one, their clock start and, for an officer, the agency read from the raw
// record as kUnpublishedChanges reads it, counted when that agency is of the
// scope that sent it; their keys as sent, a benchmark's prefixed with its
// city.
const Statement kDeadlineRecords{
    "registry_deadline_records",
    "WITH ag AS (SELECT credit_code, city_code FROM registry.agencies "
    "  WHERE ($1 = '' OR city_code = $1) AND ($2 = '' OR credit_code = $2)), "
    "pending AS (SELECT r.kind, r.record_key, r.city_code, r.source_version, "
    "  COALESCE(substring(r.raw FROM '\"changed_on\": ?\"([0-9]{4}-[0-9]{2}-[0-9]{2})\"'), "
    "    CASE WHEN r.kind = 'officer' "
    "    THEN substring(r.raw FROM '\"valid_from\": ?\"([0-9]{4}-[0-9]{2}-[0-9]{2})\"') END) AS clock_start, "
    "  CASE WHEN r.kind = 'officer' THEN substring(r.raw FROM '\"agency_credit_code\": ?\"([0-9A-Z]{18})\"') "
    "    ELSE split_part(r.record_key, '/', 1) END AS agency, "
    "  split_part(r.record_key, '/', 1) AS head, substr(r.record_key, strpos(r.record_key, '/') + 1) AS tail "
    "  FROM registry.rejections r WHERE r.kind IN ('powers_item', 'flowchart', 'benchmark', 'officer')) "
    "SELECT 'powers_item', p.agency_credit_code || '/' || p.source_id, p.agency_credit_code, ag.city_code, '', "
    "  p.changed_on::text, p.published_on::text "
    "FROM registry.powers_items p JOIN ag ON ag.credit_code = p.agency_credit_code "
    "WHERE to_char(p.changed_on, 'YYYY') = $3 "
    "UNION ALL SELECT 'flowchart', f.agency_credit_code || '/' || f.domain, f.agency_credit_code, ag.city_code, "
    "  f.domain, f.changed_on::text, f.published_on::text "
    "FROM registry.flowcharts f JOIN ag ON ag.credit_code = f.agency_credit_code "
    "WHERE to_char(f.changed_on, 'YYYY') = $3 "
    "UNION ALL SELECT 'discretion_benchmark', b.city_code || '/' || b.domain || '/' || b.violation_code, '', "
    "  b.city_code, b.domain, b.changed_on::text, b.published_on::text "
    "FROM registry.benchmarks b WHERE $2 = '' AND ($1 = '' OR b.city_code = $1) "
    "  AND to_char(b.changed_on, 'YYYY') = $3 "
    "UNION ALL SELECT 'officer', o.certificate_number, o.agency_credit_code, ag.city_code, '', "
    "  COALESCE(o.changed_on, o.valid_from)::text, o.published_on::text "
    "FROM registry.officers o JOIN ag ON ag.credit_code = o.agency_credit_code "
    "WHERE to_char(COALESCE(o.changed_on, o.valid_from), 'YYYY') = $3 "
    "UNION ALL SELECT CASE r.kind WHEN 'benchmark' THEN 'discretion_benchmark' ELSE r.kind END, "
    "  CASE r.kind WHEN 'benchmark' THEN r.city_code || '/' || r.record_key ELSE r.record_key END, "
    "  COALESCE(ag.credit_code, ''), COALESCE(ag.city_code, r.city_code), "
    "  CASE r.kind WHEN 'flowchart' THEN r.tail WHEN 'benchmark' THEN r.head ELSE '' END, r.clock_start, NULL "
    "FROM pending r LEFT JOIN ag ON r.kind <> 'benchmark' AND ag.credit_code = r.agency "
    "WHERE left(r.clock_start, 4) = $3 "
    "AND CASE WHEN r.kind = 'benchmark' THEN $2 = '' AND ($1 = '' OR r.city_code = $1) "
    "  ELSE r.city_code = ag.city_code OR (r.city_code = 'province' AND right(ag.city_code, 4) = '0000') END "
    "AND NOT EXISTS (SELECT 1 FROM registry.powers_items p WHERE r.kind = 'powers_item' "
    "  AND p.agency_credit_code = r.head AND p.source_id = r.tail AND p.source_version >= r.source_version) "
    "AND NOT EXISTS (SELECT 1 FROM registry.flowcharts f WHERE r.kind = 'flowchart' "
    "  AND f.agency_credit_code = r.head AND f.domain = r.tail AND f.source_version >= r.source_version) "
    "AND NOT EXISTS (SELECT 1 FROM registry.benchmarks b WHERE r.kind = 'benchmark' AND b.city_code = r.city_code "
    "  AND b.domain = r.head AND b.violation_code = r.tail AND b.source_version >= r.source_version) "
    "AND NOT EXISTS (SELECT 1 FROM registry.officers o WHERE r.kind = 'officer' "
    "  AND o.certificate_number = r.record_key AND o.source_version >= r.source_version) "
    "ORDER BY 1, 2"};

// Notices of inspection plans in one statement: $1 agencies, $2 years, $3
// days, one text array each. Those of registered agencies are merged, the
// earliest day of each agency and year kept (the notices of one agency and
// year folded first: a statement may touch a row once); answers how many
// notices named a registered agency and how many did not.
const Statement kRecordPlans{
    "registry_record_inspection_plans",
    "WITH n AS (SELECT i.agency_credit_code, i.year::integer AS year, i.published_on::date AS published_on "
    "  FROM unnest($1::text[], $2::text[], $3::text[]) AS i(agency_credit_code, year, published_on)), "
    "known AS (SELECT n.* FROM n JOIN registry.agencies a ON a.credit_code = n.agency_credit_code), "
    "merged AS (INSERT INTO registry.inspection_plans AS p (agency_credit_code, year, published_on) "
    "  SELECT agency_credit_code, year, min(published_on) FROM known GROUP BY agency_credit_code, year "
    "  ON CONFLICT (agency_credit_code, year) DO UPDATE SET published_on = EXCLUDED.published_on "
    "  WHERE EXCLUDED.published_on < p.published_on RETURNING 1) "
    "SELECT (SELECT count(*) FROM known), (SELECT count(*) FROM n) - (SELECT count(*) FROM known)"};

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

Agency AgencyFromRow(const pqxx::row& r) {
  Agency a;
  a.credit_code = r[0].as<std::string>();
  a.name = r[1].as<std::string>();
  a.legal_representative = r[2].as<std::string>();
  a.area_code = r[3].as<std::string>();
  a.city_code = r[4].as<std::string>();
  a.contact = r[5].as<std::string>();
  a.domains = SplitDomains(r[6].as<std::string>());
  a.valid_from = common::ReadDate(r[7]);
  a.valid_until = common::ReadDate(r[8]);
  a.source_version = r[9].as<int64_t>();
  a.updated_at = r[10].as<std::string>();
  a.qualification_confirmed_on = common::ReadOptionalDate(r[11]);
  a.created_on = common::ReadOptionalDate(r[12]);
  return a;
}

// A batch's columns as kMergeAgencies takes them.
struct AgencyColumns {
  std::vector<std::string> credit_code, city_code, name, legal_representative, area_code, contact, domains, valid_from,
      valid_until, source_version;

  explicit AgencyColumns(const std::vector<Agency>& agencies) {
    for (const auto& a : agencies) {
      credit_code.push_back(a.credit_code);
      city_code.push_back(a.city_code);
      name.push_back(a.name);
      legal_representative.push_back(a.legal_representative);
      area_code.push_back(a.area_code);
      contact.push_back(a.contact);
      domains.push_back(ArrayLiteral(a.domains));
      valid_from.push_back(common::FormatIsoDate(a.valid_from));
      valid_until.push_back(common::FormatIsoDate(a.valid_until));
      source_version.push_back(std::to_string(a.source_version));
    }
  }
};

}  // namespace

PgAgencyStore::PgAgencyStore(common::PgPool& pool) : pool_(pool), rejections_(pool) {
  for (const Statement& s :
       {kForeignAgencies, kForeignInBatch, kAgencyCities, kMergeAgencies, kConfirmQualification, kCoverage,
        kUnpublishedChanges, kRecordPlans, kGetAgency, kGetAgencies, kListAgencies, kDeadlineRecords}) {
    pool_.Prepare(s);
  }
}

AgencyStore::BatchResult PgAgencyStore::UpsertBatch(const std::string& scope, const std::vector<Agency>& valid,
                                                    const std::vector<Rejection>& rejected, common::Date today) {
  const AgencyColumns columns(valid);
  return pool_.Run([&](pqxx::connection& conn) {
    BatchResult result;
    pqxx::work tx(conn);
    std::vector<std::string> accepted;
    if (!valid.empty()) {
      // The merge advances change_seq: writers take turns from here to commit,
      // so change_seq order is commit order (the officer index reads past a
      // watermark).
      common::LockFeed(tx, kFeed);
      for (const auto& row : tx.exec_prepared(
               kMergeAgencies.name, common::FormatIsoDate(today), ArrayLiteral(columns.credit_code),
               ArrayLiteral(columns.city_code), ArrayLiteral(columns.name), ArrayLiteral(columns.legal_representative),
               ArrayLiteral(columns.area_code), ArrayLiteral(columns.contact), ArrayLiteral(columns.domains),
               ArrayLiteral(columns.valid_from), ArrayLiteral(columns.valid_until),
               ArrayLiteral(columns.source_version))) {
        accepted.push_back(row[0].as<std::string>());
      }
      // What the merge did not write is an equal or older version, or an
      // agency stored under another city. The check runs here, in the
      // write's transaction, on rows the merge holds locked, so a concurrent
      // batch cannot slip in between a check and the write.
      if (accepted.size() < valid.size()) {
        for (const auto& row : tx.exec_prepared(kForeignInBatch.name, ArrayLiteral(columns.credit_code),
                                                ArrayLiteral(columns.city_code))) {
          result.foreign.push_back(row[0].as<std::string>());
        }
        if (!result.foreign.empty()) return result;  // the transaction rolls back: nothing is stored
      }
    }
    const std::set<std::string> written(accepted.begin(), accepted.end());
    for (const auto& a : valid) {
      result.outcomes.push_back(written.contains(a.credit_code) ? common::UpsertOutcome::kAccepted
                                                                : common::UpsertOutcome::kUnchanged);
    }
    rejections_.Clear(tx, scope, "agency", accepted);
    rejections_.Record(tx, scope, rejected);
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

std::vector<Rejection> PgAgencyStore::ListRejections(const std::string& scope, int64_t before_id, int limit) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    return rejections_.List(tx, scope, before_id, limit);
  });
}

AgencyStore::ConfirmResult PgAgencyStore::ConfirmQualificationLists(const std::string& scope,
                                                                    const std::vector<std::string>& codes,
                                                                    common::Date today) {
  return pool_.Run([&](pqxx::connection& conn) {
    ConfirmResult result;
    pqxx::work tx(conn);
    for (const auto& row : tx.exec_prepared(kForeignAgencies.name, ArrayLiteral(codes), scope)) {
      result.foreign.push_back(row[0].as<std::string>());
    }
    if (!result.foreign.empty()) return result;
    std::set<std::string> confirmed;
    for (const auto& row :
         tx.exec_prepared(kConfirmQualification.name, ArrayLiteral(codes), common::FormatIsoDate(today))) {
      confirmed.insert(row[0].as<std::string>());
    }
    for (const auto& code : codes) result.confirmed.push_back(confirmed.contains(code));
    tx.commit();
    return result;
  });
}

std::vector<CoverageFacts> PgAgencyStore::Coverage(const std::string& city_code, const std::string& credit_code,
                                                   int plan_year, common::Date today) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    // The earliest change not stored, per (city, agency) and per (city, domain).
    using Earliest = std::map<std::pair<std::string, std::string>, common::Date>;
    Earliest powers, benchmarks, flowcharts;
    for (const auto& r : tx.exec_prepared(kUnpublishedChanges.name, city_code, credit_code)) {
      const auto changed_on = common::ParseIsoDate(r[3].is_null() ? "" : r[3].as<std::string>());
      if (!changed_on) continue;  // no clock start, no deadline to judge
      const std::string kind = r[0].as<std::string>();
      Earliest& into = kind == "powers_item" ? powers : kind == "flowchart" ? flowcharts : benchmarks;
      auto [it, fresh] = into.try_emplace({r[1].as<std::string>(), r[2].as<std::string>()}, *changed_on);
      if (!fresh && *changed_on < it->second) it->second = *changed_on;
    }
    const auto earliest = [](const Earliest& of, const std::string& city, const std::string& key,
                             std::optional<common::Date>& out) {
      const auto it = of.find({city, key});
      if (it != of.end() && (!out || it->second < *out)) out = it->second;
    };
    std::vector<CoverageFacts> out;
    for (const auto& r :
         tx.exec_prepared(kCoverage.name, city_code, credit_code, plan_year, common::FormatIsoDate(today))) {
      CoverageFacts f{r[0].as<std::string>(),
                      r[1].as<std::string>(),
                      r[2].as<std::string>(),
                      common::ReadOptionalDate(r[3]),
                      common::ReadDate(r[4]),
                      r[5].as<bool>(),
                      r[6].as<bool>(),
                      r[7].as<bool>(),
                      r[8].as<bool>(),
                      r[9].as<bool>(),
                      common::ReadOptionalDate(r[10]),
                      std::nullopt,
                      std::nullopt,
                      r[12].as<bool>(),
                      false,
                      SplitDomains(r[13].as<std::string>()),
                      std::nullopt,
                      SplitDomains(r[11].as<std::string>())};
      f.flowcharts_for_domains = f.domains_without_flowchart.empty();
      earliest(powers, f.city_code, f.credit_code, f.unpublished_powers_since);
      earliest(flowcharts, f.city_code, f.credit_code, f.unpublished_flowcharts_since);
      for (const auto& domain : f.domains) earliest(benchmarks, f.city_code, domain, f.unpublished_benchmarks_since);
      out.push_back(std::move(f));
    }
    return out;
  });
}

AgencyStore::PlansResult PgAgencyStore::RecordInspectionPlans(const std::vector<InspectionPlan>& notices) {
  if (notices.empty()) return {};
  std::vector<std::string> agencies, years, days;
  for (const auto& n : notices) {
    agencies.push_back(n.agency_credit_code);
    years.push_back(std::to_string(n.year));
    days.push_back(common::FormatIsoDate(n.published_on));
  }
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    const pqxx::row counts =
        tx.exec_prepared1(kRecordPlans.name, ArrayLiteral(agencies), ArrayLiteral(years), ArrayLiteral(days));
    tx.commit();
    return PlansResult{counts[0].as<int>(), counts[1].as<int>()};
  });
}

std::map<std::string, Agency> AgencyStore::GetMany(const std::vector<std::string>& codes) {
  std::map<std::string, Agency> out;
  for (const auto& code : codes) {
    if (out.contains(code)) continue;
    if (auto agency = Get(code)) out.emplace(code, std::move(*agency));
  }
  return out;
}

std::vector<DeadlineRecord> AgencyStore::DeadlineRecords(const std::string&, const std::string&, int) { return {}; }

std::map<std::string, Agency> PgAgencyStore::GetMany(const std::vector<std::string>& codes) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::map<std::string, Agency> out;
    for (const auto& row : tx.exec_prepared(kGetAgencies.name, ArrayLiteral(codes))) {
      Agency a = AgencyFromRow(row);
      out.emplace(a.credit_code, std::move(a));
    }
    return out;
  });
}

std::vector<DeadlineRecord> PgAgencyStore::DeadlineRecords(const std::string& city_code, const std::string& credit_code,
                                                           int year) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<DeadlineRecord> out;
    for (const auto& r : tx.exec_prepared(kDeadlineRecords.name, city_code, credit_code, std::to_string(year))) {
      const auto kind = common::RecordKindFromName(r[0].as<std::string>());
      // A rejected record's claimed day may still be no date (2026-02-30).
      const auto clock_start = common::ParseIsoDate(r[5].as<std::string>());
      if (!kind || !clock_start) continue;
      out.push_back({*kind, r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<std::string>(),
                     r[4].as<std::string>(), *clock_start, common::ReadOptionalDate(r[6])});
    }
    return out;
  });
}

std::map<std::string, std::string> PgAgencyStore::CitiesOf(const std::vector<std::string>& codes) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::map<std::string, std::string> out;
    for (const auto& row : tx.exec_prepared(kAgencyCities.name, ArrayLiteral(codes))) {
      out[row[0].as<std::string>()] = row[1].as<std::string>();
    }
    return out;
  });
}

}  // namespace gongkai::registry
