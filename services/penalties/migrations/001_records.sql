-- Penalty decisions (kind 1) and coercive measures (kind 2), keyed by
-- (kind, agency credit code, source id). `record` is the record as the city
-- sent it, unmasked, for the city and the province; `public_record` is what
-- the public may see (masked), NULL when it may not be published at all. Both
-- are serialised gongkai.penalties.v1 messages (PenaltyDecision or
-- CoerciveMeasure): cheap to write in bulk, and read back whole.
CREATE TABLE records (
  kind                   smallint NOT NULL,
  agency_credit_code     text NOT NULL,
  source_id              text NOT NULL,
  city_code              text NOT NULL,
  domain                 text NOT NULL,
  source_version         bigint NOT NULL,
  record                 bytea NOT NULL,
  public_record          bytea,
  public_party_name      text NOT NULL DEFAULT '',
  -- Decision date or measure date: the publication clock's start.
  clock_start            date NOT NULL,
  published_on           date NOT NULL,
  public_until           date,
  withdrawn_on           date,
  withdrawal_reason      smallint,
  withdrawal_explanation text,
  withdrawal_event_date  date,
  released_on            date,
  release_explanation    text,
  PRIMARY KEY (kind, agency_credit_code, source_id)
);
CREATE INDEX records_public_city ON records (kind, city_code, clock_start DESC, agency_credit_code, source_id)
  WHERE public_record IS NOT NULL;
CREATE INDEX records_public_agency ON records (agency_credit_code, clock_start DESC)
  WHERE public_record IS NOT NULL;
CREATE INDEX records_key_domains ON records (domain, city_code, clock_start);

-- The feed the provincial portal mirrors: one row per publication,
-- withdrawal or release, with the public row at that moment (the records row
-- as JSON, without the unmasked record).
CREATE SEQUENCE change_seq;
CREATE TABLE changes (
  seq                bigint PRIMARY KEY DEFAULT nextval('change_seq'),
  kind               smallint NOT NULL,
  agency_credit_code text NOT NULL,
  source_id          text NOT NULL,
  type               smallint NOT NULL,
  snapshot           jsonb NOT NULL,
  at                 timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE rejections (
  id             bigserial PRIMARY KEY,
  city_code      text NOT NULL,
  kind           text NOT NULL,
  record_key     text NOT NULL,
  source_version bigint NOT NULL,
  raw            jsonb NOT NULL,
  violations     jsonb NOT NULL,
  received_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rejections_city ON rejections (city_code, id DESC);
CREATE INDEX rejections_key ON rejections (city_code, kind, record_key);
