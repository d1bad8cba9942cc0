-- An officer entry's timeliness (20 WD, DOMAIN.md kind 4): the day of the
-- change it reports (NULL: the certificate's valid_from, its issue) and the
-- day its current version was published on the platform. Entries stored
-- before this migration were published when they were last updated.
ALTER TABLE officers ADD COLUMN changed_on date, ADD COLUMN published_on date;
UPDATE officers SET published_on = (updated_at AT TIME ZONE 'Asia/Shanghai')::date;
ALTER TABLE officers ALTER COLUMN published_on SET NOT NULL;
