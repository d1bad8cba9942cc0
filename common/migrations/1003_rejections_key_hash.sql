-- A rejected record's key is kept whole, however long (a key the rules refuse
-- may be any size), so the index that finds a key's rejections holds its MD5
-- rather than the key itself: a B-tree entry has at most 2704 bytes, and a
-- key over that made the whole batch fail (SQLSTATE 54000).
DROP INDEX IF EXISTS rejections_key;
CREATE INDEX IF NOT EXISTS rejections_key_md5 ON rejections (city_code, kind, md5(record_key));
