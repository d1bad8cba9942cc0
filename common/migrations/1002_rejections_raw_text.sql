-- A rejected record is kept as the city sent it, whatever its strings hold:
-- jsonb refuses the escape of U+0000 ("\u0000", SQLSTATE 22P05), so the raw
-- JSON and the violations (whose descriptions may quote a value) are kept as
-- text, the JSON the service wrote. Rows kept so far keep their content, in
-- jsonb's own text form.
ALTER TABLE rejections
  ALTER COLUMN raw TYPE text USING raw::text,
  ALTER COLUMN violations TYPE text USING violations::text;
