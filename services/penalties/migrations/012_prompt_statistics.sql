-- The public lists are planned from the statistics of records, which
-- autovacuum gathers (ANALYZE) right after the VACUUM that new rows call for
-- too. A table without statistics is planned as if an agency matched a
-- handful of rows: by agency, a bitmap scan of every record of the agency
-- and a sort (45 ms at 300,000 records, hundreds of ms at 1,000,000
-- under a sync), where the ordered index of migration 008 reads 20 rows. At
-- the default cost limit (200) that VACUUM of a table of 1,000,000 fresh
-- records pauses so often that it took about 42 s, all of it before the first
-- statistics (bench/README.md); at 2000 it pauses a tenth as much. The feed
-- (changes) grows as fast and is vacuumed in the same round.
ALTER TABLE records SET (autovacuum_vacuum_cost_limit = 2000);
ALTER TABLE changes SET (autovacuum_vacuum_cost_limit = 2000);
