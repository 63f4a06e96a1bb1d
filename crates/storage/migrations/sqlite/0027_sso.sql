-- SQLite twin of migrations/postgres/0027_sso.sql (see there for the why).

CREATE TABLE sso_configs (
    tenant_id           BLOB PRIMARY KEY,
    issuer_url          TEXT NOT NULL,
    client_id           TEXT NOT NULL,
    -- Sent to the provider's token endpoint, so kept as it is (a hash could not be sent);
    -- never answered by the API.
    client_secret       TEXT NOT NULL,
    -- The ID-token claim whose value is the person's username.
    username_claim      TEXT NOT NULL,
    -- Just-in-time provisioning: an unknown username becomes a field rep in this department.
    jit_enabled         INTEGER NOT NULL,
    jit_department_id   BLOB,
    enabled             INTEGER NOT NULL,
    updated_ms          BIGINT NOT NULL
);

-- A sign-in sent to the provider; keyed by the SHA-256 of its `state`, used once.
CREATE TABLE sso_pending (
    state_hash          BLOB PRIMARY KEY,
    tenant_id           BLOB NOT NULL,
    nonce               TEXT NOT NULL,
    pkce_verifier       TEXT NOT NULL,
    redirect_uri        TEXT NOT NULL,
    -- The SHA-256 of a random value the starting browser holds in a cookie: the callback
    -- must come from that browser (no one else's sign-in lands in it).
    browser_hash        BLOB NOT NULL,
    expires_ms          BIGINT NOT NULL
);
CREATE INDEX sso_pending_expiry ON sso_pending (expires_ms);

-- A completed sign-in waiting for the console to swap its code (SHA-256 kept) for a session.
CREATE TABLE sso_handoffs (
    code_hash           BLOB PRIMARY KEY,
    tenant_id           BLOB NOT NULL,
    employee_id         BLOB NOT NULL,
    expires_ms          BIGINT NOT NULL
);
CREATE INDEX sso_handoffs_expiry ON sso_handoffs (expires_ms);
