-- Enforcement flowcharts (执法流程图), one per agency and domain, with their
-- own change feed; and each agency's "三定" provisions (三定规定).
CREATE SEQUENCE flowcharts_change_seq;

CREATE TABLE flowcharts (
  agency_credit_code text NOT NULL REFERENCES agencies (credit_code),
  domain             text NOT NULL,
  city_code          text NOT NULL,
  source_version     bigint NOT NULL,
  title              text NOT NULL,
  -- [{"stage": 1, "description": "..."}, ...] in stage order.
  steps              jsonb NOT NULL,
  link               text NOT NULL,
  -- The 20 WD clock's start, and the day this version was stored.
  changed_on         date NOT NULL,
  published_on       date NOT NULL,
  updated_at         timestamptz NOT NULL DEFAULT now(),
  change_seq         bigint NOT NULL DEFAULT nextval('flowcharts_change_seq'),
  PRIMARY KEY (agency_credit_code, domain)
);
CREATE UNIQUE INDEX flowcharts_change_seq_key ON flowcharts (change_seq);
CREATE INDEX flowcharts_city ON flowcharts (city_code, agency_credit_code, domain);

CREATE TABLE staffing_provisions (
  agency_credit_code text PRIMARY KEY REFERENCES agencies (credit_code),
  city_code          text NOT NULL,
  source_version     bigint NOT NULL,
  title              text NOT NULL,
  document_number    text NOT NULL,
  approved_on        date NOT NULL,
  link               text NOT NULL,
  published_on       date NOT NULL,
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX staffing_provisions_city ON staffing_provisions (city_code, agency_credit_code);
