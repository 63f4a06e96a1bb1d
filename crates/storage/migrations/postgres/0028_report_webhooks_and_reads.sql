-- Scheduled reports delivered to a webhook endpoint (issue 15): a schedule may name one of
-- the tenant's endpoints beside (or instead of) its e-mail recipients. Each run keeps the
-- endpoint it was queued for, when the mail and the webhook each went out (a retry after one
-- of them failed sends only the other), and the receiver's last HTTP status. No foreign key:
-- an endpoint deleted later leaves the schedule naming it, and its runs fail with
-- `webhook_not_found` until the schedule is changed.
ALTER TABLE report_schedules ADD COLUMN webhook_id UUID;
ALTER TABLE report_schedule_runs ADD COLUMN webhook_id UUID;
ALTER TABLE report_schedule_runs ADD COLUMN mailed_ms BIGINT;
ALTER TABLE report_schedule_runs ADD COLUMN posted_ms BIGINT;
ALTER TABLE report_schedule_runs ADD COLUMN webhook_status INTEGER;

-- (The SQLite twin also gives reports a covering index over the person-day facts; here the
-- long values live apart from the rows and the index on day serves as it is.)
