-- The version of the masking rules that made a record's public columns
-- (public_record, public_party_name, the explanations stored masked):
-- kMaskingVersion in penalty_public.h, written by every merge. Rows stored
-- before have 0. At start-up, before it serves, the service recomputes the
-- public columns of every row of an older version from the record as sent
-- (RepublishStoredRecords), so that no public answer carries what the
-- current rules mask.
ALTER TABLE records ADD COLUMN masking_version int NOT NULL DEFAULT 0;

-- The republish walks the rows of older versions in this order, from the
-- last one it read: an index range scan, whatever the size of the table,
-- that finds nothing at once when every row is current.
CREATE INDEX records_masking_version ON records (masking_version, kind, agency_credit_code, source_id);
