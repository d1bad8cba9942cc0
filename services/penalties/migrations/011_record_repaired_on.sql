-- The day of a decision's credit repair, on the decision's row as well as in
-- credit_repairs (migration 007), which keeps who granted and recorded it.
-- The merge of a new version keeps the end of publication the repair gave by
-- reading the day from the row it updates: that is the version committed
-- last, so a repair committed while the merge waited for the row is seen,
-- where a read of credit_repairs in the merge saw only what was committed
-- when its statement began.
ALTER TABLE records ADD COLUMN repaired_on date;
UPDATE records r SET repaired_on = c.repaired_on FROM credit_repairs c
  WHERE c.kind = r.kind AND c.agency_credit_code = r.agency_credit_code AND c.source_id = r.source_id;

-- The insert of a repair sets the day on its decision's row, so every writer
-- of a repair keeps it, the release before this one included (it serves
-- against this schema during a rollout and after a rollback).
CREATE FUNCTION keep_repair_day() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  UPDATE records SET repaired_on = NEW.repaired_on
    WHERE kind = NEW.kind AND agency_credit_code = NEW.agency_credit_code AND source_id = NEW.source_id;
  RETURN NULL;
END $$;
CREATE TRIGGER credit_repairs_day AFTER INSERT ON credit_repairs
  FOR EACH ROW EXECUTE FUNCTION keep_repair_day();
