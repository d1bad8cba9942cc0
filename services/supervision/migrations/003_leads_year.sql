-- ListLeads of a year (ListLeadsRequest.year: the year of the run that last
-- found a lead), newest first: of every city, of one.
CREATE INDEX leads_year ON leads (year, id DESC);
CREATE INDEX leads_city_year ON leads (city_code, year, id DESC);
