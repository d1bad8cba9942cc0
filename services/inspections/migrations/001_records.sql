-- The service's five record kinds in one table, keyed by (kind, agency
-- credit code, source id): 1 annual inspection plans, 2 spot-check tasks,
-- 3 spot-check results, 4 live-inspection pilot units, 5 broadcasts
-- (RecordKind in inspection_store.h). `record` is the record as the city
-- sent it (a platform draw's task with its draw committed), `public_record`
-- what the public sees (NULL for tasks, whose public form depends on the
-- day); both are serialised gongkai.inspections.v1 messages. The other
-- columns are what the records are found and counted by (the store's
-- Columns); those a kind does not have are NULL.
CREATE SEQUENCE change_seq;
CREATE TABLE records (
  kind                 smallint NOT NULL,
  agency_credit_code   text NOT NULL,
  source_id            text NOT NULL,
  source_version       bigint NOT NULL,
  city_code            text NOT NULL,
  -- Plans and pilot units.
  year                 int,
  -- Tasks and results (a result's is its task's).
  domain               text,
  -- Plans: the day the 20 WD start (PlanClockStart).
  clock_start          date,
  -- Tasks: the check period; results: date_from = date_to = checked_on.
  date_from            date,
  date_to              date,
  -- Tasks: the results expected (objects drawn); a platform draw's seed,
  -- which is never replaced once stored, and its draw date.
  expected_results     int,
  seed                 text,
  draw_date            date,
  -- Results.
  task_source_id       text,
  object_name          text,
  credit_code          text,
  items                text[] NOT NULL DEFAULT '{}',
  outcome              smallint,
  -- Pilot units.
  sector               smallint,
  -- Broadcasts: their pilot unit, and the instants the city sent.
  pilot_unit_source_id text,
  planned_start        timestamptz,
  started_at           timestamptz,
  ended_at             timestamptz,
  has_replay           boolean NOT NULL DEFAULT false,
  record               bytea NOT NULL,
  public_record        bytea,
  -- The first day a version with this clock start was stored.
  published_on         date NOT NULL,
  -- Advanced by every accepted version, under the feed lock (LockFeed), so
  -- its order is commit order.
  change_seq           bigint NOT NULL DEFAULT nextval('change_seq'),
  PRIMARY KEY (kind, agency_credit_code, source_id)
);

-- The change feed of plans, tasks and results (ListChanges), in seq order.
CREATE UNIQUE INDEX records_feed ON records (change_seq) WHERE kind IN (1, 2, 3);

-- The public lists, newest first by change_seq.
CREATE INDEX records_city ON records (kind, city_code, change_seq DESC);
CREATE INDEX records_plans ON records (change_seq DESC) WHERE kind = 1;
CREATE INDEX records_plans_year ON records (year, change_seq DESC) WHERE kind = 1;
CREATE INDEX records_tasks ON records (change_seq DESC) WHERE kind = 2;
CREATE INDEX records_results ON records (change_seq DESC) WHERE kind = 3;
CREATE INDEX records_results_credit_code ON records (credit_code, change_seq DESC) WHERE kind = 3;
-- A task's results: listed by task, counted for the task (results_stored).
CREATE INDEX records_results_task ON records (task_source_id, agency_credit_code) WHERE kind = 3;
CREATE INDEX records_results_checked_on ON records (date_from) WHERE kind = 3;
CREATE INDEX records_pilot_units_year ON records (year, change_seq DESC) WHERE kind = 4;
CREATE INDEX records_broadcasts ON records (change_seq DESC) WHERE kind = 5;

-- Results are found by part of their object's published name
-- (SearchResults, ILIKE '%...%'): a trigram index serves that substring
-- search. pg_trgm lives in public (scripts/db-roles creates it there
-- beforehand, and then this is a no-op); a name of one or two characters
-- has no trigram and is found by the other filters' scan.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
CREATE INDEX records_results_object_name ON records USING gin (object_name gin_trgm_ops) WHERE kind = 3;

-- The records as the store reads them (RowFrom in inspection_store.cc), one
-- row a record. First its columns in the order RowFrom takes them: the key
-- and version, the city, the Columns read back empty where the kind has
-- none (dates as ISO text, items as a JSON array, broadcast instants as
-- RFC 3339 in UTC, to the second), the public record, the publication day
-- and change_seq; then the record as sent, a result's task's check end
-- (NULL for any other kind) and a task's stored results (0 for any other
-- kind). Last, the stored values the statements filter on where a column
-- above reads them otherwise (stored_*, NULL where the kind has none): the
-- indexes are on these. PostgreSQL flattens the view into each statement
-- and computes only what the statement selects: a statement that selects
-- no task_check_to does not join the task (at most one row, by its primary
-- key, so the join is dropped), one that selects no results_stored does not
-- count. The task is joined on its key alone, the kind tested in the
-- column, so that the join stays a key lookup PostgreSQL may cache. A later
-- migration that changes a column read here recreates the view.
CREATE VIEW record_rows AS
SELECT r.kind, r.agency_credit_code, r.source_id, r.source_version, r.city_code,
  coalesce(r.year, 0) AS year,
  coalesce(r.domain, '') AS domain,
  r.clock_start::text AS clock_start,
  r.date_from::text AS date_from,
  r.date_to::text AS date_to,
  coalesce(r.expected_results, 0) AS expected_results,
  coalesce(r.seed, '') AS seed,
  r.draw_date::text AS draw_date,
  coalesce(r.task_source_id, '') AS task_source_id,
  coalesce(r.object_name, '') AS object_name,
  coalesce(r.credit_code, '') AS credit_code,
  to_json(r.items)::text AS items,
  coalesce(r.outcome, 0) AS outcome,
  coalesce(r.sector, 0) AS sector,
  coalesce(r.pilot_unit_source_id, '') AS pilot_unit_source_id,
  coalesce(to_char(r.planned_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), '') AS planned_start,
  coalesce(to_char(r.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), '') AS started_at,
  coalesce(to_char(r.ended_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), '') AS ended_at,
  r.has_replay,
  coalesce(r.public_record, ''::bytea) AS public_record,
  r.published_on::text AS published_on,
  r.change_seq,
  r.record,
  CASE WHEN r.kind = 3 THEN t.date_to::text END AS task_check_to,
  CASE WHEN r.kind = 2 THEN (SELECT count(*) FROM records x WHERE x.kind = 3
    AND x.task_source_id = r.source_id AND x.agency_credit_code = r.agency_credit_code) ELSE 0 END AS results_stored,
  r.year AS stored_year,
  r.date_from AS stored_date_from,
  r.date_to AS stored_date_to,
  r.task_source_id AS stored_task_source_id,
  r.object_name AS stored_object_name,
  r.credit_code AS stored_credit_code,
  r.items AS stored_items,
  r.outcome AS stored_outcome,
  r.started_at AS stored_started_at,
  r.ended_at AS stored_ended_at
FROM records r
LEFT JOIN records t ON t.kind = 2 AND t.agency_credit_code = r.agency_credit_code AND t.source_id = r.task_source_id;

-- A plan published for an agency and year, for the registry's coverage
-- (RecordInspectionPlans): written with the plan, the earliest day kept,
-- pushed to the registry after.
CREATE TABLE plan_notices (
  agency_credit_code text NOT NULL,
  year               int NOT NULL,
  published_on       date NOT NULL,
  pushed             boolean NOT NULL DEFAULT false,
  PRIMARY KEY (agency_credit_code, year)
);
CREATE INDEX plan_notices_pending ON plan_notices (published_on, agency_credit_code, year) WHERE NOT pushed;
