-- The qualification list's annual confirmation (due each year by 31 January).
ALTER TABLE agencies ADD COLUMN qualification_confirmed_on date;
UPDATE agencies SET qualification_confirmed_on = (updated_at AT TIME ZONE 'Asia/Shanghai')::date;

-- Powers and duties list items (权责清单事项).
CREATE SEQUENCE powers_change_seq;
CREATE TABLE powers_items (
  agency_credit_code text NOT NULL REFERENCES agencies (credit_code),
  source_id          text NOT NULL,
  city_code          text NOT NULL,
  source_version     bigint NOT NULL,
  name               text NOT NULL,
  category           smallint NOT NULL,
  legal_basis        jsonb NOT NULL,
  responsibilities   text NOT NULL,
  accountability     text NOT NULL,
  changed_on         date NOT NULL,
  published_on       date NOT NULL,
  change_seq         bigint NOT NULL DEFAULT nextval('powers_change_seq'),
  PRIMARY KEY (agency_credit_code, source_id)
);
CREATE UNIQUE INDEX powers_items_change_seq ON powers_items (change_seq);
CREATE INDEX powers_items_category ON powers_items (agency_credit_code, category);

-- Discretion benchmark tables (裁量基准), one per city, domain and violation.
CREATE TABLE benchmarks (
  city_code      text NOT NULL,
  domain         text NOT NULL,
  violation_code text NOT NULL,
  violation      text NOT NULL,
  legal_basis    jsonb NOT NULL,
  measure        smallint NOT NULL,
  tiers          jsonb NOT NULL,
  source_version bigint NOT NULL,
  changed_on     date NOT NULL,
  published_on   date NOT NULL,
  PRIMARY KEY (city_code, domain, violation_code)
);

-- Officers (执法人员) and their certificates; officer_code is the badge code
-- (一人一码) of the current generation.
CREATE TABLE officers (
  certificate_number text PRIMARY KEY,
  agency_credit_code text NOT NULL REFERENCES agencies (credit_code),
  city_code          text NOT NULL,
  name               text NOT NULL,
  category           text NOT NULL,
  valid_from         date NOT NULL,
  valid_until        date NOT NULL,
  status             smallint NOT NULL,
  source_version     bigint NOT NULL,
  updated_at         timestamptz NOT NULL DEFAULT now(),
  code_generation    integer NOT NULL,
  officer_code       text NOT NULL UNIQUE
);
CREATE INDEX officers_agency ON officers (agency_credit_code, certificate_number);
