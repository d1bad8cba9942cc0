#include "services/penalties/penalty_store.h"

#include <map>

#include "common/encoding.h"

namespace gongkai::penalties {
namespace {

using common::Statement;

// Writers of the feed take turns, so seq order is commit order and a reader
// resuming after a seq never skips a later-committed smaller one.
constexpr char kFeedLock[] = "SELECT pg_advisory_xact_lock(hashtext('penalties.changes'))";

// A batch arrives by COPY into this per-session table, then one statement
// merges it: the cost per record is a COPY line, not a round trip.
constexpr char kCreateIncoming[] =
    "CREATE TEMP TABLE IF NOT EXISTS incoming_records (kind smallint, agency_credit_code text, source_id text, "
    "domain text, source_version bigint, record bytea, public_record bytea, public_party_name text, "
    "clock_start date, public_until text) ON COMMIT DELETE ROWS";

// What the merge wrote and which feed event each needs, until the feed is
// written at the end of the transaction.
constexpr char kCreateWritten[] =
    "CREATE TEMP TABLE IF NOT EXISTS written_records (kind smallint, agency_credit_code text, source_id text, "
    "type smallint) ON COMMIT DELETE ROWS";

// The feed events of a batch, appended under the feed lock just before commit,
// so batches merge in parallel and only this short step takes turns.
constexpr char kAppendBatchChanges[] =
    "INSERT INTO penalties.changes (kind, agency_credit_code, source_id, type, snapshot) "
    "SELECT r.kind, r.agency_credit_code, r.source_id, w.type, to_jsonb(r) - 'record' "
    "FROM written_records w JOIN penalties.records r USING (kind, agency_credit_code, source_id) "
    "WHERE w.type > 0 ORDER BY r.agency_credit_code, r.source_id";

#define GK_PUBLIC_COLUMNS(t)                                                                                        \
  t "kind, " t "agency_credit_code, " t "source_id, " t "city_code, " t "domain, " t "source_version, "              \
  "coalesce(" t "public_record, ''::bytea), " t "clock_start::text, " t "published_on::text, "                       \
  "coalesce(" t "public_until::text, ''), coalesce(" t "withdrawn_on::text, ''), coalesce(" t "withdrawal_reason, 0), " \
  "coalesce(" t "withdrawal_explanation, ''), coalesce(" t "withdrawal_event_date::text, ''), "                      \
  "coalesce(" t "released_on::text, ''), coalesce(" t "release_explanation, '')"

// $1 city, $2 today. Returns the records written, and whether each is
// published for the first time.
const Statement kMerge{
    "penalties_merge",
    "WITH old AS ("
    "  SELECT r.kind, r.agency_credit_code, r.source_id, r.public_record IS NOT NULL AS was_public "
    "  FROM penalties.records r JOIN incoming_records i "
    "  ON (r.kind, r.agency_credit_code, r.source_id) = (i.kind, i.agency_credit_code, i.source_id)), "
    "up AS ("
    "  INSERT INTO penalties.records AS r (kind, agency_credit_code, source_id, city_code, domain, source_version, "
    "  record, public_record, public_party_name, clock_start, published_on, public_until) "
    "  SELECT kind, agency_credit_code, source_id, $1, domain, source_version, record, "
    "  NULLIF(public_record, ''::bytea), public_party_name, clock_start, $2::date, NULLIF(public_until, '')::date "
    "  FROM incoming_records "
    "  ON CONFLICT (kind, agency_credit_code, source_id) DO UPDATE SET domain = EXCLUDED.domain, "
    "  source_version = EXCLUDED.source_version, record = EXCLUDED.record, public_record = EXCLUDED.public_record, "
    "  public_party_name = EXCLUDED.public_party_name, clock_start = EXCLUDED.clock_start, "
    "  public_until = EXCLUDED.public_until "
    "  WHERE r.source_version < EXCLUDED.source_version AND r.city_code = EXCLUDED.city_code "
    "  RETURNING r.*), "
    "written AS ("
    "  INSERT INTO written_records (kind, agency_credit_code, source_id, type) "
    "  SELECT up.kind, up.agency_credit_code, up.source_id, "
    "  CASE WHEN up.withdrawn_on IS NOT NULL THEN 0 WHEN up.public_record IS NOT NULL THEN 1 "
    "       WHEN coalesce(old.was_public, false) THEN 4 ELSE 0 END "
    "  FROM up LEFT JOIN old USING (kind, agency_credit_code, source_id)), "
    "cleared AS ("
    "  DELETE FROM penalties.rejections j USING up WHERE j.city_code = $1 "
    "  AND j.kind = CASE up.kind WHEN 1 THEN 'decision' ELSE 'measure' END "
    "  AND j.record_key = up.agency_credit_code || '/' || up.source_id) "
    "SELECT up.kind, up.agency_credit_code, up.source_id, "
    "up.public_record IS NOT NULL AND NOT coalesce(old.was_public, false) "
    "FROM up LEFT JOIN old USING (kind, agency_credit_code, source_id)"};

const Statement kAppendChange{
    "penalties_append_change",
    "INSERT INTO penalties.changes (kind, agency_credit_code, source_id, type, snapshot) "
    "SELECT kind, agency_credit_code, source_id, $4, to_jsonb(r) - 'record' FROM penalties.records r "
    "WHERE kind = $1 AND agency_credit_code = $2 AND source_id = $3"};

const Statement kGet{"penalties_get",
                     "SELECT " GK_PUBLIC_COLUMNS("") ", record FROM penalties.records "
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

std::string Bytes(const pqxx::field& f) { return pqxx::binarystring(f).str(); }

// bytea in COPY text form: the hex input format.
std::string HexBytea(const std::string& bytes) { return "\\x" + common::HexEncode(bytes); }

RecordRow RowFrom(const pqxx::row& r, int offset) {
  RecordRow row;
  row.kind = static_cast<PenaltyKind>(r[offset + 0].as<int>());
  row.agency_credit_code = r[offset + 1].as<std::string>();
  row.source_id = r[offset + 2].as<std::string>();
  row.city_code = r[offset + 3].as<std::string>();
  row.domain = r[offset + 4].as<std::string>();
  row.source_version = r[offset + 5].as<int64_t>();
  row.public_record = Bytes(r[offset + 6]);
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
  row.record = Bytes(rows[0][16]);
  return row;
}

void AppendChange(pqxx::work& tx, PenaltyKind kind, const std::string& agency, const std::string& source_id,
                  ChangeType type) {
  tx.exec_prepared(kAppendChange.name, static_cast<int>(kind), agency, source_id, static_cast<int>(type));
}

}  // namespace

PgPenaltyStore::PgPenaltyStore(common::PgPool& pool) : pool_(pool), rejections_("penalties") {
  for (const Statement& s :
       {kAppendChange, kGet, kWithdraw, kRelease, kListPublished, kChanges, kPublicationCounts}) {
    pool_.Prepare(s);
  }
}

std::vector<WriteResult> PgPenaltyStore::UpsertBatch(const std::string& city_code,
                                                     const std::vector<RecordToStore>& valid,
                                                     const std::vector<common::Rejection>& rejected,
                                                     const std::string& today) {
  return pool_.Run([&](pqxx::connection& conn) {
    std::vector<WriteResult> results(valid.size());
    pqxx::work tx(conn);
    if (!valid.empty()) {
      tx.exec(kCreateIncoming);
      tx.exec(kCreateWritten);
      {
        pqxx::stream_to copy(tx, "incoming_records",
                             std::vector<std::string>{"kind", "agency_credit_code", "source_id", "domain",
                                                      "source_version", "record", "public_record",
                                                      "public_party_name", "clock_start", "public_until"});
        for (const auto& r : valid) {
          copy << std::make_tuple(static_cast<int>(r.kind), r.agency_credit_code, r.source_id, r.domain,
                                  r.source_version, HexBytea(r.record), HexBytea(r.public_record),
                                  r.public_party_name, r.clock_start, r.public_until);
        }
        copy.complete();
      }
      // The merge is not prepared: it names a temporary table, which a
      // connection only has once it has written a batch.
      std::map<std::pair<std::string, std::string>, bool> written;
      for (const auto& row : tx.exec_params(kMerge.sql, city_code, today)) {
        written[{row[1].as<std::string>(), row[2].as<std::string>()}] = row[3].as<bool>();
      }
      for (std::size_t i = 0; i < valid.size(); ++i) {
        auto it = written.find({valid[i].agency_credit_code, valid[i].source_id});
        if (it == written.end()) continue;
        results[i] = {common::UpsertOutcome::kAccepted, it->second};
      }
    }
    for (const auto& r : rejected) rejections_.Record(tx, city_code, r);
    if (!valid.empty()) {
      tx.exec(kFeedLock);
      tx.exec(kAppendBatchChanges);
    }
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
