//! Report forms by version: a change is a new version, never an edit of an old one, so a
//! report stays valid against the version it was filled in.

use crate::pool::{on_pool, write_on_pool, write_tx};
use crate::time::now_ms;
use crate::{Store, StoreError};
use domain::TenantId;
use domain::ids::FormId;
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct StoredForm {
    pub id: Uuid,
    pub version: i32,
    pub name: String,
    /// The fields as the form builder gave them (JSON array).
    pub fields: String,
    pub created_at: i64,
}

impl Store {
    /// Creates version 1 of a form unless the id exists; returns it, or `None` when the id
    /// was taken (the caller compares `digest`s).
    pub async fn create_form(
        &self,
        tenant: TenantId,
        id: FormId,
        digest: Option<&str>,
        name: &str,
        fields_json: &str,
    ) -> Result<Option<StoredForm>, StoreError> {
        let n = write_on_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO forms (tenant_id, id, version, name, fields, created_at, body_digest)
                 VALUES ($1, $2, 1, $3, $4, $5, $6) ON CONFLICT (tenant_id, id, version) DO NOTHING",
            )
            .bind(tenant.0)
            .bind(id.0)
            .bind(name)
            .bind(fields_json)
            .bind(now_ms())
            .bind(digest)
            .execute(p)
            .await?
            .rows_affected()
        });
        self.config.forget(tenant);
        if n == 0 {
            return Ok(None);
        }
        Ok(Some(self.form(tenant, id, Some(1)).await?))
    }

    /// Adds a version after the latest one, unless the latest already says the same (a
    /// retried edit); returns the latest version afterwards.
    pub async fn add_form_version(
        &self,
        tenant: TenantId,
        id: FormId,
        name: &str,
        fields_json: &str,
    ) -> Result<StoredForm, StoreError> {
        let latest = self.form(tenant, id, None).await?;
        if latest.name == name && latest.fields == fields_json {
            return Ok(latest);
        }
        write_tx!(self, |tx| {
            let (max,): (i32,) =
                sqlx::query_as("SELECT MAX(version) FROM forms WHERE tenant_id = $1 AND id = $2")
                    .bind(tenant.0)
                    .bind(id.0)
                    .fetch_one(&mut *tx)
                    .await?;
            sqlx::query(
                "INSERT INTO forms (tenant_id, id, version, name, fields, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(tenant.0)
            .bind(id.0)
            .bind(max + 1)
            .bind(name)
            .bind(fields_json)
            .bind(now_ms())
            .execute(&mut *tx)
            .await
            .map_err(|e| crate::error::conflict_or(e, &["version"]))?;
        });
        self.config.forget(tenant);
        self.form(tenant, id, None).await
    }

    /// A form's given version, or its latest.
    pub async fn form(
        &self,
        tenant: TenantId,
        id: FormId,
        version: Option<i32>,
    ) -> Result<StoredForm, StoreError> {
        let wanted = version.unwrap_or(-1);
        let cache = self.config_cache();
        if let Some(form) = cache.and_then(|c| c.form(tenant, id.0, wanted)) {
            return Ok(form);
        }
        let started = cache.map(|c| c.start());
        let row: Option<StoredForm> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT id, version, name, fields, created_at FROM forms
                 WHERE tenant_id = $1 AND id = $2 AND ($3 < 0 OR version = $3)
                 ORDER BY version DESC LIMIT 1",
            )
            .bind(tenant.0)
            .bind(id.0)
            .bind(version.unwrap_or(-1))
            .fetch_optional(p)
            .await?
        });
        let form = row.ok_or(StoreError::NotFound)?;
        if let (Some(c), Some(at)) = (cache, started) {
            c.keep_form(at, tenant, wanted, &form);
        }
        Ok(form)
    }

    /// The latest version of every form of the tenant, by name.
    pub async fn forms(&self, tenant: TenantId) -> Result<Vec<StoredForm>, StoreError> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT f.id, f.version, f.name, f.fields, f.created_at FROM forms f
                 WHERE f.tenant_id = $1 AND f.version = (SELECT MAX(g.version) FROM forms g
                     WHERE g.tenant_id = f.tenant_id AND g.id = f.id)
                 ORDER BY f.name, f.id",
            )
            .bind(tenant.0)
            .fetch_all(p)
            .await?
        }))
    }
}
