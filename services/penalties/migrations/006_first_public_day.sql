-- published_on is the first day a record was public, not the day it was
-- first stored: NULL while it never was. Until now every row had the day its
-- first version was stored.
ALTER TABLE records ALTER COLUMN published_on DROP NOT NULL;

-- A record was first public on the day of its first PUBLISHED feed entry (the
-- feed keeps every entry's type and the time it was written, `at`, by the
-- database's clock, counted here as the service counts days, in
-- Asia/Shanghai). For a record stored public that is the day it was stored;
-- for one made public by a later version, the day of that version.
WITH first_published AS (
  SELECT kind, agency_credit_code, source_id, min(at) AS at FROM changes WHERE type = 1
  GROUP BY kind, agency_credit_code, source_id)
UPDATE records r SET published_on = greatest(r.published_on, (f.at AT TIME ZONE 'Asia/Shanghai')::date)
FROM first_published f
WHERE r.kind = f.kind AND r.agency_credit_code = f.agency_credit_code AND r.source_id = f.source_id;

-- A record that was never public (no public form, none before, no
-- publication in the feed) has no first public day.
UPDATE records r SET published_on = NULL
WHERE r.public_record IS NULL AND NOT r.previously_public
  AND NOT EXISTS (SELECT 1 FROM changes c WHERE c.kind = r.kind AND c.agency_credit_code = r.agency_credit_code
                  AND c.source_id = r.source_id AND c.type = 1);

-- The feed's entries carry their record's first public day.
UPDATE changes c SET published_on = r.published_on
FROM records r
WHERE c.kind = r.kind AND c.agency_credit_code = r.agency_credit_code AND c.source_id = r.source_id
  AND r.published_on IS NOT NULL AND c.published_on <> r.published_on;

-- A public form has a first public day.
ALTER TABLE records ADD CONSTRAINT records_public_since CHECK (public_record IS NULL OR published_on IS NOT NULL);
