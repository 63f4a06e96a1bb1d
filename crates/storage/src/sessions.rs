//! Login sessions: opaque bearer tokens, stored only as their SHA-256 hash.

use crate::pool::{on_pool, write_on_pool};
use crate::{Store, StoreError};
use domain::access::UserPrincipal;
use domain::employee::Role;
use domain::{DepartmentId, EmployeeId, TenantId};
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct SessionRow {
    employee_id: Uuid,
    role: String,
    department_id: Uuid,
    expires_at: i64,
}

impl Store {
    pub async fn create_session(
        &self,
        tenant: TenantId,
        token_hash: &[u8],
        employee: EmployeeId,
        now_ms: i64,
        expires_at_ms: i64,
        client_addr: Option<&str>,
    ) -> Result<(), StoreError> {
        // Each login also sweeps this person's expired sessions, so the table stays the
        // size of the live sessions without a background job.
        write_on_pool!(self, |p| {
            sqlx::query("DELETE FROM sessions WHERE tenant_id = $1 AND employee_id = $2 AND expires_at < $3")
                .bind(tenant.0)
                .bind(employee.0)
                .bind(now_ms)
                .execute(p)
                .await?;
        });
        write_on_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO sessions (tenant_id, token_hash, employee_id, created_at, expires_at, client_addr)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(tenant.0)
            .bind(token_hash)
            .bind(employee.0)
            .bind(now_ms)
            .bind(expires_at_ms)
            .bind(client_addr)
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// The person behind a live session: not expired, not revoked, still active.
    pub async fn session_principal(
        &self,
        tenant: TenantId,
        token_hash: &[u8],
        now_ms: i64,
    ) -> Result<Option<(UserPrincipal, i64)>, StoreError> {
        let row: Option<SessionRow> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT e.id AS employee_id, e.role, e.department_id, s.expires_at
                 FROM sessions s
                 JOIN employees e ON e.tenant_id = s.tenant_id AND e.id = s.employee_id
                 WHERE s.tenant_id = $1 AND s.token_hash = $2
                   AND s.revoked_at IS NULL AND s.expires_at > $3 AND e.active",
            )
            .bind(tenant.0)
            .bind(token_hash)
            .bind(now_ms)
            .fetch_optional(p)
            .await?
        });
        Ok(row.and_then(|r| {
            Some((
                UserPrincipal {
                    tenant,
                    employee: EmployeeId(r.employee_id),
                    role: Role::parse(&r.role).ok()?,
                    department: DepartmentId(r.department_id),
                },
                r.expires_at,
            ))
        }))
    }

    pub async fn revoke_session(
        &self,
        tenant: TenantId,
        token_hash: &[u8],
        now_ms: i64,
    ) -> Result<(), StoreError> {
        write_on_pool!(self, |p| {
            sqlx::query(
                "UPDATE sessions SET revoked_at = $3
                 WHERE tenant_id = $1 AND token_hash = $2 AND revoked_at IS NULL",
            )
            .bind(tenant.0)
            .bind(token_hash)
            .bind(now_ms)
            .execute(p)
            .await?;
        });
        Ok(())
    }
}
