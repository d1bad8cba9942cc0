#include "services/inspections/inspection_store.h"

#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "common/calendar/iso_date.h"
#include "common/sql.h"

namespace gongkai::inspections {

const char* RecordKindName(RecordKind kind) {
  switch (kind) {
    case RecordKind::kPlan: return "plan";
    case RecordKind::kTask: return "task";
    case RecordKind::kResult: return "result";
    case RecordKind::kPilotUnit: return "pilot_unit";
    case RecordKind::kBroadcast: return "broadcast";
  }
  return "unknown";
}

namespace {

using common::ArrayLiteral;
using common::Statement;

// The change feed's lock (common::LockFeed): every merge advances change_seq.
constexpr char kFeed[] = "inspections.change_seq";

// One statement stores a whole batch of one kind. $1 kind, $2 city, $3
// today; $4 the batch's serialised records and public records end to end, as
// one binary parameter the statement cuts by offset (1-based) and length, so
// no record is encoded as text on the way (public length 0: no public form);
// $5..$30 the other columns, one text array each ('' for a column the kind
// does not have, stored as NULL; items as an array literal each). A new key
// is published today; a new version keeps its publication day unless its
// clock start changed, takes a new change_seq, and never replaces a stored
// seed. A stored version of another city, or as new or newer, is left as it
// is. Returns the records written, with the year and publication day the
// plan notices need.
const Statement kMerge{
    "inspections_merge",
    "WITH incoming AS ("
    "  SELECT i.agency_credit_code, i.source_id, i.source_version::bigint AS source_version, "
    "  substring($4::bytea FROM i.record_at::int FOR i.record_length::int) AS record, "
    "  CASE WHEN i.public_length::int > 0 "
    "       THEN substring($4::bytea FROM i.public_at::int FOR i.public_length::int) END AS public_record, "
    "  NULLIF(i.year, '0')::int AS year, NULLIF(i.domain, '') AS domain, "
    "  NULLIF(i.clock_start, '')::date AS clock_start, NULLIF(i.date_from, '')::date AS date_from, "
    "  NULLIF(i.date_to, '')::date AS date_to, NULLIF(i.expected_results, '0')::int AS expected_results, "
    "  NULLIF(i.seed, '') AS seed, NULLIF(i.draw_date, '')::date AS draw_date, "
    "  NULLIF(i.task_source_id, '') AS task_source_id, NULLIF(i.object_name, '') AS object_name, "
    "  NULLIF(i.credit_code, '') AS credit_code, i.items::text[] AS items, "
    "  NULLIF(i.outcome, '0')::smallint AS outcome, NULLIF(i.sector, '0')::smallint AS sector, "
    "  NULLIF(i.pilot_unit_source_id, '') AS pilot_unit_source_id, "
    "  NULLIF(i.planned_start, '')::timestamptz AS planned_start, "
    "  NULLIF(i.started_at, '')::timestamptz AS started_at, NULLIF(i.ended_at, '')::timestamptz AS ended_at, "
    "  i.has_replay::boolean AS has_replay "
    "  FROM unnest($5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], "
    "  $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[], $19::text[], "
    "  $20::text[], $21::text[], $22::text[], $23::text[], $24::text[], $25::text[], $26::text[], $27::text[], "
    "  $28::text[], $29::text[], $30::text[]) AS i(agency_credit_code, source_id, source_version, record_at, "
    "  record_length, public_at, public_length, year, domain, clock_start, date_from, date_to, expected_results, "
    "  seed, draw_date, task_source_id, object_name, credit_code, items, outcome, sector, pilot_unit_source_id, "
    "  planned_start, started_at, ended_at, has_replay)), "
    // What was stored before the merge (the statement's snapshot): whether
    // the write publishes the record or only corrects it. Only a plan has a
    // clock start a new version may move; any other record is published
    // when it is inserted (xmax 0: no earlier row version).
    "before AS (SELECT b.agency_credit_code, b.source_id, b.clock_start FROM inspections.records b "
    "  JOIN incoming USING (agency_credit_code, source_id) WHERE b.kind = $1::smallint AND $1::smallint = 1), "
    "merged AS (INSERT INTO inspections.records AS r (kind, agency_credit_code, source_id, source_version, city_code, "
    "year, "
    "domain, clock_start, date_from, date_to, expected_results, seed, draw_date, task_source_id, object_name, "
    "credit_code, items, outcome, sector, pilot_unit_source_id, planned_start, started_at, ended_at, has_replay, "
    "record, public_record, published_on, change_seq) "
    "SELECT $1::smallint, agency_credit_code, source_id, source_version, $2, year, domain, clock_start, date_from, "
    "date_to, expected_results, seed, draw_date, task_source_id, object_name, credit_code, items, outcome, sector, "
    "pilot_unit_source_id, planned_start, started_at, ended_at, has_replay, record, public_record, $3::date, "
    "nextval('inspections.change_seq') FROM incoming "
    "ON CONFLICT (kind, agency_credit_code, source_id) DO UPDATE SET source_version = EXCLUDED.source_version, "
    "year = EXCLUDED.year, domain = EXCLUDED.domain, clock_start = EXCLUDED.clock_start, "
    "date_from = EXCLUDED.date_from, date_to = EXCLUDED.date_to, expected_results = EXCLUDED.expected_results, "
    "seed = COALESCE(r.seed, EXCLUDED.seed), draw_date = EXCLUDED.draw_date, "
    "task_source_id = EXCLUDED.task_source_id, object_name = EXCLUDED.object_name, "
    "credit_code = EXCLUDED.credit_code, items = EXCLUDED.items, outcome = EXCLUDED.outcome, "
    "sector = EXCLUDED.sector, pilot_unit_source_id = EXCLUDED.pilot_unit_source_id, "
    "planned_start = EXCLUDED.planned_start, started_at = EXCLUDED.started_at, ended_at = EXCLUDED.ended_at, "
    "has_replay = EXCLUDED.has_replay, record = EXCLUDED.record, public_record = EXCLUDED.public_record, "
    "published_on = CASE WHEN r.clock_start IS DISTINCT FROM EXCLUDED.clock_start THEN EXCLUDED.published_on "
    "  ELSE r.published_on END, "
    "change_seq = EXCLUDED.change_seq "
    "WHERE r.source_version < EXCLUDED.source_version AND r.city_code = EXCLUDED.city_code "
    // A drawn task's seed never changes: a version made with another seed
    // (two first registrations racing) is not written.
    "AND (r.seed IS NULL OR EXCLUDED.seed IS NULL OR r.seed = EXCLUDED.seed) "
    "RETURNING r.agency_credit_code, r.source_id, coalesce(r.year, 0) AS year, r.published_on, r.clock_start, "
    "  r.xmax = 0 AS inserted) "
    "SELECT m.agency_credit_code, m.source_id, m.year, m.published_on::text, "
    "  CASE WHEN $1::smallint = 1 THEN b.source_id IS NULL OR b.clock_start IS DISTINCT FROM m.clock_start "
    "  ELSE m.inserted END "
    "FROM merged m LEFT JOIN before b USING (agency_credit_code, source_id)"};

// The plans a merge wrote, noted for the registry's coverage: $1..$3 their
// agencies, years and publication days. One notice per agency and year, the
// earliest day kept (a notice stored before stays as it is).
const Statement kRecordPlanNotices{
    "inspections_record_plan_notices",
    "INSERT INTO inspections.plan_notices (agency_credit_code, year, published_on) "
    "SELECT DISTINCT ON (agency_credit_code, year) agency_credit_code, year, published_on FROM ("
    "  SELECT n.agency_credit_code, n.year::int AS year, n.published_on::date AS published_on "
    "  FROM unnest($1::text[], $2::text[], $3::text[]) AS n(agency_credit_code, year, published_on)) AS s "
    "WHERE year > 0 ORDER BY agency_credit_code, year, published_on "
    "ON CONFLICT (agency_credit_code, year) DO NOTHING"};

// The statements below read inspections.record_rows (001_records.sql): a
// record's columns in the order RowFrom takes them, then the record as sent
// ('' where a statement leaves it out), a result's task's check end and a
// task's stored results (NULL and 0 where a statement leaves them out, so
// PostgreSQL neither joins the task nor counts). They filter on the view's
// stored_* columns, which the indexes are on.

// The records of one kind ($1) among the keys $2 (agencies) and $3 (source
// ids), in the order asked; without the record as sent and a task's results
// count unless $4.
const Statement kGetMany{
    "inspections_get_many",
    "SELECT r.kind, r.agency_credit_code, r.source_id, r.source_version, r.city_code, r.year, r.domain, r.clock_start, "
    "r.date_from, r.date_to, r.expected_results, r.seed, r.draw_date, r.task_source_id, r.object_name, r.credit_code, "
    "r.items, r.outcome, r.sector, r.pilot_unit_source_id, r.planned_start, r.started_at, r.ended_at, r.has_replay, "
    "r.public_record, r.published_on, r.change_seq, "
    "CASE WHEN $4::boolean THEN r.record ELSE ''::bytea END, r.task_check_to, "
    "CASE WHEN $4::boolean THEN r.results_stored ELSE 0 END "
    "FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS k(agency_credit_code, source_id, n) "
    "JOIN inspections.record_rows r ON r.kind = $1::smallint AND r.agency_credit_code = k.agency_credit_code "
    "  AND r.source_id = k.source_id "
    "ORDER BY k.n"};

// Plans, newest first: $1 city, $2 agency ('' for any), $3 year (0 for
// any), $4 below this change_seq (0: from the newest), $5 limit.
const Statement kListPlans{
    "inspections_list_plans",
    "SELECT r.kind, r.agency_credit_code, r.source_id, r.source_version, r.city_code, r.year, r.domain, r.clock_start, "
    "r.date_from, r.date_to, r.expected_results, r.seed, r.draw_date, r.task_source_id, r.object_name, r.credit_code, "
    "r.items, r.outcome, r.sector, r.pilot_unit_source_id, r.planned_start, r.started_at, r.ended_at, r.has_replay, "
    "r.public_record, r.published_on, r.change_seq, ''::bytea, NULL::text, 0 "
    "FROM inspections.record_rows r "
    "WHERE r.kind = 1 AND ($1 = '' OR r.city_code = $1) AND ($2 = '' OR r.agency_credit_code = $2) "
    "AND ($3::int = 0 OR r.stored_year = $3::int) AND ($4::bigint = 0 OR r.change_seq < $4::bigint) "
    "ORDER BY r.change_seq DESC LIMIT $5"};

// Tasks, newest first, with the record as sent (PublicTask needs it) and
// their stored results: $1 city, $2 agency, $3/$4 a range their check
// period meets ('' for open), $5 below this change_seq (0: from the newest),
// $6 limit.
const Statement kListTasks{
    "inspections_list_tasks",
    "SELECT r.kind, r.agency_credit_code, r.source_id, r.source_version, r.city_code, r.year, r.domain, r.clock_start, "
    "r.date_from, r.date_to, r.expected_results, r.seed, r.draw_date, r.task_source_id, r.object_name, r.credit_code, "
    "r.items, r.outcome, r.sector, r.pilot_unit_source_id, r.planned_start, r.started_at, r.ended_at, r.has_replay, "
    "r.public_record, r.published_on, r.change_seq, r.record, NULL::text, r.results_stored "
    "FROM inspections.record_rows r "
    "WHERE r.kind = 2 AND ($1 = '' OR r.city_code = $1) AND ($2 = '' OR r.agency_credit_code = $2) "
    "AND ($3 = '' OR r.stored_date_to >= NULLIF($3, '')::date) "
    "AND ($4 = '' OR r.stored_date_from <= NULLIF($4, '')::date) "
    "AND ($5::bigint = 0 OR r.change_seq < $5::bigint) "
    "ORDER BY r.change_seq DESC LIMIT $6"};

// Results, newest first, with their task's check end: $1 city, $2 agency,
// $3/$4 checked_on from/to ('' for open), $5 the object's credit code, $6
// an item checked, $7 the task, $8 the outcome (0 for any), $9 the task's
// domain, $10 below this change_seq (0: from the newest), $11 limit.
const Statement kListResults{
    "inspections_list_results",
    "SELECT r.kind, r.agency_credit_code, r.source_id, r.source_version, r.city_code, r.year, r.domain, r.clock_start, "
    "r.date_from, r.date_to, r.expected_results, r.seed, r.draw_date, r.task_source_id, r.object_name, r.credit_code, "
    "r.items, r.outcome, r.sector, r.pilot_unit_source_id, r.planned_start, r.started_at, r.ended_at, r.has_replay, "
    "r.public_record, r.published_on, r.change_seq, ''::bytea, r.task_check_to, 0 "
    "FROM inspections.record_rows r "
    "WHERE r.kind = 3 AND ($1 = '' OR r.city_code = $1) AND ($2 = '' OR r.agency_credit_code = $2) "
    "AND ($3 = '' OR r.stored_date_from >= NULLIF($3, '')::date) "
    "AND ($4 = '' OR r.stored_date_from <= NULLIF($4, '')::date) "
    "AND ($5 = '' OR r.stored_credit_code = $5) AND ($6 = '' OR $6 = ANY(r.stored_items)) "
    "AND ($7 = '' OR r.stored_task_source_id = $7) AND ($8::int = 0 OR r.stored_outcome = $8::int) "
    "AND ($9 = '' OR r.domain = $9) "
    "AND ($10::bigint = 0 OR r.change_seq < $10::bigint) "
    "ORDER BY r.change_seq DESC LIMIT $11"};

// As kListResults, with $10 part of the object's published name (a
// substring, any case, its %, _ and backslash taken literally), in a form
// the trigram index (records_results_object_name) serves; $11 below this
// change_seq, $12 limit. A statement of its own: in a plan made for any
// name, a condition "$10 = '' OR ..." could use no index.
const Statement kListResultsByName{
    "inspections_list_results_by_name",
    "SELECT r.kind, r.agency_credit_code, r.source_id, r.source_version, r.city_code, r.year, r.domain, r.clock_start, "
    "r.date_from, r.date_to, r.expected_results, r.seed, r.draw_date, r.task_source_id, r.object_name, r.credit_code, "
    "r.items, r.outcome, r.sector, r.pilot_unit_source_id, r.planned_start, r.started_at, r.ended_at, r.has_replay, "
    "r.public_record, r.published_on, r.change_seq, ''::bytea, r.task_check_to, 0 "
    "FROM inspections.record_rows r "
    "WHERE r.kind = 3 AND r.stored_object_name ILIKE "
    "  '%' || replace(replace(replace($10, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%' "
    "AND ($1 = '' OR r.city_code = $1) AND ($2 = '' OR r.agency_credit_code = $2) "
    "AND ($3 = '' OR r.stored_date_from >= NULLIF($3, '')::date) "
    "AND ($4 = '' OR r.stored_date_from <= NULLIF($4, '')::date) "
    "AND ($5 = '' OR r.stored_credit_code = $5) AND ($6 = '' OR $6 = ANY(r.stored_items)) "
    "AND ($7 = '' OR r.stored_task_source_id = $7) AND ($8::int = 0 OR r.stored_outcome = $8::int) "
    "AND ($9 = '' OR r.domain = $9) "
    "AND ($11::bigint = 0 OR r.change_seq < $11::bigint) "
    "ORDER BY r.change_seq DESC LIMIT $12"};

// Run before kListResultsByName, in its transaction: the search is planned
// for its own name. A plan made for any name (the generic plan of a
// prepared statement, which PostgreSQL may settle on after a few calls)
// cannot tell a name the trigram index serves from one it does not.
const Statement kPlanForTheName{"inspections_plan_for_the_name",
                                "SELECT set_config('plan_cache_mode', 'force_custom_plan', true)"};

// Pilot units, newest first: $1 city, $2 agency, $3 year (0 for any), $4
// below this change_seq (0: from the newest), $5 limit.
const Statement kListPilotUnits{
    "inspections_list_pilot_units",
    "SELECT r.kind, r.agency_credit_code, r.source_id, r.source_version, r.city_code, r.year, r.domain, r.clock_start, "
    "r.date_from, r.date_to, r.expected_results, r.seed, r.draw_date, r.task_source_id, r.object_name, r.credit_code, "
    "r.items, r.outcome, r.sector, r.pilot_unit_source_id, r.planned_start, r.started_at, r.ended_at, r.has_replay, "
    "r.public_record, r.published_on, r.change_seq, ''::bytea, NULL::text, 0 "
    "FROM inspections.record_rows r "
    "WHERE r.kind = 4 AND ($1 = '' OR r.city_code = $1) AND ($2 = '' OR r.agency_credit_code = $2) "
    "AND ($3::int = 0 OR r.stored_year = $3::int) AND ($4::bigint = 0 OR r.change_seq < $4::bigint) "
    "ORDER BY r.change_seq DESC LIMIT $5"};

// Broadcasts, newest first: $1 city, $2 agency, $3 state (0 any, 1
// upcoming: not started, 2 live: started and not ended, 3 replay: ended,
// with a replay address), $4 below this change_seq (0: from the newest), $5
// limit.
const Statement kListBroadcasts{
    "inspections_list_broadcasts",
    "SELECT r.kind, r.agency_credit_code, r.source_id, r.source_version, r.city_code, r.year, r.domain, r.clock_start, "
    "r.date_from, r.date_to, r.expected_results, r.seed, r.draw_date, r.task_source_id, r.object_name, r.credit_code, "
    "r.items, r.outcome, r.sector, r.pilot_unit_source_id, r.planned_start, r.started_at, r.ended_at, r.has_replay, "
    "r.public_record, r.published_on, r.change_seq, ''::bytea, NULL::text, 0 "
    "FROM inspections.record_rows r "
    "WHERE r.kind = 5 AND ($1 = '' OR r.city_code = $1) AND ($2 = '' OR r.agency_credit_code = $2) "
    "AND ($3::int = 0 OR ($3::int = 1 AND r.stored_started_at IS NULL) "
    "  OR ($3::int = 2 AND r.stored_started_at IS NOT NULL AND r.stored_ended_at IS NULL) "
    "  OR ($3::int = 3 AND r.stored_ended_at IS NOT NULL AND r.has_replay)) "
    "AND ($4::bigint = 0 OR r.change_seq < $4::bigint) "
    "ORDER BY r.change_seq DESC LIMIT $5"};

// The feed: plans, tasks and results changed after $1, in change_seq
// order, at most $2; tasks with the record as sent (PublicTask needs it)
// and their stored results, results with their task's check end.
const Statement kChanges{
    "inspections_changes",
    "SELECT r.kind, r.agency_credit_code, r.source_id, r.source_version, r.city_code, r.year, r.domain, r.clock_start, "
    "r.date_from, r.date_to, r.expected_results, r.seed, r.draw_date, r.task_source_id, r.object_name, r.credit_code, "
    "r.items, r.outcome, r.sector, r.pilot_unit_source_id, r.planned_start, r.started_at, r.ended_at, r.has_replay, "
    "r.public_record, r.published_on, r.change_seq, "
    "CASE WHEN r.kind = 2 THEN r.record ELSE ''::bytea END, r.task_check_to, r.results_stored "
    "FROM inspections.record_rows r "
    "WHERE r.kind IN (1, 2, 3) AND r.change_seq > $1::bigint "
    "ORDER BY r.change_seq LIMIT $2"};

// Results whose task is stored with its check period, by their task's city,
// domain and check end and their own publication day.
const Statement kResultCounts{
    "inspections_result_counts",
    "SELECT t.city_code, coalesce(t.domain, ''), t.date_to::text, r.published_on::text, count(*) "
    "FROM inspections.records r JOIN inspections.records t ON t.kind = 2 "
    "  AND t.agency_credit_code = r.agency_credit_code AND t.source_id = r.task_source_id "
    "WHERE r.kind = 3 AND t.date_to IS NOT NULL "
    "GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"};

// The results expected (objects drawn) of the tasks whose check period is
// stored, by city, domain and check end.
const Statement kExpectedCounts{
    "inspections_expected_counts",
    "SELECT city_code, coalesce(domain, ''), date_to::text, coalesce(sum(expected_results), 0) "
    "FROM inspections.records WHERE kind = 2 AND date_to IS NOT NULL "
    "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"};

// Plans by city, clock start and publication day.
const Statement kPlanCounts{"inspections_plan_counts",
                            "SELECT city_code, clock_start::text, published_on::text, count(*) "
                            "FROM inspections.records WHERE kind = 1 AND clock_start IS NOT NULL "
                            "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"};

// The pilot units of the year $1 by city and sector.
const Statement kPilotCounts{"inspections_pilot_counts",
                             "SELECT city_code, coalesce(sector, 0), count(*) FROM inspections.records "
                             "WHERE kind = 4 AND year = $1::int GROUP BY 1, 2 ORDER BY 1, 2"};

// The reads of the KPI tallies and the lead findings: $1 city, $2 agency
// ('' for any), $3 the year; by agency and source id, with the record as
// sent. Plans whose clock start is in the year, or of the year or the next
// (approved_on lies in the plan's year or the year before).
const Statement kKpiPlans{
    "inspections_kpi_plans",
    "SELECT r.kind, r.agency_credit_code, r.source_id, r.source_version, r.city_code, r.year, r.domain, r.clock_start, "
    "r.date_from, r.date_to, r.expected_results, r.seed, r.draw_date, r.task_source_id, r.object_name, r.credit_code, "
    "r.items, r.outcome, r.sector, r.pilot_unit_source_id, r.planned_start, r.started_at, r.ended_at, r.has_replay, "
    "r.public_record, r.published_on, r.change_seq, r.record, NULL::text, 0 "
    "FROM inspections.record_rows r "
    "WHERE r.kind = 1 AND ($1 = '' OR r.city_code = $1) AND ($2 = '' OR r.agency_credit_code = $2) "
    "AND (r.stored_year IN ($3::int, $3::int + 1) "
    "  OR extract(year FROM r.clock_start::date) = $3::int) "
    "ORDER BY r.agency_credit_code, r.source_id"};

// Tasks whose check period meets the year $3, with their seed.
const Statement kKpiTasks{
    "inspections_kpi_tasks",
    "SELECT r.kind, r.agency_credit_code, r.source_id, r.source_version, r.city_code, r.year, r.domain, r.clock_start, "
    "r.date_from, r.date_to, r.expected_results, r.seed, r.draw_date, r.task_source_id, r.object_name, r.credit_code, "
    "r.items, r.outcome, r.sector, r.pilot_unit_source_id, r.planned_start, r.started_at, r.ended_at, r.has_replay, "
    "r.public_record, r.published_on, r.change_seq, r.record, NULL::text, 0 "
    "FROM inspections.record_rows r "
    "WHERE r.kind = 2 AND ($1 = '' OR r.city_code = $1) AND ($2 = '' OR r.agency_credit_code = $2) "
    "AND r.stored_date_from <= make_date($3::int, 12, 31) AND r.stored_date_to >= make_date($3::int, 1, 1) "
    "ORDER BY r.agency_credit_code, r.source_id"};

// The results of the tasks whose check ends in the year $3, found through
// their task (records_results_task), with its check end.
const Statement kKpiResults{
    "inspections_kpi_results",
    "SELECT r.kind, r.agency_credit_code, r.source_id, r.source_version, r.city_code, r.year, r.domain, r.clock_start, "
    "r.date_from, r.date_to, r.expected_results, r.seed, r.draw_date, r.task_source_id, r.object_name, r.credit_code, "
    "r.items, r.outcome, r.sector, r.pilot_unit_source_id, r.planned_start, r.started_at, r.ended_at, r.has_replay, "
    "r.public_record, r.published_on, r.change_seq, r.record, t.date_to::text, 0 "
    "FROM inspections.records t JOIN inspections.record_rows r ON r.kind = 3 "
    "  AND r.agency_credit_code = t.agency_credit_code AND r.stored_task_source_id = t.source_id "
    "WHERE t.kind = 2 AND ($1 = '' OR t.city_code = $1) AND ($2 = '' OR t.agency_credit_code = $2) "
    "AND t.date_to BETWEEN make_date($3::int, 1, 1) AND make_date($3::int, 12, 31) "
    "ORDER BY r.agency_credit_code, r.source_id"};

// Plan notices not yet pushed, oldest first, at most $1.
const Statement kPendingPlanNotices{
    "inspections_pending_plan_notices",
    "SELECT agency_credit_code, year, published_on::text FROM inspections.plan_notices WHERE NOT pushed "
    "ORDER BY published_on, agency_credit_code, year LIMIT $1"};

// The notices of $1 (agencies) and $2 (years) pushed to the registry.
const Statement kMarkPlanNoticesPushed{
    "inspections_mark_plan_notices_pushed",
    "UPDATE inspections.plan_notices p SET pushed = true "
    "FROM unnest($1::text[], $2::text[]) AS n(agency_credit_code, year) "
    "WHERE p.agency_credit_code = n.agency_credit_code AND p.year = n.year::int AND NOT p.pushed"};

// A batch's columns as kMerge takes them.
struct BatchColumns {
  std::string bytes;
  std::vector<std::string> agency, source_id, version, record_at, record_length, public_at, public_length, year, domain,
      clock_start, date_from, date_to, expected_results, seed, draw_date, task_source_id, object_name, credit_code,
      items, outcome, sector, pilot_unit_source_id, planned_start, started_at, ended_at, has_replay;

  explicit BatchColumns(const std::vector<RecordToStore>& records) {
    std::size_t size = 0;
    for (const auto& r : records) size += r.record.size() + r.public_record.size();
    bytes.reserve(size);
    for (const auto& r : records) {
      const Columns& c = r.columns;
      agency.push_back(r.agency_credit_code);
      source_id.push_back(r.source_id);
      version.push_back(std::to_string(r.source_version));
      record_at.push_back(std::to_string(bytes.size() + 1));
      record_length.push_back(std::to_string(r.record.size()));
      bytes += r.record;
      public_at.push_back(std::to_string(bytes.size() + 1));
      public_length.push_back(std::to_string(r.public_record.size()));
      bytes += r.public_record;
      year.push_back(std::to_string(c.year));
      domain.push_back(c.domain);
      clock_start.push_back(common::FormatIsoDate(c.clock_start));
      date_from.push_back(common::FormatIsoDate(c.date_from));
      date_to.push_back(common::FormatIsoDate(c.date_to));
      expected_results.push_back(std::to_string(c.expected_results));
      seed.push_back(c.seed);
      draw_date.push_back(common::FormatIsoDate(c.draw_date));
      task_source_id.push_back(c.task_source_id);
      object_name.push_back(c.object_name);
      credit_code.push_back(c.credit_code);
      items.push_back(ArrayLiteral(c.items));
      outcome.push_back(std::to_string(c.outcome));
      sector.push_back(std::to_string(c.sector));
      pilot_unit_source_id.push_back(c.pilot_unit_source_id);
      planned_start.push_back(c.planned_start);
      started_at.push_back(c.started_at);
      ended_at.push_back(c.ended_at);
      has_replay.push_back(c.has_replay ? "true" : "false");
    }
  }
};

// The plans a merge wrote, as kRecordPlanNotices takes them.
struct PlanNoticeColumns {
  std::vector<std::string> agency, year, published_on;
};

// A text[] column read as JSON (to_json(items)::text).
std::vector<std::string> ItemsFrom(const pqxx::field& field) {
  std::vector<std::string> out;
  if (field.is_null()) return out;
  for (const auto& item : nlohmann::json::parse(field.as<std::string>())) out.push_back(item.get<std::string>());
  return out;
}

StoredRecord RowFrom(const pqxx::row& r) {
  StoredRecord s;
  s.kind = static_cast<RecordKind>(r[0].as<int>());
  s.agency_credit_code = r[1].as<std::string>();
  s.source_id = r[2].as<std::string>();
  s.source_version = r[3].as<int64_t>();
  s.city_code = r[4].as<std::string>();
  Columns& c = s.columns;
  c.year = r[5].as<int>();
  c.domain = r[6].as<std::string>();
  c.clock_start = common::ReadOptionalDate(r[7]);
  c.date_from = common::ReadOptionalDate(r[8]);
  c.date_to = common::ReadOptionalDate(r[9]);
  c.expected_results = r[10].as<int>();
  c.seed = r[11].as<std::string>();
  c.draw_date = common::ReadOptionalDate(r[12]);
  c.task_source_id = r[13].as<std::string>();
  c.object_name = r[14].as<std::string>();
  c.credit_code = r[15].as<std::string>();
  c.items = ItemsFrom(r[16]);
  c.outcome = r[17].as<int>();
  c.sector = r[18].as<int>();
  c.pilot_unit_source_id = r[19].as<std::string>();
  c.planned_start = r[20].as<std::string>();
  c.started_at = r[21].as<std::string>();
  c.ended_at = r[22].as<std::string>();
  c.has_replay = r[23].as<bool>();
  s.public_record = common::ReadBytes(r[24]);
  s.published_on = common::ReadDate(r[25]);
  s.change_seq = r[26].as<int64_t>();
  s.record = common::ReadBytes(r[27]);
  s.task_check_to = common::ReadOptionalDate(r[28]);
  s.results_stored = r[29].as<int>();
  return s;
}

std::vector<StoredRecord> RowsFrom(const pqxx::result& rows) {
  std::vector<StoredRecord> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(RowFrom(row));
  return out;
}

}  // namespace

PgInspectionStore::PgInspectionStore(common::PgPool& pool) : pool_(pool), rejections_(pool) {
  for (const Statement& s :
       {kMerge,       kRecordPlanNotices, kGetMany,        kListPlans,          kListTasks,
        kListResults, kListResultsByName, kPlanForTheName, kListPilotUnits,     kListBroadcasts,
        kChanges,     kResultCounts,      kExpectedCounts, kPlanCounts,         kPilotCounts,
        kKpiPlans,    kKpiTasks,          kKpiResults,     kPendingPlanNotices, kMarkPlanNoticesPushed}) {
    pool_.Prepare(s);
  }
}

std::vector<WriteOutcome> PgInspectionStore::UpsertBatch(RecordKind kind, const std::string& city_code,
                                                         const std::vector<RecordToStore>& valid,
                                                         const std::vector<common::Rejection>& rejected,
                                                         common::Date today) {
  const BatchColumns columns(valid);
  const std::string today_iso = common::FormatIsoDate(today);
  return pool_.Run([&](pqxx::connection& conn) {
    std::vector<WriteOutcome> outcomes(valid.size());
    std::vector<std::string> written_keys;  // their rejections are cleared
    pqxx::work tx(conn);
    if (!valid.empty()) {
      std::map<std::pair<std::string, std::string>, std::size_t> index;  // (agency, source id) -> position
      for (std::size_t i = 0; i < valid.size(); ++i) {
        index.emplace(std::pair(valid[i].agency_credit_code, valid[i].source_id), i);
      }
      // The merge advances change_seq: writers take turns from here to
      // commit, so change_seq order is commit order.
      common::LockFeed(tx, kFeed);
      const pqxx::result written = tx.exec_prepared(
          kMerge.name, static_cast<int>(kind), city_code, today_iso, pqxx::binarystring(columns.bytes),
          ArrayLiteral(columns.agency), ArrayLiteral(columns.source_id), ArrayLiteral(columns.version),
          ArrayLiteral(columns.record_at), ArrayLiteral(columns.record_length), ArrayLiteral(columns.public_at),
          ArrayLiteral(columns.public_length), ArrayLiteral(columns.year), ArrayLiteral(columns.domain),
          ArrayLiteral(columns.clock_start), ArrayLiteral(columns.date_from), ArrayLiteral(columns.date_to),
          ArrayLiteral(columns.expected_results), ArrayLiteral(columns.seed), ArrayLiteral(columns.draw_date),
          ArrayLiteral(columns.task_source_id), ArrayLiteral(columns.object_name), ArrayLiteral(columns.credit_code),
          ArrayLiteral(columns.items), ArrayLiteral(columns.outcome), ArrayLiteral(columns.sector),
          ArrayLiteral(columns.pilot_unit_source_id), ArrayLiteral(columns.planned_start),
          ArrayLiteral(columns.started_at), ArrayLiteral(columns.ended_at), ArrayLiteral(columns.has_replay));
      PlanNoticeColumns notices;
      for (const auto& row : written) {
        const auto agency = row[0].as<std::string>();
        const auto source_id = row[1].as<std::string>();
        auto it = index.find({agency, source_id});
        if (it != index.end()) outcomes[it->second] = {common::UpsertOutcome::kAccepted, row[4].as<bool>()};
        written_keys.push_back(agency + "/" + source_id);
        if (kind == RecordKind::kPlan) {
          notices.agency.push_back(agency);
          notices.year.push_back(row[2].as<std::string>());
          notices.published_on.push_back(row[3].as<std::string>());
        }
      }
      if (!notices.agency.empty()) {
        tx.exec_prepared(kRecordPlanNotices.name, ArrayLiteral(notices.agency), ArrayLiteral(notices.year),
                         ArrayLiteral(notices.published_on));
      }
    }
    rejections_.Clear(tx, city_code, RecordKindName(kind), written_keys);
    rejections_.Record(tx, city_code, rejected);
    tx.commit();
    return outcomes;
  });
}

std::optional<StoredRecord> PgInspectionStore::Get(RecordKind kind, const std::string& agency,
                                                   const std::string& source_id) {
  auto found = GetMany(kind, {{agency, source_id}});
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::vector<StoredRecord> PgInspectionStore::GetMany(RecordKind kind,
                                                     const std::vector<std::pair<std::string, std::string>>& keys,
                                                     bool whole) {
  if (keys.empty()) return {};
  std::vector<std::string> agencies, source_ids;
  for (const auto& [agency, source_id] : keys) {
    agencies.push_back(agency);
    source_ids.push_back(source_id);
  }
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    return RowsFrom(tx.exec_prepared(kGetMany.name, static_cast<int>(kind), ArrayLiteral(agencies),
                                     ArrayLiteral(source_ids), whole));
  });
}

std::vector<StoredRecord> PgInspectionStore::List(const ListFilter& f) {
  const std::string from = common::FormatIsoDate(f.date_from);
  const std::string to = common::FormatIsoDate(f.date_to);
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    switch (f.kind) {
      case RecordKind::kPlan:
        return RowsFrom(
            tx.exec_prepared(kListPlans.name, f.city_code, f.agency_credit_code, f.year, f.before_seq, f.limit));
      case RecordKind::kTask:
        return RowsFrom(
            tx.exec_prepared(kListTasks.name, f.city_code, f.agency_credit_code, from, to, f.before_seq, f.limit));
      case RecordKind::kResult:
        if (f.object_name.empty()) {
          return RowsFrom(tx.exec_prepared(kListResults.name, f.city_code, f.agency_credit_code, from, to,
                                           f.credit_code, f.item, f.task_source_id, f.outcome, f.domain, f.before_seq,
                                           f.limit));
        }
        tx.exec_prepared(kPlanForTheName.name);
        return RowsFrom(tx.exec_prepared(kListResultsByName.name, f.city_code, f.agency_credit_code, from, to,
                                         f.credit_code, f.item, f.task_source_id, f.outcome, f.domain, f.object_name,
                                         f.before_seq, f.limit));
      case RecordKind::kPilotUnit:
        return RowsFrom(
            tx.exec_prepared(kListPilotUnits.name, f.city_code, f.agency_credit_code, f.year, f.before_seq, f.limit));
      case RecordKind::kBroadcast:
        return RowsFrom(tx.exec_prepared(kListBroadcasts.name, f.city_code, f.agency_credit_code, f.broadcast_state,
                                         f.before_seq, f.limit));
    }
    return std::vector<StoredRecord>{};
  });
}

std::vector<StoredRecord> PgInspectionStore::Changes(int64_t after_seq, int limit) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    return RowsFrom(tx.exec_prepared(kChanges.name, after_seq, limit));
  });
}

std::vector<common::Rejection> PgInspectionStore::ListRejections(const std::string& city_code, int64_t before_id,
                                                                 int limit) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    return rejections_.List(tx, city_code, before_id, limit);
  });
}

std::vector<PlanNotice> PgInspectionStore::PendingPlanNotices(int limit) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<PlanNotice> out;
    for (const auto& row : tx.exec_prepared(kPendingPlanNotices.name, limit)) {
      out.push_back({row[0].as<std::string>(), row[1].as<int>(), common::ReadDate(row[2])});
    }
    return out;
  });
}

void PgInspectionStore::MarkPlanNoticesPushed(const std::vector<PlanNotice>& notices) {
  if (notices.empty()) return;
  std::vector<std::string> agencies, years;
  for (const auto& n : notices) {
    agencies.push_back(n.agency_credit_code);
    years.push_back(std::to_string(n.year));
  }
  pool_.Run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    tx.exec_prepared(kMarkPlanNoticesPushed.name, ArrayLiteral(agencies), ArrayLiteral(years));
    tx.commit();
  });
}

std::vector<ResultCount> PgInspectionStore::ResultCounts() {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<ResultCount> out;
    for (const auto& r : tx.exec_prepared(kResultCounts.name)) {
      out.push_back({r[0].as<std::string>(), r[1].as<std::string>(), common::ReadDate(r[2]), common::ReadDate(r[3]),
                     r[4].as<int64_t>()});
    }
    return out;
  });
}

std::vector<ExpectedCount> PgInspectionStore::ExpectedCounts() {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<ExpectedCount> out;
    for (const auto& r : tx.exec_prepared(kExpectedCounts.name)) {
      out.push_back({r[0].as<std::string>(), r[1].as<std::string>(), common::ReadDate(r[2]), r[3].as<int64_t>()});
    }
    return out;
  });
}

std::vector<PlanCount> PgInspectionStore::PlanCounts() {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<PlanCount> out;
    for (const auto& r : tx.exec_prepared(kPlanCounts.name)) {
      out.push_back({r[0].as<std::string>(), common::ReadDate(r[1]), common::ReadDate(r[2]), r[3].as<int64_t>()});
    }
    return out;
  });
}

std::vector<PilotCount> PgInspectionStore::PilotCounts(int year) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<PilotCount> out;
    for (const auto& r : tx.exec_prepared(kPilotCounts.name, year)) {
      out.push_back({r[0].as<std::string>(), r[1].as<int>(), r[2].as<int64_t>()});
    }
    return out;
  });
}

KpiRecords PgInspectionStore::ReadKpiRecords(const KpiFilter& f) {
  return pool_.Run([&](pqxx::connection& conn) {
    // One snapshot: the results agree with the tasks read.
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(conn);
    KpiRecords out;
    out.plans = RowsFrom(tx.exec_prepared(kKpiPlans.name, f.city_code, f.agency_credit_code, f.year));
    out.tasks = RowsFrom(tx.exec_prepared(kKpiTasks.name, f.city_code, f.agency_credit_code, f.year));
    out.results = RowsFrom(tx.exec_prepared(kKpiResults.name, f.city_code, f.agency_credit_code, f.year));
    return out;
  });
}

}  // namespace gongkai::inspections
