-- The day the registry first stored each agency: in that year a new
-- agency's qualification list is due 20 working days after it, not by 31
-- January (DOMAIN.md kind 1). Agencies stored before keep NULL (the day is
-- not known) and follow the annual rule.
ALTER TABLE agencies ADD COLUMN created_on date;
