-- The public powers list finds a keyword in an item's name or
-- responsibilities (ListPowers): trigram indexes serve those substring
-- searches (LIKE '%...%') instead of a scan of every item. pg_trgm lives in
-- public (scripts/db-roles creates it there beforehand, and then this is a
-- no-op); a keyword needs three characters to have a trigram.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
CREATE INDEX powers_items_name_trgm ON powers_items USING gin (name gin_trgm_ops);
CREATE INDEX powers_items_responsibilities_trgm ON powers_items USING gin (responsibilities gin_trgm_ops);
