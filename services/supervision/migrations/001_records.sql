-- The supervision schema.
--
-- The service's five record kinds in one table, keyed by (kind, agency
-- credit code, source id): 1 review rounds, 2 reviews, 3 special
-- supervisions, 4 assessment plans, 5 assessment results (RecordKind in
-- supervision_store.h). `record` is the record as sent, `public_record` its
-- public form, both serialised gongkai.supervision.v1 messages. The other
-- columns are what the records are found and counted by (the store's
-- Columns); those a kind does not have are NULL.
CREATE SEQUENCE change_seq;
CREATE TABLE records (
  kind               smallint NOT NULL,
  agency_credit_code text NOT NULL,
  source_id          text NOT NULL,
  source_version     bigint NOT NULL,
  -- The organiser's registered city.
  city_code          text NOT NULL,
  -- Rounds and reviews (a review's are its round's); supervisions the year
  -- of their end; assessment results their plan's.
  year               int,
  quarter            smallint,
  -- The day the kind's deadline counts from: a review's round's end, a
  -- supervision's end, a plan's approval, a result's conclusion.
  clock_start        date,
  -- Rounds and supervisions: their first and last days.
  date_from          date,
  date_to            date,
  -- Rounds: their reviewed units.
  expected           int,
  -- Reviews: their round; assessment results: their plan (same organiser).
  parent_source_id   text,
  -- Reviews: the reviewed unit and its city.
  unit               text,
  unit_city          text,
  record             bytea NOT NULL,
  public_record      bytea NOT NULL,
  -- The first day a version with this clock start was stored.
  published_on       date NOT NULL,
  -- Advanced by every accepted version, under the feed lock (LockFeed), so
  -- its order is commit order.
  change_seq         bigint NOT NULL DEFAULT nextval('change_seq'),
  PRIMARY KEY (kind, agency_credit_code, source_id)
);

-- The change feed of every kind (Changes), in seq order.
CREATE UNIQUE INDEX records_feed ON records (change_seq);

-- The public lists, newest first by change_seq: of a kind, of a kind and
-- city, of a kind and year; reviews by their unit's city and by their unit.
CREATE INDEX records_kind ON records (kind, change_seq DESC);
CREATE INDEX records_city ON records (kind, city_code, change_seq DESC);
CREATE INDEX records_year ON records (kind, year, change_seq DESC);
CREATE INDEX records_reviews_unit_city ON records (unit_city, change_seq DESC) WHERE kind = 2;
CREATE INDEX records_reviews_unit ON records (unit, change_seq DESC) WHERE kind = 2;
-- A round's reviews (a plan's results): listed by their parent, counted for
-- it (reviews_stored), and the year's reviewed units (ReviewedUnits).
CREATE INDEX records_children ON records (kind, agency_credit_code, parent_source_id)
  WHERE parent_source_id IS NOT NULL;

-- The records as the store reads them (RowFrom in supervision_store.cc),
-- one row a record. First its columns in the order RowFrom takes them: the
-- key and version, the city, the Columns read back empty where the kind has
-- none (dates as ISO text), the public record, the publication day and
-- change_seq; then the record as sent and a round's stored reviews (0 for
-- any other kind). Last, the stored values the statements filter on where a
-- column above reads them otherwise (stored_*, NULL where the kind has
-- none): the indexes are on these. PostgreSQL flattens the view into each
-- statement and computes only what the statement selects: one that selects
-- no reviews_stored does not count, one that selects no record does not
-- read it. A later migration that changes a column read here recreates the
-- view.
CREATE VIEW record_rows AS
SELECT r.kind, r.agency_credit_code, r.source_id, r.source_version, r.city_code,
  coalesce(r.year, 0) AS year,
  coalesce(r.quarter, 0)::int AS quarter,
  r.clock_start::text AS clock_start,
  r.date_from::text AS date_from,
  r.date_to::text AS date_to,
  coalesce(r.expected, 0) AS expected,
  coalesce(r.parent_source_id, '') AS parent_source_id,
  coalesce(r.unit, '') AS unit,
  coalesce(r.unit_city, '') AS unit_city,
  r.public_record,
  r.published_on::text AS published_on,
  r.change_seq,
  r.record,
  CASE WHEN r.kind = 1 THEN (SELECT count(*) FROM records x WHERE x.kind = 2
    AND x.agency_credit_code = r.agency_credit_code AND x.parent_source_id = r.source_id) ELSE 0 END AS reviews_stored,
  r.year AS stored_year,
  r.quarter AS stored_quarter,
  r.date_to AS stored_date_to,
  r.parent_source_id AS stored_parent_source_id,
  r.unit AS stored_unit,
  r.unit_city AS stored_unit_city
FROM records r;

-- The problems of reviews (kind 2: one per problem type, type set, domain
-- '') and of supervisions (kind 3: one per problem, domain set, type 0), as
-- the statistics count them: replaced with every accepted version of their
-- record, in the transaction that stores it. `year` is the record's.
CREATE TABLE problems (
  kind               smallint NOT NULL,
  agency_credit_code text NOT NULL,
  source_id          text NOT NULL,
  ordinal            int NOT NULL,
  unit               text NOT NULL,
  unit_city          text NOT NULL,
  domain             text NOT NULL,
  type               smallint NOT NULL,
  year               int NOT NULL,
  PRIMARY KEY (kind, agency_credit_code, source_id, ordinal)
);

-- The problems counted by everything the statistics group them by: always
-- `problems` grouped by (year, unit_city, kind, unit, domain, type), kept
-- so by the statements that replace a record's problems (the one that
-- deletes the old ones takes them away, the one that writes the new ones
-- adds them; both under the feed lock, in one transaction). A year's
-- statistics (CountProblems) read the year's range of this table, a row per
-- unit and domain or type, where grouping the problems themselves would
-- read every one of them (some 80 ms for 200,000). A count that falls to 0
-- stays, and is not counted.
CREATE TABLE problem_counts (
  year               int NOT NULL,
  unit_city          text NOT NULL,
  kind               smallint NOT NULL,
  unit               text NOT NULL,
  domain             text NOT NULL,
  type               smallint NOT NULL,
  problems           bigint NOT NULL,
  PRIMARY KEY (year, unit_city, kind, unit, domain, type)
);

-- The rectifications records require: a review's (subject 1, problem_id
-- '') and each problem of a supervision (subject 2, its id), replaced with
-- every accepted version of their record, in the transaction that stores it.
CREATE TABLE obligations (
  subject            smallint NOT NULL,
  agency_credit_code text NOT NULL,
  source_id          text NOT NULL,
  problem_id         text NOT NULL,
  unit               text NOT NULL,
  unit_city          text NOT NULL,
  requirement        text NOT NULL,
  deadline           date NOT NULL,
  PRIMARY KEY (subject, agency_credit_code, source_id, problem_id)
);
-- ListRectifications' order and keyset, of all, of a city, of a unit; and
-- the overdue ones (deadline before today).
CREATE INDEX obligations_deadline ON obligations (deadline, subject, agency_credit_code, source_id, problem_id);
CREATE INDEX obligations_city ON obligations (unit_city, deadline, subject, agency_credit_code, source_id, problem_id);
CREATE INDEX obligations_unit ON obligations (unit, deadline, subject, agency_credit_code, source_id, problem_id);

-- Reports that a rectification was done, keyed as the obligation they
-- report on and versioned as records are; kept whatever becomes of that
-- obligation. `report` is the serialised v1.RectificationReport as sent;
-- `reported_on` the first day a report of this key was stored.
CREATE TABLE reports (
  subject            smallint NOT NULL,
  agency_credit_code text NOT NULL,
  source_id          text NOT NULL,
  problem_id         text NOT NULL,
  source_version     bigint NOT NULL,
  report             bytea NOT NULL,
  done_on            date NOT NULL,
  reported_on        date NOT NULL,
  PRIMARY KEY (subject, agency_credit_code, source_id, problem_id)
);

-- Rectifications as the store reads them (RectificationFrom in
-- supervision_store.cc): an obligation's columns in the order it takes them,
-- with its report and first report day (NULL while unreported); then the
-- stored dates the statements compare (stored_*).
CREATE VIEW rectification_rows AS
SELECT o.subject, o.agency_credit_code, o.source_id, o.problem_id, o.unit, o.unit_city,
  o.requirement,
  o.deadline::text AS deadline,
  p.report,
  p.reported_on::text AS reported_on,
  o.deadline AS stored_deadline,
  p.reported_on AS stored_reported_on
FROM obligations o
LEFT JOIN reports p ON p.subject = o.subject AND p.agency_credit_code = o.agency_credit_code
  AND p.source_id = o.source_id AND p.problem_id = o.problem_id;
