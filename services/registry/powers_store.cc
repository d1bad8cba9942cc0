#include "services/registry/powers_store.h"

#include <set>

#include "common/calendar/iso_date.h"
#include "common/sql.h"

namespace gongkai::registry {
namespace {

using common::ArrayLiteral;
using common::Statement;

constexpr char kFeed[] = "registry.powers_change_seq";

// A batch in one statement: $1 city, $2 today (the publication), $3..$11 the
// items' columns, one text array each. Inserts, or replaces an older version;
// returns the keys it wrote.
const Statement kMerge{
    "registry_merge_powers_items",
    "INSERT INTO registry.powers_items AS p (agency_credit_code, source_id, city_code, source_version, name, "
    "category, legal_basis, responsibilities, accountability, changed_on, published_on) "
    "SELECT i.agency_credit_code, i.source_id, $1, i.source_version::bigint, i.name, i.category::smallint, "
    "i.legal_basis::jsonb, i.responsibilities, i.accountability, i.changed_on::date, $2::date "
    "FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], "
    "$10::text[], $11::text[]) AS i(agency_credit_code, source_id, source_version, name, category, legal_basis, "
    "responsibilities, accountability, changed_on) "
    "ON CONFLICT (agency_credit_code, source_id) DO UPDATE SET source_version = EXCLUDED.source_version, "
    "name = EXCLUDED.name, category = EXCLUDED.category, legal_basis = EXCLUDED.legal_basis, "
    "responsibilities = EXCLUDED.responsibilities, accountability = EXCLUDED.accountability, "
    "changed_on = EXCLUDED.changed_on, published_on = EXCLUDED.published_on, "
    "change_seq = nextval('registry.powers_change_seq') "
    "WHERE p.source_version < EXCLUDED.source_version "
    "RETURNING p.agency_credit_code, p.source_id"};

// $1 agency ('' for all), $2 category (0 for all); $3, $4 the keyset
// position ('' on the first page); $5 limit.
const Statement kList{
    "registry_list_powers",
    "SELECT agency_credit_code, source_id, city_code, source_version, name, category, legal_basis::text, "
    "responsibilities, accountability, changed_on::text, published_on::text, change_seq "
    "FROM registry.powers_items WHERE ($1 = '' OR agency_credit_code = $1) AND ($2 = 0 OR category = $2) "
    "AND (agency_credit_code, source_id) > ($3, $4) "
    "ORDER BY agency_credit_code, source_id LIMIT $5"};

// As kList, with $3 a keyword found in the name or the responsibilities (a
// substring, its %, _ and backslash taken literally), in a form the trigram
// indexes of migration 005 serve; $4, $5 the keyset position, $6 limit. A
// statement of its own: in a plan made for any keyword, a condition
// "$3 = '' OR ..." could use no index.
const Statement kListByKeyword{
    "registry_list_powers_by_keyword",
    "SELECT agency_credit_code, source_id, city_code, source_version, name, category, legal_basis::text, "
    "responsibilities, accountability, changed_on::text, published_on::text, change_seq "
    "FROM registry.powers_items WHERE ($1 = '' OR agency_credit_code = $1) AND ($2 = 0 OR category = $2) "
    "AND (name LIKE '%' || replace(replace(replace($3, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%' "
    "OR responsibilities LIKE '%' || replace(replace(replace($3, '\\', '\\\\'), '%', '\\%'), '_', '\\_') "
    "|| '%') "
    "AND (agency_credit_code, source_id) > ($4, $5) "
    "ORDER BY agency_credit_code, source_id LIMIT $6"};

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
    "responsibilities, accountability, changed_on::text, published_on::text, change_seq "
    "FROM registry.powers_items WHERE change_seq > $1 ORDER BY change_seq LIMIT $2"};

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
  return p;
}

// A batch's columns as kMerge takes them.
struct ItemColumns {
  std::vector<std::string> agency, source_id, source_version, name, category, legal_basis, responsibilities,
      accountability, changed_on;

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
    }
  }
};

}  // namespace

std::string PowersItemKey(const std::string& agency_credit_code, const std::string& source_id) {
  return agency_credit_code + "/" + source_id;
}

PgPowersStore::PgPowersStore(common::PgPool& pool) : pool_(pool), rejections_(pool) {
  for (const Statement& s : {kMerge, kList, kListByKeyword, kPlanForTheKeyword, kChanges}) pool_.Prepare(s);
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
      for (const auto& row :
           tx.exec_prepared(kMerge.name, city_code, common::FormatIsoDate(today), ArrayLiteral(columns.agency),
                            ArrayLiteral(columns.source_id), ArrayLiteral(columns.source_version),
                            ArrayLiteral(columns.name), ArrayLiteral(columns.category),
                            ArrayLiteral(columns.legal_basis), ArrayLiteral(columns.responsibilities),
                            ArrayLiteral(columns.accountability), ArrayLiteral(columns.changed_on))) {
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
    const pqxx::result rows = f.keyword.empty()
                                  ? tx.exec_prepared(kList.name, f.agency_credit_code, f.category,
                                                     f.after_agency_credit_code, f.after_source_id, f.limit)
                                  : tx.exec_prepared(kListByKeyword.name, f.agency_credit_code, f.category, f.keyword,
                                                     f.after_agency_credit_code, f.after_source_id, f.limit);
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

}  // namespace gongkai::registry
