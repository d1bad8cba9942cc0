-- Supervision leads (监督线索): a record of any service that tripped a lead
-- rule, one row per (rule, record), kept by the sweeps (RecordFindings in
-- supervision_store.cc) and handled by supervisors (leads.h).
CREATE TABLE leads (
  id             bigserial PRIMARY KEY,
  rule           text NOT NULL,
  -- The record, as its RecordLink names it.
  service        text NOT NULL,
  kind           text NOT NULL,
  record_key     text NOT NULL,
  agency         text NOT NULL,
  -- The city of the record's agency: a city's supervisors see its leads.
  city_code      text NOT NULL,
  -- The latest finding's serialised gongkai.common.v1.RecordLink, and a
  -- serialised gongkai.common.v1.Finding holding only its related links.
  record         bytea NOT NULL,
  related        bytea NOT NULL,
  -- The year of the run that last found it.
  year           int NOT NULL,
  -- gongkai.supervision.v1.LeadState: 1 new, 2 in handling, 3 closed.
  state          smallint NOT NULL DEFAULT 1 CHECK (state IN (1, 2, 3)),
  closed_reason  text NOT NULL DEFAULT '',
  raised_on      date NOT NULL,
  last_seen_on   date NOT NULL,
  -- The latest run of its rule over its year found it again.
  still_observed boolean NOT NULL DEFAULT true,
  -- Who set the state last, and when (NULL: never set by anyone).
  updated_by     text NOT NULL DEFAULT '',
  updated_at     timestamptz,
  UNIQUE (rule, service, kind, record_key)
);

-- ListLeads, newest first: of every city, of one.
CREATE INDEX leads_city ON leads (city_code, id DESC);
-- A sweep's leads no longer observed: those of its rules and year.
CREATE INDEX leads_sweep ON leads (rule, year) WHERE still_observed;

-- The special supervisions a lead is evidence of.
CREATE TABLE lead_supervisions (
  lead_id   bigint NOT NULL REFERENCES leads (id),
  organiser text NOT NULL,
  source_id text NOT NULL,
  PRIMARY KEY (lead_id, organiser, source_id)
);

-- The deadline rules' records of a year, by their clock start (TimedRecords).
CREATE INDEX records_clock_start ON records (clock_start) WHERE clock_start IS NOT NULL;

-- Leads as the store reads them (LeadFrom in supervision_store.cc), one row a
-- lead: its columns, days as ISO text, updated_at in RFC 3339 (UTC, to the
-- second; '' when never set), and its supervisions as "<organiser>/<source
-- id>" joined by spaces (neither a credit code nor a source id holds one).
CREATE VIEW lead_rows AS
SELECT l.id, l.rule, l.record, l.related, l.city_code, l.year, l.state::int AS state, l.closed_reason,
  l.raised_on::text AS raised_on,
  l.last_seen_on::text AS last_seen_on,
  l.still_observed, l.updated_by,
  coalesce(to_char(l.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), '') AS updated_at,
  coalesce((SELECT string_agg(s.organiser || '/' || s.source_id, ' ' ORDER BY s.organiser, s.source_id)
    FROM lead_supervisions s WHERE s.lead_id = l.id), '') AS supervisions
FROM leads l;
