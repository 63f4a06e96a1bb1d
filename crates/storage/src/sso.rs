//! Single sign-on: a tenant's OpenID provider settings, the sign-ins under way and the
//! one-time codes that hand a finished sign-in to the console. Pending sign-ins and codes
//! are taken with `DELETE … RETURNING`, so each is used at most once even when two servers
//! race, and expired ones are swept whenever a new one is written.

use crate::pool::{on_pool, write_on_pool};
use crate::{Store, StoreError};
use domain::{DepartmentId, EmployeeId, TenantId};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct SsoConfigRecord {
    pub issuer_url: String,
    pub client_id: String,
    pub client_secret: String,
    pub username_claim: String,
    pub jit_enabled: bool,
    jit_department_id: Option<Uuid>,
    pub enabled: bool,
    pub updated_ms: i64,
}

impl SsoConfigRecord {
    pub fn jit_department(&self) -> Option<DepartmentId> {
        self.jit_department_id.map(DepartmentId)
    }
}

/// What an admin sets; `client_secret: None` keeps the stored one.
pub struct SsoConfigWrite<'a> {
    pub issuer_url: &'a str,
    pub client_id: &'a str,
    pub client_secret: Option<&'a str>,
    pub username_claim: &'a str,
    pub jit_enabled: bool,
    pub jit_department: Option<DepartmentId>,
    pub enabled: bool,
}

/// A sign-in sent to the provider, as the callback needs it back.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SsoPending {
    tenant_id: Uuid,
    pub nonce: String,
    pub pkce_verifier: String,
    pub redirect_uri: String,
    pub browser_hash: Vec<u8>,
}

impl SsoPending {
    pub fn tenant(&self) -> TenantId {
        TenantId(self.tenant_id)
    }
}

/// A sign-in to keep until the provider sends the browser back.
pub struct NewSsoPending<'a> {
    /// SHA-256 of the `state` sent to the provider.
    pub state_hash: &'a [u8],
    pub nonce: &'a str,
    pub pkce_verifier: &'a str,
    pub redirect_uri: &'a str,
    /// SHA-256 of the value in the starting browser's cookie.
    pub browser_hash: &'a [u8],
    pub expires_ms: i64,
}

const COLUMNS: &str = "issuer_url, client_id, client_secret, username_claim, jit_enabled,
    jit_department_id, enabled, updated_ms";

impl Store {
    pub async fn sso_config(
        &self,
        tenant: TenantId,
    ) -> Result<Option<SsoConfigRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM sso_configs WHERE tenant_id = $1");
        Ok(on_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .fetch_optional(p)
                .await?
        }))
    }

    /// Creates or replaces the tenant's settings. A first write without a secret is the
    /// caller's to refuse; here it would store an empty one.
    pub async fn put_sso_config(
        &self,
        tenant: TenantId,
        w: &SsoConfigWrite<'_>,
        now_ms: i64,
    ) -> Result<SsoConfigRecord, StoreError> {
        write_on_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO sso_configs (tenant_id, issuer_url, client_id, client_secret,
                    username_claim, jit_enabled, jit_department_id, enabled, updated_ms)
                 VALUES ($1, $2, $3, COALESCE($4, ''), $5, $6, $7, $8, $9)
                 ON CONFLICT (tenant_id) DO UPDATE SET issuer_url = $2, client_id = $3,
                    client_secret = COALESCE($4, sso_configs.client_secret),
                    username_claim = $5, jit_enabled = $6, jit_department_id = $7,
                    enabled = $8, updated_ms = $9",
            )
            .bind(tenant.0)
            .bind(w.issuer_url)
            .bind(w.client_id)
            .bind(w.client_secret)
            .bind(w.username_claim)
            .bind(w.jit_enabled)
            .bind(w.jit_department.map(|d| d.0))
            .bind(w.enabled)
            .bind(now_ms)
            .execute(p)
            .await?;
        });
        self.sso_config(tenant).await?.ok_or(StoreError::NotFound)
    }

    /// Keeps a sign-in under way until its expiry, sweeping expired ones.
    pub async fn put_sso_pending(
        &self,
        tenant: TenantId,
        new: &NewSsoPending<'_>,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        write_on_pool!(self, |p| {
            sqlx::query("DELETE FROM sso_pending WHERE expires_ms < $1")
                .bind(now_ms)
                .execute(p)
                .await?;
        });
        write_on_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO sso_pending (state_hash, tenant_id, nonce, pkce_verifier, redirect_uri,
                    browser_hash, expires_ms)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(new.state_hash)
            .bind(tenant.0)
            .bind(new.nonce)
            .bind(new.pkce_verifier)
            .bind(new.redirect_uri)
            .bind(new.browser_hash)
            .bind(new.expires_ms)
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// Takes the sign-in a `state` names (once): `None` when unknown, used or expired.
    pub async fn take_sso_pending(
        &self,
        state_hash: &[u8],
        now_ms: i64,
    ) -> Result<Option<SsoPending>, StoreError> {
        let row: Option<(SsoPending, i64)> = write_on_pool!(self, |p| {
            sqlx::query_as::<_, (Uuid, String, String, String, Vec<u8>, i64)>(
                "DELETE FROM sso_pending WHERE state_hash = $1
                 RETURNING tenant_id, nonce, pkce_verifier, redirect_uri, browser_hash, expires_ms",
            )
            .bind(state_hash)
            .fetch_optional(p)
            .await?
            .map(
                |(tenant_id, nonce, pkce_verifier, redirect_uri, browser_hash, expires)| {
                    (
                        SsoPending {
                            tenant_id,
                            nonce,
                            pkce_verifier,
                            redirect_uri,
                            browser_hash,
                        },
                        expires,
                    )
                },
            )
        });
        Ok(row
            .filter(|(_, expires)| *expires >= now_ms)
            .map(|(p, _)| p))
    }

    /// Keeps a finished sign-in for the console to take with its code until `expires_ms`.
    pub async fn put_sso_handoff(
        &self,
        tenant: TenantId,
        code_hash: &[u8],
        employee: EmployeeId,
        now_ms: i64,
        expires_ms: i64,
    ) -> Result<(), StoreError> {
        write_on_pool!(self, |p| {
            sqlx::query("DELETE FROM sso_handoffs WHERE expires_ms < $1")
                .bind(now_ms)
                .execute(p)
                .await?;
        });
        write_on_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO sso_handoffs (code_hash, tenant_id, employee_id, expires_ms)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(code_hash)
            .bind(tenant.0)
            .bind(employee.0)
            .bind(expires_ms)
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// Takes a handoff code of this tenant (once): the person it signs in, or `None` when
    /// unknown, used, expired or another tenant's.
    pub async fn take_sso_handoff(
        &self,
        tenant: TenantId,
        code_hash: &[u8],
        now_ms: i64,
    ) -> Result<Option<EmployeeId>, StoreError> {
        let row: Option<(Uuid, i64)> = write_on_pool!(self, |p| {
            sqlx::query_as(
                "DELETE FROM sso_handoffs WHERE code_hash = $1 AND tenant_id = $2
                 RETURNING employee_id, expires_ms",
            )
            .bind(code_hash)
            .bind(tenant.0)
            .fetch_optional(p)
            .await?
        });
        Ok(row
            .filter(|(_, expires)| *expires >= now_ms)
            .map(|(id, _)| EmployeeId(id)))
    }
}
