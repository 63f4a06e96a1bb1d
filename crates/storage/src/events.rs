//! The transactional outbox: a domain event ("visit checked in", "customer approved") is
//! written by `record_event!` in the transaction of the change it describes, so an event
//! exists exactly when its change does.
//!
//! Readers go through `events_after` in commit order. On PostgreSQL a sequence number
//! alone is not that order: a transaction that took seq 7 may commit after one that took
//! seq 8, and a reader that had moved past 8 would never see 7. So each event carries its
//! transaction id, readers order by (tx, seq) and read only below the oldest transaction
//! still running (`pg_snapshot_xmin`), where nothing can appear any more. SQLite commits
//! one writer at a time in seq order, and `tx` stays 0.

use crate::pool::{Pool, on_pool};
use crate::{Store, StoreError};
use domain::TenantId;
use uuid::Uuid;

/// Every event type, as the change feed names them.
pub const EVENT_TYPES: &[&str] = &[
    "visit.checked_in",
    "visit.checked_out",
    "visit.reported",
    "attendance.punched",
    "customer.created",
    "customer.updated",
    "customer.approved",
    "customer.deleted",
    "employee.created",
    "employee.updated",
    "department.created",
    "department.updated",
    "department.deleted",
    "request.created",
    "request.decided",
    "plan.published",
    "track_day.updated",
    "claim.submitted",
    "claim.decided",
    "payout.created",
    "approval.submitted",
    "approval.decided",
    "approval.finished",
    "approval.withdrawn",
    "approval.reminded",
    "integrity.verdict_changed",
    "integrity.reviewed",
    "integrity.appealed",
    "webhook.disabled",
];

/// An event to record with a change.
#[derive(Clone, Debug)]
pub struct NewEvent {
    pub tenant: TenantId,
    /// e.g. `visit.checked_in`
    pub kind: &'static str,
    /// The id of the thing that changed (the visit, the customer, …).
    pub subject: Option<Uuid>,
    /// A JSON object; its shape per kind is part of the API (the OpenAPI document).
    pub payload: serde_json::Value,
    pub occurred_ms: i64,
}

impl NewEvent {
    pub fn new(
        tenant: TenantId,
        kind: &'static str,
        subject: Uuid,
        payload: serde_json::Value,
    ) -> NewEvent {
        NewEvent {
            tenant,
            kind,
            subject: Some(subject),
            payload,
            occurred_ms: crate::time::now_ms(),
        }
    }
}

/// Inserts an event inside the transaction `$tx` (a `&mut` connection of either engine).
macro_rules! record_event {
    ($tx:expr, $event:expr) => {{
        let event: &$crate::events::NewEvent = $event;
        sqlx::query(
            "INSERT INTO events (tenant_id, id, type, subject_id, occurred_ms, payload)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(event.tenant.0)
        .bind(uuid::Uuid::now_v7())
        .bind(event.kind)
        .bind(event.subject)
        .bind(event.occurred_ms)
        .bind(event.payload.to_string())
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use record_event;

/// A position in a tenant's event stream: the (transaction, sequence) of the last event
/// read; `(0, 0)` is the start.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct EventPosition {
    pub tx: i64,
    pub seq: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredEvent {
    pub tx: i64,
    pub seq: i64,
    pub id: Uuid,
    #[sqlx(rename = "type")]
    pub kind: String,
    pub subject_id: Option<Uuid>,
    pub occurred_ms: i64,
    pub payload: String,
}

impl StoredEvent {
    pub fn position(&self) -> EventPosition {
        EventPosition {
            tx: self.tx,
            seq: self.seq,
        }
    }
}

impl Store {
    /// Up to `limit` of a tenant's events after `after`, in commit order, optionally of
    /// one kind. Only events no running transaction can precede are answered, so reading
    /// on from the last one never skips an event.
    pub async fn events_after(
        &self,
        tenant: TenantId,
        after: EventPosition,
        kind: Option<&str>,
        limit: i64,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        let sql = match self.pool {
            Pool::Sqlite(_) => {
                "SELECT tx, seq, id, type, subject_id, occurred_ms, payload FROM events
                 WHERE tenant_id = $1 AND $2 = $2 AND seq > $3 AND ($4 IS NULL OR type = $4)
                 ORDER BY seq LIMIT $5"
            }
            Pool::Postgres(_) => {
                "SELECT tx::text::bigint AS tx, seq, id, type, subject_id, occurred_ms, payload FROM events
                 WHERE tenant_id = $1 AND (tx, seq) > ($2::bigint::text::xid8, $3)
                   AND tx < pg_snapshot_xmin(pg_current_snapshot())
                   AND ($4::text IS NULL OR type = $4)
                 ORDER BY tx, seq LIMIT $5"
            }
        };
        Ok(on_pool!(self, |p| {
            sqlx::query_as(sql)
                .bind(tenant.0)
                .bind(after.tx)
                .bind(after.seq)
                .bind(kind)
                .bind(limit)
                .fetch_all(p)
                .await?
        }))
    }

    /// How long the oldest committed event has been waiting for readers to see it (an
    /// older transaction still running holds it back), in milliseconds; 0 when none waits.
    /// SQLite commits in order, so nothing ever waits there. Across tenants: a system read.
    pub async fn outbox_lag_ms(&self) -> Result<i64, StoreError> {
        match &self.pool {
            Pool::Sqlite(_) => Ok(0),
            Pool::Postgres(p) => Ok(sqlx::query_scalar(
                "SELECT COALESCE(MAX($1 - occurred_ms), 0)::bigint FROM events
                 WHERE tx >= pg_snapshot_xmin(pg_current_snapshot())",
            )
            .bind(crate::time::now_ms())
            .fetch_one(p)
            .await?),
        }
    }
}
