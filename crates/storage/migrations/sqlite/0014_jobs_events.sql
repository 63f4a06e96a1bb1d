-- SQLite twin of migrations/postgres/0014_jobs_events.sql (see there for the why).

CREATE TABLE jobs (
    tenant_id       BLOB NOT NULL,
    id              BLOB NOT NULL,
    kind            TEXT NOT NULL,
    unique_key      TEXT,
    payload         TEXT NOT NULL,
    state           TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    max_attempts    INTEGER NOT NULL,
    run_at_ms       BIGINT NOT NULL,
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

CREATE TABLE job_schedules (
    tenant_id   BLOB NOT NULL,
    name        TEXT NOT NULL,
    next_run_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, name)
);

DROP TABLE track_dirty;

-- One writer at a time: seq order is commit order, so `tx` is always 0 here.
CREATE TABLE events (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id   BLOB NOT NULL,
    tx          BIGINT NOT NULL DEFAULT 0,
    id          BLOB NOT NULL,
    type        TEXT NOT NULL,
    subject_id  BLOB,
    occurred_ms BIGINT NOT NULL,
    payload     TEXT NOT NULL
);
CREATE INDEX events_in_commit_order ON events (tenant_id, seq);
CREATE UNIQUE INDEX events_by_id ON events (tenant_id, id);

CREATE TABLE event_cursors (
    tenant_id  BLOB NOT NULL,
    consumer   TEXT NOT NULL,
    tx         BIGINT NOT NULL,
    seq        BIGINT NOT NULL,
    updated_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, consumer)
);
