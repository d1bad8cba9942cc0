-- Applied to every service's schema after its own migrations (numbers from
-- 1001 are shared ones; a service's own stay below 1000). Records a city sent
-- that were not stored, with the raw record and every violation, so nothing
-- is lost; a later accepted version of the same key clears them. Schemas
-- whose first migration already made this table keep it as it is.
CREATE TABLE IF NOT EXISTS rejections (
  id             bigserial PRIMARY KEY,
  city_code      text NOT NULL,
  kind           text NOT NULL,
  record_key     text NOT NULL,
  source_version bigint NOT NULL,
  raw            jsonb NOT NULL,
  violations     jsonb NOT NULL,
  received_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS rejections_city ON rejections (city_code, id DESC);
CREATE INDEX IF NOT EXISTS rejections_key ON rejections (city_code, kind, record_key);
