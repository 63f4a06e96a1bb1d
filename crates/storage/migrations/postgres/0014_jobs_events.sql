-- The durable job queue, its schedules, and the transactional outbox of domain events.
-- Replaces `track_dirty`: a day whose fixes changed is now a queued `track_day` job.

CREATE TABLE jobs (
    tenant_id       UUID NOT NULL,
    id              UUID NOT NULL,
    kind            TEXT NOT NULL,
    -- At most one *queued* job per (tenant, kind, unique_key): "recompute rep X's day D" waits
    -- once however many fixes arrive. A running one may have a queued twin (new data
    -- came in while it ran); workers never run two of a key at once.
    unique_key      TEXT,
    payload         TEXT NOT NULL,
    -- queued | running | done | dead
    state           TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    max_attempts    INTEGER NOT NULL,
    run_at_ms       BIGINT NOT NULL,
    -- The server holding a running job, and until when: a server killed mid-job leaves
    -- its lease to expire, and another server takes the job again.
    locked_by       TEXT,
    locked_until_ms BIGINT,
    last_error      TEXT,
    created_ms      BIGINT NOT NULL,
    updated_ms      BIGINT NOT NULL,
    finished_ms     BIGINT,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX jobs_one_queued_per_key ON jobs (tenant_id, kind, unique_key) WHERE state = 'queued';
CREATE INDEX jobs_due ON jobs (run_at_ms) WHERE state = 'queued';
CREATE INDEX jobs_leases ON jobs (locked_until_ms) WHERE state = 'running';
CREATE INDEX jobs_by_tenant ON jobs (tenant_id, state, kind, id);

-- Recurring work per tenant ("retention at 03:00 in the tenant's time zone"). A server
-- moves next_run_ms forward with a compare-and-set and enqueues the job in the same
-- transaction, so each occurrence is enqueued once however many servers run.
CREATE TABLE job_schedules (
    tenant_id   UUID NOT NULL,
    name        TEXT NOT NULL,
    next_run_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, name)
);

DROP TABLE track_dirty;

-- Domain events, written in the transaction of the change they describe. Consumers read
-- them in (tx, seq) order and only below the oldest transaction still running
-- (pg_snapshot_xmin), so an event committed late with a smaller seq is never skipped.
CREATE TABLE events (
    tenant_id   UUID NOT NULL,
    seq         BIGINT GENERATED ALWAYS AS IDENTITY,
    tx          XID8 NOT NULL DEFAULT pg_current_xact_id(),
    id          UUID NOT NULL,
    type        TEXT NOT NULL,
    subject_id  UUID,
    occurred_ms BIGINT NOT NULL,
    payload     TEXT NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);
CREATE INDEX events_in_commit_order ON events (tenant_id, tx, seq);
CREATE UNIQUE INDEX events_by_id ON events (tenant_id, id);
-- The outbox lag (`Store::outbox_lag_ms`): committed events still held back by an older
-- running transaction.
CREATE INDEX events_by_tx ON events (tx);

-- How far each consumer has read each tenant's events.
CREATE TABLE event_cursors (
    tenant_id  UUID NOT NULL,
    consumer   TEXT NOT NULL,
    tx         BIGINT NOT NULL,
    seq        BIGINT NOT NULL,
    updated_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, consumer)
);

-- Several servers, one live map: every newer position of a person is announced on the
-- channel `outfield_live` when its transaction commits, and each server's relay hands it
-- to its own live-feed subscribers. A trigger, so the fix writer pays no extra round trip.
CREATE FUNCTION outfield_announce_position() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('outfield_live', json_build_object(
        't', NEW.tenant_id, 'e', NEW.employee_id, 'ms', NEW.t_ms, 'lat', NEW.lat,
        'lon', NEW.lon, 'acc', NEW.accuracy_m, 'spd', NEW.speed_mps)::text);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER last_fixes_announce AFTER INSERT OR UPDATE ON last_fixes
    FOR EACH ROW EXECUTE FUNCTION outfield_announce_position();
