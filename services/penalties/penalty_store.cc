#include "services/penalties/penalty_store.h"

#include <map>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "common/calendar/iso_date.h"
#include "common/sql.h"
#include "services/penalties/penalty_public.h"

namespace gongkai::penalties {
namespace {

using common::ArrayLiteral;
using common::Statement;

// The change feed's lock (common::LockFeed).
constexpr char kFeed[] = "penalties.changes";

// The feed events of a batch, appended under the feed lock just before commit,
// so batches merge in parallel and only this short step takes turns. $1..$4:
// kinds, agencies, source ids and event types of the records the merge (or
// the republish, or the retention walk) wrote, $5 whether the merge has just
// inserted them, $6 the row each write left (its ctid, as the writing
// statement returned it: the transaction holds the row until it commits, so
// the row stays where it is), which the feed row is read from without a
// search of the primary key. A feed row copies the public columns of its
// records row; a withdrawal notice (2) keeps no copy of the record, as in
// kAppendChange. The rows take their seq in the order of the arrays. In the
// same statement the earlier entries of those records are superseded (the
// UPDATE and the INSERT see one snapshot, so the new rows stay as written),
// found through the index of live entries (changes_current). A record just
// inserted has none (records are never deleted), so its lookup is skipped.
const Statement kAppendBatchChanges{
    "penalties_append_batch_changes",
    "WITH w AS (SELECT u.kind::smallint AS kind, u.agency_credit_code, u.source_id, u.type::smallint AS type, "
    "  u.inserted, u.tid, u.ord FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::tid[]) "
    "  WITH ORDINALITY AS u(kind, agency_credit_code, source_id, type, inserted, tid, ord)), "
    "cleared AS (UPDATE penalties.changes c SET superseded = true, public_record = NULL, "
    "  withdrawal_explanation = NULL, release_explanation = NULL FROM w "
    "  WHERE NOT w.inserted AND c.agency_credit_code = w.agency_credit_code AND c.source_id = w.source_id "
    "  AND c.kind = w.kind AND NOT c.superseded) "
    "INSERT INTO penalties.changes (type, kind, agency_credit_code, source_id, city_code, domain, source_version, "
    "public_record, clock_start, published_on, public_until, withdrawn_on, withdrawal_reason, "
    "withdrawal_explanation, withdrawal_event_date, released_on, release_explanation) "
    "SELECT w.type, r.kind, r.agency_credit_code, r.source_id, city_code, domain, source_version, "
    "CASE WHEN w.type = 2 THEN NULL ELSE public_record END, clock_start, published_on, public_until, withdrawn_on, "
    "withdrawal_reason, withdrawal_explanation, withdrawal_event_date, released_on, release_explanation "
    "FROM w JOIN penalties.records r ON r.ctid = w.tid "
    "ORDER BY w.ord"};

// One statement stores a whole batch. $1 city, $2 today; $3 the batch's
// serialised records and public records end to end, as one binary parameter
// the statement cuts by offset (1-based) and length, so no record is encoded
// as text on the way; $4..$15 the other columns, one text array each; $16
// the masking version of the public records (kMaskingVersion); $17 the
// parties' public credit codes ('' for none, stored as NULL).
// Returns per record written its feed event type, whether this is its first
// publication, whether the record is new (inserted, not updated: an update
// leaves the locking transaction in the new row's xmax) and where its row
// now is (ctid, for kAppendBatchChanges). An update keeps
// whether the row it replaces was public (previously_public), so the event
// needs no read before the write: publication (1) while public, unpublication
// (4) when a public record becomes private, none (0) once withdrawn.
// published_on is the first public day: $2 when the record is stored public or
// first made public, kept by every later version; a withdrawn record that was
// never public keeps no public form. A first publication is a record made
// public on its first public day from a version that was not public (a record
// made public, private and public again within one day counts twice). A
// decision with a credit repair keeps the end of publication the repair gave
// it: public_until is the earlier of the new version's and the day before the
// repair (least() skips a NULL), read from the row updated, the version
// committed last (migration 011), so a repair that committed while the merge
// waited for the row counts.
const Statement kMerge{
    "penalties_merge",
    "WITH incoming AS ("
    "  SELECT i.kind::smallint AS kind, i.agency_credit_code, i.source_id, i.domain, "
    "  i.source_version::bigint AS source_version, "
    "  substring($3::bytea FROM i.record_at::int FOR i.record_length::int) AS record, "
    "  CASE WHEN i.public_length::int > 0 "
    "       THEN substring($3::bytea FROM i.public_at::int FOR i.public_length::int) END AS public_record, "
    "  i.public_party_name, NULLIF(i.public_party_credit_code, '') AS public_party_credit_code, "
    "  i.clock_start::date AS clock_start, NULLIF(i.public_until, '')::date AS public_until "
    "  FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], "
    "  $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $17::text[]) AS i(kind, agency_credit_code, "
    "  source_id, domain, source_version, record_at, record_length, public_at, public_length, public_party_name, "
    "  clock_start, public_until, public_party_credit_code)), "
    "up AS ("
    "  INSERT INTO penalties.records AS r (kind, agency_credit_code, source_id, city_code, domain, source_version, "
    "  record, public_record, public_party_name, public_party_credit_code, clock_start, published_on, public_until, "
    "  masking_version) "
    "  SELECT kind, agency_credit_code, source_id, $1, domain, source_version, record, public_record, "
    "  public_party_name, public_party_credit_code, clock_start, "
    "  CASE WHEN public_record IS NOT NULL THEN $2::date END, public_until, $16::int FROM incoming "
    "  ON CONFLICT (kind, agency_credit_code, source_id) DO UPDATE SET domain = EXCLUDED.domain, "
    "  source_version = EXCLUDED.source_version, record = EXCLUDED.record, "
    "  public_record = CASE WHEN r.withdrawn_on IS NULL OR r.published_on IS NOT NULL "
    "                       THEN EXCLUDED.public_record END, "
    "  published_on = coalesce(r.published_on, CASE WHEN r.withdrawn_on IS NULL THEN EXCLUDED.published_on END), "
    "  public_party_name = EXCLUDED.public_party_name, "
    "  public_party_credit_code = EXCLUDED.public_party_credit_code, clock_start = EXCLUDED.clock_start, "
    "  public_until = least(EXCLUDED.public_until, r.repaired_on - 1), "
    "  masking_version = EXCLUDED.masking_version, "
    "  previously_public = r.public_record IS NOT NULL "
    "  WHERE r.source_version < EXCLUDED.source_version AND r.city_code = EXCLUDED.city_code "
    "  RETURNING r.kind, r.agency_credit_code, r.source_id, "
    "  CASE WHEN r.withdrawn_on IS NOT NULL THEN 0 WHEN r.public_record IS NOT NULL THEN 1 "
    "       WHEN r.previously_public THEN 4 ELSE 0 END AS type, "
    "  r.public_record IS NOT NULL AND NOT r.previously_public AND r.published_on = $2::date AS first_published, "
    "  r.xmax = 0 AS inserted, r.ctid) "
    "SELECT kind, agency_credit_code, source_id, type, first_published, inserted, ctid FROM up"};

// One feed event ($4) of one record ($1..$3), with its public columns as they
// are now, superseding the record's earlier entries as kAppendBatchChanges
// does. A withdrawal notice (2) replaces the record: it keeps no copy of it;
// nor does an unpublication (4), whose record (a credit repair's) may keep
// its public form.
const Statement kAppendChange{
    "penalties_append_change",
    "WITH cleared AS (UPDATE penalties.changes SET superseded = true, public_record = NULL, "
    "  withdrawal_explanation = NULL, release_explanation = NULL "
    "  WHERE agency_credit_code = $2 AND source_id = $3 AND kind = $1 AND NOT superseded) "
    "INSERT INTO penalties.changes (type, kind, agency_credit_code, source_id, city_code, domain, source_version, "
    "public_record, clock_start, published_on, public_until, withdrawn_on, withdrawal_reason, "
    "withdrawal_explanation, withdrawal_event_date, released_on, release_explanation) "
    "SELECT $4::smallint, kind, agency_credit_code, source_id, city_code, domain, source_version, "
    "CASE WHEN $4::smallint IN (2, 4) THEN NULL ELSE public_record END, clock_start, published_on, public_until, "
    "withdrawn_on, withdrawal_reason, withdrawal_explanation, withdrawal_event_date, released_on, "
    "release_explanation FROM penalties.records WHERE kind = $1 AND agency_credit_code = $2 AND source_id = $3"};

// The statements below read the public columns in the order RowFrom takes
// them; kGet adds the unmasked record and the day of its credit repair.
const Statement kGet{"penalties_get",
                     "SELECT kind, agency_credit_code, source_id, city_code, domain, source_version, "
                     "coalesce(public_record, ''::bytea), clock_start::text, published_on::text, public_until::text, "
                     "withdrawn_on::text, coalesce(withdrawal_reason, 0), coalesce(withdrawal_explanation, ''), "
                     "withdrawal_event_date::text, released_on::text, coalesce(release_explanation, ''), record, "
                     "repaired_on::text "
                     "FROM penalties.records r WHERE kind = $1 AND agency_credit_code = $2 AND source_id = $3"};

// A credit repair of decision $1/$2: granted on $3 by $4 ($5 its reference),
// recorded by $6 on $7. Only the first repair of a decision is kept; it
// brings public_until to the day before $3 at the latest, and the insert
// sets its day on the decision's row too (repaired_on, which kMerge reads;
// migration 011's trigger). Returns, for a first repair, whether the
// decision has a public form and is not withdrawn: only then is the end of
// its publication a public change, with a feed event.
const Statement kRecordRepair{
    "penalties_record_repair",
    "WITH repair AS (INSERT INTO penalties.credit_repairs (agency_credit_code, source_id, repaired_on, granted_by, "
    "  reference, recorded_by, recorded_on) "
    "  SELECT agency_credit_code, source_id, $3::date, $4, $5, $6, $7::date FROM penalties.records "
    "  WHERE kind = 1 AND agency_credit_code = $1 AND source_id = $2 "
    "  ON CONFLICT DO NOTHING RETURNING agency_credit_code, source_id) "
    "UPDATE penalties.records r SET public_until = least(r.public_until, $3::date - 1) FROM repair "
    "WHERE r.kind = 1 AND r.agency_credit_code = repair.agency_credit_code AND r.source_id = repair.source_id "
    "RETURNING r.public_record IS NOT NULL AND r.withdrawn_on IS NULL"};

// A withdrawal, and a release below, return whether the record has a public
// form: only then is the change a public one, with a feed event.
const Statement kWithdraw{
    "penalties_withdraw",
    "UPDATE penalties.records SET withdrawn_on = $5::date, withdrawal_reason = $3, withdrawal_explanation = $4, "
    "withdrawal_event_date = $6::date WHERE kind = 1 AND agency_credit_code = $1 AND source_id = $2 "
    "AND withdrawn_on IS NULL RETURNING public_record IS NOT NULL"};

const Statement kRelease{"penalties_release",
                         "UPDATE penalties.records SET released_on = $3::date, release_explanation = $4 "
                         "WHERE kind = 2 AND agency_credit_code = $1 AND source_id = $2 AND released_on IS NULL "
                         "RETURNING public_record IS NOT NULL"};

// $1 kind, $2 today; filters $3 city, $4 agency, $5 domain, $6/$7 clock start
// from/to ('' matches all); $8..$10 the keyset position ('' on the first
// page); $11 limit; $12 the party's public credit code ('' matches all),
// which the index of migration 010 serves in the list's order.
// The order names the table's columns: the select list's clock_start is its
// text, and an order by that would sort every matching row rather than read
// an index in order.
const Statement kListPublished{
    "penalties_list_published",
    "SELECT kind, agency_credit_code, source_id, city_code, domain, source_version, "
    "coalesce(public_record, ''::bytea), clock_start::text, published_on::text, public_until::text, "
    "withdrawn_on::text, coalesce(withdrawal_reason, 0), coalesce(withdrawal_explanation, ''), "
    "withdrawal_event_date::text, released_on::text, coalesce(release_explanation, '') "
    "FROM penalties.records "
    "WHERE kind = $1 AND public_record IS NOT NULL AND withdrawn_on IS NULL "
    "AND (public_until IS NULL OR public_until >= $2::date) "
    "AND ($3 = '' OR city_code = $3) AND ($4 = '' OR agency_credit_code = $4) AND ($5 = '' OR domain = $5) "
    "AND ($6 = '' OR clock_start >= NULLIF($6, '')::date) AND ($7 = '' OR clock_start <= NULLIF($7, '')::date) "
    "AND ($12 = '' OR public_party_credit_code = $12) "
    "AND ($8 = '' OR (clock_start, agency_credit_code, source_id) < (NULLIF($8, '')::date, $9, $10)) "
    "ORDER BY records.clock_start DESC, records.agency_credit_code DESC, records.source_id DESC LIMIT $11"};

// As kListPublished, with $8 part of the public party name (a substring, its
// %, _ and backslash taken literally), in a form the trigram index of
// migration 004 serves; $9..$11 the keyset position, $12 limit, $13 the
// party's public credit code ('' matches all). A statement of its own: in a
// plan made for any party name, a condition "$8 = '' OR ..." could use no
// index.
const Statement kListPublishedByParty{
    "penalties_list_published_by_party",
    "SELECT kind, agency_credit_code, source_id, city_code, domain, source_version, "
    "coalesce(public_record, ''::bytea), clock_start::text, published_on::text, public_until::text, "
    "withdrawn_on::text, coalesce(withdrawal_reason, 0), coalesce(withdrawal_explanation, ''), "
    "withdrawal_event_date::text, released_on::text, coalesce(release_explanation, '') "
    "FROM penalties.records "
    "WHERE kind = $1 AND public_record IS NOT NULL AND withdrawn_on IS NULL "
    "AND (public_until IS NULL OR public_until >= $2::date) "
    "AND ($3 = '' OR city_code = $3) AND ($4 = '' OR agency_credit_code = $4) AND ($5 = '' OR domain = $5) "
    "AND ($6 = '' OR clock_start >= NULLIF($6, '')::date) AND ($7 = '' OR clock_start <= NULLIF($7, '')::date) "
    "AND public_party_name LIKE '%' || replace(replace(replace($8, '\\', '\\\\'), '%', '\\%'), '_', '\\_') "
    "|| '%' "
    "AND ($13 = '' OR public_party_credit_code = $13) "
    "AND ($9 = '' OR (clock_start, agency_credit_code, source_id) < (NULLIF($9, '')::date, $10, $11)) "
    "ORDER BY records.clock_start DESC, records.agency_credit_code DESC, records.source_id DESC LIMIT $12"};

// The withdrawal notices: decisions withdrawn that have a public form (public
// whatever their retention, VisibleToPublic), each without its public record,
// which the notice replaces. Filters $1 city, $2 agency, $3 domain, $4/$5 the
// day of the withdrawal from/to ('' matches all); $6..$8 the keyset position
// (withdrawn_on, agency, source id; '' on the first page); $9 limit. Newest
// withdrawal first, in the order of the indexes of migration 010; the order
// names the table's columns, as kListPublished's does.
const Statement kListNotices{
    "penalties_list_withdrawal_notices",
    "SELECT kind, agency_credit_code, source_id, city_code, domain, source_version, "
    "''::bytea, clock_start::text, published_on::text, public_until::text, "
    "withdrawn_on::text, coalesce(withdrawal_reason, 0), coalesce(withdrawal_explanation, ''), "
    "withdrawal_event_date::text, released_on::text, coalesce(release_explanation, '') "
    "FROM penalties.records "
    "WHERE kind = 1 AND public_record IS NOT NULL AND withdrawn_on IS NOT NULL "
    "AND ($1 = '' OR city_code = $1) AND ($2 = '' OR agency_credit_code = $2) AND ($3 = '' OR domain = $3) "
    "AND ($4 = '' OR withdrawn_on >= NULLIF($4, '')::date) AND ($5 = '' OR withdrawn_on <= NULLIF($5, '')::date) "
    "AND ($6 = '' OR (withdrawn_on, agency_credit_code, source_id) < (NULLIF($6, '')::date, $7, $8)) "
    "ORDER BY records.withdrawn_on DESC, records.agency_credit_code DESC, records.source_id DESC LIMIT $9"};

// Run before each list, in its transaction: the list is planned for its
// own filters. A plan made for any filters (the generic plan of a prepared
// statement, which PostgreSQL settles on after a few calls) can use no index
// for "$4 = '' OR agency_credit_code = $4" and reads every public record
// (half a second at 1,000,000), nor tell a name the trigram index serves
// from one it does not.
const Statement kPlanForTheFilters{"penalties_plan_for_the_filters",
                                   "SELECT set_config('plan_cache_mode', 'force_custom_plan', true)"};

// The feed after $1, at most $2 entries: seq, type, whether superseded, then
// the public columns as RowFrom takes them.
const Statement kChanges{
    "penalties_changes",
    "SELECT seq, type, superseded, kind, agency_credit_code, source_id, city_code, domain, source_version, "
    "coalesce(public_record, ''::bytea), clock_start::text, published_on::text, public_until::text, "
    "withdrawn_on::text, coalesce(withdrawal_reason, 0), coalesce(withdrawal_explanation, ''), "
    "withdrawal_event_date::text, released_on::text, coalesce(release_explanation, '') "
    "FROM penalties.changes WHERE seq > $1 ORDER BY seq LIMIT $2"};

// The records rejected and awaiting an accepted resend, by what their raw
// record claims ('' for none), as the common table expressions claimed ..
// judged: the proto JSON of the record as sent (common::RecordJson, proto
// field names), held as text. No nested message of a record has a field of
// these names, and inside a JSON string every quote is escaped, so the only
// match is the record's own field; the optional space after the colon also
// reads rows that PostgreSQL printed from jsonb. A rejection of a key that is
// stored (a newer version refused) is no record of its own: the stored one
// counts. judged holds per rejection: kind, agency and source id (its key's
// parts), city, domain, clock start (decision date or period start, as
// text), what it claims of whether it may be published (PublicationClaims:
// party.minor set, severity MINOR) and, for a natural person's ID number,
// the clock start's day (clock_day) and the 18th birthday (eighteenth). The
// ID number never leaves the statement: it is judged as IdShowsMinor judges
// it (penalty.cc). Only a valid GB 11643 number (17 digits, a digit or X,
// digits 7-14 a birth date from 1900, its check character) and a readable
// clock start (as common::ParseIsoDate reads it) are judged; a person is
// under 18 up to and including the 18th birthday (1 March for one born on 29
// February). Every cast and make_date sits in a CASE branch its guard reaches
// only for text that reads, so no row fails.
const std::string kJudgedRejections =
    "claimed AS (SELECT CASE j.kind WHEN 'decision' THEN 1 ELSE 2 END AS kind, "
    "  split_part(j.record_key, '/', 1) AS agency, substr(j.record_key, strpos(j.record_key, '/') + 1) AS source_id, "
    "  j.city_code, coalesce(substring(j.raw::text FROM '\"domain\": ?\"([^\"\\\\]*)\"'), '') AS domain, "
    "  coalesce(substring(j.raw::text FROM '\"decision_date\": ?\"([0-9]{4}-[0-9]{2}-[0-9]{2})\"'), "
    "  substring(j.raw::text FROM '\"period_start\": ?\"([0-9]{4}-[0-9]{2}-[0-9]{2})\"'), '') AS clock_start, "
    "  j.raw::text ~ '\"minor\": ?true' AS minor, j.raw::text ~ '\"severity\": ?\"MINOR\"' AS minor_tier, "
    "  CASE WHEN j.raw::text ~ '\"kind\": ?\"NATURAL_PERSON\"' "
    "       THEN substring(j.raw::text FROM '\"id_number\": ?\"([^\"\\\\]*)\"') END AS id "
    "  FROM penalties.rejections j WHERE NOT EXISTS (SELECT 1 FROM penalties.records r "
    "    WHERE r.kind = CASE j.kind WHEN 'decision' THEN 1 ELSE 2 END "
    "    AND r.agency_credit_code = split_part(j.record_key, '/', 1) "
    "    AND r.source_id = substr(j.record_key, strpos(j.record_key, '/') + 1))), "
    "birth AS (SELECT kind, agency, source_id, city_code, domain, clock_start, minor, minor_tier, "
    "  CASE WHEN id ~ '^[0-9]{17}[0-9X]$' AND substr('10X98765432', (SELECT sum((ascii(substr(id, i, 1)) - 48) "
    "    * (ARRAY[7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])[i]) FROM generate_series(1, 17) i)::int "
    "    % 11 + 1, 1) = substr(id, 18, 1) THEN substr(id, 7, 8) END AS born "
    "  FROM claimed), "
    "numbers AS (SELECT kind, agency, source_id, city_code, domain, clock_start, minor, minor_tier, "
    "  CASE WHEN clock_start <> '' THEN substr(clock_start, 1, 4)::int END AS cy, "
    "  CASE WHEN clock_start <> '' THEN substr(clock_start, 6, 2)::int END AS cm, "
    "  CASE WHEN clock_start <> '' THEN substr(clock_start, 9, 2)::int END AS cd, "
    "  substr(born, 1, 4)::int AS by_, substr(born, 5, 2)::int AS bm, substr(born, 7, 2)::int AS bd FROM birth), "
    "judged AS (SELECT kind, agency, source_id, city_code, domain, clock_start, minor, minor_tier, "
    "  CASE WHEN cy >= 1 AND cm BETWEEN 1 AND 12 AND cd BETWEEN 1 AND 31 "
    "       THEN CASE WHEN extract(month FROM make_date(cy, cm, 1) + (cd - 1)) = cm "
    "                 THEN make_date(cy, cm, cd) END END AS clock_day, "
    "  CASE WHEN by_ >= 1900 AND bm BETWEEN 1 AND 12 AND bd BETWEEN 1 AND 31 "
    "       THEN CASE WHEN extract(month FROM make_date(by_, bm, 1) + (bd - 1)) = bm "
    "                 THEN CASE WHEN bm = 2 AND bd = 29 THEN make_date(by_ + 18, 3, 1) "
    "                           ELSE make_date(by_ + 18, bm, bd) END END END AS eighteenth "
    "  FROM numbers) ";

// Stored records, and rejected ones (kJudgedRejections), grouped for the
// overdue gauge: kind, city, domain, clock start, first public day ('' for
// none), whether stored; for a rejected record what it claims of whether it
// may be published (party.minor set, severity MINOR, a natural person's ID
// number showing a minor on the clock start); the count.
const std::string kPublicationCountsSql =
    "WITH " + kJudgedRejections +
    "SELECT kind, city_code, domain, clock_start::text, coalesce(published_on::text, ''), true, false, false, false, "
    "count(*) FROM penalties.records GROUP BY 1, 2, 3, 4, 5 "
    "UNION ALL "
    "SELECT kind, city_code, domain, clock_start, '', false, minor, minor_tier, "
    "coalesce(clock_day <= eighteenth, false), count(*) FROM judged GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9";
const Statement kPublicationCounts{"penalties_publication_counts", kPublicationCountsSql.c_str()};

// The records of year $1's tallies (TallyRecords), $2 city and $3 agency
// narrowing them ('' = all), one by one when $4, else counted in groups
// (source id ''): rule (1 decision, 2 measure, 3 withdrawal), agency, source
// id, city, domain, clock start, the day done ('' for none), whether
// rejected, the rejected record's claims as kPublicationCounts has them, the
// count; by key. Stored decisions and measures ever public, by their clock
// start and first public day (one never public is one the rules never
// publish); withdrawals of decisions that were public (a decision withdrawn
// before it was ever public keeps no first public day), by the event's day
// and the day recorded; rejected records of a key a record could be stored
// under (an agency of 18 characters, a source id of 1-64 bytes), by the year
// of the clock start they claim.
const std::string kTallyRecordsSql =
    "WITH " + kJudgedRejections +
    "SELECT kind::int, agency_credit_code, CASE WHEN $4::boolean THEN source_id ELSE '' END, city_code, domain, "
    "clock_start::text, published_on::text, false, false, false, false, count(*) FROM penalties.records "
    "WHERE published_on IS NOT NULL AND clock_start >= make_date($1::int, 1, 1) "
    "AND clock_start < make_date($1::int + 1, 1, 1) AND ($2 = '' OR city_code = $2) "
    "AND ($3 = '' OR agency_credit_code = $3) GROUP BY 1, 2, 3, 4, 5, 6, 7 "
    "UNION ALL "
    "SELECT 3, agency_credit_code, CASE WHEN $4::boolean THEN source_id ELSE '' END, city_code, domain, "
    "withdrawal_event_date::text, withdrawn_on::text, false, false, false, false, count(*) FROM penalties.records "
    "WHERE kind = 1 AND withdrawn_on IS NOT NULL AND published_on IS NOT NULL "
    "AND withdrawal_event_date >= make_date($1::int, 1, 1) AND withdrawal_event_date < make_date($1::int + 1, 1, 1) "
    "AND ($2 = '' OR city_code = $2) AND ($3 = '' OR agency_credit_code = $3) GROUP BY 1, 2, 3, 4, 5, 6, 7 "
    "UNION ALL "
    "SELECT kind, agency, CASE WHEN $4::boolean THEN source_id ELSE '' END, city_code, domain, clock_start, '', true, "
    "minor, minor_tier, coalesce(clock_day <= eighteenth, false), count(*) FROM judged "
    "WHERE left(clock_start, 4) = $1::int::text AND octet_length(agency) = 18 "
    "AND octet_length(source_id) BETWEEN 1 AND 64 AND ($2 = '' OR city_code = $2) AND ($3 = '' OR agency = $3) "
    "GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 "
    "ORDER BY 2, 3, 1";
const Statement kTallyRecords{"penalties_tally_records", kTallyRecordsSql.c_str()};

// The next page ($4 at most) of the stored decisions of year $1 (by their
// decision date), after the key ($2, $3), in key order: key, city, domain,
// decision date and the record as sent.
const Statement kDecisionFacts{
    "penalties_decision_facts",
    "SELECT agency_credit_code, source_id, city_code, domain, clock_start::text, record FROM penalties.records "
    "WHERE kind = 1 AND clock_start >= make_date($1::int, 1, 1) AND clock_start < make_date($1::int + 1, 1, 1) "
    "AND (agency_credit_code, source_id) > ($2::text, $3::text) ORDER BY agency_credit_code, source_id LIMIT $4"};

// The decisions DecisionFactsOf reads a page at a time.
constexpr int kDecisionFactsPage = 500;

// 表二's enforcement rows: per agency and sending city, the stored decisions
// (kind 1) and measures (kind 2) whose clock start (decision date, measure
// date) is in year $1, public or not, withdrawn or not; $2 city and $3
// agency narrow it ('' = all). Only keys, city, kind and date are read.
const Statement kAnnualEnforcementCounts{
    "penalties_annual_enforcement_counts",
    "SELECT agency_credit_code, city_code, (count(*) FILTER (WHERE kind = 1))::int, "
    "(count(*) FILTER (WHERE kind = 2))::int FROM penalties.records "
    "WHERE clock_start >= make_date($1::int, 1, 1) AND clock_start < make_date($1::int + 1, 1, 1) "
    "AND ($2 = '' OR city_code = $2) AND ($3 = '' OR agency_credit_code = $3) "
    "GROUP BY agency_credit_code, city_code ORDER BY agency_credit_code, city_code"};

// The republish's next batch ($6 records at most): the records whose public
// columns older masking rules made (masking_version below $1, the current
// version), after the last one read ($2..$5), in the order of their index
// (records_masking_version), locked until the batch commits. Explanations and
// the public credit code as stored, '' for none.
const Statement kRepublishRead{
    "penalties_republish_read",
    "SELECT masking_version, kind, agency_credit_code, source_id, record, coalesce(public_record, ''::bytea), "
    "public_party_name, withdrawn_on IS NOT NULL, coalesce(withdrawal_explanation, ''), "
    "coalesce(release_explanation, ''), coalesce(public_party_credit_code, '') FROM penalties.records "
    "WHERE masking_version < $1::int "
    "AND (masking_version, kind, agency_credit_code, source_id) > ($2::int, $3::smallint, $4::text, $5::text) "
    "ORDER BY masking_version, kind, agency_credit_code, source_id LIMIT $6 FOR UPDATE"};

// The records of a republish batch whose public columns changed, with the
// current masking version ($1): $2 their public records end to end, cut by
// offset (1-based) and length as kMerge cuts them (length 0: no public form);
// $3..$11 the other columns, one text array each (a public credit code of ''
// is stored as NULL). An explanation replaces only one that is stored (NULL
// stays NULL). Nothing else changes: the version as sent, the dates, the
// notices. Returns each record's key and where its row now is (ctid, for
// kAppendBatchChanges).
const Statement kRepublishWrite{
    "penalties_republish_write",
    "UPDATE penalties.records r SET masking_version = $1::int, "
    "public_record = CASE WHEN u.public_length::int > 0 "
    "  THEN substring($2::bytea FROM u.public_at::int FOR u.public_length::int) END, "
    "public_party_name = u.public_party_name, "
    "public_party_credit_code = NULLIF(u.public_party_credit_code, ''), "
    "withdrawal_explanation = CASE WHEN r.withdrawal_explanation IS NULL THEN NULL ELSE u.withdrawal_explanation END, "
    "release_explanation = CASE WHEN r.release_explanation IS NULL THEN NULL ELSE u.release_explanation END "
    "FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], "
    "$11::text[]) AS u(kind, agency_credit_code, source_id, public_at, public_length, public_party_name, "
    "withdrawal_explanation, release_explanation, public_party_credit_code) "
    "WHERE r.kind = u.kind::smallint AND r.agency_credit_code = u.agency_credit_code AND r.source_id = u.source_id "
    "RETURNING r.kind, r.agency_credit_code, r.source_id, r.ctid"};

// The retention walk's next batch ($3 decisions at most): the decisions with
// a public form and no public_until, after the last one read ($1, $2), in
// the order of their index (records_decisions_without_term), locked until
// the batch commits.
const Statement kRetentionRead{
    "penalties_retention_read",
    "SELECT agency_credit_code, source_id, record, withdrawn_on IS NOT NULL FROM penalties.records "
    "WHERE kind = 1 AND public_record IS NOT NULL AND public_until IS NULL "
    "AND (agency_credit_code, source_id) > ($1::text, $2::text) "
    "ORDER BY agency_credit_code, source_id LIMIT $3 FOR UPDATE"};

// The terms the retention walk computed: $1..$3 agency, source id and
// public_until ('' when the decision may not be published, which loses its
// public form and its public party name and credit code). A term ends the
// day before the decision's credit repair at the latest, as kMerge keeps it.
// Returns each record's key and where its row now is, as kRepublishWrite
// does.
const Statement kRetentionWrite{
    "penalties_retention_write",
    "UPDATE penalties.records r SET public_until = CASE WHEN u.public_until = '' THEN NULL "
    "  ELSE least(u.public_until::date, r.repaired_on - 1) END, "
    "public_record = CASE WHEN u.public_until = '' THEN NULL ELSE r.public_record END, "
    "public_party_name = CASE WHEN u.public_until = '' THEN '' ELSE r.public_party_name END, "
    "public_party_credit_code = CASE WHEN u.public_until = '' THEN NULL ELSE r.public_party_credit_code END "
    "FROM unnest($1::text[], $2::text[], $3::text[]) AS u(agency_credit_code, source_id, public_until) "
    "WHERE r.kind = 1 AND r.agency_credit_code = u.agency_credit_code AND r.source_id = u.source_id "
    "RETURNING r.kind, r.agency_credit_code, r.source_id, r.ctid"};

// The records of a republish batch whose public columns are what the current
// rules make: the current masking version ($1) only. $2..$4 their keys.
const Statement kRepublishVersion{
    "penalties_republish_version",
    "UPDATE penalties.records r SET masking_version = $1::int "
    "FROM unnest($2::text[], $3::text[], $4::text[]) AS u(kind, agency_credit_code, source_id) "
    "WHERE r.kind = u.kind::smallint AND r.agency_credit_code = u.agency_credit_code AND r.source_id = u.source_id"};

// A batch's columns as kMerge takes them.
struct BatchColumns {
  std::string bytes;
  common::ArrayLiteralBuilder kind, agency, source_id, domain, version, record_at, record_length, public_at,
      public_length, party_name, clock_start, public_until, party_credit_code;

  explicit BatchColumns(const std::vector<RecordToStore>& records) {
    std::size_t size = 0;
    for (const auto& r : records) size += r.record.size() + r.public_record.size();
    bytes.reserve(size);
    for (const auto& r : records) {
      kind.Add(std::to_string(static_cast<int>(r.kind)));
      agency.Add(r.agency_credit_code);
      source_id.Add(r.source_id);
      domain.Add(r.domain);
      version.Add(std::to_string(r.source_version));
      record_at.Add(std::to_string(bytes.size() + 1));
      record_length.Add(std::to_string(r.record.size()));
      bytes += r.record;
      public_at.Add(std::to_string(bytes.size() + 1));
      public_length.Add(std::to_string(r.public_record.size()));
      bytes += r.public_record;
      party_name.Add(r.public_party_name);
      clock_start.Add(common::FormatIsoDate(r.clock_start));
      public_until.Add(common::FormatIsoDate(r.public_until));
      party_credit_code.Add(r.public_party_credit_code);
    }
  }
};

// The records a merge (or the republish, or the retention walk) wrote that
// need a feed event, as kAppendBatchChanges takes them.
struct FeedEvents {
  std::vector<std::string> kind, agency, source_id, type, inserted, tid;
  // A row of kMerge, with where the merge left it.
  void Add(const pqxx::row& written) {
    kind.push_back(written[0].as<std::string>());
    agency.push_back(written[1].as<std::string>());
    source_id.push_back(written[2].as<std::string>());
    type.push_back(written[3].as<std::string>());
    inserted.push_back(written[5].as<std::string>());
    tid.push_back(written[6].as<std::string>());
  }
  // A stored record, before the statement that writes it: Located gives
  // where its row is once written.
  void Add(const StaleRecord& record, ChangeType event) {
    kind.push_back(std::to_string(static_cast<int>(record.kind)));
    agency.push_back(record.agency_credit_code);
    source_id.push_back(record.source_id);
    type.push_back(std::to_string(static_cast<int>(event)));
    inserted.push_back("f");
    tid.emplace_back();
  }
  // Where the rows of the records a statement wrote now are, from its rows
  // (kind, agency, source id, ctid: kRepublishWrite, kRetentionWrite).
  void Located(const pqxx::result& written) {
    std::map<std::tuple<std::string, std::string, std::string>, std::string> at;
    for (const auto& row : written) {
      at[{row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>()}] = row[3].as<std::string>();
    }
    for (std::size_t i = 0; i < kind.size(); ++i) {
      const auto found = at.find({kind[i], agency[i], source_id[i]});
      if (tid[i].empty() && found != at.end()) tid[i] = found->second;
    }
  }
  // Appends the events under the feed's lock, just before the transaction
  // commits; with none, takes no lock. Throws std::logic_error, and the
  // transaction does not commit, when an event's record was not written
  // (no row to read it from) or the feed took fewer rows than events.
  void Append(pqxx::work& tx) const {
    if (kind.empty()) return;
    for (std::size_t i = 0; i < tid.size(); ++i) {
      if (tid[i].empty()) {
        throw std::logic_error("feed event of " + agency[i] + "/" + source_id[i] + " without its written row");
      }
    }
    common::LockFeed(tx, kFeed);
    const pqxx::result appended =
        tx.exec_prepared(kAppendBatchChanges.name, ArrayLiteral(kind), ArrayLiteral(agency), ArrayLiteral(source_id),
                         ArrayLiteral(type), ArrayLiteral(inserted), ArrayLiteral(tid));
    if (appended.affected_rows() != kind.size()) {
      throw std::logic_error("the feed took " + std::to_string(appended.affected_rows()) + " rows of " +
                             std::to_string(kind.size()) + " events");
    }
  }
};

// The records of a republish batch, as kRepublishWrite (changed) and
// kRepublishVersion (unchanged) take them.
struct RepublishColumns {
  std::string bytes;
  std::vector<std::string> kind, agency, source_id, public_at, public_length, party_name, withdrawal_explanation,
      release_explanation, party_credit_code;
  std::vector<std::string> same_kind, same_agency, same_source_id;

  void Changed(const StaleRecord& record, const PublicColumns& now) {
    kind.push_back(std::to_string(static_cast<int>(record.kind)));
    agency.push_back(record.agency_credit_code);
    source_id.push_back(record.source_id);
    public_at.push_back(std::to_string(bytes.size() + 1));
    public_length.push_back(std::to_string(now.public_record.size()));
    bytes += now.public_record;
    party_name.push_back(now.public_party_name);
    withdrawal_explanation.push_back(now.withdrawal_explanation);
    release_explanation.push_back(now.release_explanation);
    party_credit_code.push_back(now.public_party_credit_code);
  }
  void Unchanged(const StaleRecord& record) {
    same_kind.push_back(std::to_string(static_cast<int>(record.kind)));
    same_agency.push_back(record.agency_credit_code);
    same_source_id.push_back(record.source_id);
  }
};

RecordRow RowFrom(const pqxx::row& r, int offset) {
  RecordRow row;
  row.kind = static_cast<PenaltyKind>(r[offset + 0].as<int>());
  row.agency_credit_code = r[offset + 1].as<std::string>();
  row.source_id = r[offset + 2].as<std::string>();
  row.city_code = r[offset + 3].as<std::string>();
  row.domain = r[offset + 4].as<std::string>();
  row.source_version = r[offset + 5].as<int64_t>();
  row.public_record = common::ReadBytes(r[offset + 6]);
  row.clock_start = common::ReadDate(r[offset + 7]);
  row.published_on = common::ReadOptionalDate(r[offset + 8]);
  row.public_until = common::ReadOptionalDate(r[offset + 9]);
  row.withdrawn_on = common::ReadOptionalDate(r[offset + 10]);
  row.withdrawal_reason = r[offset + 11].as<int>();
  row.withdrawal_explanation = r[offset + 12].as<std::string>();
  row.withdrawal_event_date = common::ReadOptionalDate(r[offset + 13]);
  row.released_on = common::ReadOptionalDate(r[offset + 14]);
  row.release_explanation = r[offset + 15].as<std::string>();
  return row;
}

std::optional<RecordRow> GetIn(pqxx::transaction_base& tx, PenaltyKind kind, const std::string& agency,
                               const std::string& source_id) {
  auto rows = tx.exec_prepared(kGet.name, static_cast<int>(kind), agency, source_id);
  if (rows.empty()) return std::nullopt;
  RecordRow row = RowFrom(rows[0], 0);
  row.record = common::ReadBytes(rows[0][16]);
  row.repaired_on = common::ReadOptionalDate(rows[0][17]);
  return row;
}

// A feed entry whose content is no longer public: the record's key, city and
// domain only.
RecordRow KeyOf(const RecordRow& row) {
  RecordRow key;
  key.kind = row.kind;
  key.agency_credit_code = row.agency_credit_code;
  key.source_id = row.source_id;
  key.city_code = row.city_code;
  key.domain = row.domain;
  return key;
}

// Appends one record's event under the feed's lock, after its record was
// written: every writer of the feed writes its records first and takes the
// lock last, so none waits for a record while holding the lock.
void AppendChange(pqxx::work& tx, PenaltyKind kind, const std::string& agency, const std::string& source_id,
                  ChangeType type) {
  common::LockFeed(tx, kFeed);
  tx.exec_prepared(kAppendChange.name, static_cast<int>(kind), agency, source_id, static_cast<int>(type));
}

}  // namespace

PgPenaltyStore::PgPenaltyStore(common::PgPool& pool) : pool_(pool), rejections_(pool) {
  for (const Statement& s : {kMerge,
                             kAppendBatchChanges,
                             kAppendChange,
                             kGet,
                             kWithdraw,
                             kRelease,
                             kListPublished,
                             kListPublishedByParty,
                             kListNotices,
                             kPlanForTheFilters,
                             kChanges,
                             kPublicationCounts,
                             kRepublishRead,
                             kRepublishWrite,
                             kRepublishVersion,
                             kRecordRepair,
                             kRetentionRead,
                             kRetentionWrite,
                             kAnnualEnforcementCounts,
                             kTallyRecords,
                             kDecisionFacts}) {
    pool_.Prepare(s);
  }
}

std::vector<WriteResult> PgPenaltyStore::UpsertBatch(const std::string& city_code,
                                                     const std::vector<RecordToStore>& valid,
                                                     const std::vector<common::Rejection>& rejected,
                                                     common::Date today) {
  const BatchColumns columns(valid);
  return pool_.Run([&](pqxx::connection& conn) {
    std::vector<WriteResult> results(valid.size());
    FeedEvents events;
    std::map<PenaltyKind, std::vector<std::string>> written_keys;  // their rejections are cleared
    pqxx::work tx(conn);
    if (!valid.empty()) {
      // (agency, source id) -> position, the keys those of `valid`
      std::map<std::pair<std::string_view, std::string_view>, std::size_t> index;
      for (std::size_t i = 0; i < valid.size(); ++i) {
        index.emplace(std::pair<std::string_view, std::string_view>(valid[i].agency_credit_code, valid[i].source_id),
                      i);
      }
      const pqxx::result written =
          tx.exec_prepared(kMerge.name, city_code, common::FormatIsoDate(today), pqxx::binarystring(columns.bytes),
                           columns.kind.Literal(), columns.agency.Literal(), columns.source_id.Literal(),
                           columns.domain.Literal(), columns.version.Literal(), columns.record_at.Literal(),
                           columns.record_length.Literal(), columns.public_at.Literal(),
                           columns.public_length.Literal(), columns.party_name.Literal(), columns.clock_start.Literal(),
                           columns.public_until.Literal(), kMaskingVersion, columns.party_credit_code.Literal());
      for (const auto& row : written) {
        const auto agency = row[1].as<std::string>();
        const auto source_id = row[2].as<std::string>();
        auto it = index.find({agency, source_id});
        if (it != index.end()) results[it->second] = {common::UpsertOutcome::kAccepted, row[4].as<bool>()};
        written_keys[static_cast<PenaltyKind>(row[0].as<int>())].push_back(agency + "/" + source_id);
        if (row[3].as<int>() > 0) events.Add(row);
      }
    }
    for (const auto& [kind, keys] : written_keys) rejections_.Clear(tx, city_code, RejectionKind(kind), keys);
    rejections_.Record(tx, city_code, rejected);
    events.Append(tx);
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
                                                  const std::string& explanation, common::Date event_date,
                                                  common::Date today) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    const pqxx::result withdrawn = tx.exec_prepared(kWithdraw.name, agency, source_id, reason, explanation,
                                                    common::FormatIsoDate(today), common::FormatIsoDate(event_date));
    if (!withdrawn.empty() && withdrawn[0][0].as<bool>()) {
      AppendChange(tx, PenaltyKind::kDecision, agency, source_id, ChangeType::kWithdrawn);
    }
    auto row = GetIn(tx, PenaltyKind::kDecision, agency, source_id);
    tx.commit();
    return row;
  });
}

std::optional<RecordRow> PgPenaltyStore::Release(const std::string& agency, const std::string& source_id,
                                                 common::Date release_date, const std::string& explanation) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    const pqxx::result released =
        tx.exec_prepared(kRelease.name, agency, source_id, common::FormatIsoDate(release_date), explanation);
    if (!released.empty() && released[0][0].as<bool>()) {
      AppendChange(tx, PenaltyKind::kMeasure, agency, source_id, ChangeType::kReleased);
    }
    auto row = GetIn(tx, PenaltyKind::kMeasure, agency, source_id);
    tx.commit();
    return row;
  });
}

std::optional<RecordRow> PgPenaltyStore::RecordCreditRepair(const std::string& agency, const std::string& source_id,
                                                            const CreditRepair& repair, common::Date today) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    const pqxx::result repaired =
        tx.exec_prepared(kRecordRepair.name, agency, source_id, common::FormatIsoDate(repair.repaired_on),
                         repair.granted_by, repair.reference, repair.recorded_by, common::FormatIsoDate(today));
    if (!repaired.empty() && repaired[0][0].as<bool>()) {
      AppendChange(tx, PenaltyKind::kDecision, agency, source_id, ChangeType::kUnpublished);
    }
    auto row = GetIn(tx, PenaltyKind::kDecision, agency, source_id);
    tx.commit();
    return row;
  });
}

std::vector<RecordRow> PgPenaltyStore::ListPublished(const PublishedFilter& f, common::Date today) {
  // A withdrawal notice publishes no party: nothing of it matches a party.
  if (f.withdrawn && (f.kind != PenaltyKind::kDecision || !f.party_name.empty() || !f.party_credit_code.empty())) {
    return {};
  }
  const std::string after_day = f.after ? common::FormatIsoDate(f.after->day) : "";
  const std::string after_agency = f.after ? f.after->agency_credit_code : "";
  const std::string after_source_id = f.after ? f.after->source_id : "";
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<RecordRow> out;
    const int kind = static_cast<int>(f.kind);
    const std::string today_iso = common::FormatIsoDate(today);
    const std::string from = common::FormatIsoDate(f.date_from);
    const std::string to = common::FormatIsoDate(f.date_to);
    tx.exec_prepared(kPlanForTheFilters.name);
    const pqxx::result rows = [&] {
      if (f.withdrawn) {
        return tx.exec_prepared(kListNotices.name, f.city_code, f.agency_credit_code, f.domain, from, to, after_day,
                                after_agency, after_source_id, f.limit);
      }
      if (f.party_name.empty()) {
        return tx.exec_prepared(kListPublished.name, kind, today_iso, f.city_code, f.agency_credit_code, f.domain, from,
                                to, after_day, after_agency, after_source_id, f.limit, f.party_credit_code);
      }
      return tx.exec_prepared(kListPublishedByParty.name, kind, today_iso, f.city_code, f.agency_credit_code, f.domain,
                              from, to, f.party_name, after_day, after_agency, after_source_id, f.limit,
                              f.party_credit_code);
    }();
    for (const auto& row : rows) out.push_back(RowFrom(row, 0));
    return out;
  });
}

std::vector<ChangeRow> PgPenaltyStore::Changes(int64_t after_seq, int limit, common::Date today) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<ChangeRow> out;
    for (const auto& row : tx.exec_prepared(kChanges.name, after_seq, limit)) {
      ChangeRow change{row[0].as<int64_t>(), static_cast<ChangeType>(row[1].as<int>()), false, RowFrom(row, 3)};
      change.content_removed =
          !FeedEntryHasContent(row[2].as<bool>(), change.type == ChangeType::kUnpublished,
                               change.type == ChangeType::kWithdrawn, change.record.public_until, today);
      if (change.content_removed) change.record = KeyOf(change.record);
      out.push_back(std::move(change));
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
      // A rejected record's claimed date is what the city sent: it may not
      // read as a date.
      PublicationCount count{
          static_cast<PenaltyKind>(r[0].as<int>()),     r[1].as<std::string>(),         r[2].as<std::string>(),
          common::ParseIsoDate(r[3].as<std::string>()), common::ReadOptionalDate(r[4]), r[9].as<int64_t>()};
      if (r[5].as<bool>()) {
        count.never_published = !count.published_on;
      } else if (count.clock_start) {
        PublicationClaims claims;
        claims.minor = r[6].as<bool>();
        claims.minor_tier = r[7].as<bool>();
        claims.id_shows_minor = r[8].as<bool>();
        count.never_published = NeverPublished(count.kind, claims, *count.clock_start);
      }
      out.push_back(std::move(count));
    }
    return out;
  });
}

std::vector<EnforcementCount> PgPenaltyStore::AnnualEnforcementCounts(int year, const std::string& city_code,
                                                                      const std::string& agency_credit_code) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<EnforcementCount> out;
    for (const auto& r : tx.exec_prepared(kAnnualEnforcementCounts.name, year, city_code, agency_credit_code)) {
      out.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<int>(), r[3].as<int>()});
    }
    return out;
  });
}

std::vector<TallyRecord> PgPenaltyStore::TallyRecords(int year, const std::string& city_code,
                                                      const std::string& agency_credit_code, bool one_by_one) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<TallyRecord> out;
    for (const auto& r : tx.exec_prepared(kTallyRecords.name, year, city_code, agency_credit_code, one_by_one)) {
      // A rejected record's claimed date is what the city sent: it may not
      // read as a date.
      const std::optional<common::Date> clock_start = common::ParseIsoDate(r[5].as<std::string>());
      if (!clock_start) continue;
      const int rule = r[0].as<int>();
      const bool rejected = r[7].as<bool>();
      if (rejected) {
        PublicationClaims claims;
        claims.minor = r[8].as<bool>();
        claims.minor_tier = r[9].as<bool>();
        claims.id_shows_minor = r[10].as<bool>();
        if (NeverPublished(static_cast<PenaltyKind>(rule), claims, *clock_start)) continue;
      }
      TallyRecord record;
      record.rule = rule == 3 ? common::RecordKind::kPenaltyWithdrawal : DeadlineKind(static_cast<PenaltyKind>(rule));
      record.agency_credit_code = r[1].as<std::string>();
      record.source_id = r[2].as<std::string>();
      record.city_code = r[3].as<std::string>();
      record.domain = r[4].as<std::string>();
      record.clock_start = *clock_start;
      record.done_on = common::ReadOptionalDate(r[6]);
      record.rejected = rejected;
      record.count = r[11].as<int64_t>();
      out.push_back(std::move(record));
    }
    return out;
  });
}

std::vector<DecisionFacts> PgPenaltyStore::DecisionFactsOf(int year) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<DecisionFacts> out;
    std::string after_agency, after_source_id;
    for (;;) {
      const pqxx::result page =
          tx.exec_prepared(kDecisionFacts.name, year, after_agency, after_source_id, kDecisionFactsPage);
      for (const auto& r : page) {
        DecisionFacts facts;
        facts.agency_credit_code = r[0].as<std::string>();
        facts.source_id = r[1].as<std::string>();
        facts.city_code = r[2].as<std::string>();
        facts.domain = r[3].as<std::string>();
        facts.decision_date = common::ReadDate(r[4]);
        after_agency = facts.agency_credit_code;
        after_source_id = facts.source_id;
        if (ReadDecisionFacts(common::ReadBytes(r[5]), facts)) out.push_back(std::move(facts));
      }
      if (static_cast<int>(page.size()) < kDecisionFactsPage) return out;
    }
  });
}

RepublishBatch PgPenaltyStore::Republish(const RepublishPosition& after, int limit,
                                         const std::function<Republished(const StaleRecord&)>& republish) {
  return pool_.Run([&](pqxx::connection& conn) {
    RepublishBatch batch;
    batch.last = after;
    RepublishColumns columns;
    FeedEvents events;
    pqxx::work tx(conn);
    const pqxx::result rows =
        tx.exec_prepared(kRepublishRead.name, kMaskingVersion, after.masking_version, static_cast<int>(after.kind),
                         after.agency_credit_code, after.source_id, limit);
    for (const auto& row : rows) {
      StaleRecord stale;
      stale.kind = static_cast<PenaltyKind>(row[1].as<int>());
      stale.agency_credit_code = row[2].as<std::string>();
      stale.source_id = row[3].as<std::string>();
      stale.record = common::ReadBytes(row[4]);
      stale.columns.public_record = common::ReadBytes(row[5]);
      stale.columns.public_party_name = row[6].as<std::string>();
      stale.withdrawn = row[7].as<bool>();
      stale.columns.withdrawal_explanation = row[8].as<std::string>();
      stale.columns.release_explanation = row[9].as<std::string>();
      stale.columns.public_party_credit_code = row[10].as<std::string>();
      const Republished now = republish(stale);
      if (now.columns == stale.columns) {
        columns.Unchanged(stale);  // and no feed event: the public sees nothing new
      } else {
        columns.Changed(stale, now.columns);
        ++batch.rewritten;
        if (now.event) events.Add(stale, *now.event);
      }
      batch.last = {row[0].as<int>(), stale.kind, stale.agency_credit_code, stale.source_id};
      ++batch.read;
    }
    if (!columns.kind.empty()) {
      events.Located(
          tx.exec_prepared(kRepublishWrite.name, kMaskingVersion, pqxx::binarystring(columns.bytes),
                           ArrayLiteral(columns.kind), ArrayLiteral(columns.agency), ArrayLiteral(columns.source_id),
                           ArrayLiteral(columns.public_at), ArrayLiteral(columns.public_length),
                           ArrayLiteral(columns.party_name), ArrayLiteral(columns.withdrawal_explanation),
                           ArrayLiteral(columns.release_explanation), ArrayLiteral(columns.party_credit_code)));
    }
    if (!columns.same_kind.empty()) {
      tx.exec_prepared(kRepublishVersion.name, kMaskingVersion, ArrayLiteral(columns.same_kind),
                       ArrayLiteral(columns.same_agency), ArrayLiteral(columns.same_source_id));
    }
    events.Append(tx);
    batch.announced = events.kind.size();
    tx.commit();
    return batch;
  });
}

RetentionBatch PgPenaltyStore::RecomputeRetention(
    const RetentionPosition& after, int limit, const std::function<Retention(const std::string& record)>& retention) {
  return pool_.Run([&](pqxx::connection& conn) {
    RetentionBatch batch;
    batch.last = after;
    std::vector<std::string> agency, source_id, public_until;
    FeedEvents events;
    pqxx::work tx(conn);
    for (const auto& row : tx.exec_prepared(kRetentionRead.name, after.agency_credit_code, after.source_id, limit)) {
      batch.last = {row[0].as<std::string>(), row[1].as<std::string>()};
      ++batch.read;
      const Retention term = retention(common::ReadBytes(row[2]));
      if (term.publishable && !term.public_until) continue;  // no end to give (a date past 9999)
      agency.push_back(batch.last.agency_credit_code);
      source_id.push_back(batch.last.source_id);
      public_until.push_back(term.publishable ? common::FormatIsoDate(term.public_until) : "");
      if (term.publishable) {
        ++batch.ended;
      } else {
        ++batch.unpublished;
      }
      // A withdrawn decision's live feed entry is its withdrawal notice, which
      // stays readable: the walk announces nothing for it.
      if (row[3].as<bool>()) continue;
      StaleRecord key;
      key.agency_credit_code = batch.last.agency_credit_code;
      key.source_id = batch.last.source_id;
      events.Add(key, term.publishable ? ChangeType::kPublished : ChangeType::kUnpublished);
    }
    if (!agency.empty()) {
      events.Located(tx.exec_prepared(kRetentionWrite.name, ArrayLiteral(agency), ArrayLiteral(source_id),
                                      ArrayLiteral(public_until)));
    }
    events.Append(tx);
    tx.commit();
    return batch;
  });
}

}  // namespace gongkai::penalties
