-- The public list finds part of a party's public name (ListPublished by
-- party name): a trigram index serves that substring search
-- (LIKE '%...%') over the public records instead of a scan of them. pg_trgm
-- lives in public (scripts/db-roles creates it there beforehand, and then
-- this is a no-op); a name of one or two characters has no trigram and is
-- found by the other filters' scan, as a list without a name filter is.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
CREATE INDEX records_public_party_name ON records USING gin (public_party_name gin_trgm_ops)
  WHERE public_record IS NOT NULL;
