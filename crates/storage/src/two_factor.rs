//! Two-factor sign-in: a person's TOTP secret (pending, then confirmed), their recovery
//! codes (SHA-256 only, each used once), the second step of a login (a challenge stored as
//! the SHA-256 of its token) and the tenant's policy. Codes are checked by the caller
//! (`domain::totp`); here a step or a recovery code is *spent* by one conditional
//! statement, so two racing requests cannot both use it.

use crate::pool::{on_pool, write_on_pool, write_tx};
use crate::{Store, StoreError};
use domain::{EmployeeId, TenantId};
use uuid::Uuid;

/// A person's authenticator secret.
#[derive(Clone, Debug)]
pub struct TotpCredential {
    /// Base 32.
    pub secret: String,
    pub created_at_ms: i64,
    /// `None` while enrolment waits for its first code.
    pub confirmed_at_ms: Option<i64>,
    pub last_step: Option<i64>,
}

/// What a login challenge lets its holder do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChallengePurpose {
    /// Prove the second factor.
    Verify,
    /// Enrol first (the tenant requires it and the person has none).
    Enrol,
}

impl ChallengePurpose {
    fn as_str(self) -> &'static str {
        match self {
            ChallengePurpose::Verify => "verify",
            ChallengePurpose::Enrol => "enrol",
        }
    }
}

/// A live (unexpired, unused) login challenge.
#[derive(Clone, Debug)]
pub struct LoginChallenge {
    pub employee: EmployeeId,
    pub purpose: ChallengePurpose,
    pub failures: u32,
}

#[derive(sqlx::FromRow)]
struct CredentialRow {
    secret: String,
    created_at: i64,
    confirmed_at: Option<i64>,
    last_step: Option<i64>,
}

impl Store {
    pub async fn totp_credential(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
    ) -> Result<Option<TotpCredential>, StoreError> {
        let row: Option<CredentialRow> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT secret, created_at, confirmed_at, last_step FROM totp_credentials
                 WHERE tenant_id = $1 AND employee_id = $2",
            )
            .bind(tenant.0)
            .bind(employee.0)
            .fetch_optional(p)
            .await?
        });
        Ok(row.map(|r| TotpCredential {
            secret: r.secret,
            created_at_ms: r.created_at,
            confirmed_at_ms: r.confirmed_at,
            last_step: r.last_step,
        }))
    }

    /// Stores a pending secret, replacing an earlier pending one. `false` (nothing
    /// stored) when the person already has a confirmed one.
    pub async fn start_totp(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
        secret: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let n = write_on_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO totp_credentials (tenant_id, employee_id, secret, created_at)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (tenant_id, employee_id) DO UPDATE
                    SET secret = excluded.secret, created_at = excluded.created_at,
                        last_step = NULL
                    WHERE totp_credentials.confirmed_at IS NULL",
            )
            .bind(tenant.0)
            .bind(employee.0)
            .bind(secret)
            .bind(now_ms)
            .execute(p)
            .await?
            .rows_affected()
        });
        Ok(n > 0)
    }

    /// Confirms the pending secret `secret` (the one the code was checked against) at
    /// `step` and replaces the recovery codes, in one transaction. `false` when that
    /// secret is no longer the pending one (confirmed or restarted meanwhile).
    pub async fn confirm_totp(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
        secret: &str,
        step: i64,
        recovery_hashes: &[Vec<u8>],
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        Ok(write_tx!(self, |tx| {
            let n = sqlx::query(
                "UPDATE totp_credentials SET confirmed_at = $4, last_step = $5
                 WHERE tenant_id = $1 AND employee_id = $2 AND secret = $3
                   AND confirmed_at IS NULL",
            )
            .bind(tenant.0)
            .bind(employee.0)
            .bind(secret)
            .bind(now_ms)
            .bind(step)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n > 0 {
                sqlx::query(
                    "DELETE FROM totp_recovery_codes WHERE tenant_id = $1 AND employee_id = $2",
                )
                .bind(tenant.0)
                .bind(employee.0)
                .execute(&mut *tx)
                .await?;
                for h in recovery_hashes {
                    sqlx::query(
                        "INSERT INTO totp_recovery_codes (tenant_id, employee_id, code_hash)
                         VALUES ($1, $2, $3)",
                    )
                    .bind(tenant.0)
                    .bind(employee.0)
                    .bind(h.as_slice())
                    .execute(&mut *tx)
                    .await?;
                }
            }
            n > 0
        }))
    }

    /// Spends `step` of a confirmed secret: `false` when that step or a later one was
    /// already used (a replayed code) or there is no confirmed secret.
    pub async fn spend_totp_step(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
        step: i64,
    ) -> Result<bool, StoreError> {
        let n = write_on_pool!(self, |p| {
            sqlx::query(
                "UPDATE totp_credentials SET last_step = $3
                 WHERE tenant_id = $1 AND employee_id = $2 AND confirmed_at IS NOT NULL
                   AND (last_step IS NULL OR last_step < $3)",
            )
            .bind(tenant.0)
            .bind(employee.0)
            .bind(step)
            .execute(p)
            .await?
            .rows_affected()
        });
        Ok(n > 0)
    }

    /// Spends an unused recovery code; `false` when it is unknown or used.
    pub async fn spend_recovery_code(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
        code_hash: &[u8],
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let n = write_on_pool!(self, |p| {
            sqlx::query(
                "UPDATE totp_recovery_codes SET used_at = $4
                 WHERE tenant_id = $1 AND employee_id = $2 AND code_hash = $3
                   AND used_at IS NULL",
            )
            .bind(tenant.0)
            .bind(employee.0)
            .bind(code_hash)
            .bind(now_ms)
            .execute(p)
            .await?
            .rows_affected()
        });
        Ok(n > 0)
    }

    pub async fn recovery_codes_left(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
    ) -> Result<u32, StoreError> {
        let n: i64 = on_pool!(self, |p| {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM totp_recovery_codes
                 WHERE tenant_id = $1 AND employee_id = $2 AND used_at IS NULL",
            )
            .bind(tenant.0)
            .bind(employee.0)
            .fetch_one(p)
            .await?
        });
        Ok(n.max(0) as u32)
    }

    /// Removes the person's secret (pending or confirmed) and recovery codes; `true` when
    /// there was a secret.
    pub async fn remove_totp(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
    ) -> Result<bool, StoreError> {
        Ok(write_tx!(self, |tx| {
            sqlx::query(
                "DELETE FROM totp_recovery_codes WHERE tenant_id = $1 AND employee_id = $2",
            )
            .bind(tenant.0)
            .bind(employee.0)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM totp_credentials WHERE tenant_id = $1 AND employee_id = $2")
                .bind(tenant.0)
                .bind(employee.0)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                > 0
        }))
    }

    /// Whether the tenant requires admins, managers and finance to use a second factor.
    pub async fn two_factor_required(&self, tenant: TenantId) -> Result<bool, StoreError> {
        let row: Option<bool> = on_pool!(self, |p| {
            sqlx::query_scalar("SELECT two_factor_required FROM tenants WHERE id = $1")
                .bind(tenant.0)
                .fetch_optional(p)
                .await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// Sets the policy. Switching it on also ends the live sessions of the admins,
    /// managers and finance people who have no confirmed second factor, so they enrol at
    /// their next sign-in; answers how many sessions ended.
    pub async fn set_two_factor_required(
        &self,
        tenant: TenantId,
        required: bool,
        now_ms: i64,
    ) -> Result<u64, StoreError> {
        Ok(write_tx!(self, |tx| {
            sqlx::query("UPDATE tenants SET two_factor_required = $2 WHERE id = $1")
                .bind(tenant.0)
                .bind(required)
                .execute(&mut *tx)
                .await?;
            if required {
                sqlx::query(
                    "UPDATE sessions SET revoked_at = $2
                     WHERE tenant_id = $1 AND revoked_at IS NULL AND expires_at > $2
                       AND employee_id IN (
                           SELECT e.id FROM employees e
                           WHERE e.tenant_id = $1 AND e.role IN ('admin', 'manager', 'finance')
                             AND NOT EXISTS (SELECT 1 FROM totp_credentials c
                                 WHERE c.tenant_id = e.tenant_id AND c.employee_id = e.id
                                   AND c.confirmed_at IS NOT NULL))",
                )
                .bind(tenant.0)
                .bind(now_ms)
                .execute(&mut *tx)
                .await?
                .rows_affected()
            } else {
                0
            }
        }))
    }

    pub async fn create_login_challenge(
        &self,
        tenant: TenantId,
        token_hash: &[u8],
        employee: EmployeeId,
        purpose: ChallengePurpose,
        now_ms: i64,
        expires_at_ms: i64,
    ) -> Result<(), StoreError> {
        // Each new challenge also sweeps the tenant's expired ones.
        write_on_pool!(self, |p| {
            sqlx::query("DELETE FROM login_challenges WHERE tenant_id = $1 AND expires_at < $2")
                .bind(tenant.0)
                .bind(now_ms)
                .execute(p)
                .await?;
        });
        write_on_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO login_challenges
                    (tenant_id, token_hash, employee_id, purpose, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(tenant.0)
            .bind(token_hash)
            .bind(employee.0)
            .bind(purpose.as_str())
            .bind(now_ms)
            .bind(expires_at_ms)
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// The live challenge with this token hash, whose person is still active.
    pub async fn login_challenge(
        &self,
        tenant: TenantId,
        token_hash: &[u8],
        now_ms: i64,
    ) -> Result<Option<LoginChallenge>, StoreError> {
        let row: Option<(Uuid, String, i32)> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT c.employee_id, c.purpose, c.failures FROM login_challenges c
                 JOIN employees e ON e.tenant_id = c.tenant_id AND e.id = c.employee_id
                 WHERE c.tenant_id = $1 AND c.token_hash = $2 AND c.used_at IS NULL
                   AND c.expires_at > $3 AND e.active",
            )
            .bind(tenant.0)
            .bind(token_hash)
            .bind(now_ms)
            .fetch_optional(p)
            .await?
        });
        Ok(row.map(|(e, purpose, failures)| LoginChallenge {
            employee: EmployeeId(e),
            purpose: if purpose == "enrol" {
                ChallengePurpose::Enrol
            } else {
                ChallengePurpose::Verify
            },
            failures: failures.max(0) as u32,
        }))
    }

    /// Counts a wrong code against the challenge.
    pub async fn fail_login_challenge(
        &self,
        tenant: TenantId,
        token_hash: &[u8],
    ) -> Result<(), StoreError> {
        write_on_pool!(self, |p| {
            sqlx::query(
                "UPDATE login_challenges SET failures = failures + 1
                 WHERE tenant_id = $1 AND token_hash = $2",
            )
            .bind(tenant.0)
            .bind(token_hash)
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// Uses the challenge up; `false` when it was used already (a racing second call).
    pub async fn finish_login_challenge(
        &self,
        tenant: TenantId,
        token_hash: &[u8],
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let n = write_on_pool!(self, |p| {
            sqlx::query(
                "UPDATE login_challenges SET used_at = $3
                 WHERE tenant_id = $1 AND token_hash = $2 AND used_at IS NULL",
            )
            .bind(tenant.0)
            .bind(token_hash)
            .bind(now_ms)
            .execute(p)
            .await?
            .rows_affected()
        });
        Ok(n > 0)
    }
}
