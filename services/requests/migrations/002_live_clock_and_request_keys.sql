-- `live`: the request's clock depends on today, so its stored state and due
-- date hold only as of the day its last step was recorded: an open request
-- with an unanswered consultation (the pause runs up to today), or a request
-- awaiting correction (abandoned once its correction date passes). Figures
-- read these requests' clocks as of the day they are read. Set with each
-- step from the clock's report; here for the rows stored before. The clock
-- answers a consultation once and only one it started, so more consultation
-- starts (type 4) than answers (type 5) means one is unanswered.
ALTER TABLE requests ADD COLUMN live boolean NOT NULL DEFAULT false;
UPDATE requests r SET live = true
WHERE r.state = 'AWAITING_CORRECTION'
   OR (r.state = 'OPEN'
       AND (SELECT count(*) FILTER (WHERE s.type = 4) > count(*) FILTER (WHERE s.type = 5)
            FROM request_steps s WHERE s.request_id = r.id));
CREATE INDEX requests_live ON requests (agency_credit_code, id) WHERE live;

-- The desk's soonest-due-first list reads the requests whose stored due date
-- holds in this order; the live ones are evaluated and merged in.
DROP INDEX requests_open;
CREATE INDEX requests_open ON requests (agency_credit_code, (coalesce(due_on, '9999-12-31'::date)), id)
  WHERE open AND NOT live;

-- The sender's key of a registration (RegisterRequest, RegisterConsultation):
-- a resend under a key the agency has used returns what was registered first.
-- '' when the sender gave none.
ALTER TABLE requests ADD COLUMN request_key text NOT NULL DEFAULT '';
CREATE UNIQUE INDEX requests_key ON requests (agency_credit_code, request_key) WHERE request_key <> '';
ALTER TABLE consultations ADD COLUMN request_key text NOT NULL DEFAULT '';
CREATE UNIQUE INDEX consultations_key ON consultations (agency_credit_code, request_key) WHERE request_key <> '';
