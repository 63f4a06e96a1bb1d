-- SQLite twin of migrations/postgres/0028_report_webhooks_and_reads.sql: BLOB for UUID, INTEGER for
-- BIGINT.
-- Scheduled reports delivered to a webhook endpoint (issue 15): a schedule may name one of
-- the tenant's endpoints beside (or instead of) its e-mail recipients. Each run keeps the
-- endpoint it was queued for, when the mail and the webhook each went out (a retry after one
-- of them failed sends only the other), and the receiver's last HTTP status. No foreign key:
-- an endpoint deleted later leaves the schedule naming it, and its runs fail with
-- `webhook_not_found` until the schedule is changed.
ALTER TABLE report_schedules ADD COLUMN webhook_id BLOB;
ALTER TABLE report_schedule_runs ADD COLUMN webhook_id BLOB;
ALTER TABLE report_schedule_runs ADD COLUMN mailed_ms INTEGER;
ALTER TABLE report_schedule_runs ADD COLUMN posted_ms INTEGER;
ALTER TABLE report_schedule_runs ADD COLUMN webhook_status INTEGER;

-- Reports read a period's person-day facts (15,000 rows for 500 reps over 30 days) by day.
-- Through the old index on (tenant_id, day, department_id) every row was a second look-up
-- in the table, whose rows lie in the order a rebuild wrote them (person by person), so a
-- period's rows were spread over most of its pages. This index holds what a report reads
-- (on SQLite `fact` and `visit_rows` are empty beside their binary forms), so the read is
-- one range of the index, in day order.
DROP INDEX report_person_days_by_day;
CREATE INDEX report_person_days_read ON report_person_days
    (tenant_id, day, department_id, employee_id, fact, fact_bin, visit_rows, visits_bin);
