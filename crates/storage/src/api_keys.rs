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
        }
    }
}

const COLUMNS: &str = "id, name, prefix, scopes, created_by, created_at, last_used_at, revoked_at";

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
                "INSERT INTO api_keys (tenant_id, id, name, prefix, key_hash, scopes, created_by, created_at, body_digest)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (tenant_id, id) DO NOTHING",
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

    /// The principal for a presented key. Last use is stamped at most once a minute, so
    /// a busy integration does not turn every read into a write.
    pub async fn api_key_principal(
        &self,
        tenant: TenantId,
        key_hash: &[u8],
    ) -> Result<Option<ApiKeyPrincipal>, StoreError> {
        let row: Option<(Uuid, String, Option<i64>)> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT id, scopes, last_used_at FROM api_keys
                 WHERE tenant_id = $1 AND key_hash = $2 AND revoked_at IS NULL",
            )
            .bind(tenant.0)
            .bind(key_hash)
            .fetch_optional(p)
            .await?
        });
        let Some((id, scopes, last_used)) = row else {
            return Ok(None);
        };
        let now = now_ms();
        if last_used.is_none_or(|t| now - t > 60_000) {
            write_on_pool!(self, |p| {
                sqlx::query(
                    "UPDATE api_keys SET last_used_at = $3 WHERE tenant_id = $1 AND id = $2",
                )
                .bind(tenant.0)
                .bind(id)
                .bind(now)
                .execute(p)
                .await?;
            });
        }
        Ok(Some(ApiKeyPrincipal {
            tenant,
            key: ApiKeyId(id),
            scopes: parse_scopes(&scopes),
        }))
    }
}
