//! In-app notifications (migration 0025): what a person should see — a request waiting
//! for them, a reminder, their request decided, their claim paid. The `notifications` job
//! turns the tenant's outbox events into rows, moving the tenant's cursor in the same
//! transaction (compare-and-set, as the webhook dispatcher does), and each fact is stored
//! once per person (`dedupe`), so a job run twice notifies once.

use crate::cursor::{self, MAX_LIMIT, Page};
use crate::events::{EventPosition, StoredEvent};
use crate::jobs::NewJob;
use crate::pool::{Pool, on_pool, write_on_pool, write_tx};
use crate::time::now_ms;
use crate::{Store, StoreError};
use domain::{EmployeeId, TenantId};
use serde_json::Value;
use uuid::Uuid;

/// The job that fills notifications from the outbox; one queued per tenant at a time.
pub const NOTIFICATIONS_JOB: &str = "notifications";

/// The `notifications` job for a tenant, queued in the transaction of a change that
/// records an event someone is notified of.
pub fn notifications_job(tenant: TenantId) -> NewJob {
    NewJob::new(tenant, NOTIFICATIONS_JOB, "{}".into()).keyed("notify")
}

/// A notification to store.
#[derive(Clone, Debug, PartialEq)]
pub struct NewNotification {
    pub employee_id: Uuid,
    /// `approval_waiting`, `approval_reminder`, `approval_decided`, `claim_paid`.
    pub kind: &'static str,
    /// The fact it tells, unique per person (`wait:<request>:<round>:<step>`, …).
    pub dedupe: String,
    pub request_id: Option<Uuid>,
    pub request_type: Option<String>,
    /// The outcome of a decided request (`approved`, `rejected`).
    pub status: Option<String>,
    pub claim_id: Option<Uuid>,
    /// Who it is about: the submitter of a request waiting for the person.
    pub actor_id: Option<Uuid>,
    pub created_ms: i64,
}

/// A stored notification with its actor's name.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct StoredNotification {
    pub id: Uuid,
    pub kind: String,
    pub request_id: Option<Uuid>,
    pub request_type: Option<String>,
    pub status: Option<String>,
    pub claim_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
    pub actor_name: Option<String>,
    pub created_ms: i64,
    pub read_ms: Option<i64>,
}

/// The outbox events someone is notified of.
const TYPES: &str = "('approval.submitted', 'approval.decided', 'approval.finished', 'approval.reminded', 'payout.created')";

const COLUMNS: &str = "n.id, n.kind, n.request_id, n.request_type, n.status, n.claim_id, n.actor_id, \
     e.name AS actor_name, n.created_ms, n.read_ms";

impl Store {
    /// Where the tenant's notifications stand in its outbox (the start when never run).
    pub async fn notification_cursor(&self, tenant: TenantId) -> Result<EventPosition, StoreError> {
        let row: Option<(i64, i64)> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT cursor_tx, cursor_seq FROM notification_cursors WHERE tenant_id = $1",
            )
            .bind(tenant.0)
            .fetch_optional(p)
            .await?
        });
        Ok(
            row.map_or(EventPosition::default(), |(tx, seq)| EventPosition {
                tx,
                seq,
            }),
        )
    }

    /// Stores `items` (each fact once per person) and moves the cursor from `from` to
    /// `to` in one transaction; `false` (nothing stored) when another run moved it first.
    pub async fn advance_notifications(
        &self,
        tenant: TenantId,
        from: EventPosition,
        to: EventPosition,
        items: &[NewNotification],
    ) -> Result<bool, StoreError> {
        let moved = write_tx!(self, |tx| {
            let n = sqlx::query(
                "INSERT INTO notification_cursors (tenant_id, cursor_tx, cursor_seq) VALUES ($1, $4, $5)
                 ON CONFLICT (tenant_id) DO UPDATE SET cursor_tx = $4, cursor_seq = $5
                 WHERE notification_cursors.cursor_tx = $2 AND notification_cursors.cursor_seq = $3",
            )
            .bind(tenant.0)
            .bind(from.tx)
            .bind(from.seq)
            .bind(to.tx)
            .bind(to.seq)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            // The first run inserts the cursor; any later one moves it only from where it
            // read it, so of two runs over the same events one stores them.
            if n == 1 {
                for it in items {
                    sqlx::query(
                        "INSERT INTO notifications (tenant_id, id, employee_id, kind, dedupe, request_id,
                            request_type, status, claim_id, actor_id, created_ms)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                         ON CONFLICT (tenant_id, employee_id, dedupe) DO NOTHING",
                    )
                    .bind(tenant.0)
                    .bind(Uuid::now_v7())
                    .bind(it.employee_id)
                    .bind(it.kind)
                    .bind(&it.dedupe)
                    .bind(it.request_id)
                    .bind(&it.request_type)
                    .bind(&it.status)
                    .bind(it.claim_id)
                    .bind(it.actor_id)
                    .bind(it.created_ms)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            n == 1
        });
        Ok(moved)
    }

    /// The tenant's events someone is notified of after `after`, in commit order (as
    /// `events_after` reads them: on PostgreSQL only those no older transaction can
    /// still precede).
    pub async fn notification_events_after(
        &self,
        tenant: TenantId,
        after: EventPosition,
        limit: i64,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        let sql = match self.pool {
            Pool::Sqlite(_) => format!(
                "SELECT tx, seq, id, type, subject_id, occurred_ms, payload FROM events
                 WHERE tenant_id = $1 AND $2 = $2 AND seq > $3 AND type IN {TYPES}
                 ORDER BY seq LIMIT $4"
            ),
            Pool::Postgres(_) => format!(
                "SELECT tx::text::bigint AS tx, seq, id, type, subject_id, occurred_ms, payload FROM events
                 WHERE tenant_id = $1 AND (tx, seq) > ($2::bigint::text::xid8, $3)
                   AND tx < pg_snapshot_xmin(pg_current_snapshot()) AND type IN {TYPES}
                 ORDER BY tx, seq LIMIT $4"
            ),
        };
        Ok(on_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(after.tx)
                .bind(after.seq)
                .bind(limit)
                .fetch_all(p)
                .await?
        }))
    }

    /// Whether the tenant has such events after `after` that cannot be read yet
    /// (PostgreSQL: a transaction older than theirs is still open), so a run must come
    /// back for them.
    pub async fn notification_events_unsettled(
        &self,
        tenant: TenantId,
        after: EventPosition,
    ) -> Result<bool, StoreError> {
        Ok(match &self.pool {
            Pool::Sqlite(_) => false,
            Pool::Postgres(p) => {
                let sql = format!(
                    "SELECT EXISTS (SELECT 1 FROM events WHERE tenant_id = $1
                        AND (tx, seq) > ($2::bigint::text::xid8, $3) AND type IN {TYPES})"
                );
                sqlx::query_scalar::<_, bool>(sqlx::AssertSqlSafe(sql.as_str()))
                    .bind(tenant.0)
                    .bind(after.tx)
                    .bind(after.seq)
                    .fetch_one(p)
                    .await?
            }
        })
    }

    /// A person's notifications, newest first.
    pub async fn notifications(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
        unread_only: bool,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Page<StoredNotification>, StoreError> {
        let limit = limit.clamp(1, MAX_LIMIT);
        let before = after.map(cursor::decode).transpose()?.map(|(_, id)| id);
        let sql = format!(
            "SELECT {COLUMNS} FROM notifications n
             LEFT JOIN employees e ON e.tenant_id = n.tenant_id AND e.id = n.actor_id
             WHERE n.tenant_id = $1 AND n.employee_id = $2 AND ($3 IS NULL OR n.id < $3)
               AND (NOT $4 OR n.read_ms IS NULL)
             ORDER BY n.id DESC LIMIT $5"
        );
        let rows: Vec<StoredNotification> = on_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(employee.0)
                .bind(before)
                .bind(unread_only)
                .bind(i64::from(limit) + 1)
                .fetch_all(p)
                .await?
        });
        Ok(Page::from_overfetch(rows, limit, |r| {
            cursor::encode(Value::Null, r.id)
        }))
    }

    /// How many of a person's notifications are unread.
    pub async fn unread_notifications(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
    ) -> Result<i64, StoreError> {
        Ok(on_pool!(self, |p| {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM notifications
                 WHERE tenant_id = $1 AND employee_id = $2 AND read_ms IS NULL",
            )
            .bind(tenant.0)
            .bind(employee.0)
            .fetch_one(p)
            .await?
        }))
    }

    /// Marks one of the person's notifications read (`None` when it is not theirs), or
    /// every unread one when `id` is `None`; answers how many changed.
    pub async fn mark_notifications_read(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
        id: Option<Uuid>,
    ) -> Result<Option<u64>, StoreError> {
        if let Some(id) = id {
            let exists: Option<Uuid> = on_pool!(self, |p| {
                sqlx::query_scalar(
                    "SELECT id FROM notifications WHERE tenant_id = $1 AND employee_id = $2 AND id = $3",
                )
                .bind(tenant.0)
                .bind(employee.0)
                .bind(id)
                .fetch_optional(p)
                .await?
            });
            if exists.is_none() {
                return Ok(None);
            }
        }
        let n = write_on_pool!(self, |p| {
            sqlx::query(
                "UPDATE notifications SET read_ms = $4
                 WHERE tenant_id = $1 AND employee_id = $2 AND ($3 IS NULL OR id = $3) AND read_ms IS NULL",
            )
            .bind(tenant.0)
            .bind(employee.0)
            .bind(id)
            .bind(now_ms())
            .execute(p)
            .await?
            .rows_affected()
        });
        Ok(Some(n))
    }
}

/// Queues the tenant's `notifications` job inside a write transaction.
macro_rules! enqueue_notifications {
    ($tx:expr, $tenant:expr) => {{
        let job = $crate::notifications::notifications_job($tenant);
        $crate::jobs::enqueue_job!($tx, &job);
    }};
}
pub(crate) use enqueue_notifications;
