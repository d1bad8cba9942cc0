-- Officer changes in order, and a notification on every change, so that each
-- registry process keeps its in-memory verification index current.
CREATE SEQUENCE officer_change_seq;
ALTER TABLE officers ADD COLUMN change_seq bigint NOT NULL DEFAULT nextval('officer_change_seq');
CREATE INDEX officers_change_seq ON officers (change_seq);

CREATE FUNCTION notify_registry_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('registry_changes', TG_TABLE_NAME);
  RETURN NULL;
END $$;

CREATE TRIGGER officers_changed AFTER INSERT OR UPDATE ON officers
  FOR EACH STATEMENT EXECUTE FUNCTION notify_registry_change();
CREATE TRIGGER agencies_changed AFTER INSERT OR UPDATE ON agencies
  FOR EACH STATEMENT EXECUTE FUNCTION notify_registry_change();
