-- The feed serves only content that is public now. A record's public content
-- is carried by its latest feed entry alone: when a later entry of the same
-- record is appended (a new version, an unpublication, a withdrawal, a
-- release), the earlier entries keep their seq and type, their public
-- columns are cleared and they are marked superseded. The read shows a
-- superseded entry, an unpublication, and an entry past its retention as the
-- record's key only.
ALTER TABLE changes ADD COLUMN superseded boolean NOT NULL DEFAULT false;

-- A withdrawal or release of a record that was not public when it was
-- recorded (the entry copied the record's public_record, and it was NULL)
-- never belonged in the public feed.
DELETE FROM changes WHERE type IN (2, 3) AND public_record IS NULL;

-- Every entry but the latest of its record is superseded.
UPDATE changes c
SET superseded = true, public_record = NULL, withdrawal_explanation = NULL, release_explanation = NULL
FROM (SELECT seq, row_number() OVER (PARTITION BY kind, agency_credit_code, source_id ORDER BY seq DESC) AS n
      FROM changes) later
WHERE later.seq = c.seq AND later.n > 1;

-- A withdrawal notice replaces the record: it keeps no copy of it.
UPDATE changes SET public_record = NULL WHERE type = 2;

-- The entries a write supersedes, found by their record's key: one live
-- entry per record.
CREATE INDEX changes_current ON changes (agency_credit_code, source_id, kind) WHERE NOT superseded;
