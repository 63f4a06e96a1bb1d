-- Two-factor sign-in (TOTP, RFC 6238).
-- A person's authenticator secret (base 32): pending until a code confirms it; `last_step`
-- is the newest 30-second step a code was accepted for, so a code is never used twice.
CREATE TABLE totp_credentials (
    tenant_id     UUID NOT NULL REFERENCES tenants (id),
    employee_id   UUID NOT NULL,
    secret        TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    confirmed_at  BIGINT,
    last_step     BIGINT,
    PRIMARY KEY (tenant_id, employee_id),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id)
);

-- Recovery codes, stored as SHA-256 of their canonical text; each used once.
CREATE TABLE totp_recovery_codes (
    tenant_id    UUID NOT NULL REFERENCES tenants (id),
    employee_id   UUID NOT NULL,
    code_hash    BYTEA NOT NULL,
    used_at      BIGINT,
    PRIMARY KEY (tenant_id, employee_id, code_hash),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id)
);

-- The second step of a login: after the password, a short-lived challenge (stored as
-- SHA-256 of its token) that a code ('verify') or an enrolment ('enrol') turns into a
-- session, once.
CREATE TABLE login_challenges (
    tenant_id    UUID NOT NULL REFERENCES tenants (id),
    token_hash   BYTEA NOT NULL,
    employee_id   UUID NOT NULL,
    purpose      TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    failures     INTEGER NOT NULL DEFAULT 0,
    used_at      BIGINT,
    PRIMARY KEY (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id)
);

-- Tenant policy: admins, managers and finance must sign in with a second factor.
ALTER TABLE tenants ADD COLUMN two_factor_required BOOLEAN NOT NULL DEFAULT FALSE;
