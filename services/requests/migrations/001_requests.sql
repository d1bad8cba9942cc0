-- Disclosure requests (依申请公开). `applicant` holds personal data: the desk
-- of the agency reads it, nothing public does. `due_on` is the request
-- clock's current due date, kept for the desk's "soonest due first" view and
-- recomputed when a calendar year that was missing is loaded.
CREATE TABLE requests (
  id                    text PRIMARY KEY,
  agency_credit_code    text NOT NULL,
  city_code             text NOT NULL,
  channel               smallint NOT NULL,
  received_on           date NOT NULL,
  applicant             bytea NOT NULL,
  applicant_name        text NOT NULL,
  -- SHA-256 of the applicant's identifying fields: counts an applicant's
  -- requests in a month (per-request fees) without reading personal data.
  applicant_key         text NOT NULL,
  information_requested text NOT NULL,
  delivery              smallint NOT NULL,
  state                 text NOT NULL,
  open                  boolean NOT NULL,
  due_on                date,
  due_provisional       boolean NOT NULL DEFAULT false,
  reply                 bytea,
  replied_on            date,
  outcome               smallint,
  standardised          boolean,
  fee_fen               bigint,
  created_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX requests_open ON requests (agency_credit_code, due_on, id) WHERE open;
CREATE INDEX requests_provisional ON requests (id) WHERE due_provisional;
CREATE INDEX requests_year ON requests (agency_credit_code, received_on);
CREATE INDEX requests_applicant_month ON requests (agency_credit_code, applicant_key, received_on);

-- Every step, in the order recorded (serialised requests.v1.Step).
CREATE TABLE request_steps (
  request_id text NOT NULL REFERENCES requests (id),
  position   integer NOT NULL,
  step       bytea NOT NULL,
  type       smallint NOT NULL,
  PRIMARY KEY (request_id, position)
);

-- Public consultations (咨询), answered within a configured number of working days.
CREATE TABLE consultations (
  id                 text PRIMARY KEY,
  agency_credit_code text NOT NULL,
  city_code          text NOT NULL,
  channel            smallint NOT NULL,
  asked_on           date NOT NULL,
  question           text NOT NULL,
  contact            text NOT NULL,
  due_on             date NOT NULL,
  due_provisional    boolean NOT NULL DEFAULT false,
  answered_on        date,
  answer             text
);
CREATE INDEX consultations_open ON consultations (agency_credit_code, due_on, id) WHERE answered_on IS NULL;
