-- The annual report's column and row of a request (表三), beside the
-- serialised applicant and reply, so that the report reads no personal data:
-- the applicant's kind and category (requests.v1.Applicant) and the reply's
-- report reason (requests.v1.ReportReason), written by the store from the
-- protos it stores.
ALTER TABLE requests ADD COLUMN applicant_kind smallint NOT NULL DEFAULT 0;
ALTER TABLE requests ADD COLUMN applicant_category smallint NOT NULL DEFAULT 0;
ALTER TABLE requests ADD COLUMN report_reason smallint NOT NULL DEFAULT 0;
-- Rows stored before: the kind is the Applicant's field 1, which protobuf
-- writes first (the tag byte 0x08, then the value in one byte). Category and
-- reason did not exist and stay 0: the report counts such a legal person in
-- 其他 and such a reply by its outcome.
UPDATE requests SET applicant_kind = get_byte(applicant, 1)
WHERE length(applicant) >= 2 AND get_byte(applicant, 0) = 8;

-- Reviews and lawsuits, filed and decided (表四), are read by type.
CREATE INDEX request_steps_legal ON request_steps (request_id, position) WHERE type IN (8, 9, 12, 13);
