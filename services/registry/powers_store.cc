#include "services/registry/powers_store.h"

#include "services/registry/agency_store.h"

namespace gongkai::registry {
namespace {

using common::Statement;

constexpr char kColumns[] =
    "agency_credit_code, source_id, city_code, source_version, name, category, legal_basis::text, "
    "responsibilities, accountability, changed_on::text, published_on::text, change_seq";

const Statement kUpsert{
    "registry_upsert_powers_item",
    "INSERT INTO registry.powers_items AS p (agency_credit_code, source_id, city_code, source_version, name, "
    "category, legal_basis, responsibilities, accountability, changed_on, published_on) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10::date, $11::date) "
    "ON CONFLICT (agency_credit_code, source_id) DO UPDATE SET source_version = EXCLUDED.source_version, "
    "name = EXCLUDED.name, category = EXCLUDED.category, legal_basis = EXCLUDED.legal_basis, "
    "responsibilities = EXCLUDED.responsibilities, accountability = EXCLUDED.accountability, "
    "changed_on = EXCLUDED.changed_on, published_on = EXCLUDED.published_on, "
    "change_seq = nextval('registry.powers_change_seq') "
    "WHERE p.source_version < EXCLUDED.source_version RETURNING 1"};

const std::string kListSql = std::string("SELECT ") + kColumns +
                             " FROM registry.powers_items WHERE ($1 = '' OR agency_credit_code = $1) "
                             "AND ($2 = 0 OR category = $2) "
                             "AND ($3 = '' OR strpos(name, $3) > 0 OR strpos(responsibilities, $3) > 0) "
                             "AND (agency_credit_code, source_id) > ($4, $5) "
                             "ORDER BY agency_credit_code, source_id LIMIT $6";
const Statement kList{"registry_list_powers", kListSql.c_str()};

const std::string kChangesSql = std::string("SELECT ") + kColumns +
                                " FROM registry.powers_items WHERE change_seq > $1 ORDER BY change_seq LIMIT $2";
const Statement kChanges{"registry_powers_changes", kChangesSql.c_str()};

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
  p.changed_on = r[9].as<std::string>();
  p.published_on = r[10].as<std::string>();
  p.change_seq = r[11].as<int64_t>();
  return p;
}

}  // namespace

PgPowersStore::PgPowersStore(common::PgPool& pool) : pool_(pool) {
  for (const Statement& s : {kUpsert, kList, kChanges}) pool_.Prepare(s);
}

std::vector<UpsertOutcome> PgPowersStore::UpsertBatch(const std::string& city_code, const std::vector<PowersItem>& valid,
                                            const std::vector<common::Rejection>& rejected, const std::string& today) {
  return pool_.Run([&](pqxx::connection& conn) {
    std::vector<UpsertOutcome> result;
    pqxx::work tx(conn);
    // Writers of the feed take turns, so change_seq order is commit order and a
    // reader resuming after a seq never skips a later-committed smaller one.
    tx.exec("SELECT pg_advisory_xact_lock(hashtext('registry.powers_change_seq'))");
    for (const auto& item : valid) {
      bool written = !tx.exec_prepared(kUpsert.name, item.agency_credit_code, item.source_id, city_code,
                                       item.source_version, item.name, static_cast<int>(item.category),
                                       common::LegalBasisToJson(item.legal_basis), item.responsibilities, item.accountability,
                                       item.changed_on, today)
                          .empty();
      if (written) RegistryRejections().Clear(tx, city_code, "powers_item", item.agency_credit_code + "/" + item.source_id);
      result.push_back(written ? UpsertOutcome::kAccepted : UpsertOutcome::kUnchanged);
    }
    for (const auto& r : rejected) RegistryRejections().Record(tx, city_code, r);
    tx.commit();
    return result;
  });
}

std::vector<PowersItem> PgPowersStore::List(const PowersFilter& f) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    auto bar = f.after.find('|');
    std::string after_agency = bar == std::string::npos ? f.after : f.after.substr(0, bar);
    std::string after_source = bar == std::string::npos ? "" : f.after.substr(bar + 1);
    std::vector<PowersItem> out;
    for (const auto& row :
         tx.exec_prepared(kList.name, f.agency_credit_code, f.category, f.keyword, after_agency, after_source, f.limit)) {
      out.push_back(FromRow(row));
    }
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
