-- Credit repairs (信用修复) of decisions, as the city of the decision or the
-- province records them (RecordCreditRepair): the day the repair was granted,
-- who granted it and on what basis, who recorded it and on which day. The
-- first one recorded for a decision is kept; never public. The decision's
-- public_until is then at most the day before repaired_on, which every later
-- version of the decision keeps (the merge takes the earlier of the two).
CREATE TABLE credit_repairs (
  kind               smallint NOT NULL DEFAULT 1 CHECK (kind = 1),
  agency_credit_code text NOT NULL,
  source_id          text NOT NULL,
  repaired_on        date NOT NULL,
  granted_by         text NOT NULL,
  reference          text NOT NULL,
  recorded_by        text NOT NULL,
  recorded_on        date NOT NULL,
  recorded_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, agency_credit_code, source_id),
  FOREIGN KEY (kind, agency_credit_code, source_id) REFERENCES records (kind, agency_credit_code, source_id)
);

-- Every decision now ends its publication at the maximum of its tier, under
-- the rules in force on its decision date; decisions dated before 2026-04-01
-- were stored public without an end (public_until NULL), a MINOR-tier one
-- included. The tier is inside the record as sent (a serialised proto), which
-- SQL cannot read, so the service gives each such decision its term at
-- start-up, before it serves (RecomputeRetentionTerms): this index finds
-- them, and once they are done it is empty and the walk one probe.
CREATE INDEX records_decisions_without_term ON records (agency_credit_code, source_id)
  WHERE kind = 1 AND public_record IS NOT NULL AND public_until IS NULL;
