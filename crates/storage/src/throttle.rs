//! Failed-login counters, shared by every server process through the database.

use crate::pool::on_pool;
use crate::{Store, StoreError};
use domain::throttle::FailureWindow;

#[derive(sqlx::FromRow)]
struct Row {
    window_start_ms: i64,
    failures: i32,
    locked_until_ms: i64,
}

impl Store {
    pub async fn failure_window(&self, key: &str) -> Result<FailureWindow, StoreError> {
        let row: Option<Row> = on_pool!(self, |p| {
            sqlx::query_as("SELECT window_start_ms, failures, locked_until_ms FROM login_throttle WHERE key = $1")
                .bind(key)
                .fetch_optional(p)
                .await?
        });
        Ok(row
            .map(|r| FailureWindow {
                window_start_ms: r.window_start_ms,
                failures: r.failures.max(0) as u32,
                locked_until_ms: r.locked_until_ms,
            })
            .unwrap_or_default())
    }

    pub async fn save_failure_window(
        &self,
        key: &str,
        w: &FailureWindow,
    ) -> Result<(), StoreError> {
        on_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO login_throttle (key, window_start_ms, failures, locked_until_ms)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (key) DO UPDATE SET window_start_ms = excluded.window_start_ms,
                    failures = excluded.failures, locked_until_ms = excluded.locked_until_ms",
            )
            .bind(key)
            .bind(w.window_start_ms)
            .bind(w.failures.min(i32::MAX as u32) as i32)
            .bind(w.locked_until_ms)
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// Drops counters that can no longer lock anyone: windows and lockouts older than
    /// `horizon_ms`. Called on failures only, which are rare, so the table stays small.
    pub async fn forget_stale_failures(
        &self,
        now_ms: i64,
        horizon_ms: i64,
    ) -> Result<(), StoreError> {
        on_pool!(self, |p| {
            sqlx::query(
                "DELETE FROM login_throttle WHERE window_start_ms < $1 AND locked_until_ms < $1",
            )
            .bind(now_ms - horizon_ms)
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// A successful login clears the account's counter (not the address's: one success
    /// must not let an address resume guessing other accounts at full speed).
    pub async fn clear_failures(&self, key: &str) -> Result<(), StoreError> {
        on_pool!(self, |p| {
            sqlx::query("DELETE FROM login_throttle WHERE key = $1")
                .bind(key)
                .execute(p)
                .await?;
        });
        Ok(())
    }
}
