#include "services/supervision/supervision_store.h"

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "common/calendar/iso_date.h"
#include "common/sql.h"

namespace gongkai::supervision {

const char* RecordKindName(RecordKind kind) {
  switch (kind) {
    case RecordKind::kRound: return "round";
    case RecordKind::kReview: return "review";
    case RecordKind::kSupervision: return "supervision";
    case RecordKind::kAssessmentPlan: return "assessment_plan";
    case RecordKind::kAssessmentResult: return "assessment_result";
  }
  return "unknown";
}

namespace {

using common::ArrayLiteral;
using common::Statement;

// The change feed's lock (common::LockFeed): every merge advances change_seq.
constexpr char kFeed[] = "supervision.change_seq";

// The subject of the rectifications a kind's records require: 1 a review's,
// 2 a supervision's problems'; 0 for a kind that requires none.
int SubjectOf(RecordKind kind) {
  switch (kind) {
    case RecordKind::kReview: return 1;
    case RecordKind::kSupervision: return 2;
    default: return 0;
  }
}

// Two statements store a whole batch of one kind, whatever its size. This
// one stores the records: $1 kind, $2 today; $3 the batch's serialised
// records and public records end to end, as one binary parameter the
// statement cuts by offset (1-based) and length, so no record is encoded as
// text on the way; $4..$20 the records' other columns, one text array each
// ('' or '0' for a column the kind does not have, stored as NULL); $21 the
// kind's rectification subject (SubjectOf). A record whose stored version is
// as new or newer is left as it is. A new key is published today; a new
// version keeps its publication day unless its clock start changed, and
// takes a new change_seq. The problems and obligations of the stored
// version of each record written are deleted, and problem_counts takes its
// problems out (kAddProblems, the next statement, writes the new ones: a
// statement that both deleted and wrote a row of one key would need its
// parts to run in an order PostgreSQL does not promise). Every part reads
// the tables as they were before the statement (its snapshot). Returns the
// records written and whether the write published each: a new key (xmax 0:
// no earlier row version), or a new clock start (`before`: the stored one).
const Statement kMerge{
    "supervision_merge",
    "WITH incoming AS ("
    "  SELECT i.n, i.agency_credit_code, i.source_id, i.source_version::bigint AS source_version, i.city_code, "
    "  substring($3::bytea FROM i.record_at::int FOR i.record_length::int) AS record, "
    "  substring($3::bytea FROM i.public_at::int FOR i.public_length::int) AS public_record, "
    "  NULLIF(i.year, '0')::int AS year, NULLIF(i.quarter, '0')::smallint AS quarter, "
    "  NULLIF(i.clock_start, '')::date AS clock_start, NULLIF(i.date_from, '')::date AS date_from, "
    "  NULLIF(i.date_to, '')::date AS date_to, NULLIF(i.expected, '0')::int AS expected, "
    "  NULLIF(i.parent_source_id, '') AS parent_source_id, NULLIF(i.unit, '') AS unit, "
    "  NULLIF(i.unit_city, '') AS unit_city "
    "  FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], "
    "  $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[], "
    "  $19::text[], $20::text[]) WITH ORDINALITY AS i(agency_credit_code, source_id, source_version, city_code, "
    "  record_at, record_length, public_at, public_length, year, quarter, clock_start, date_from, date_to, "
    "  expected, parent_source_id, unit, unit_city, n)), "
    "before AS (SELECT b.agency_credit_code, b.source_id, b.clock_start FROM supervision.records b "
    "  JOIN incoming USING (agency_credit_code, source_id) WHERE b.kind = $1::smallint), "
    "merged AS (INSERT INTO supervision.records AS r (kind, agency_credit_code, source_id, source_version, "
    "  city_code, year, quarter, clock_start, date_from, date_to, expected, parent_source_id, unit, unit_city, "
    "  record, public_record, published_on, change_seq) "
    "  SELECT $1::smallint, agency_credit_code, source_id, source_version, city_code, year, quarter, clock_start, "
    "  date_from, date_to, expected, parent_source_id, unit, unit_city, record, public_record, $2::date, "
    "  nextval('supervision.change_seq') FROM incoming ORDER BY n "
    "  ON CONFLICT (kind, agency_credit_code, source_id) DO UPDATE SET source_version = EXCLUDED.source_version, "
    "  city_code = EXCLUDED.city_code, year = EXCLUDED.year, quarter = EXCLUDED.quarter, "
    "  clock_start = EXCLUDED.clock_start, date_from = EXCLUDED.date_from, date_to = EXCLUDED.date_to, "
    "  expected = EXCLUDED.expected, parent_source_id = EXCLUDED.parent_source_id, unit = EXCLUDED.unit, "
    "  unit_city = EXCLUDED.unit_city, record = EXCLUDED.record, public_record = EXCLUDED.public_record, "
    "  published_on = CASE WHEN r.clock_start IS DISTINCT FROM EXCLUDED.clock_start THEN EXCLUDED.published_on "
    "    ELSE r.published_on END, "
    "  change_seq = EXCLUDED.change_seq "
    "  WHERE r.source_version < EXCLUDED.source_version "
    "  RETURNING r.agency_credit_code, r.source_id, r.clock_start, r.xmax = 0 AS inserted), "
    "written AS (SELECT m.agency_credit_code, m.source_id, "
    "  (m.inserted OR b.clock_start IS DISTINCT FROM m.clock_start) AS published "
    "  FROM merged m LEFT JOIN before b USING (agency_credit_code, source_id)), "
    "dropped_problems AS (DELETE FROM supervision.problems d USING written w "
    "  WHERE d.kind = $1::smallint AND d.agency_credit_code = w.agency_credit_code AND d.source_id = w.source_id "
    "  RETURNING d.year, d.unit_city, d.unit, d.domain, d.type), "
    "uncounted AS (INSERT INTO supervision.problem_counts AS c (year, unit_city, kind, unit, domain, type, problems) "
    "  SELECT year, unit_city, $1::smallint, unit, domain, type, -count(*) FROM dropped_problems "
    "  GROUP BY year, unit_city, unit, domain, type "
    "  ON CONFLICT (year, unit_city, kind, unit, domain, type) "
    "  DO UPDATE SET problems = c.problems + EXCLUDED.problems), "
    "dropped_obligations AS (DELETE FROM supervision.obligations d USING written w "
    "  WHERE d.subject = $21::smallint AND d.agency_credit_code = w.agency_credit_code "
    "  AND d.source_id = w.source_id) "
    "SELECT agency_credit_code, source_id, published FROM written"};

// The second statement of a batch, in its transaction after kMerge: the
// problems and obligations of the records kMerge wrote. $1 kind, $2 its
// rectification subject (0: the kind requires none, and no obligation is
// written); $3..$10 the problems (agency, source id, ordinal within the
// record, unit, unit city, domain, type, the record's year), counted in
// problem_counts; $11..$17 the obligations (agency, source id, problem id,
// unit, unit city, requirement, deadline).
const Statement kAddProblems{
    "supervision_add_problems",
    "WITH added AS (INSERT INTO supervision.problems (kind, agency_credit_code, source_id, ordinal, unit, "
    "  unit_city, domain, type, year) "
    "  SELECT $1::smallint, p.agency_credit_code, p.source_id, p.ordinal::int, p.unit, p.unit_city, p.domain, "
    "  p.type::smallint, p.year::int "
    "  FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], "
    "  $10::text[]) AS p(agency_credit_code, source_id, ordinal, unit, unit_city, domain, type, year) "
    "  RETURNING year, unit_city, unit, domain, type), "
    "counted AS (INSERT INTO supervision.problem_counts AS c (year, unit_city, kind, unit, domain, type, problems) "
    "  SELECT year, unit_city, $1::smallint, unit, domain, type, count(*) FROM added "
    "  GROUP BY year, unit_city, unit, domain, type "
    "  ON CONFLICT (year, unit_city, kind, unit, domain, type) "
    "  DO UPDATE SET problems = c.problems + EXCLUDED.problems) "
    "INSERT INTO supervision.obligations (subject, agency_credit_code, source_id, problem_id, unit, unit_city, "
    "requirement, deadline) "
    "SELECT $2::smallint, o.agency_credit_code, o.source_id, o.problem_id, o.unit, o.unit_city, o.requirement, "
    "o.deadline::date "
    "FROM unnest($11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[]) "
    "AS o(agency_credit_code, source_id, problem_id, unit, unit_city, requirement, deadline) "
    "WHERE $2::smallint > 0"};

// One statement stores a batch of rectification reports: $1 today; $2 the
// serialised reports end to end, cut by offset (1-based) and length; $3..$10
// subject, agency, source id, problem id, source version, offset, length,
// done_on. A new key is first reported today; a newer version replaces the
// report and keeps that day; an older or equal one is left as it is.
// Returns the keys written.
const Statement kMergeReports{
    "supervision_merge_reports",
    "INSERT INTO supervision.reports AS r (subject, agency_credit_code, source_id, problem_id, source_version, "
    "report, done_on, reported_on) "
    "SELECT i.subject::smallint, i.agency_credit_code, i.source_id, i.problem_id, i.source_version::bigint, "
    "substring($2::bytea FROM i.report_at::int FOR i.report_length::int), i.done_on::date, $1::date "
    "FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[]) "
    "WITH ORDINALITY AS i(subject, agency_credit_code, source_id, problem_id, source_version, report_at, "
    "report_length, done_on, n) "
    "ORDER BY i.n "
    "ON CONFLICT (subject, agency_credit_code, source_id, problem_id) DO UPDATE SET "
    "source_version = EXCLUDED.source_version, report = EXCLUDED.report, done_on = EXCLUDED.done_on "
    "WHERE r.source_version < EXCLUDED.source_version "
    "RETURNING r.subject, r.agency_credit_code, r.source_id, r.problem_id"};

// The statements below read supervision.record_rows (001_records.sql): a
// record's columns in the order RowFrom takes them, then the record as sent
// ('' where a statement leaves it out, so PostgreSQL does not read it) and a
// round's stored reviews. They filter on the view's stored_* columns, which
// the indexes are on.

// The records of one kind ($1) among the keys $2 (agencies) and $3 (source
// ids), in the order asked, whole.
const Statement kGetMany{
    "supervision_get_many",
    "SELECT r.kind, r.agency_credit_code, r.source_id, r.source_version, r.city_code, r.year, r.quarter, "
    "r.clock_start, r.date_from, r.date_to, r.expected, r.parent_source_id, r.unit, r.unit_city, r.public_record, "
    "r.published_on, r.change_seq, r.record, r.reviews_stored "
    "FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS k(agency_credit_code, source_id, n) "
    "JOIN supervision.record_rows r ON r.kind = $1::smallint AND r.agency_credit_code = k.agency_credit_code "
    "  AND r.source_id = k.source_id "
    "ORDER BY k.n"};

// Rounds, assessment plans or results ($1 kind), newest first,
// without the record as sent: $2 city, $3 agency ('' for any), $4 year, $5
// quarter (0 for any), $6 below this change_seq (0: from the newest), $7
// limit.
const Statement kListRecords{
    "supervision_list_records",
    "SELECT r.kind, r.agency_credit_code, r.source_id, r.source_version, r.city_code, r.year, r.quarter, "
    "r.clock_start, r.date_from, r.date_to, r.expected, r.parent_source_id, r.unit, r.unit_city, r.public_record, "
    "r.published_on, r.change_seq, ''::bytea, r.reviews_stored "
    "FROM supervision.record_rows r "
    "WHERE r.kind = $1::smallint AND ($2 = '' OR r.city_code = $2) AND ($3 = '' OR r.agency_credit_code = $3) "
    "AND ($4::int = 0 OR r.stored_year = $4::int) AND ($5::int = 0 OR r.stored_quarter = $5::int) "
    "AND ($6::bigint = 0 OR r.change_seq < $6::bigint) "
    "ORDER BY r.change_seq DESC LIMIT $7"};

// Reviews, newest first, without the record as sent: $1 the reviewed unit's
// city, $2 the reviewed unit, $3 the round's organiser, $4 the round ('' for
// any), $5 year, $6 quarter (0 for any), $7 below this change_seq (0: from
// the newest), $8 limit, $9/$10 the round's end (clock_start) from/to ('' for
// open), compared as dates (the view reads clock_start as ISO text).
const Statement kListReviews{
    "supervision_list_reviews",
    "SELECT r.kind, r.agency_credit_code, r.source_id, r.source_version, r.city_code, r.year, r.quarter, "
    "r.clock_start, r.date_from, r.date_to, r.expected, r.parent_source_id, r.unit, r.unit_city, r.public_record, "
    "r.published_on, r.change_seq, ''::bytea, 0 "
    "FROM supervision.record_rows r "
    "WHERE r.kind = 2 AND ($1 = '' OR r.stored_unit_city = $1) AND ($2 = '' OR r.stored_unit = $2) "
    "AND ($3 = '' OR r.agency_credit_code = $3) AND ($4 = '' OR r.stored_parent_source_id = $4) "
    "AND ($5::int = 0 OR r.stored_year = $5::int) AND ($6::int = 0 OR r.stored_quarter = $6::int) "
    "AND ($9 = '' OR r.clock_start::date >= NULLIF($9, '')::date) "
    "AND ($10 = '' OR r.clock_start::date <= NULLIF($10, '')::date) "
    "AND ($7::bigint = 0 OR r.change_seq < $7::bigint) "
    "ORDER BY r.change_seq DESC LIMIT $8"};

// Supervisions, newest first, without the record as sent: $1 city, $2
// agency ('' for any), $3 the year of their end (0 for any), $4/$5 ended_on
// from/to ('' for open), $6 a problem's domain and $7 its unit ('' for any:
// when both are given, one problem has both), $8 below this change_seq (0:
// from the newest), $9 limit. The problems are found by their record's key
// (the primary key of supervision.problems begins with it).
const Statement kListSupervisions{
    "supervision_list_supervisions",
    "SELECT r.kind, r.agency_credit_code, r.source_id, r.source_version, r.city_code, r.year, r.quarter, "
    "r.clock_start, r.date_from, r.date_to, r.expected, r.parent_source_id, r.unit, r.unit_city, r.public_record, "
    "r.published_on, r.change_seq, ''::bytea, 0 "
    "FROM supervision.record_rows r "
    "WHERE r.kind = 3 AND ($1 = '' OR r.city_code = $1) AND ($2 = '' OR r.agency_credit_code = $2) "
    "AND ($3::int = 0 OR r.stored_year = $3::int) "
    "AND ($4 = '' OR r.stored_date_to >= NULLIF($4, '')::date) "
    "AND ($5 = '' OR r.stored_date_to <= NULLIF($5, '')::date) "
    "AND (($6 = '' AND $7 = '') OR EXISTS (SELECT 1 FROM supervision.problems p "
    "  WHERE p.kind = 3 AND p.agency_credit_code = r.agency_credit_code AND p.source_id = r.source_id "
    "  AND ($6 = '' OR p.domain = $6) AND ($7 = '' OR p.unit = $7))) "
    "AND ($8::bigint = 0 OR r.change_seq < $8::bigint) "
    "ORDER BY r.change_seq DESC LIMIT $9"};

// The feed: records of every kind changed after $1, in change_seq order, at
// most $2, without the record as sent.
const Statement kChanges{
    "supervision_changes",
    "SELECT r.kind, r.agency_credit_code, r.source_id, r.source_version, r.city_code, r.year, r.quarter, "
    "r.clock_start, r.date_from, r.date_to, r.expected, r.parent_source_id, r.unit, r.unit_city, r.public_record, "
    "r.published_on, r.change_seq, ''::bytea, r.reviews_stored "
    "FROM supervision.record_rows r WHERE r.change_seq > $1::bigint "
    "ORDER BY r.change_seq LIMIT $2"};

// The rounds of the year $1 with an end, and their stored reviews.
const Statement kRounds{
    "supervision_rounds",
    "SELECT r.agency_credit_code, r.source_id, r.city_code, r.quarter, r.date_to, r.expected, r.reviews_stored "
    "FROM supervision.record_rows r WHERE r.kind = 1 AND r.stored_year = $1::int AND r.stored_date_to IS NOT NULL "
    "ORDER BY r.agency_credit_code, r.source_id"};

// The units reviewed by the reviews of the year $1, each once per round.
// The reviews of the (organiser, round, unit) keys $1, $2, $3.
const Statement kReviewsOfUnits{
    "supervision_reviews_of_units",
    "SELECT r.agency_credit_code, r.parent_source_id, r.unit, r.source_id FROM supervision.records r "
    "JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(agency, round, unit) "
    "  ON r.agency_credit_code = k.agency AND r.parent_source_id = k.round AND r.unit = k.unit "
    "WHERE r.kind = 2"};

const Statement kReviewedUnits{"supervision_reviewed_units",
                               "SELECT DISTINCT r.agency_credit_code, r.parent_source_id, r.unit, r.unit_city "
                               "FROM supervision.record_rows r WHERE r.kind = 2 AND r.stored_year = $1::int "
                               "ORDER BY 1, 2, 3, 4"};

// The problems of the year $1 (of a unit city $2, '' for all; of a kind $3,
// 0 for both) from problem_counts, in one pass: the grouping set of each row
// (0 the total, 1 by unit, 2 by domain, 3 by type, 4 by unit city), its key
// (a unit, domain or city; the type apart) and its count; domains '' and
// type 0 (the other kind's) are not groups of their own. Each set most
// first, then by key (byte order, as the keys compare in C++).
const Statement kCountProblems{
    "supervision_count_problems",
    "SELECT CASE WHEN GROUPING(unit) = 0 THEN 1 WHEN GROUPING(domain) = 0 THEN 2 WHEN GROUPING(type) = 0 THEN 3 "
    "  WHEN GROUPING(unit_city) = 0 THEN 4 ELSE 0 END AS grouping_set, "
    "(CASE WHEN GROUPING(unit) = 0 THEN unit WHEN GROUPING(domain) = 0 THEN domain "
    "  WHEN GROUPING(unit_city) = 0 THEN unit_city ELSE '' END) COLLATE \"C\" AS key, "
    "coalesce(type, 0)::int AS type, coalesce(sum(problems), 0)::bigint AS problems "
    "FROM supervision.problem_counts "
    "WHERE year = $1::int AND ($2 = '' OR unit_city = $2) AND ($3::int = 0 OR kind = $3::int) AND problems > 0 "
    "GROUP BY GROUPING SETS ((unit), (domain), (type), (unit_city), ()) "
    "HAVING (GROUPING(domain) = 1 OR domain <> '') AND (GROUPING(type) = 1 OR type > 0) "
    "ORDER BY 1, 4 DESC, 2, 3"};

// The records of a deadline rule whose clock starts from $1 to $2, of an
// organiser's city $3 and an organiser $4 ('' for any), by kind and key.
const Statement kTimedRecords{
    "supervision_timed_records",
    "SELECT r.kind, r.agency_credit_code, r.source_id, r.city_code, r.clock_start::text, r.published_on::text, "
    "coalesce(r.parent_source_id, ''), coalesce(r.unit, '') FROM supervision.records r "
    "WHERE r.clock_start BETWEEN $1::date AND $2::date AND r.kind IN (2, 3, 4, 5) "
    "AND ($3 = '' OR r.city_code = $3) AND ($4 = '' OR r.agency_credit_code = $4) "
    "ORDER BY r.kind, r.agency_credit_code, r.source_id"};

// The rounds that end from $1 to $2, of an organiser's city $3 and an
// organiser $4 ('' for any), with their stored reviews.
const Statement kRoundsEnded{
    "supervision_rounds_ended",
    "SELECT r.agency_credit_code, r.source_id, r.city_code, r.quarter, r.date_to, r.expected, r.reviews_stored "
    "FROM supervision.record_rows r WHERE r.kind = 1 AND r.stored_date_to BETWEEN $1::date AND $2::date "
    "AND ($3 = '' OR r.city_code = $3) AND ($4 = '' OR r.agency_credit_code = $4) "
    "ORDER BY r.agency_credit_code, r.source_id"};

// The statements below read supervision.rectification_rows (001_records.sql):
// an obligation's columns in the order RectificationFrom takes them, with
// its report.

// The obligations among the keys $1..$4 (subjects, agencies, source ids,
// problem ids), in the order asked.
const Statement kObligations{
    "supervision_obligations",
    "SELECT o.subject, o.agency_credit_code, o.source_id, o.problem_id, o.unit, o.unit_city, o.requirement, "
    "o.deadline, o.report, o.reported_on "
    "FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY "
    "  AS k(subject, agency_credit_code, source_id, problem_id, n) "
    "JOIN supervision.rectification_rows o ON o.subject = k.subject::smallint "
    "  AND o.agency_credit_code = k.agency_credit_code AND o.source_id = k.source_id "
    "  AND o.problem_id = k.problem_id "
    "ORDER BY k.n"};

// Rectifications by deadline: $1 the unit's city, $2 the unit ('' for any),
// $3 the state as of the day $4 (0 any; 1 open: unreported, deadline not
// passed; 2 overdue: unreported, deadline passed; 3 done: first reported on
// or before the deadline; 4 done late); after the row ($6 deadline, $7
// subject, $8 agency, $9 source id, $10 problem id) when $5; at most $11;
// the deadline from $12 to $13 ('-infinity' and 'infinity' for any: the
// deadline indexes hold the range).
const Statement kListRectifications{
    "supervision_list_rectifications",
    "SELECT o.subject, o.agency_credit_code, o.source_id, o.problem_id, o.unit, o.unit_city, o.requirement, "
    "o.deadline, o.report, o.reported_on "
    "FROM supervision.rectification_rows o "
    "WHERE ($1 = '' OR o.unit_city = $1) AND ($2 = '' OR o.unit = $2) "
    "AND o.stored_deadline BETWEEN $12::date AND $13::date "
    "AND ($3::int = 0 OR $3::int = CASE "
    "  WHEN o.stored_reported_on IS NULL THEN CASE WHEN o.stored_deadline < $4::date THEN 2 ELSE 1 END "
    "  WHEN o.stored_reported_on <= o.stored_deadline THEN 3 ELSE 4 END) "
    "AND (NOT $5::boolean OR (o.stored_deadline, o.subject, o.agency_credit_code, o.source_id, o.problem_id) "
    "  > (NULLIF($6, '')::date, $7::smallint, $8, $9, $10)) "
    "ORDER BY o.stored_deadline, o.subject, o.agency_credit_code, o.source_id, o.problem_id LIMIT $11"};

// Unreported obligations whose deadline is from $1 to $2, by key.
const Statement kUnreportedRectifications{
    "supervision_unreported_rectifications",
    "SELECT o.subject, o.agency_credit_code, o.source_id, o.problem_id, o.unit, o.unit_city, o.requirement, "
    "o.deadline, o.report, o.reported_on FROM supervision.rectification_rows o "
    "WHERE o.stored_deadline BETWEEN $1::date AND $2::date AND o.stored_reported_on IS NULL "
    "ORDER BY o.subject, o.agency_credit_code, o.source_id, o.problem_id"};

// Unreported obligations whose deadline is before $1, by the unit's city.
const Statement kOverdueRectifications{"supervision_overdue_rectifications",
                                       "SELECT o.unit_city, count(*) FROM supervision.rectification_rows o "
                                       "WHERE o.stored_deadline < $1::date AND o.stored_reported_on IS NULL "
                                       "GROUP BY 1 ORDER BY 1"};

// ---------------------------------------------------------------- leads

// The lock of the lead sweeps (common::LockFeed): one run at a time.
constexpr char kLeadSweep[] = "supervision.leads";

// One run's findings as leads: $1 year, $2 today; $3 the findings' records
// and related links end to end, cut by offset (1-based) and length; $4..$13
// rule, service, kind, record key, agency, city, record offset and length,
// related offset and length. A new (rule, record) is raised today; one held
// is seen again today, with the finding's links, and keeps its state.
// Returns whether each row written was new.
const Statement kRaiseLeads{
    "supervision_raise_leads",
    "INSERT INTO supervision.leads AS l (rule, service, kind, record_key, agency, city_code, record, related, year, "
    "raised_on, last_seen_on) "
    "SELECT f.rule, f.service, f.kind, f.record_key, f.agency, f.city_code, "
    "substring($3::bytea FROM f.record_at::int FOR f.record_length::int), "
    "substring($3::bytea FROM f.related_at::int FOR f.related_length::int), $1::int, $2::date, $2::date "
    "FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], "
    "$12::text[], $13::text[]) WITH ORDINALITY AS f(rule, service, kind, record_key, agency, city_code, record_at, "
    "record_length, related_at, related_length, n) "
    "ORDER BY f.n "
    "ON CONFLICT (rule, service, kind, record_key) DO UPDATE SET agency = EXCLUDED.agency, "
    "city_code = EXCLUDED.city_code, record = EXCLUDED.record, related = EXCLUDED.related, year = EXCLUDED.year, "
    "last_seen_on = EXCLUDED.last_seen_on, still_observed = true "
    "RETURNING l.xmax = 0 AS inserted"};

// The leads of the rules $1 and the year $2 still observed that this run did
// not find ($3..$6: its findings' rule, service, kind, record key).
const Statement kUnobserveLeads{
    "supervision_unobserve_leads",
    "UPDATE supervision.leads l SET still_observed = false "
    "WHERE l.rule = ANY($1::text[]) AND l.year = $2::int AND l.still_observed AND NOT EXISTS ("
    "  SELECT 1 FROM unnest($3::text[], $4::text[], $5::text[], $6::text[]) AS f(rule, service, kind, record_key) "
    "  WHERE f.rule = l.rule AND f.service = l.service AND f.kind = l.kind AND f.record_key = l.record_key)"};

// The statements below read supervision.lead_rows (002_leads.sql): a
// lead's columns in the order LeadFrom takes them.

// Leads of a city $1, a rule $2 ('' for any), a state $3 (0 for any), a
// year $6 (0 for any), below the id $4 (0: from the newest), newest first, at
// most $5.
const Statement kListLeads{
    "supervision_list_leads",
    "SELECT l.id, l.rule, l.record, l.related, l.city_code, l.year, l.state, l.closed_reason, l.raised_on, "
    "l.last_seen_on, l.still_observed, l.updated_by, l.updated_at, l.supervisions FROM supervision.lead_rows l "
    "WHERE ($1 = '' OR l.city_code = $1) AND ($2 = '' OR l.rule = $2) AND ($3::int = 0 OR l.state = $3::int) "
    "AND ($4::bigint = 0 OR l.id < $4::bigint) AND ($6::int = 0 OR l.year = $6::int) "
    "ORDER BY l.id DESC LIMIT $5"};

// The leads of the ids $1, by id.
const Statement kGetLeads{
    "supervision_get_leads",
    "SELECT l.id, l.rule, l.record, l.related, l.city_code, l.year, l.state, l.closed_reason, l.raised_on, "
    "l.last_seen_on, l.still_observed, l.updated_by, l.updated_at, l.supervisions FROM supervision.lead_rows l "
    "WHERE l.id = ANY($1::bigint[]) ORDER BY l.id"};

// Lead $1's state from $2 to $3, with the closed reason $4, by $5 at $6;
// nothing when it is no longer in $2.
const Statement kSetLeadState{
    "supervision_set_lead_state",
    "UPDATE supervision.leads SET state = $3::smallint, closed_reason = $4, updated_by = $5, "
    "updated_at = $6::timestamptz WHERE id = $1::bigint AND state = $2::smallint RETURNING id"};

// The leads $3 attached to the supervision ($1 organiser, $2 source id);
// those attached already left as they are.
const Statement kAttachLeads{"supervision_attach_leads",
                             "INSERT INTO supervision.lead_supervisions (lead_id, organiser, source_id) "
                             "SELECT DISTINCT unnest($3::bigint[]), $1, $2 ON CONFLICT DO NOTHING"};

const Statement kCountLeads{"supervision_count_leads",
                            "SELECT rule, city_code, state, count(*) FROM supervision.leads "
                            "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"};

// A batch's columns as kMerge takes them.
struct BatchColumns {
  std::string bytes;
  std::vector<std::string> agency, source_id, version, city, record_at, record_length, public_at, public_length, year,
      quarter, clock_start, date_from, date_to, expected, parent_source_id, unit, unit_city;

  BatchColumns(const std::vector<RecordToStore>& records, const std::vector<std::string>& cities) {
    std::size_t size = 0;
    for (const auto& r : records) size += r.record.size() + r.public_record.size();
    bytes.reserve(size);
    for (std::size_t i = 0; i < records.size(); ++i) {
      const RecordToStore& r = records[i];
      const Columns& c = r.columns;
      agency.push_back(r.agency_credit_code);
      source_id.push_back(r.source_id);
      version.push_back(std::to_string(r.source_version));
      city.push_back(i < cities.size() ? cities[i] : std::string());
      record_at.push_back(std::to_string(bytes.size() + 1));
      record_length.push_back(std::to_string(r.record.size()));
      bytes += r.record;
      public_at.push_back(std::to_string(bytes.size() + 1));
      public_length.push_back(std::to_string(r.public_record.size()));
      bytes += r.public_record;
      year.push_back(std::to_string(c.year));
      quarter.push_back(std::to_string(c.quarter));
      clock_start.push_back(common::FormatIsoDate(c.clock_start));
      date_from.push_back(common::FormatIsoDate(c.date_from));
      date_to.push_back(common::FormatIsoDate(c.date_to));
      expected.push_back(std::to_string(c.expected));
      parent_source_id.push_back(c.parent_source_id);
      unit.push_back(c.unit);
      unit_city.push_back(c.unit_city);
    }
  }
};

// The problems and obligations of the records a merge wrote, as kAddProblems
// takes them.
struct ContentColumns {
  std::vector<std::string> agency, source_id, ordinal, unit, unit_city, domain, type, year;
  std::vector<std::string> o_agency, o_source_id, o_problem_id, o_unit, o_unit_city, o_requirement, o_deadline;

  void Add(const RecordToStore& r) {
    for (std::size_t i = 0; i < r.problems.size(); ++i) {
      const ProblemRow& p = r.problems[i];
      agency.push_back(r.agency_credit_code);
      source_id.push_back(r.source_id);
      ordinal.push_back(std::to_string(i));
      unit.push_back(p.unit);
      unit_city.push_back(p.unit_city);
      domain.push_back(p.domain);
      type.push_back(std::to_string(p.type));
      year.push_back(std::to_string(r.columns.year));
    }
    for (const Obligation& o : r.obligations) {
      o_agency.push_back(r.agency_credit_code);
      o_source_id.push_back(r.source_id);
      o_problem_id.push_back(o.problem_id);
      o_unit.push_back(o.unit);
      o_unit_city.push_back(o.unit_city);
      o_requirement.push_back(o.requirement);
      o_deadline.push_back(common::FormatIsoDate(o.deadline));
    }
  }
  bool empty() const { return agency.empty() && o_agency.empty(); }
};

StoredRecord RowFrom(const pqxx::row& r) {
  StoredRecord s;
  s.kind = static_cast<RecordKind>(r[0].as<int>());
  s.agency_credit_code = r[1].as<std::string>();
  s.source_id = r[2].as<std::string>();
  s.source_version = r[3].as<int64_t>();
  s.city_code = r[4].as<std::string>();
  Columns& c = s.columns;
  c.year = r[5].as<int>();
  c.quarter = r[6].as<int>();
  c.clock_start = common::ReadOptionalDate(r[7]);
  c.date_from = common::ReadOptionalDate(r[8]);
  c.date_to = common::ReadOptionalDate(r[9]);
  c.expected = r[10].as<int>();
  c.parent_source_id = r[11].as<std::string>();
  c.unit = r[12].as<std::string>();
  c.unit_city = r[13].as<std::string>();
  s.public_record = common::ReadBytes(r[14]);
  s.published_on = common::ReadDate(r[15]);
  s.change_seq = r[16].as<int64_t>();
  s.record = common::ReadBytes(r[17]);
  s.reviews_stored = r[18].as<int>();
  return s;
}

std::vector<StoredRecord> RowsFrom(const pqxx::result& rows) {
  std::vector<StoredRecord> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(RowFrom(row));
  return out;
}

RectificationRow RectificationFrom(const pqxx::row& r) {
  RectificationRow o;
  o.subject = r[0].as<int>();
  o.agency_credit_code = r[1].as<std::string>();
  o.source_id = r[2].as<std::string>();
  o.problem_id = r[3].as<std::string>();
  o.unit = r[4].as<std::string>();
  o.unit_city = r[5].as<std::string>();
  o.requirement = r[6].as<std::string>();
  o.deadline = common::ReadDate(r[7]);
  if (!r[8].is_null()) o.report = common::ReadBytes(r[8]);
  o.reported_on = common::ReadOptionalDate(r[9]);
  return o;
}

std::vector<RectificationRow> RectificationsFrom(const pqxx::result& rows) {
  std::vector<RectificationRow> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(RectificationFrom(row));
  return out;
}

LeadRow LeadFrom(const pqxx::row& r) {
  LeadRow l;
  l.id = r[0].as<int64_t>();
  l.rule = r[1].as<std::string>();
  l.record = common::ReadBytes(r[2]);
  l.related = common::ReadBytes(r[3]);
  l.city_code = r[4].as<std::string>();
  l.year = r[5].as<int>();
  l.state = r[6].as<int>();
  l.closed_reason = r[7].as<std::string>();
  l.raised_on = common::ReadDate(r[8]);
  l.last_seen_on = common::ReadDate(r[9]);
  l.still_observed = r[10].as<bool>();
  l.updated_by = r[11].as<std::string>();
  l.updated_at = r[12].as<std::string>();
  const auto supervisions = r[13].as<std::string>();
  for (std::size_t at = 0; at < supervisions.size();) {
    std::size_t end = supervisions.find(' ', at);
    if (end == std::string::npos) end = supervisions.size();
    l.supervisions.push_back(supervisions.substr(at, end - at));
    at = end + 1;
  }
  return l;
}

std::vector<LeadRow> LeadsFrom(const pqxx::result& rows) {
  std::vector<LeadRow> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(LeadFrom(row));
  return out;
}

// The first and last day of a year, as ISO text.
std::pair<std::string, std::string> YearBounds(int year) {
  const std::chrono::year y{year};
  return {common::FormatIsoDate(common::Date(y / std::chrono::January / 1)),
          common::FormatIsoDate(common::Date(y / std::chrono::December / 31))};
}

// A report's key as its rejections are keyed.
std::string ReportKey(int subject, const std::string& agency, const std::string& source_id,
                      const std::string& problem_id) {
  return std::to_string(subject) + "/" + agency + "/" + source_id + "/" + problem_id;
}

}  // namespace

PgSupervisionStore::PgSupervisionStore(common::PgPool& pool) : pool_(pool), rejections_(pool) {
  for (const Statement& s : {kMerge,
                             kAddProblems,
                             kMergeReports,
                             kGetMany,
                             kListRecords,
                             kListReviews,
                             kListSupervisions,
                             kChanges,
                             kRounds,
                             kReviewsOfUnits,
                             kReviewedUnits,
                             kCountProblems,
                             kTimedRecords,
                             kRoundsEnded,
                             kObligations,
                             kListRectifications,
                             kUnreportedRectifications,
                             kOverdueRectifications,
                             kRaiseLeads,
                             kUnobserveLeads,
                             kListLeads,
                             kGetLeads,
                             kSetLeadState,
                             kAttachLeads,
                             kCountLeads}) {
    pool_.Prepare(s);
  }
}

std::vector<WriteOutcome> PgSupervisionStore::UpsertBatch(RecordKind kind, const std::string& scope,
                                                          const std::vector<RecordToStore>& valid,
                                                          const std::vector<std::string>& row_cities,
                                                          const std::vector<common::Rejection>& rejected,
                                                          common::Date today) {
  const BatchColumns c(valid, row_cities);
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
      // commit, so change_seq order is commit order (and problem_counts
      // takes one batch's changes at a time).
      common::LockFeed(tx, kFeed);
      const pqxx::result written = tx.exec_prepared(
          kMerge.name, static_cast<int>(kind), today_iso, pqxx::binarystring(c.bytes), ArrayLiteral(c.agency),
          ArrayLiteral(c.source_id), ArrayLiteral(c.version), ArrayLiteral(c.city), ArrayLiteral(c.record_at),
          ArrayLiteral(c.record_length), ArrayLiteral(c.public_at), ArrayLiteral(c.public_length), ArrayLiteral(c.year),
          ArrayLiteral(c.quarter), ArrayLiteral(c.clock_start), ArrayLiteral(c.date_from), ArrayLiteral(c.date_to),
          ArrayLiteral(c.expected), ArrayLiteral(c.parent_source_id), ArrayLiteral(c.unit), ArrayLiteral(c.unit_city),
          SubjectOf(kind));
      ContentColumns contents;
      for (const auto& row : written) {
        const auto agency = row[0].as<std::string>();
        const auto source_id = row[1].as<std::string>();
        auto it = index.find({agency, source_id});
        if (it != index.end()) {
          outcomes[it->second] = {common::UpsertOutcome::kAccepted, row[2].as<bool>()};
          contents.Add(valid[it->second]);
        }
        written_keys.push_back(agency + "/" + source_id);
      }
      if (!contents.empty()) {
        const ContentColumns& p = contents;
        tx.exec_prepared(kAddProblems.name, static_cast<int>(kind), SubjectOf(kind), ArrayLiteral(p.agency),
                         ArrayLiteral(p.source_id), ArrayLiteral(p.ordinal), ArrayLiteral(p.unit),
                         ArrayLiteral(p.unit_city), ArrayLiteral(p.domain), ArrayLiteral(p.type), ArrayLiteral(p.year),
                         ArrayLiteral(p.o_agency), ArrayLiteral(p.o_source_id), ArrayLiteral(p.o_problem_id),
                         ArrayLiteral(p.o_unit), ArrayLiteral(p.o_unit_city), ArrayLiteral(p.o_requirement),
                         ArrayLiteral(p.o_deadline));
      }
    }
    rejections_.Clear(tx, scope, RecordKindName(kind), written_keys);
    rejections_.Record(tx, scope, rejected);
    tx.commit();
    return outcomes;
  });
}

std::optional<StoredRecord> PgSupervisionStore::Get(RecordKind kind, const std::string& agency,
                                                    const std::string& source_id) {
  auto found = GetMany(kind, {{agency, source_id}});
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::vector<StoredRecord> PgSupervisionStore::GetMany(RecordKind kind,
                                                      const std::vector<std::pair<std::string, std::string>>& keys) {
  if (keys.empty()) return {};
  std::vector<std::string> agencies, source_ids;
  for (const auto& [agency, source_id] : keys) {
    agencies.push_back(agency);
    source_ids.push_back(source_id);
  }
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    return RowsFrom(
        tx.exec_prepared(kGetMany.name, static_cast<int>(kind), ArrayLiteral(agencies), ArrayLiteral(source_ids)));
  });
}

std::vector<StoredRecord> PgSupervisionStore::List(const ListFilter& f) {
  const std::string from = common::FormatIsoDate(f.date_from);
  const std::string to = common::FormatIsoDate(f.date_to);
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    if (f.kind == RecordKind::kReview) {
      return RowsFrom(tx.exec_prepared(kListReviews.name, f.city_code, f.unit, f.agency_credit_code, f.parent_source_id,
                                       f.year, f.quarter, f.before_seq, f.limit, from, to));
    }
    if (f.kind == RecordKind::kSupervision) {
      return RowsFrom(tx.exec_prepared(kListSupervisions.name, f.city_code, f.agency_credit_code, f.year, from, to,
                                       f.domain, f.unit, f.before_seq, f.limit));
    }
    return RowsFrom(tx.exec_prepared(kListRecords.name, static_cast<int>(f.kind), f.city_code, f.agency_credit_code,
                                     f.year, f.quarter, f.before_seq, f.limit));
  });
}

std::vector<StoredRecord> PgSupervisionStore::Changes(int64_t after_seq, int limit) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    return RowsFrom(tx.exec_prepared(kChanges.name, after_seq, limit));
  });
}

std::vector<common::Rejection> PgSupervisionStore::ListRejections(const std::string& scope, int64_t before_id,
                                                                  int limit) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    return rejections_.List(tx, scope, before_id, limit);
  });
}

std::vector<common::UpsertOutcome> PgSupervisionStore::UpsertReports(const std::string& scope,
                                                                     const std::vector<ReportToStore>& valid,
                                                                     const std::vector<common::Rejection>& rejected,
                                                                     common::Date today) {
  std::string bytes;
  std::vector<std::string> subject, agency, source_id, problem_id, version, report_at, report_length, done_on;
  for (const auto& r : valid) {
    subject.push_back(std::to_string(r.subject));
    agency.push_back(r.agency_credit_code);
    source_id.push_back(r.source_id);
    problem_id.push_back(r.problem_id);
    version.push_back(std::to_string(r.source_version));
    report_at.push_back(std::to_string(bytes.size() + 1));
    report_length.push_back(std::to_string(r.report.size()));
    bytes += r.report;
    done_on.push_back(common::FormatIsoDate(r.done_on));
  }
  const std::string today_iso = common::FormatIsoDate(today);
  return pool_.Run([&](pqxx::connection& conn) {
    std::vector<common::UpsertOutcome> outcomes(valid.size(), common::UpsertOutcome::kUnchanged);
    std::vector<std::string> written_keys;  // their rejections are cleared
    pqxx::work tx(conn);
    if (!valid.empty()) {
      std::map<std::string, std::size_t> index;  // ReportKey -> position
      for (std::size_t i = 0; i < valid.size(); ++i) {
        const ReportToStore& r = valid[i];
        index.emplace(ReportKey(r.subject, r.agency_credit_code, r.source_id, r.problem_id), i);
      }
      const pqxx::result written = tx.exec_prepared(
          kMergeReports.name, today_iso, pqxx::binarystring(bytes), ArrayLiteral(subject), ArrayLiteral(agency),
          ArrayLiteral(source_id), ArrayLiteral(problem_id), ArrayLiteral(version), ArrayLiteral(report_at),
          ArrayLiteral(report_length), ArrayLiteral(done_on));
      for (const auto& row : written) {
        std::string key =
            ReportKey(row[0].as<int>(), row[1].as<std::string>(), row[2].as<std::string>(), row[3].as<std::string>());
        auto it = index.find(key);
        if (it != index.end()) outcomes[it->second] = common::UpsertOutcome::kAccepted;
        written_keys.push_back(std::move(key));
      }
    }
    rejections_.Clear(tx, scope, kRectificationKind, written_keys);
    rejections_.Record(tx, scope, rejected);
    tx.commit();
    return outcomes;
  });
}

std::vector<RectificationRow> PgSupervisionStore::Obligations(
    const std::vector<std::tuple<int, std::string, std::string, std::string>>& keys) {
  if (keys.empty()) return {};
  std::vector<std::string> subjects, agencies, source_ids, problem_ids;
  for (const auto& [subject, agency, source_id, problem_id] : keys) {
    subjects.push_back(std::to_string(subject));
    agencies.push_back(agency);
    source_ids.push_back(source_id);
    problem_ids.push_back(problem_id);
  }
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    return RectificationsFrom(tx.exec_prepared(kObligations.name, ArrayLiteral(subjects), ArrayLiteral(agencies),
                                               ArrayLiteral(source_ids), ArrayLiteral(problem_ids)));
  });
}

std::vector<RectificationRow> PgSupervisionStore::ListRectifications(const RectificationFilter& f) {
  const RectificationRow after = f.after.value_or(RectificationRow{});
  const std::string after_deadline = f.after ? common::FormatIsoDate(after.deadline) : std::string();
  const std::string today_iso = common::FormatIsoDate(f.today);
  // The year's deadlines, or every one.
  const auto [first_deadline, last_deadline] =
      f.year == 0 ? std::pair<std::string, std::string>{"-infinity", "infinity"} : YearBounds(f.year);
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    return RectificationsFrom(tx.exec_prepared(kListRectifications.name, f.unit_city, f.unit, f.state, today_iso,
                                               f.after.has_value(), after_deadline, after.subject,
                                               after.agency_credit_code, after.source_id, after.problem_id, f.limit,
                                               first_deadline, last_deadline));
  });
}

std::vector<std::pair<std::string, int64_t>> PgSupervisionStore::OverdueRectifications(common::Date today) {
  const std::string today_iso = common::FormatIsoDate(today);
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<std::pair<std::string, int64_t>> out;
    for (const auto& row : tx.exec_prepared(kOverdueRectifications.name, today_iso)) {
      out.emplace_back(row[0].as<std::string>(), row[1].as<int64_t>());
    }
    return out;
  });
}

std::vector<RoundSummary> PgSupervisionStore::Rounds(int year) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<RoundSummary> out;
    for (const auto& r : tx.exec_prepared(kRounds.name, year)) {
      out.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<int>(),
                     common::ReadDate(r[4]), r[5].as<int>(), r[6].as<int>()});
    }
    return out;
  });
}

std::map<std::tuple<std::string, std::string, std::string>, std::string> PgSupervisionStore::ReviewsOfUnits(
    const std::vector<std::tuple<std::string, std::string, std::string>>& keys) {
  std::map<std::tuple<std::string, std::string, std::string>, std::string> out;
  if (keys.empty()) return out;
  std::vector<std::string> agencies, rounds, units;
  for (const auto& [agency, round, unit] : keys) {
    agencies.push_back(agency);
    rounds.push_back(round);
    units.push_back(unit);
  }
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    for (const auto& r :
         tx.exec_prepared(kReviewsOfUnits.name, ArrayLiteral(agencies), ArrayLiteral(rounds), ArrayLiteral(units))) {
      out[{r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>()}] = r[3].as<std::string>();
    }
    return out;
  });
}

std::vector<ReviewedUnit> PgSupervisionStore::ReviewedUnits(int year) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<ReviewedUnit> out;
    for (const auto& r : tx.exec_prepared(kReviewedUnits.name, year)) {
      out.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<std::string>()});
    }
    return out;
  });
}

ProblemCounts PgSupervisionStore::CountProblems(int year, const std::string& unit_city, int kind) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    ProblemCounts out;
    for (const auto& r : tx.exec_prepared(kCountProblems.name, year, unit_city, kind)) {
      const auto count = r[3].as<int64_t>();
      switch (r[0].as<int>()) {
        case 0: out.total = count; break;
        case 1: out.by_unit.emplace_back(r[1].as<std::string>(), count); break;
        case 2: out.by_domain.emplace_back(r[1].as<std::string>(), count); break;
        case 3: out.by_type.emplace_back(r[2].as<int>(), count); break;
        case 4: out.by_city.emplace_back(r[1].as<std::string>(), count); break;
        default: break;
      }
    }
    return out;
  });
}

std::vector<TimedRecord> PgSupervisionStore::TimedRecords(const TallyScope& scope) {
  const auto [first, last] = YearBounds(scope.year);
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<TimedRecord> out;
    for (const auto& r : tx.exec_prepared(kTimedRecords.name, first, last, scope.city_code, scope.agency_credit_code)) {
      out.push_back({static_cast<RecordKind>(r[0].as<int>()), r[1].as<std::string>(), r[2].as<std::string>(),
                     r[3].as<std::string>(), common::ReadDate(r[4]), common::ReadDate(r[5]), r[6].as<std::string>(),
                     r[7].as<std::string>()});
    }
    return out;
  });
}

std::vector<RoundSummary> PgSupervisionStore::RoundsEnded(const TallyScope& scope) {
  const auto [first, last] = YearBounds(scope.year);
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<RoundSummary> out;
    for (const auto& r : tx.exec_prepared(kRoundsEnded.name, first, last, scope.city_code, scope.agency_credit_code)) {
      out.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<int>(),
                     common::ReadDate(r[4]), r[5].as<int>(), r[6].as<int>()});
    }
    return out;
  });
}

std::vector<RectificationRow> PgSupervisionStore::UnreportedRectifications(common::Date first, common::Date last) {
  const std::string first_iso = common::FormatIsoDate(first);
  const std::string last_iso = common::FormatIsoDate(last);
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    return RectificationsFrom(tx.exec_prepared(kUnreportedRectifications.name, first_iso, last_iso));
  });
}

LeadSweepCounts PgSupervisionStore::RecordFindings(int year, const std::vector<std::string>& rules_run,
                                                   const std::vector<common::v1::Finding>& findings,
                                                   common::Date today) {
  std::string bytes;
  std::vector<std::string> rule, service, kind, key, agency, city, record_at, record_length, related_at, related_length;
  std::set<std::tuple<std::string, std::string, std::string, std::string>> seen;
  for (const auto& f : findings) {
    const common::v1::RecordLink& r = f.record();
    if (!seen.emplace(f.rule(), r.service(), r.kind(), r.key()).second) continue;
    rule.push_back(f.rule());
    service.push_back(r.service());
    kind.push_back(r.kind());
    key.push_back(r.key());
    agency.push_back(r.agency_credit_code());
    city.push_back(r.city_code());
    const std::string record = r.SerializeAsString();
    record_at.push_back(std::to_string(bytes.size() + 1));
    record_length.push_back(std::to_string(record.size()));
    bytes += record;
    common::v1::Finding related;
    *related.mutable_related() = f.related();
    const std::string related_bytes = related.SerializeAsString();
    related_at.push_back(std::to_string(bytes.size() + 1));
    related_length.push_back(std::to_string(related_bytes.size()));
    bytes += related_bytes;
  }
  const std::string today_iso = common::FormatIsoDate(today);
  return pool_.Run([&](pqxx::connection& conn) {
    LeadSweepCounts counts;
    pqxx::work tx(conn);
    common::LockFeed(tx, kLeadSweep);
    if (!rule.empty()) {
      for (const auto& row : tx.exec_prepared(
               kRaiseLeads.name, year, today_iso, pqxx::binarystring(bytes), ArrayLiteral(rule), ArrayLiteral(service),
               ArrayLiteral(kind), ArrayLiteral(key), ArrayLiteral(agency), ArrayLiteral(city), ArrayLiteral(record_at),
               ArrayLiteral(record_length), ArrayLiteral(related_at), ArrayLiteral(related_length))) {
        ++(row[0].as<bool>() ? counts.raised : counts.seen_again);
      }
    }
    if (!rules_run.empty()) {
      counts.no_longer_observed =
          static_cast<int>(tx.exec_prepared(kUnobserveLeads.name, ArrayLiteral(rules_run), year, ArrayLiteral(rule),
                                            ArrayLiteral(service), ArrayLiteral(kind), ArrayLiteral(key))
                               .affected_rows());
    }
    tx.commit();
    return counts;
  });
}

std::vector<LeadRow> PgSupervisionStore::ListLeads(const LeadFilter& f) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    return LeadsFrom(tx.exec_prepared(kListLeads.name, f.city_code, f.rule, f.state, f.before_id, f.limit, f.year));
  });
}

std::vector<LeadRow> PgSupervisionStore::GetLeads(const std::vector<int64_t>& ids) {
  if (ids.empty()) return {};
  std::vector<std::string> texts;
  for (int64_t id : ids) texts.push_back(std::to_string(id));
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    return LeadsFrom(tx.exec_prepared(kGetLeads.name, ArrayLiteral(texts)));
  });
}

std::optional<LeadRow> PgSupervisionStore::SetLeadState(const LeadStateChange& c) {
  return pool_.Run([&](pqxx::connection& conn) -> std::optional<LeadRow> {
    pqxx::work tx(conn);
    if (tx.exec_prepared(kSetLeadState.name, c.id, c.from, c.to, c.closed_reason, c.updated_by, c.updated_at).empty()) {
      return std::nullopt;
    }
    auto rows = LeadsFrom(tx.exec_prepared(kGetLeads.name, ArrayLiteral({std::to_string(c.id)})));
    tx.commit();
    if (rows.empty()) return std::nullopt;
    return std::move(rows.front());
  });
}

int PgSupervisionStore::AttachLeads(const std::string& organiser, const std::string& source_id,
                                    const std::vector<int64_t>& ids) {
  if (ids.empty()) return 0;
  std::vector<std::string> texts;
  for (int64_t id : ids) texts.push_back(std::to_string(id));
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    const int attached = static_cast<int>(
        tx.exec_prepared(kAttachLeads.name, organiser, source_id, ArrayLiteral(texts)).affected_rows());
    tx.commit();
    return attached;
  });
}

std::vector<LeadCount> PgSupervisionStore::CountLeads() {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<LeadCount> out;
    for (const auto& r : tx.exec_prepared(kCountLeads.name)) {
      out.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<int>(), r[3].as<int64_t>()});
    }
    return out;
  });
}

}  // namespace gongkai::supervision
