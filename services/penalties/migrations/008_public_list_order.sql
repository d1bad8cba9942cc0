-- The public lists (ListPublished) are ordered newest first by
-- (clock_start, agency_credit_code, source_id), all descending, and page by
-- that key. The indexes of a city's and an agency's public records now hold
-- exactly that order, so a page reads its 50 rows and no more: an agency's
-- index also holds the kind, and the key's columns run in the list's
-- direction (before, the agency's index ended at clock_start and every
-- record of the day had to be read and sorted for each page).
DROP INDEX records_public_city;
CREATE INDEX records_public_city
  ON records (kind, city_code, clock_start DESC, agency_credit_code DESC, source_id DESC)
  WHERE public_record IS NOT NULL;
DROP INDEX records_public_agency;
CREATE INDEX records_public_agency
  ON records (agency_credit_code, kind, clock_start DESC, source_id DESC)
  WHERE public_record IS NOT NULL;
