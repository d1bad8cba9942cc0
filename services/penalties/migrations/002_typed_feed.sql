-- The feed keeps the public row of each change as typed columns, the same
-- as records' public columns, instead of a JSON snapshot: a feed row costs
-- what its public row costs, with no JSON built on write or parsed on read.
ALTER TABLE changes
  ADD COLUMN city_code              text,
  ADD COLUMN domain                 text,
  ADD COLUMN source_version         bigint,
  ADD COLUMN public_record          bytea,
  ADD COLUMN clock_start            date,
  ADD COLUMN published_on           date,
  ADD COLUMN public_until           date,
  ADD COLUMN withdrawn_on           date,
  ADD COLUMN withdrawal_reason      smallint,
  ADD COLUMN withdrawal_explanation text,
  ADD COLUMN withdrawal_event_date  date,
  ADD COLUMN released_on            date,
  ADD COLUMN release_explanation    text;

UPDATE changes c SET (city_code, domain, source_version, public_record, clock_start, published_on, public_until,
                      withdrawn_on, withdrawal_reason, withdrawal_explanation, withdrawal_event_date, released_on,
                      release_explanation) =
  (SELECT s.city_code, s.domain, s.source_version, s.public_record, s.clock_start, s.published_on, s.public_until,
          s.withdrawn_on, s.withdrawal_reason, s.withdrawal_explanation, s.withdrawal_event_date, s.released_on,
          s.release_explanation
   FROM jsonb_populate_record(NULL::records, c.snapshot) s);

ALTER TABLE changes
  ALTER COLUMN city_code SET NOT NULL,
  ALTER COLUMN domain SET NOT NULL,
  ALTER COLUMN source_version SET NOT NULL,
  ALTER COLUMN clock_start SET NOT NULL,
  ALTER COLUMN published_on SET NOT NULL,
  DROP COLUMN snapshot;

-- Whether the version before the current one was public, set by the merge
-- from the row it replaces, so that the merge's RETURNING tells a first
-- publication and an unpublication without reading the old rows first.
ALTER TABLE records ADD COLUMN previously_public boolean NOT NULL DEFAULT false;
