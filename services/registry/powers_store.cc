#include "services/registry/powers_store.h"

#include <set>

#include "common/calendar/iso_date.h"
#include "common/sql.h"

namespace gongkai::registry {
namespace {

using common::ArrayLiteral;
using common::Statement;

constexpr char kFeed[] = "registry.powers_change_seq";

// A batch in one statement: $1 city, $2 today (the publication), $3..$12 the
// items' columns, one text array each. Inserts, or replaces an older version;
// returns the keys it wrote.
const Statement kMerge{
    "registry_merge_powers_items",
    "INSERT INTO registry.powers_items AS p (agency_credit_code, source_id, city_code, source_version, name, "
    "category, legal_basis, responsibilities, accountability, changed_on, published_on, random_check) "
    "SELECT i.agency_credit_code, i.source_id, $1, i.source_version::bigint, i.name, i.category::smallint, "
    "i.legal_basis::jsonb, i.responsibilities, i.accountability, i.changed_on::date, $2::date, "
    "i.random_check::boolean "
    "FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], "
    "$10::text[], $11::text[], $12::text[]) AS i(agency_credit_code, source_id, source_version, name, category, "
    "legal_basis, responsibilities, accountability, changed_on, random_check) "
    "ON CONFLICT (agency_credit_code, source_id) DO UPDATE SET source_version = EXCLUDED.source_version, "
    "name = EXCLUDED.name, category = EXCLUDED.category, legal_basis = EXCLUDED.legal_basis, "
    "responsibilities = EXCLUDED.responsibilities, accountability = EXCLUDED.accountability, "
    "changed_on = EXCLUDED.changed_on, published_on = EXCLUDED.published_on, "
    "random_check = EXCLUDED.random_check, change_seq = nextval('registry.powers_change_seq') "
    "WHERE p.source_version < EXCLUDED.source_version "
    "RETURNING p.agency_credit_code, p.source_id"};

// $1 agency ('' for all), $2 category (0 for all), $3 only the random-check
// list; $4, $5 the keyset position ('' on the first page); $6 limit.
const Statement kList{
    "registry_list_powers",
    "SELECT agency_credit_code, source_id, city_code, source_version, name, category, legal_basis::text, "
    "responsibilities, accountability, changed_on::text, published_on::text, change_seq, random_check "
    "FROM registry.powers_items WHERE ($1 = '' OR agency_credit_code = $1) AND ($2 = 0 OR category = $2) "
    "AND (NOT $3::boolean OR random_check) AND (agency_credit_code, source_id) > ($4, $5) "
    "ORDER BY agency_credit_code, source_id LIMIT $6"};

// As kList, with $4 a keyword found in the name or the responsibilities (a
// substring, its %, _ and backslash taken literally), in a form the trigram
// indexes of migration 005 serve; $5, $6 the keyset position, $7 limit. A
// statement of its own: in a plan made for any keyword, a condition
// "$4 = '' OR ..." could use no index.
const Statement kListByKeyword{
    "registry_list_powers_by_keyword",
    "SELECT agency_credit_code, source_id, city_code, source_version, name, category, legal_basis::text, "
    "responsibilities, accountability, changed_on::text, published_on::text, change_seq, random_check "
    "FROM registry.powers_items WHERE ($1 = '' OR agency_credit_code = $1) AND ($2 = 0 OR category = $2) "
    "AND (NOT $3::boolean OR random_check) "
    "AND (name LIKE '%' || replace(replace(replace($4, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%' "
    "OR responsibilities LIKE '%' || replace(replace(replace($4, '\\', '\\\\'), '%', '\\%'), '_', '\\_') "
    "|| '%') "
    "AND (agency_credit_code, source_id) > ($5, $6) "
    "ORDER BY agency_credit_code, source_id LIMIT $7"};

// Run before kListByKeyword, in its transaction: the search is planned for
// its own keyword. A plan made for any keyword (the generic plan of a
// prepared statement, which PostgreSQL may settle on after a few calls)
// cannot tell a keyword the trigram indexes serve from one they do not, and
// may walk the whole list in key order instead.
const Statement kPlanForTheKeyword{"registry_plan_for_the_keyword",
                                   "SELECT set_config('plan_cache_mode', 'force_custom_plan', true)"};

const Statement kChanges{
    "registry_powers_changes",
    "SELECT agency_credit_code, source_id, city_code, source_version, name, category, legal_basis::text, "
    "responsibilities, accountability, changed_on::text, published_on::text, change_seq, random_check "
    "FROM registry.powers_items WHERE change_seq > $1 ORDER BY change_seq LIMIT $2"};

// GetPowersItems: the items of any of the agencies $1 with any of the source
// ids $2 (the primary key serves it), without their long texts.
const Statement kFind{
    "registry_find_powers_items",
    "SELECT agency_credit_code, source_id, city_code, name, category, random_check FROM registry.powers_items "
    "WHERE agency_credit_code = ANY($1::text[]) AND source_id = ANY($2::text[]) "
    "ORDER BY agency_credit_code, source_id"};

// ListEnforcementUnits: the agencies holding an item of any of the
// categories $1 (kEnforcementPowers), by credit code, at most $2 of them.
// The index powers_items_category (agency, category) serves each agency's
// EXISTS (or the planner joins one scan of the items): no index of its own.
const Statement kEnforcementUnits{
    "registry_enforcement_units",
    "SELECT a.credit_code, a.name, a.city_code FROM registry.agencies a "
    "WHERE EXISTS (SELECT 1 FROM registry.powers_items p WHERE p.agency_credit_code = a.credit_code "
    "AND p.category = ANY($1::smallint[])) "
    "ORDER BY a.credit_code LIMIT $2"};

PowersItem FromRow(const pqxx::row& r) {
  PowersItem p;
  p.agency_credit_code = r[0].as<std::string>();
  p.source_id = r[1].as<std::string>();
  p.city_code = r[2].as<std::string>();
  p.source_version = r[3].as<int64_t>();
  p.name = r[4].as<std::string>();
  p.category = static_cast<PowerCategory>(r[5].as<int>());
  p.legal_basis = common::LegalBasisFromJson(r[6].as<std::string>());
  p.responsibilities = r[7].as<std::string>();
  p.accountability = r[8].as<std::string>();
  p.changed_on = common::ReadDate(r[9]);
  p.published_on = common::ReadDate(r[10]);
  p.change_seq = r[11].as<int64_t>();
  p.random_check = r[12].as<bool>();
  return p;
}

// A batch's columns as kMerge takes them.
struct ItemColumns {
  std::vector<std::string> agency, source_id, source_version, name, category, legal_basis, responsibilities,
      accountability, changed_on, random_check;

  explicit ItemColumns(const std::vector<PowersItem>& items) {
    for (const auto& item : items) {
      agency.push_back(item.agency_credit_code);
      source_id.push_back(item.source_id);
      source_version.push_back(std::to_string(item.source_version));
      name.push_back(item.name);
      category.push_back(std::to_string(static_cast<int>(item.category)));
      legal_basis.push_back(common::LegalBasisToJson(item.legal_basis));
      responsibilities.push_back(item.responsibilities);
      accountability.push_back(item.accountability);
      changed_on.push_back(common::FormatIsoDate(item.changed_on));
      random_check.push_back(item.random_check ? "true" : "false");
    }
  }
};

}  // namespace

std::string PowersItemKey(const std::string& agency_credit_code, const std::string& source_id) {
  return agency_credit_code + "/" + source_id;
}

PgPowersStore::PgPowersStore(common::PgPool& pool) : pool_(pool), rejections_(pool) {
  for (const Statement& s : {kMerge, kList, kListByKeyword, kPlanForTheKeyword, kChanges, kFind, kEnforcementUnits}) {
    pool_.Prepare(s);
  }
}

std::vector<common::UpsertOutcome> PgPowersStore::UpsertBatch(const std::string& city_code,
                                                              const std::vector<PowersItem>& valid,
                                                              const std::vector<common::Rejection>& rejected,
                                                              common::Date today) {
  const ItemColumns columns(valid);
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    std::vector<std::string> accepted;
    if (!valid.empty()) {
      // The merge advances change_seq: writers of the feed take turns from
      // here to commit, so change_seq order is commit order and a reader
      // resuming after a seq never skips a later-committed smaller one.
      common::LockFeed(tx, kFeed);
      for (const auto& row : tx.exec_prepared(
               kMerge.name, city_code, common::FormatIsoDate(today), ArrayLiteral(columns.agency),
               ArrayLiteral(columns.source_id), ArrayLiteral(columns.source_version), ArrayLiteral(columns.name),
               ArrayLiteral(columns.category), ArrayLiteral(columns.legal_basis),
               ArrayLiteral(columns.responsibilities), ArrayLiteral(columns.accountability),
               ArrayLiteral(columns.changed_on), ArrayLiteral(columns.random_check))) {
        accepted.push_back(PowersItemKey(row[0].as<std::string>(), row[1].as<std::string>()));
      }
    }
    const std::set<std::string> written(accepted.begin(), accepted.end());
    std::vector<common::UpsertOutcome> result;
    for (const auto& item : valid) {
      result.push_back(written.contains(PowersItemKey(item.agency_credit_code, item.source_id))
                           ? common::UpsertOutcome::kAccepted
                           : common::UpsertOutcome::kUnchanged);
    }
    rejections_.Clear(tx, city_code, "powers_item", accepted);
    rejections_.Record(tx, city_code, rejected);
    tx.commit();
    return result;
  });
}

std::vector<PowersItem> PgPowersStore::List(const PowersFilter& f) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    if (!f.keyword.empty()) tx.exec_prepared(kPlanForTheKeyword.name);
    const pqxx::result rows =
        f.keyword.empty() ? tx.exec_prepared(kList.name, f.agency_credit_code, f.category, f.random_check,
                                             f.after_agency_credit_code, f.after_source_id, f.limit)
                          : tx.exec_prepared(kListByKeyword.name, f.agency_credit_code, f.category, f.random_check,
                                             f.keyword, f.after_agency_credit_code, f.after_source_id, f.limit);
    std::vector<PowersItem> out;
    for (const auto& row : rows) out.push_back(FromRow(row));
    return out;
  });
}

std::vector<PowersItem> PgPowersStore::Changes(int64_t after_seq, int limit) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<PowersItem> out;
    for (const auto& row : tx.exec_prepared(kChanges.name, after_seq, limit)) out.push_back(FromRow(row));
    return out;
  });
}

std::vector<PowersItem> PgPowersStore::Find(const std::vector<std::string>& agencies,
                                            const std::vector<std::string>& source_ids) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<PowersItem> out;
    for (const auto& r : tx.exec_prepared(kFind.name, ArrayLiteral(agencies), ArrayLiteral(source_ids))) {
      PowersItem p;
      p.agency_credit_code = r[0].as<std::string>();
      p.source_id = r[1].as<std::string>();
      p.city_code = r[2].as<std::string>();
      p.name = r[3].as<std::string>();
      p.category = static_cast<PowerCategory>(r[4].as<int>());
      p.random_check = r[5].as<bool>();
      out.push_back(std::move(p));
    }
    return out;
  });
}

std::vector<EnforcementUnit> PgPowersStore::EnforcementUnits(std::size_t limit) {
  std::vector<std::string> categories;
  for (PowerCategory c : kEnforcementPowers) categories.push_back(std::to_string(static_cast<int>(c)));
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<EnforcementUnit> out;
    for (const auto& r : tx.exec_prepared(kEnforcementUnits.name, ArrayLiteral(categories), limit)) {
      out.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>()});
    }
    return out;
  });
}

}  // namespace gongkai::registry
