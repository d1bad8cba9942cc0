-- The trigram index of the public party names (migration 004) takes new
-- names into its pending list and merges them into the index proper when the
-- list is full. Every search by party name reads the whole pending list, so
-- with the default 4 MB a search while a city syncs read tens of thousands of
-- unmerged entries (8-15 ms, against under 1 ms with the list merged). A list
-- of 256 kB keeps that read short; the merges come sixteen times as often
-- and are that much smaller.
ALTER INDEX records_public_party_name SET (gin_pending_list_limit = 256);
