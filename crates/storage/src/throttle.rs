//! Login back-off counters and the devices and addresses an account logged in from,
//! shared by every server process through the database.

use crate::pool::{on_pool, write_on_pool};
use crate::{Store, StoreError};
use domain::throttle::Failures;
use domain::{EmployeeId, TenantId};

/// How many devices and how many addresses are remembered per account (the most recent).
const KNOWN_PER_KIND: i64 = 20;

/// Something an account logged in from before.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KnownKind {
    /// The hex SHA-256 of a device token handed out at a login.
    Device,
    /// A client address.
    Address,
}

impl KnownKind {
    fn as_str(self) -> &'static str {
        match self {
            KnownKind::Device => "device",
            KnownKind::Address => "address",
        }
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    failures: i32,
    last_failure_ms: i64,
}

impl Store {
    /// The counter under `key` (zero when none is stored).
    pub async fn login_failures(&self, key: &str) -> Result<Failures, StoreError> {
        let row: Option<Row> = on_pool!(self, |p| {
            sqlx::query_as("SELECT failures, last_failure_ms FROM login_backoff WHERE key = $1")
                .bind(key)
                .fetch_optional(p)
                .await?
        });
        Ok(row
            .map(|r| Failures {
                count: r.failures.max(0) as u32,
                last_ms: r.last_failure_ms,
            })
            .unwrap_or_default())
    }

    pub async fn save_login_failures(&self, key: &str, f: &Failures) -> Result<(), StoreError> {
        write_on_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO login_backoff (key, failures, last_failure_ms) VALUES ($1, $2, $3)
                 ON CONFLICT (key) DO UPDATE SET failures = excluded.failures,
                    last_failure_ms = excluded.last_failure_ms",
            )
            .bind(key)
            .bind(f.count.min(i32::MAX as u32) as i32)
            .bind(f.last_ms)
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// Drops counters whose last failure is before `before_ms`. Called on failures only,
    /// which are rare, so the table stays small without a background job.
    pub async fn forget_login_failures(&self, before_ms: i64) -> Result<(), StoreError> {
        write_on_pool!(self, |p| {
            sqlx::query("DELETE FROM login_backoff WHERE last_failure_ms < $1")
                .bind(before_ms)
                .execute(p)
                .await?;
        });
        Ok(())
    }

    pub async fn clear_login_failures(&self, key: &str) -> Result<(), StoreError> {
        write_on_pool!(self, |p| {
            sqlx::query("DELETE FROM login_backoff WHERE key = $1")
                .bind(key)
                .execute(p)
                .await?;
        });
        Ok(())
    }

    /// Whether the person logged in from this device or address at or after `since_ms`.
    pub async fn is_known_login(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
        kind: KnownKind,
        value: &str,
        since_ms: i64,
    ) -> Result<bool, StoreError> {
        let found: Option<i64> = on_pool!(self, |p| {
            sqlx::query_scalar(
                "SELECT last_login_ms FROM login_known
                 WHERE tenant_id = $1 AND employee_id = $2 AND kind = $3 AND value = $4
                   AND last_login_ms >= $5",
            )
            .bind(tenant.0)
            .bind(employee.0)
            .bind(kind.as_str())
            .bind(value)
            .bind(since_ms)
            .fetch_optional(p)
            .await?
        });
        Ok(found.is_some())
    }

    /// Remembers a successful login's device or address, keeping only the most recent
    /// few of each kind per person.
    pub async fn remember_login(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
        kind: KnownKind,
        value: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        write_on_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO login_known (tenant_id, employee_id, kind, value, last_login_ms)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (tenant_id, employee_id, kind, value)
                 DO UPDATE SET last_login_ms = excluded.last_login_ms",
            )
            .bind(tenant.0)
            .bind(employee.0)
            .bind(kind.as_str())
            .bind(value)
            .bind(now_ms)
            .execute(p)
            .await?;
        });
        write_on_pool!(self, |p| {
            sqlx::query(
                "DELETE FROM login_known
                 WHERE tenant_id = $1 AND employee_id = $2 AND kind = $3
                   AND value NOT IN (SELECT value FROM login_known
                       WHERE tenant_id = $1 AND employee_id = $2 AND kind = $3
                       ORDER BY last_login_ms DESC, value LIMIT $4)",
            )
            .bind(tenant.0)
            .bind(employee.0)
            .bind(kind.as_str())
            .bind(KNOWN_PER_KIND)
            .execute(p)
            .await?;
        });
        Ok(())
    }
}
