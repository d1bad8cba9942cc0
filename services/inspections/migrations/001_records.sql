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
