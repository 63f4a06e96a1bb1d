//! Integration API keys: shown once at creation, stored as a hash, revocable.

use crate::pool::{on_pool, write_on_pool};
use crate::time::{from_ms, now_ms};
use crate::{Store, StoreError};
use chrono::{DateTime, Utc};
use domain::access::{ApiKeyPrincipal, ApiScope};
use domain::{ApiKeyId, EmployeeId, TenantId};
use uuid::Uuid;

pub struct NewApiKey<'a> {
    pub name: &'a str,
    pub prefix: &'a str,
    pub key_hash: &'a [u8],
    pub scopes: &'a [ApiScope],
    pub created_by: Option<EmployeeId>,
    pub expires_at: Option<DateTime<Utc>>,
    pub rate_limit_per_minute: Option<u32>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ApiKeyRecord {
    pub id: ApiKeyId,
    pub name: String,
    pub prefix: String,
    pub scopes: Vec<ApiScope>,
    pub created_by: Option<EmployeeId>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    /// This key's own limit; `None` takes the tenant's default.
    pub rate_limit_per_minute: Option<u32>,
}

/// A presented key as the request gate needs it.
#[derive(Clone, Debug, PartialEq)]
pub struct PresentedKey {
    pub principal: ApiKeyPrincipal,
    /// Past its `expires_at`: answered 401 `api_key_expired`.
    pub expired: bool,
    /// Requests per minute: the key's own limit, else the tenant's default; `None` when
    /// neither is set (the server's default applies).
    pub rate_limit_per_minute: Option<u32>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    name: String,
    prefix: String,
    scopes: String,
    created_by: Option<Uuid>,
    created_at: i64,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
    expires_at: Option<i64>,
    rate_limit_per_minute: Option<i64>,
}

fn parse_scopes(s: &str) -> Vec<ApiScope> {
    s.split_whitespace().filter_map(ApiScope::parse).collect()
}

impl From<Row> for ApiKeyRecord {
    fn from(r: Row) -> Self {
        ApiKeyRecord {
            id: ApiKeyId(r.id),
            name: r.name,
            prefix: r.prefix,
            scopes: parse_scopes(&r.scopes),
            created_by: r.created_by.map(EmployeeId),
            created_at: from_ms(r.created_at),
            last_used_at: r.last_used_at.map(from_ms),
            revoked_at: r.revoked_at.map(from_ms),
            expires_at: r.expires_at.map(from_ms),
            rate_limit_per_minute: r.rate_limit_per_minute.and_then(|n| u32::try_from(n).ok()),
        }
    }
}

const COLUMNS: &str = "id, name, prefix, scopes, created_by, created_at, last_used_at, revoked_at, \
                       expires_at, rate_limit_per_minute";

impl Store {
    /// Stores a new key under `id` (a client id) or a fresh one; `None` when the tenant
    /// already has a key under that id (one statement, so concurrent copies insert once).
    pub async fn create_api_key(
        &self,
        tenant: TenantId,
        id: Option<ApiKeyId>,
        digest: Option<&str>,
        k: &NewApiKey<'_>,
    ) -> Result<Option<ApiKeyRecord>, StoreError> {
        let id = id.unwrap_or_default();
        let scopes: Vec<&str> = k.scopes.iter().map(|s| s.as_str()).collect();
        let n = write_on_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO api_keys (tenant_id, id, name, prefix, key_hash, scopes, created_by, created_at, body_digest,
                                       expires_at, rate_limit_per_minute)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (tenant_id, id) DO NOTHING",
            )
            .bind(tenant.0)
            .bind(id.0)
            .bind(k.name)
            .bind(k.prefix)
            .bind(k.key_hash)
            .bind(scopes.join(" "))
            .bind(k.created_by.map(|e| e.0))
            .bind(now_ms())
            .bind(digest)
            .bind(k.expires_at.map(|t| t.timestamp_millis()))
            .bind(k.rate_limit_per_minute.map(i64::from))
            .execute(p)
            .await?
            .rows_affected()
        });
        if n == 0 {
            return Ok(None);
        }
        Ok(Some(self.api_key(tenant, id).await?))
    }

    pub async fn api_key(
        &self,
        tenant: TenantId,
        id: ApiKeyId,
    ) -> Result<ApiKeyRecord, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM api_keys WHERE tenant_id = $1 AND id = $2");
        let row: Option<Row> = on_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(id.0)
                .fetch_optional(p)
                .await?
        });
        row.map(ApiKeyRecord::from).ok_or(StoreError::NotFound)
    }

    pub async fn list_api_keys(&self, tenant: TenantId) -> Result<Vec<ApiKeyRecord>, StoreError> {
        let sql =
            format!("SELECT {COLUMNS} FROM api_keys WHERE tenant_id = $1 ORDER BY created_at, id");
        let rows: Vec<Row> = on_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .fetch_all(p)
                .await?
        });
        Ok(rows.into_iter().map(ApiKeyRecord::from).collect())
    }

    /// Revoking twice is harmless; the first revocation time is kept.
    pub async fn revoke_api_key(
        &self,
        tenant: TenantId,
        id: ApiKeyId,
    ) -> Result<ApiKeyRecord, StoreError> {
        write_on_pool!(self, |p| {
            sqlx::query(
                "UPDATE api_keys SET revoked_at = $3 WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL",
            )
            .bind(tenant.0)
            .bind(id.0)
            .bind(now_ms())
            .execute(p)
            .await?;
        });
        self.api_key(tenant, id).await
    }

    /// Replaces a key's expiry and rate limit (`None`: never expires / the tenant's default).
    pub async fn set_api_key_limits(
        &self,
        tenant: TenantId,
        id: ApiKeyId,
        expires_at: Option<DateTime<Utc>>,
        rate_limit_per_minute: Option<u32>,
    ) -> Result<ApiKeyRecord, StoreError> {
        let n = write_on_pool!(self, |p| {
            sqlx::query(
                "UPDATE api_keys SET expires_at = $3, rate_limit_per_minute = $4
                 WHERE tenant_id = $1 AND id = $2",
            )
            .bind(tenant.0)
            .bind(id.0)
            .bind(expires_at.map(|t| t.timestamp_millis()))
            .bind(rate_limit_per_minute.map(i64::from))
            .execute(p)
            .await?
            .rows_affected()
        });
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        self.api_key(tenant, id).await
    }

    /// The tenant's default rate limit for keys without their own (requests per minute).
    pub async fn api_key_rate_limit(&self, tenant: TenantId) -> Result<Option<u32>, StoreError> {
        let row: Option<(Option<i64>,)> = on_pool!(self, |p| {
            sqlx::query_as("SELECT api_key_rate_limit FROM tenants WHERE id = $1")
                .bind(tenant.0)
                .fetch_optional(p)
                .await?
        });
        let (n,) = row.ok_or(StoreError::NotFound)?;
        Ok(n.and_then(|n| u32::try_from(n).ok()))
    }

    pub async fn set_api_key_rate_limit(
        &self,
        tenant: TenantId,
        per_minute: Option<u32>,
    ) -> Result<(), StoreError> {
        write_on_pool!(self, |p| {
            sqlx::query("UPDATE tenants SET api_key_rate_limit = $2 WHERE id = $1")
                .bind(tenant.0)
                .bind(per_minute.map(i64::from))
                .execute(p)
                .await?;
        });
        Ok(())
    }

    /// The key presented with a request, or `None` when no live key has that hash
    /// (unknown or revoked). An expired key is answered, marked expired, so the caller can
    /// say so. Last use is stamped at most once a minute, so a busy integration does not
    /// turn every read into a write; an expired key's use is not stamped.
    pub async fn presented_api_key(
        &self,
        tenant: TenantId,
        key_hash: &[u8],
    ) -> Result<Option<PresentedKey>, StoreError> {
        type KeyRow = (Uuid, String, Option<i64>, Option<i64>, Option<i64>);
        let row: Option<KeyRow> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT k.id, k.scopes, k.last_used_at, k.expires_at,
                        COALESCE(k.rate_limit_per_minute, t.api_key_rate_limit)
                 FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
                 WHERE k.tenant_id = $1 AND k.key_hash = $2 AND k.revoked_at IS NULL",
            )
            .bind(tenant.0)
            .bind(key_hash)
            .fetch_optional(p)
            .await?
        });
        let Some((id, scopes, last_used, expires_at, limit)) = row else {
            return Ok(None);
        };
        let now = now_ms();
        let expired = expires_at.is_some_and(|t| t <= now);
        if !expired && last_used.is_none_or(|t| now - t >= 60_000) {
            // Guarded by the stamp it read, so two servers racing write once.
            write_on_pool!(self, |p| {
                sqlx::query(
                    "UPDATE api_keys SET last_used_at = $3
                     WHERE tenant_id = $1 AND id = $2 AND (last_used_at IS NULL OR last_used_at <= $4)",
                )
                .bind(tenant.0)
                .bind(id)
                .bind(now)
                .bind(now - 60_000)
                .execute(p)
                .await?;
            });
        }
        Ok(Some(PresentedKey {
            principal: ApiKeyPrincipal {
                tenant,
                key: ApiKeyId(id),
                scopes: parse_scopes(&scopes),
                admitted: None,
            },
            expired,
            rate_limit_per_minute: limit.and_then(|n| u32::try_from(n).ok()),
        }))
    }
}
