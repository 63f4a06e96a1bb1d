//! Webhook delivery (Standard Webhooks): the dispatcher turns each enabled endpoint's new
//! outbox events into `webhook_delivery` jobs, and each job makes one signed attempt,
//! logs it, and — after a failure — enqueues the next attempt itself, at the back-off
//! (or `Retry-After`) delay of `domain::webhooks`. A 410 disables the endpoint at once;
//! five days without a success disable it too; either writes `webhook.disabled`.

mod sender;

pub use sender::{Sender, guarded_client, install_tls};

use crate::state::AppState;
use domain::TenantId;
use domain::webhooks::{self as rules, Verdict};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::time::Instant;
use storage::{DeliveryRecord, NewEvent, NewJob, StoreError, WEBHOOK_DELIVERY_JOB, WebhookRecord};
use uuid::Uuid;

/// Events read per endpoint per pass.
const DISPATCH_BATCH: i64 = 200;

/// The type of the event a test-send delivers.
pub const TEST_EVENT: &str = "webhook.test";

/// One delivery attempt, as its job carries it.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct DeliveryJob {
    pub endpoint: Uuid,
    pub event: Uuid,
    /// From 1.
    pub attempt: i32,
    /// A test-send's event, which is not in the outbox (its body is made from its id).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub test: bool,
}

impl DeliveryJob {
    /// The job; `key` keeps one attempt of an (endpoint, event) queued at a time.
    pub fn job(&self, tenant: TenantId, key: &str, run_at_ms: i64) -> NewJob {
        let mut job = NewJob::new(
            tenant,
            WEBHOOK_DELIVERY_JOB,
            serde_json::to_string(self).unwrap_or_default(),
        )
        .keyed(key);
        job.run_at_ms = run_at_ms;
        job
    }
}

/// The key of an (endpoint, event)'s automatic attempts; a redelivery asked for by hand
/// uses `…:again`, so it is not swallowed by a retry already waiting.
pub fn job_key(endpoint: Uuid, event: Uuid, by_hand: bool) -> String {
    if by_hand {
        format!("{endpoint}:{event}:again")
    } else {
        format!("{endpoint}:{event}")
    }
}

/// Enqueues delivery jobs for every enabled endpoint's new events; answers how many.
pub async fn dispatch(state: &AppState) -> Result<usize, StoreError> {
    let mut queued = 0;
    for endpoint in state.store.enabled_webhooks().await? {
        let tenant = TenantId(endpoint.tenant_id);
        let mut from = endpoint.position();
        loop {
            let events = state
                .store
                .events_after(tenant, from, None, DISPATCH_BATCH)
                .await?;
            let Some(last) = events.last() else { break };
            let to = last.position();
            let now = crate::now_ms();
            let jobs: Vec<NewJob> = events
                .iter()
                .filter(|e| endpoint.wants(&e.kind))
                .map(|e| {
                    let d = DeliveryJob {
                        endpoint: endpoint.id,
                        event: e.id,
                        attempt: 1,
                        test: false,
                    };
                    d.job(tenant, &job_key(endpoint.id, e.id, false), now)
                })
                .collect();
            let full = events.len() as i64 == DISPATCH_BATCH;
            if !state
                .store
                .advance_webhook(tenant, endpoint.id, from, to, &jobs)
                .await?
            {
                // Another server moved this cursor first; it enqueued these.
                break;
            }
            queued += jobs.len();
            from = to;
            if !full {
                break;
            }
        }
    }
    Ok(queued)
}

/// The JSON body of a delivery: the event as the change feed shows it, in the
/// specification's envelope (`type`, `timestamp`, `data`).
pub fn body(id: Uuid, kind: &str, occurred_ms: i64, data: serde_json::Value) -> Vec<u8> {
    let at = crate::services::visit_views::instant(occurred_ms);
    serde_json::to_vec(&json!({
        "id": id,
        "type": kind,
        "timestamp": at,
        "data": data,
    }))
    .unwrap_or_default()
}

/// The body of a test-send's event: made from its id (a UUIDv7 carries its time), so a
/// redelivered test says the same.
pub fn test_body(endpoint: Uuid, event: Uuid) -> Vec<u8> {
    let ms = event
        .get_timestamp()
        .map(|t| {
            let (s, n) = t.to_unix();
            i64::try_from(s).unwrap_or(0) * 1000 + i64::from(n / 1_000_000)
        })
        .unwrap_or(0);
    body(event, TEST_EVENT, ms, json!({ "webhook_id": endpoint }))
}

/// What one attempt came to.
pub struct Attempt {
    pub status: Option<u16>,
    pub latency_ms: i64,
    /// `timeout`, `connection` or `private_address` when no answer came.
    pub error: Option<&'static str>,
    pub retry_after_ms: Option<i64>,
}

/// Sends one signed attempt to `endpoint` and answers what came back.
pub async fn send(
    state: &AppState,
    endpoint: &WebhookRecord,
    event: Uuid,
    body: Vec<u8>,
) -> Attempt {
    let sender = &state.webhooks;
    let started = Instant::now();
    let elapsed = |t: Instant| i64::try_from(t.elapsed().as_millis()).unwrap_or(i64::MAX);
    let refused = |error| Attempt {
        status: None,
        latency_ms: 0,
        error: Some(error),
        retry_after_ms: None,
    };
    let Ok(url) = reqwest::Url::parse(&endpoint.url) else {
        return refused("connection");
    };
    if !sender.literal_allowed(&url) {
        return refused("private_address");
    }
    let now = crate::now_ms();
    let timestamp = now / 1000;
    let msg_id = event.to_string();
    let signature =
        rules::signature_header(&endpoint.signing_secrets(now), &msg_id, timestamp, &body);
    let sent = sender
        .client
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", &msg_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(body)
        .send()
        .await;
    match sent {
        Ok(resp) => {
            let status = resp.status().as_u16();
            let retry_after_ms = resp
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| rules::parse_retry_after(v, crate::now_ms()));
            Attempt {
                status: Some(status),
                latency_ms: elapsed(started),
                error: None,
                retry_after_ms,
            }
        }
        Err(e) => {
            let error = if e.is_timeout() {
                "timeout"
            } else if sender::refused_private(&e) {
                "private_address"
            } else {
                "connection"
            };
            tracing::info!(endpoint = %endpoint.id, error = %e, "webhook attempt failed");
            Attempt {
                status: None,
                latency_ms: elapsed(started),
                error: Some(error),
                retry_after_ms: None,
            }
        }
    }
}

/// Runs one `webhook_delivery` job: one attempt, logged; the next attempt enqueued after
/// a failure; the endpoint disabled after a 410 or five failing days. A job for an
/// endpoint deleted or disabled meanwhile does nothing.
pub async fn run_delivery_job(
    state: &AppState,
    tenant: TenantId,
    key: Option<&str>,
    payload: &str,
) -> Result<(), String> {
    let job: DeliveryJob = serde_json::from_str(payload).map_err(|e| e.to_string())?;
    deliver(state, tenant, key, &job)
        .await
        .map_err(|e| e.to_string())
}

async fn deliver(
    state: &AppState,
    tenant: TenantId,
    key: Option<&str>,
    job: &DeliveryJob,
) -> Result<(), StoreError> {
    let endpoint = match state.store.webhook(tenant, job.endpoint).await {
        Ok(e) if e.enabled => e,
        Ok(_) | Err(StoreError::NotFound) => return Ok(()),
        Err(e) => return Err(e),
    };
    let (kind, body) = if job.test {
        (TEST_EVENT.to_owned(), test_body(endpoint.id, job.event))
    } else {
        match state.store.event(tenant, job.event).await {
            Ok(e) => {
                let data = serde_json::from_str(&e.payload).unwrap_or(serde_json::Value::Null);
                let body = body(e.id, &e.kind, e.occurred_ms, data);
                (e.kind, body)
            }
            Err(StoreError::NotFound) => return Ok(()),
            Err(e) => return Err(e),
        }
    };
    let requested_ms = crate::now_ms();
    let attempt = send(state, &endpoint, job.event, body).await;
    let verdict = attempt.status.map_or(Verdict::Retry, rules::verdict);
    let mut next_attempt_ms = None;
    match verdict {
        Verdict::Delivered => state.store.webhook_succeeded(tenant, endpoint.id).await?,
        Verdict::Gone => disable(state, tenant, &endpoint, "gone").await?,
        Verdict::Retry => {
            let now = crate::now_ms();
            let since = state.store.webhook_failed(tenant, endpoint.id, now).await?;
            if now - since >= rules::DISABLE_AFTER_MS {
                disable(state, tenant, &endpoint, "failing").await?;
            } else {
                let unit = getrandom::u64().unwrap_or(0) as f64 / u64::MAX as f64;
                if let Some(delay) =
                    rules::retry_delay_ms(job.attempt, unit, attempt.retry_after_ms)
                {
                    let at = now + delay;
                    let next = DeliveryJob {
                        attempt: job.attempt + 1,
                        ..job.clone()
                    };
                    let key =
                        key.map_or_else(|| job_key(endpoint.id, job.event, false), str::to_owned);
                    state.store.enqueue(&next.job(tenant, &key, at)).await?;
                    next_attempt_ms = Some(at);
                }
            }
        }
    }
    state
        .store
        .log_delivery(
            tenant,
            &DeliveryRecord {
                id: Uuid::now_v7(),
                endpoint_id: endpoint.id,
                event_id: job.event,
                event_type: kind,
                attempt: job.attempt,
                requested_ms,
                status: attempt.status.map(i32::from),
                latency_ms: attempt.latency_ms,
                error: attempt.error.map(str::to_owned),
                next_attempt_ms,
            },
        )
        .await
}

/// Disables an endpoint and tells the tenant's admins through a `webhook.disabled` event.
async fn disable(
    state: &AppState,
    tenant: TenantId,
    endpoint: &WebhookRecord,
    reason: &str,
) -> Result<(), StoreError> {
    let event = NewEvent::new(
        tenant,
        "webhook.disabled",
        endpoint.id,
        json!({ "webhook_id": endpoint.id, "url": endpoint.url, "reason": reason }),
    );
    if state
        .store
        .disable_webhook(tenant, endpoint.id, reason, &event)
        .await?
    {
        tracing::warn!(tenant = %tenant.0, endpoint = %endpoint.id, reason, "webhook disabled");
    }
    Ok(())
}
