#include "services/penalties/penalty_store.h"

namespace gongkai::penalties {
namespace {

using common::Statement;

// Writers of the feed take turns, so seq order is commit order and a reader
// resuming after a seq never skips a later-committed smaller one.
constexpr char kFeedLock[] = "SELECT pg_advisory_xact_lock(hashtext('penalties.changes'))";

#define GK_PUBLIC_COLUMNS(t)                                                                                       \
  t "kind, " t "agency_credit_code, " t "source_id, " t "city_code, " t "domain, " t "source_version, "             \
  "coalesce(" t "public_record::text, ''), " t "clock_start::text, " t "published_on::text, "                       \
  "coalesce(" t "public_until::text, ''), coalesce(" t "withdrawn_on::text, ''), coalesce(" t "withdrawal_reason, 0), " \
  "coalesce(" t "withdrawal_explanation, ''), coalesce(" t "withdrawal_event_date::text, ''), "                     \
  "coalesce(" t "released_on::text, ''), coalesce(" t "release_explanation, '')"

const Statement kUpsert{
    "penalties_upsert",
    "WITH old AS (SELECT public_record IS NOT NULL AS was_public FROM penalties.records "
    "  WHERE kind = $1 AND agency_credit_code = $2 AND source_id = $3) "
    "INSERT INTO penalties.records AS r (kind, agency_credit_code, source_id, city_code, domain, source_version, "
    "record, public_record, public_party_name, clock_start, published_on, public_until) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, NULLIF($8, '')::jsonb, $9, $10::date, $11::date, "
    "NULLIF($12, '')::date) "
    "ON CONFLICT (kind, agency_credit_code, source_id) DO UPDATE SET domain = EXCLUDED.domain, "
    "source_version = EXCLUDED.source_version, record = EXCLUDED.record, public_record = EXCLUDED.public_record, "
    "public_party_name = EXCLUDED.public_party_name, clock_start = EXCLUDED.clock_start, "
    "public_until = EXCLUDED.public_until "
    "WHERE r.source_version < EXCLUDED.source_version AND r.city_code = EXCLUDED.city_code "
    "RETURNING coalesce((SELECT was_public FROM old), false), public_record IS NOT NULL, withdrawn_on IS NOT NULL"};

const Statement kAppendChange{
    "penalties_append_change",
    "INSERT INTO penalties.changes (kind, agency_credit_code, source_id, type, snapshot) "
    "SELECT kind, agency_credit_code, source_id, $4, to_jsonb(r) - 'record' FROM penalties.records r "
    "WHERE kind = $1 AND agency_credit_code = $2 AND source_id = $3"};

const Statement kGet{"penalties_get",
                     "SELECT " GK_PUBLIC_COLUMNS("") ", record::text FROM penalties.records "
                     "WHERE kind = $1 AND agency_credit_code = $2 AND source_id = $3"};

const Statement kWithdraw{
    "penalties_withdraw",
    "UPDATE penalties.records SET withdrawn_on = $5::date, withdrawal_reason = $3, withdrawal_explanation = $4, "
    "withdrawal_event_date = $6::date WHERE kind = 1 AND agency_credit_code = $1 AND source_id = $2 "
    "AND withdrawn_on IS NULL RETURNING 1"};

const Statement kRelease{
    "penalties_release",
    "UPDATE penalties.records SET released_on = $3::date, release_explanation = $4 "
    "WHERE kind = 2 AND agency_credit_code = $1 AND source_id = $2 AND released_on IS NULL RETURNING 1"};

const Statement kListPublished{
    "penalties_list_published",
    "SELECT " GK_PUBLIC_COLUMNS("") " FROM penalties.records "
    "WHERE kind = $1 AND public_record IS NOT NULL AND withdrawn_on IS NULL "
    "AND (public_until IS NULL OR public_until >= $2::date) "
    "AND ($3 = '' OR city_code = $3) AND ($4 = '' OR agency_credit_code = $4) AND ($5 = '' OR domain = $5) "
    "AND ($6 = '' OR clock_start >= NULLIF($6, '')::date) AND ($7 = '' OR clock_start <= NULLIF($7, '')::date) "
    "AND ($8 = '' OR strpos(public_party_name, $8) > 0) "
    "AND ($9 = '' OR (clock_start, agency_credit_code, source_id) < (NULLIF($9, '')::date, $10, $11)) "
    "ORDER BY clock_start DESC, agency_credit_code DESC, source_id DESC LIMIT $12"};

const Statement kChanges{
    "penalties_changes",
    "SELECT c.seq, c.type, " GK_PUBLIC_COLUMNS("s.") " FROM penalties.changes c "
    "CROSS JOIN LATERAL jsonb_populate_record(NULL::penalties.records, c.snapshot) s "
    "WHERE c.seq > $1 ORDER BY c.seq LIMIT $2"};

const Statement kPublicationCounts{
    "penalties_publication_counts",
    "SELECT kind, city_code, domain, clock_start::text, published_on::text, count(*) FROM penalties.records "
    "GROUP BY 1, 2, 3, 4, 5 "
    "UNION ALL "
    "SELECT CASE kind WHEN 'decision' THEN 1 ELSE 2 END, city_code, coalesce(raw->>'domain', ''), "
    "coalesce(raw->>'decision_date', raw->>'period_start', ''), '', count(*) FROM penalties.rejections "
    "GROUP BY 1, 2, 3, 4, 5"};

RecordRow RowFrom(const pqxx::row& r, int offset) {
  RecordRow row;
  row.kind = static_cast<PenaltyKind>(r[offset + 0].as<int>());
  row.agency_credit_code = r[offset + 1].as<std::string>();
  row.source_id = r[offset + 2].as<std::string>();
  row.city_code = r[offset + 3].as<std::string>();
  row.domain = r[offset + 4].as<std::string>();
  row.source_version = r[offset + 5].as<int64_t>();
  row.public_json = r[offset + 6].as<std::string>();
  row.clock_start = r[offset + 7].as<std::string>();
  row.published_on = r[offset + 8].as<std::string>();
  row.public_until = r[offset + 9].as<std::string>();
  row.withdrawn_on = r[offset + 10].as<std::string>();
  row.withdrawal_reason = r[offset + 11].as<int>();
  row.withdrawal_explanation = r[offset + 12].as<std::string>();
  row.withdrawal_event_date = r[offset + 13].as<std::string>();
  row.released_on = r[offset + 14].as<std::string>();
  row.release_explanation = r[offset + 15].as<std::string>();
  return row;
}

std::optional<RecordRow> GetIn(pqxx::transaction_base& tx, PenaltyKind kind, const std::string& agency,
                               const std::string& source_id) {
  auto rows = tx.exec_prepared(kGet.name, static_cast<int>(kind), agency, source_id);
  if (rows.empty()) return std::nullopt;
  RecordRow row = RowFrom(rows[0], 0);
  row.record_json = rows[0][16].as<std::string>();
  return row;
}

void AppendChange(pqxx::work& tx, PenaltyKind kind, const std::string& agency, const std::string& source_id,
                  ChangeType type) {
  tx.exec_prepared(kAppendChange.name, static_cast<int>(kind), agency, source_id, static_cast<int>(type));
}

}  // namespace

PgPenaltyStore::PgPenaltyStore(common::PgPool& pool) : pool_(pool), rejections_("penalties") {
  for (const Statement& s :
       {kUpsert, kAppendChange, kGet, kWithdraw, kRelease, kListPublished, kChanges, kPublicationCounts}) {
    pool_.Prepare(s);
  }
}

std::vector<WriteResult> PgPenaltyStore::UpsertBatch(const std::string& city_code,
                                                     const std::vector<RecordToStore>& valid,
                                                     const std::vector<common::Rejection>& rejected,
                                                     const std::string& today) {
  return pool_.Run([&](pqxx::connection& conn) {
    std::vector<WriteResult> results;
    results.reserve(valid.size());
    pqxx::work tx(conn);
    tx.exec(kFeedLock);
    for (const auto& r : valid) {
      auto written = tx.exec_prepared(kUpsert.name, static_cast<int>(r.kind), r.agency_credit_code, r.source_id,
                                      city_code, r.domain, r.source_version, r.record_json, r.public_json,
                                      r.public_party_name, r.clock_start, today, r.public_until);
      WriteResult result;
      if (!written.empty()) {
        result.outcome = common::UpsertOutcome::kAccepted;
        bool was_public = written[0][0].as<bool>();
        bool is_public = written[0][1].as<bool>();
        bool withdrawn = written[0][2].as<bool>();
        result.first_publication = is_public && !was_public;
        if (!withdrawn && (is_public || was_public)) {
          AppendChange(tx, r.kind, r.agency_credit_code, r.source_id,
                       is_public ? ChangeType::kPublished : ChangeType::kUnpublished);
        }
        rejections_.Clear(tx, city_code, r.kind == PenaltyKind::kDecision ? "decision" : "measure",
                          r.agency_credit_code + "/" + r.source_id);
      }
      results.push_back(result);
    }
    for (const auto& r : rejected) rejections_.Record(tx, city_code, r);
    tx.commit();
    return results;
  });
}

std::optional<RecordRow> PgPenaltyStore::Get(PenaltyKind kind, const std::string& agency,
                                             const std::string& source_id) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    return GetIn(tx, kind, agency, source_id);
  });
}

std::optional<RecordRow> PgPenaltyStore::Withdraw(const std::string& agency, const std::string& source_id, int reason,
                                                  const std::string& explanation, const std::string& event_date,
                                                  const std::string& today) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    tx.exec(kFeedLock);
    if (!tx.exec_prepared(kWithdraw.name, agency, source_id, reason, explanation, today, event_date).empty()) {
      AppendChange(tx, PenaltyKind::kDecision, agency, source_id, ChangeType::kWithdrawn);
    }
    auto row = GetIn(tx, PenaltyKind::kDecision, agency, source_id);
    tx.commit();
    return row;
  });
}

std::optional<RecordRow> PgPenaltyStore::Release(const std::string& agency, const std::string& source_id,
                                                 const std::string& release_date, const std::string& explanation) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    tx.exec(kFeedLock);
    if (!tx.exec_prepared(kRelease.name, agency, source_id, release_date, explanation).empty()) {
      AppendChange(tx, PenaltyKind::kMeasure, agency, source_id, ChangeType::kReleased);
    }
    auto row = GetIn(tx, PenaltyKind::kMeasure, agency, source_id);
    tx.commit();
    return row;
  });
}

std::vector<RecordRow> PgPenaltyStore::ListPublished(const PublishedFilter& f, const std::string& today) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<RecordRow> out;
    for (const auto& row : tx.exec_prepared(kListPublished.name, static_cast<int>(f.kind), today, f.city_code,
                                            f.agency_credit_code, f.domain, f.date_from, f.date_to, f.party_name,
                                            f.after_clock_start, f.after_agency, f.after_source_id, f.limit)) {
      out.push_back(RowFrom(row, 0));
    }
    return out;
  });
}

std::vector<ChangeRow> PgPenaltyStore::Changes(int64_t after_seq, int limit) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<ChangeRow> out;
    for (const auto& row : tx.exec_prepared(kChanges.name, after_seq, limit)) {
      out.push_back({row[0].as<int64_t>(), static_cast<ChangeType>(row[1].as<int>()), RowFrom(row, 2)});
    }
    return out;
  });
}

std::vector<common::Rejection> PgPenaltyStore::ListRejections(const std::string& city_code, int64_t before_id,
                                                              int limit) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    return rejections_.List(tx, city_code, before_id, limit);
  });
}

std::vector<PublicationCount> PgPenaltyStore::PublicationCounts() {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<PublicationCount> out;
    for (const auto& r : tx.exec_prepared(kPublicationCounts.name)) {
      out.push_back({static_cast<PenaltyKind>(r[0].as<int>()), r[1].as<std::string>(), r[2].as<std::string>(),
                     r[3].as<std::string>(), r[4].as<std::string>(), r[5].as<int64_t>()});
    }
    return out;
  });
}

}  // namespace gongkai::penalties
