//! Webhook endpoints, their place in the event outbox, and the log of delivery attempts.
//! Dispatching moves an endpoint's cursor and enqueues its delivery jobs in one
//! transaction, with a compare-and-set on the cursor, so two servers dispatching at once
//! never enqueue an event twice and a crash never loses one.

use crate::cursor::{self, MAX_LIMIT, Page};
use crate::events::{EventPosition, NewEvent, StoredEvent, record_event};
use crate::jobs::{NewJob, enqueue_job};
use crate::pool::{Pool, on_pool, write_on_pool, write_tx};
use crate::time::now_ms;
use crate::{Store, StoreError};
use domain::TenantId;
use serde_json::Value;
use uuid::Uuid;

/// The job kind of one delivery attempt.
pub const WEBHOOK_DELIVERY_JOB: &str = "webhook_delivery";

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct WebhookRecord {
    pub id: Uuid,
    pub url: String,
    pub description: String,
    event_types: Option<String>,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub secret: String,
    pub old_secret: Option<String>,
    pub old_secret_until_ms: Option<i64>,
    pub failing_since_ms: Option<i64>,
    pub created_ms: i64,
    pub updated_ms: i64,
}

impl WebhookRecord {
    /// The types it receives; `None` for every type.
    pub fn event_types(&self) -> Option<Vec<String>> {
        self.event_types
            .as_deref()
            .map(|t| t.split_whitespace().map(str::to_owned).collect())
    }

    pub fn wants(&self, kind: &str) -> bool {
        self.event_types
            .as_deref()
            .is_none_or(|t| t.split_whitespace().any(|k| k == kind))
    }

    /// The secrets that sign a delivery at `now`: the current one, and the one a rotation
    /// replaced while it is still valid.
    pub fn signing_secrets(&self, now: i64) -> Vec<&str> {
        let mut out = vec![self.secret.as_str()];
        if let (Some(old), Some(until)) = (&self.old_secret, self.old_secret_until_ms)
            && until > now
        {
            out.push(old);
        }
        out
    }
}

/// What an admin sets on an endpoint.
pub struct WebhookWrite<'a> {
    pub url: &'a str,
    pub description: &'a str,
    /// `None`: every type.
    pub event_types: Option<&'a [String]>,
    pub enabled: bool,
}

/// An enabled endpoint as the dispatcher reads it (across tenants).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct WebhookCursor {
    pub tenant_id: Uuid,
    pub id: Uuid,
    event_types: Option<String>,
    pub cursor_tx: i64,
    pub cursor_seq: i64,
}

impl WebhookCursor {
    pub fn position(&self) -> EventPosition {
        EventPosition {
            tx: self.cursor_tx,
            seq: self.cursor_seq,
        }
    }

    pub fn wants(&self, kind: &str) -> bool {
        self.event_types
            .as_deref()
            .is_none_or(|t| t.split_whitespace().any(|k| k == kind))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct DeliveryRecord {
    pub id: Uuid,
    pub endpoint_id: Uuid,
    pub event_id: Uuid,
    pub event_type: String,
    pub attempt: i32,
    pub requested_ms: i64,
    pub status: Option<i32>,
    pub latency_ms: i64,
    pub error: Option<String>,
    pub next_attempt_ms: Option<i64>,
}

const COLUMNS: &str = "id, url, description, event_types, enabled, disabled_reason, secret,
    old_secret, old_secret_until_ms, failing_since_ms, created_ms, updated_ms";
const DELIVERY_COLUMNS: &str = "id, endpoint_id, event_id, event_type, attempt, requested_ms,
    status, latency_ms, error, next_attempt_ms";

fn joined(types: Option<&[String]>) -> Option<String> {
    types.map(|t| t.join(" "))
}

impl Store {
    /// The position of the tenant's newest event no running transaction can precede: an
    /// endpoint starting here receives every event committed from now on, and none before.
    async fn outbox_head(&self, tenant: TenantId) -> Result<EventPosition, StoreError> {
        let sql = match self.pool {
            Pool::Sqlite(_) => {
                "SELECT 0 AS tx, seq FROM events WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1"
            }
            Pool::Postgres(_) => {
                "SELECT tx::text::bigint AS tx, seq FROM events WHERE tenant_id = $1
                   AND tx < pg_snapshot_xmin(pg_current_snapshot())
                 ORDER BY tx DESC, seq DESC LIMIT 1"
            }
        };
        let row: Option<(i64, i64)> = on_pool!(self, |p| {
            sqlx::query_as(sql).bind(tenant.0).fetch_optional(p).await?
        });
        Ok(
            row.map_or_else(EventPosition::default, |(tx, seq)| EventPosition {
                tx,
                seq,
            }),
        )
    }

    /// Stores a new endpoint under `id` (a client id) or a fresh one, starting at the
    /// outbox's head; `None` when the tenant already has one under that id.
    pub async fn create_webhook(
        &self,
        tenant: TenantId,
        id: Option<Uuid>,
        digest: Option<&str>,
        w: &WebhookWrite<'_>,
        secret: &str,
    ) -> Result<Option<WebhookRecord>, StoreError> {
        let id = id.unwrap_or_else(Uuid::now_v7);
        let head = self.outbox_head(tenant).await?;
        let now = now_ms();
        let n = write_on_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO webhook_endpoints (tenant_id, id, url, description, event_types, enabled,
                    secret, cursor_tx, cursor_seq, created_ms, updated_ms, body_digest)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11)
                 ON CONFLICT (tenant_id, id) DO NOTHING",
            )
            .bind(tenant.0)
            .bind(id)
            .bind(w.url)
            .bind(w.description)
            .bind(joined(w.event_types))
            .bind(w.enabled)
            .bind(secret)
            .bind(head.tx)
            .bind(head.seq)
            .bind(now)
            .bind(digest)
            .execute(p)
            .await?
            .rows_affected()
        });
        if n == 0 {
            return Ok(None);
        }
        Ok(Some(self.webhook(tenant, id).await?))
    }

    pub async fn webhook(&self, tenant: TenantId, id: Uuid) -> Result<WebhookRecord, StoreError> {
        let sql =
            format!("SELECT {COLUMNS} FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2");
        let row: Option<WebhookRecord> = on_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(id)
                .fetch_optional(p)
                .await?
        });
        row.ok_or(StoreError::NotFound)
    }

    pub async fn list_webhooks(&self, tenant: TenantId) -> Result<Vec<WebhookRecord>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM webhook_endpoints WHERE tenant_id = $1 ORDER BY created_ms, id"
        );
        Ok(on_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .fetch_all(p)
                .await?
        }))
    }

    /// Replaces what an admin sets. Enabling a disabled endpoint clears why it was
    /// disabled and starts it at the outbox's head: what happened meanwhile is sent only
    /// when asked for (redelivering a time range).
    pub async fn update_webhook(
        &self,
        tenant: TenantId,
        id: Uuid,
        w: &WebhookWrite<'_>,
    ) -> Result<WebhookRecord, StoreError> {
        let was = self.webhook(tenant, id).await?;
        let head = self.outbox_head(tenant).await?;
        let restart = w.enabled && !was.enabled;
        write_on_pool!(self, |p| {
            sqlx::query(
                "UPDATE webhook_endpoints SET url = $3, description = $4, event_types = $5,
                    enabled = $6, updated_ms = $7,
                    disabled_reason = CASE WHEN $6 THEN NULL ELSE disabled_reason END,
                    failing_since_ms = CASE WHEN $8 THEN NULL ELSE failing_since_ms END,
                    cursor_tx = CASE WHEN $8 THEN $9 ELSE cursor_tx END,
                    cursor_seq = CASE WHEN $8 THEN $10 ELSE cursor_seq END
                 WHERE tenant_id = $1 AND id = $2",
            )
            .bind(tenant.0)
            .bind(id)
            .bind(w.url)
            .bind(w.description)
            .bind(joined(w.event_types))
            .bind(w.enabled)
            .bind(now_ms())
            .bind(restart)
            .bind(head.tx)
            .bind(head.seq)
            .execute(p)
            .await?;
        });
        self.webhook(tenant, id).await
    }

    /// Deletes an endpoint and its delivery log; its queued deliveries find it gone.
    pub async fn delete_webhook(&self, tenant: TenantId, id: Uuid) -> Result<(), StoreError> {
        let n = write_on_pool!(self, |p| {
            sqlx::query("DELETE FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2")
                .bind(tenant.0)
                .bind(id)
                .execute(p)
                .await?
                .rows_affected()
        });
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Makes `secret` the endpoint's secret; the one it replaces signs beside it until
    /// `old_until_ms`.
    pub async fn rotate_webhook_secret(
        &self,
        tenant: TenantId,
        id: Uuid,
        secret: &str,
        old_until_ms: i64,
    ) -> Result<WebhookRecord, StoreError> {
        let n = write_on_pool!(self, |p| {
            sqlx::query(
                "UPDATE webhook_endpoints SET old_secret = secret, old_secret_until_ms = $4,
                    secret = $3, updated_ms = $5
                 WHERE tenant_id = $1 AND id = $2",
            )
            .bind(tenant.0)
            .bind(id)
            .bind(secret)
            .bind(old_until_ms)
            .bind(now_ms())
            .execute(p)
            .await?
            .rows_affected()
        });
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        self.webhook(tenant, id).await
    }

    /// Every tenant's enabled endpoints with their cursors (the dispatcher's system read).
    pub async fn enabled_webhooks(&self) -> Result<Vec<WebhookCursor>, StoreError> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT tenant_id, id, event_types, cursor_tx, cursor_seq FROM webhook_endpoints
                 WHERE enabled = TRUE",
            )
            .fetch_all(p)
            .await?
        }))
    }

    /// Moves an endpoint's cursor from `from` to `to` and enqueues `jobs` in the same
    /// transaction; `false` (nothing enqueued) when the cursor was no longer at `from`
    /// (another server dispatched these events first).
    pub async fn advance_webhook(
        &self,
        tenant: TenantId,
        id: Uuid,
        from: EventPosition,
        to: EventPosition,
        jobs: &[NewJob],
    ) -> Result<bool, StoreError> {
        let moved = write_tx!(self, |tx| {
            let n = sqlx::query(
                "UPDATE webhook_endpoints SET cursor_tx = $5, cursor_seq = $6
                 WHERE tenant_id = $1 AND id = $2 AND cursor_tx = $3 AND cursor_seq = $4
                   AND enabled = TRUE",
            )
            .bind(tenant.0)
            .bind(id)
            .bind(from.tx)
            .bind(from.seq)
            .bind(to.tx)
            .bind(to.seq)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 1 {
                for job in jobs {
                    enqueue_job!(tx, job);
                }
            }
            n == 1
        });
        Ok(moved)
    }

    /// Enqueues jobs in one transaction (a redelivered range).
    pub async fn enqueue_all(&self, jobs: &[NewJob]) -> Result<(), StoreError> {
        write_tx!(self, |tx| {
            for job in jobs {
                enqueue_job!(tx, job);
            }
        });
        Ok(())
    }

    /// Records a delivery attempt.
    pub async fn log_delivery(
        &self,
        tenant: TenantId,
        d: &DeliveryRecord,
    ) -> Result<(), StoreError> {
        write_on_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO webhook_deliveries (tenant_id, id, endpoint_id, event_id, event_type,
                    attempt, requested_ms, status, latency_ms, error, next_attempt_ms)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(tenant.0)
            .bind(d.id)
            .bind(d.endpoint_id)
            .bind(d.event_id)
            .bind(&d.event_type)
            .bind(d.attempt)
            .bind(d.requested_ms)
            .bind(d.status)
            .bind(d.latency_ms)
            .bind(d.error.as_deref())
            .bind(d.next_attempt_ms)
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// A success ends the endpoint's failing streak.
    pub async fn webhook_succeeded(&self, tenant: TenantId, id: Uuid) -> Result<(), StoreError> {
        write_on_pool!(self, |p| {
            sqlx::query(
                "UPDATE webhook_endpoints SET failing_since_ms = NULL
                 WHERE tenant_id = $1 AND id = $2 AND failing_since_ms IS NOT NULL",
            )
            .bind(tenant.0)
            .bind(id)
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// Notes a failure at `now`; answers since when the endpoint has been failing.
    pub async fn webhook_failed(
        &self,
        tenant: TenantId,
        id: Uuid,
        now: i64,
    ) -> Result<i64, StoreError> {
        let since: Option<(Option<i64>,)> = write_on_pool!(self, |p| {
            sqlx::query_as(
                "UPDATE webhook_endpoints SET failing_since_ms = COALESCE(failing_since_ms, $3)
                 WHERE tenant_id = $1 AND id = $2 RETURNING failing_since_ms",
            )
            .bind(tenant.0)
            .bind(id)
            .bind(now)
            .fetch_optional(p)
            .await?
        });
        Ok(since.and_then(|(s,)| s).unwrap_or(now))
    }

    /// Disables an endpoint for `reason` and records `event` (`webhook.disabled`, which
    /// tells the tenant's admins) in the same transaction; `false` when it was already
    /// disabled (no second event).
    pub async fn disable_webhook(
        &self,
        tenant: TenantId,
        id: Uuid,
        reason: &str,
        event: &NewEvent,
    ) -> Result<bool, StoreError> {
        let done = write_tx!(self, |tx| {
            let n = sqlx::query(
                "UPDATE webhook_endpoints SET enabled = FALSE, disabled_reason = $3, updated_ms = $4
                 WHERE tenant_id = $1 AND id = $2 AND enabled = TRUE",
            )
            .bind(tenant.0)
            .bind(id)
            .bind(reason)
            .bind(now_ms())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 1 {
                record_event!(tx, event);
            }
            n == 1
        });
        Ok(done)
    }

    /// An endpoint's delivery attempts, newest first.
    pub async fn list_deliveries(
        &self,
        tenant: TenantId,
        endpoint: Uuid,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Page<DeliveryRecord>, StoreError> {
        let limit = limit.clamp(1, MAX_LIMIT);
        let before = after.map(cursor::decode).transpose()?.map(|(_, id)| id);
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries
             WHERE tenant_id = $1 AND endpoint_id = $2 AND ($3 IS NULL OR id < $3)
             ORDER BY id DESC LIMIT $4"
        );
        let rows: Vec<DeliveryRecord> = on_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(endpoint)
                .bind(before)
                .bind(i64::from(limit) + 1)
                .fetch_all(p)
                .await?
        });
        Ok(Page::from_overfetch(rows, limit, |r| {
            cursor::encode(Value::Null, r.id)
        }))
    }

    pub async fn delivery(
        &self,
        tenant: TenantId,
        endpoint: Uuid,
        id: Uuid,
    ) -> Result<DeliveryRecord, StoreError> {
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries
             WHERE tenant_id = $1 AND endpoint_id = $2 AND id = $3"
        );
        let row: Option<DeliveryRecord> = on_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(endpoint)
                .bind(id)
                .fetch_optional(p)
                .await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// Forgets a tenant's delivery attempts older than `before_ms`.
    pub async fn purge_webhook_deliveries(
        &self,
        tenant: TenantId,
        before_ms: i64,
    ) -> Result<u64, StoreError> {
        Ok(write_on_pool!(self, |p| {
            sqlx::query("DELETE FROM webhook_deliveries WHERE tenant_id = $1 AND requested_ms < $2")
                .bind(tenant.0)
                .bind(before_ms)
                .execute(p)
                .await?
                .rows_affected()
        }))
    }

    /// One of the tenant's events by id.
    pub async fn event(&self, tenant: TenantId, id: Uuid) -> Result<StoredEvent, StoreError> {
        let sql = match self.pool {
            Pool::Sqlite(_) => {
                "SELECT tx, seq, id, type, subject_id, occurred_ms, payload FROM events
                 WHERE tenant_id = $1 AND id = $2"
            }
            Pool::Postgres(_) => {
                "SELECT tx::text::bigint AS tx, seq, id, type, subject_id, occurred_ms, payload
                 FROM events WHERE tenant_id = $1 AND id = $2"
            }
        };
        let row: Option<StoredEvent> = on_pool!(self, |p| {
            sqlx::query_as(sql)
                .bind(tenant.0)
                .bind(id)
                .fetch_optional(p)
                .await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// Ids and types of the tenant's events that occurred in `from_ms..to_ms`, oldest
    /// first, at most `limit`.
    pub async fn events_between(
        &self,
        tenant: TenantId,
        from_ms: i64,
        to_ms: i64,
        limit: i64,
    ) -> Result<Vec<(Uuid, String)>, StoreError> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT id, type FROM events
                 WHERE tenant_id = $1 AND occurred_ms >= $2 AND occurred_ms < $3
                 ORDER BY occurred_ms, id LIMIT $4",
            )
            .bind(tenant.0)
            .bind(from_ms)
            .bind(to_ms)
            .bind(limit)
            .fetch_all(p)
            .await?
        }))
    }
}
