#include "services/registry/flowchart_store.h"

#include <nlohmann/json.hpp>
#include <set>

#include "common/calendar/iso_date.h"
#include "common/sql.h"

namespace gongkai::registry {
namespace {

using common::ArrayLiteral;
using common::Statement;

constexpr char kFeed[] = "registry.flowcharts_change_seq";

const Statement kAgenciesOf{"registry_flowchart_agencies",
                            "SELECT credit_code, city_code, array_to_string(domains, ',') FROM registry.agencies "
                            "WHERE credit_code = ANY($1::text[])"};

// A batch in one statement: $1 today, $2..$8 the flowcharts' columns, one
// text array each. Each is stored under its agency's city (read here, so it
// is the registry's, whoever sent it). Inserts, or replaces an older version
// of the same city; a version that moves changed_on is published today, one
// that keeps it keeps its day. Returns the keys it wrote.
const Statement kMergeFlowcharts{
    "registry_merge_flowcharts",
    "INSERT INTO registry.flowcharts AS f (agency_credit_code, domain, city_code, source_version, title, steps, "
    "link, changed_on, published_on) "
    "SELECT i.agency_credit_code, i.domain, a.city_code, i.source_version::bigint, i.title, i.steps::jsonb, i.link, "
    "i.changed_on::date, $1::date "
    "FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) "
    "AS i(agency_credit_code, domain, source_version, title, steps, link, changed_on) "
    "JOIN registry.agencies a ON a.credit_code = i.agency_credit_code "
    "ON CONFLICT (agency_credit_code, domain) DO UPDATE SET source_version = EXCLUDED.source_version, "
    "title = EXCLUDED.title, steps = EXCLUDED.steps, link = EXCLUDED.link, changed_on = EXCLUDED.changed_on, "
    "published_on = CASE WHEN f.changed_on = EXCLUDED.changed_on THEN f.published_on "
    "ELSE EXCLUDED.published_on END, "
    "updated_at = now(), change_seq = nextval('registry.flowcharts_change_seq') "
    "WHERE f.source_version < EXCLUDED.source_version AND f.city_code = EXCLUDED.city_code "
    "RETURNING f.agency_credit_code, f.domain"};

// $1 agency, $2 domain, $3 city ('' for any); $4, $5 the keyset position
// ('' on the first page); $6 limit.
const Statement kListFlowcharts{
    "registry_list_flowcharts",
    "SELECT agency_credit_code, domain, city_code, source_version, title, steps::text, link, changed_on::text, "
    "published_on::text, to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), change_seq "
    "FROM registry.flowcharts WHERE ($1 = '' OR agency_credit_code = $1) AND ($2 = '' OR domain = $2) "
    "AND ($3 = '' OR city_code = $3) AND (agency_credit_code, domain) > ($4, $5) "
    "ORDER BY agency_credit_code, domain LIMIT $6"};

// The columns of kListFlowcharts.
const Statement kFlowchartChanges{
    "registry_flowchart_changes",
    "SELECT agency_credit_code, domain, city_code, source_version, title, steps::text, link, changed_on::text, "
    "published_on::text, to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), change_seq "
    "FROM registry.flowcharts WHERE change_seq > $1 ORDER BY change_seq LIMIT $2"};

// As kMergeFlowcharts, for provisions: $1 today, $2..$7 the columns.
const Statement kMergeProvisions{
    "registry_merge_staffing_provisions",
    "INSERT INTO registry.staffing_provisions AS s (agency_credit_code, city_code, source_version, title, "
    "document_number, approved_on, link, published_on) "
    "SELECT i.agency_credit_code, a.city_code, i.source_version::bigint, i.title, i.document_number, "
    "i.approved_on::date, i.link, $1::date "
    "FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) "
    "AS i(agency_credit_code, source_version, title, document_number, approved_on, link) "
    "JOIN registry.agencies a ON a.credit_code = i.agency_credit_code "
    "ON CONFLICT (agency_credit_code) DO UPDATE SET source_version = EXCLUDED.source_version, "
    "title = EXCLUDED.title, document_number = EXCLUDED.document_number, approved_on = EXCLUDED.approved_on, "
    "link = EXCLUDED.link, published_on = CASE WHEN s.approved_on = EXCLUDED.approved_on THEN s.published_on "
    "ELSE EXCLUDED.published_on END, updated_at = now() "
    "WHERE s.source_version < EXCLUDED.source_version AND s.city_code = EXCLUDED.city_code "
    "RETURNING s.agency_credit_code"};

// $1 agency, $2 city ('' for any); $3 the keyset position; $4 limit.
const Statement kListProvisions{
    "registry_list_staffing_provisions",
    "SELECT agency_credit_code, city_code, source_version, title, document_number, approved_on::text, link, "
    "published_on::text, to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
    "FROM registry.staffing_provisions WHERE ($1 = '' OR agency_credit_code = $1) AND ($2 = '' OR city_code = $2) "
    "AND agency_credit_code > $3 ORDER BY agency_credit_code LIMIT $4"};

std::string StepsToJson(const std::vector<FlowchartStep>& steps) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : steps) out.push_back({{"stage", static_cast<int>(s.stage)}, {"description", s.description}});
  return out.dump();
}

std::vector<FlowchartStep> StepsFromJson(const std::string& text) {
  std::vector<FlowchartStep> out;
  for (const auto& j : nlohmann::json::parse(text)) {
    out.push_back({static_cast<FlowchartStage>(j.at("stage").get<int>()), j.at("description").get<std::string>()});
  }
  return out;
}

Flowchart FlowchartFromRow(const pqxx::row& r) {
  Flowchart f;
  f.agency_credit_code = r[0].as<std::string>();
  f.domain = r[1].as<std::string>();
  f.city_code = r[2].as<std::string>();
  f.source_version = r[3].as<int64_t>();
  f.title = r[4].as<std::string>();
  f.steps = StepsFromJson(r[5].as<std::string>());
  f.link = r[6].as<std::string>();
  f.changed_on = common::ReadDate(r[7]);
  f.published_on = common::ReadDate(r[8]);
  f.updated_at = r[9].as<std::string>();
  f.change_seq = r[10].as<int64_t>();
  return f;
}

std::vector<Flowchart> FlowchartsOf(const pqxx::result& rows) {
  std::vector<Flowchart> out;
  for (const auto& row : rows) out.push_back(FlowchartFromRow(row));
  return out;
}

// Splits "a,b" (domain codes hold no comma).
std::vector<std::string> SplitDomains(const std::string& joined) {
  std::vector<std::string> out;
  for (std::size_t start = 0; !joined.empty();) {
    const std::size_t comma = joined.find(',', start);
    out.push_back(joined.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// The outcome of each valid record: accepted when the merge wrote its key.
template <typename Record, typename KeyOf>
std::vector<common::UpsertOutcome> Outcomes(const std::vector<Record>& valid, const std::vector<std::string>& written,
                                            KeyOf key_of) {
  const std::set<std::string> keys(written.begin(), written.end());
  std::vector<common::UpsertOutcome> out;
  for (const auto& r : valid) {
    out.push_back(keys.contains(key_of(r)) ? common::UpsertOutcome::kAccepted : common::UpsertOutcome::kUnchanged);
  }
  return out;
}

}  // namespace

PgFlowchartStore::PgFlowchartStore(common::PgPool& pool) : pool_(pool), rejections_(pool) {
  for (const Statement& s :
       {kAgenciesOf, kMergeFlowcharts, kListFlowcharts, kFlowchartChanges, kMergeProvisions, kListProvisions}) {
    pool_.Prepare(s);
  }
}

std::map<std::string, AgencyFacts> PgFlowchartStore::AgenciesOf(const std::vector<std::string>& codes) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::map<std::string, AgencyFacts> out;
    for (const auto& r : tx.exec_prepared(kAgenciesOf.name, ArrayLiteral(codes))) {
      out[r[0].as<std::string>()] = {r[1].as<std::string>(), SplitDomains(r[2].as<std::string>())};
    }
    return out;
  });
}

std::vector<common::UpsertOutcome> PgFlowchartStore::UpsertFlowcharts(const std::string& scope,
                                                                      const std::vector<Flowchart>& valid,
                                                                      const std::vector<common::Rejection>& rejected,
                                                                      common::Date today) {
  std::vector<std::string> agency, domain, source_version, title, steps, link, changed_on;
  for (const auto& f : valid) {
    agency.push_back(f.agency_credit_code);
    domain.push_back(f.domain);
    source_version.push_back(std::to_string(f.source_version));
    title.push_back(f.title);
    steps.push_back(StepsToJson(f.steps));
    link.push_back(f.link);
    changed_on.push_back(common::FormatIsoDate(f.changed_on));
  }
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    std::vector<std::string> accepted;
    if (!valid.empty()) {
      // The merge advances change_seq: writers of the feed take turns from
      // here to commit, so change_seq order is commit order.
      common::LockFeed(tx, kFeed);
      for (const auto& row : tx.exec_prepared(kMergeFlowcharts.name, common::FormatIsoDate(today), ArrayLiteral(agency),
                                              ArrayLiteral(domain), ArrayLiteral(source_version), ArrayLiteral(title),
                                              ArrayLiteral(steps), ArrayLiteral(link), ArrayLiteral(changed_on))) {
        accepted.push_back(FlowchartKey(row[0].as<std::string>(), row[1].as<std::string>()));
      }
    }
    auto outcomes =
        Outcomes(valid, accepted, [](const Flowchart& f) { return FlowchartKey(f.agency_credit_code, f.domain); });
    rejections_.Clear(tx, scope, "flowchart", accepted);
    rejections_.Record(tx, scope, rejected);
    tx.commit();
    return outcomes;
  });
}

std::vector<Flowchart> PgFlowchartStore::ListFlowcharts(const FlowchartFilter& f) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    return FlowchartsOf(tx.exec_prepared(kListFlowcharts.name, f.agency_credit_code, f.domain, f.city_code,
                                         f.after_agency_credit_code, f.after_domain, f.limit));
  });
}

std::vector<Flowchart> PgFlowchartStore::FlowchartChanges(int64_t after_seq, int limit) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    return FlowchartsOf(tx.exec_prepared(kFlowchartChanges.name, after_seq, limit));
  });
}

std::vector<common::UpsertOutcome> PgFlowchartStore::UpsertProvisions(const std::string& scope,
                                                                      const std::vector<StaffingProvisions>& valid,
                                                                      const std::vector<common::Rejection>& rejected,
                                                                      common::Date today) {
  std::vector<std::string> agency, source_version, title, document_number, approved_on, link;
  for (const auto& p : valid) {
    agency.push_back(p.agency_credit_code);
    source_version.push_back(std::to_string(p.source_version));
    title.push_back(p.title);
    document_number.push_back(p.document_number);
    approved_on.push_back(common::FormatIsoDate(p.approved_on));
    link.push_back(p.link);
  }
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    std::vector<std::string> accepted;
    if (!valid.empty()) {
      for (const auto& row : tx.exec_prepared(
               kMergeProvisions.name, common::FormatIsoDate(today), ArrayLiteral(agency), ArrayLiteral(source_version),
               ArrayLiteral(title), ArrayLiteral(document_number), ArrayLiteral(approved_on), ArrayLiteral(link))) {
        accepted.push_back(row[0].as<std::string>());
      }
    }
    auto outcomes = Outcomes(valid, accepted, [](const StaffingProvisions& p) { return p.agency_credit_code; });
    rejections_.Clear(tx, scope, "staffing_provisions", accepted);
    rejections_.Record(tx, scope, rejected);
    tx.commit();
    return outcomes;
  });
}

std::vector<StaffingProvisions> PgFlowchartStore::ListProvisions(const ProvisionsFilter& f) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<StaffingProvisions> out;
    for (const auto& r : tx.exec_prepared(kListProvisions.name, f.agency_credit_code, f.city_code,
                                          f.after_agency_credit_code, f.limit)) {
      StaffingProvisions p;
      p.agency_credit_code = r[0].as<std::string>();
      p.city_code = r[1].as<std::string>();
      p.source_version = r[2].as<int64_t>();
      p.title = r[3].as<std::string>();
      p.document_number = r[4].as<std::string>();
      p.approved_on = common::ReadDate(r[5]);
      p.link = r[6].as<std::string>();
      p.published_on = common::ReadDate(r[7]);
      p.updated_at = r[8].as<std::string>();
      out.push_back(std::move(p));
    }
    return out;
  });
}

}  // namespace gongkai::registry
