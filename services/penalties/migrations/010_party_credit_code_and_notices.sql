-- The public list finds a party by its unified social credit code as
-- published (ListPublished party_credit_code): the code of an organisation or
-- an individual business, published in full with the public form. A natural
-- person's credit code is never published, so it is never stored here: the
-- column is NULL for a natural person and for a record without a public form.
-- Every write fills it with the public form (the merge, the republish; the
-- retention walk clears it with the public form). Rows stored before are
-- filled at start-up, before the service serves: kMaskingVersion is 3 from
-- this column on, so the republish recomputes their public columns from the
-- records as sent (RepublishStoredRecords), which fills it without a feed
-- event where nothing else changed.
ALTER TABLE records ADD COLUMN public_party_credit_code text;

-- A search by credit code reads the party's public records in the list's
-- order (clock_start, agency_credit_code, source_id, descending; migration
-- 008), so a page reads its rows and no more. A search always names a code,
-- which implies IS NOT NULL: the index leaves out natural persons.
CREATE INDEX records_public_party_credit_code
  ON records (public_party_credit_code, kind, clock_start DESC, agency_credit_code DESC, source_id DESC)
  WHERE public_record IS NOT NULL AND public_party_credit_code IS NOT NULL;

-- The withdrawal notices (ListPublished withdrawn): decisions withdrawn that
-- have a public form, newest withdrawal first (withdrawn_on,
-- agency_credit_code, source_id, descending), of the province, a city or an
-- agency. Few records are withdrawn, and these indexes hold only them.
CREATE INDEX records_withdrawal_notices
  ON records (withdrawn_on DESC, agency_credit_code DESC, source_id DESC)
  WHERE kind = 1 AND public_record IS NOT NULL AND withdrawn_on IS NOT NULL;
CREATE INDEX records_withdrawal_notices_city
  ON records (city_code, withdrawn_on DESC, agency_credit_code DESC, source_id DESC)
  WHERE kind = 1 AND public_record IS NOT NULL AND withdrawn_on IS NOT NULL;
CREATE INDEX records_withdrawal_notices_agency
  ON records (agency_credit_code, withdrawn_on DESC, source_id DESC)
  WHERE kind = 1 AND public_record IS NOT NULL AND withdrawn_on IS NOT NULL;
