-- Enforcement agencies (执法主体), keyed by unified social credit code.
CREATE SEQUENCE agency_change_seq;

CREATE TABLE agencies (
  credit_code          text PRIMARY KEY,
  name                 text NOT NULL,
  legal_representative text NOT NULL,
  area_code            text NOT NULL,
  city_code            text NOT NULL,
  contact              text NOT NULL,
  domains              text[] NOT NULL,
  valid_from           date NOT NULL,
  valid_until          date NOT NULL,
  source_version       bigint NOT NULL,
  updated_at           timestamptz NOT NULL DEFAULT now(),
  -- Increases on every change: the cursor of the change feed.
  change_seq           bigint NOT NULL DEFAULT nextval('agency_change_seq'),
  CHECK (valid_from < valid_until)
);
CREATE INDEX agencies_city ON agencies (city_code, credit_code);
CREATE INDEX agencies_domains ON agencies USING gin (domains);
CREATE UNIQUE INDEX agencies_change_seq ON agencies (change_seq);

-- Records a city sent that were not stored, with the raw record and every
-- violation, so nothing is lost; a later accepted version of the same key
-- clears them.
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
