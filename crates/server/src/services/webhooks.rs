//! Webhook endpoints as admins manage them: checked input, secrets made and rotated, a
//! test-send, and redeliveries. Delivery itself is `crate::webhooks`.

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::webhooks::{self as delivery, DeliveryJob, job_key};
use domain::webhooks as rules;
use domain::{Invalid, Problem, TenantId};
use storage::{DeliveryRecord, NewJob, WebhookRecord};
use uuid::Uuid;

/// What an admin sends for an endpoint (create and replace).
pub struct EndpointInput {
    pub url: String,
    pub description: Option<String>,
    /// `None`: every event type.
    pub event_types: Option<Vec<String>>,
    pub enabled: bool,
}

/// The checked input.
pub struct Checked {
    pub url: String,
    pub description: String,
    pub event_types: Option<Vec<String>>,
    pub enabled: bool,
}

/// The most events one redelivery of a time range enqueues.
pub const MAX_REDELIVER: i64 = 10_000;
/// The longest time range one redelivery covers.
pub const MAX_REDELIVER_DAYS: u32 = 31;

/// Checks an endpoint: the URL (scheme, host, and the SSRF guard unless the operator
/// allows private targets), the description, and each event type against the outbox's.
pub async fn check(state: &AppState, input: EndpointInput) -> ApiResult<Checked> {
    let mut bad = Invalid::default();
    let url = match state.webhooks.check_url(&input.url).await {
        Ok(u) => Some(u.to_string()),
        Err(p) => {
            bad.push("url", p);
            None
        }
    };
    let description = input.description.unwrap_or_default().trim().to_owned();
    if description.chars().count() > 500 {
        bad.push("description", Problem::TooLong { max: 500 });
    }
    if let Some(types) = &input.event_types {
        if types.is_empty() {
            bad.push("event_types", Problem::Required);
        }
        for (i, t) in types.iter().enumerate() {
            if !storage::EVENT_TYPES.contains(&t.as_str()) {
                bad.push(
                    format!("event_types[{i}]"),
                    Problem::unknown_value(storage::EVENT_TYPES),
                );
            } else if types[..i].contains(t) {
                bad.push(format!("event_types[{i}]"), Problem::Duplicate);
            }
        }
    }
    bad.into_result(|| Checked {
        url: url.unwrap_or_default(),
        description,
        event_types: input.event_types,
        enabled: input.enabled,
    })
    .map_err(ApiError::invalid)
}

/// A new secret: `whsec_` and the base64 of 24 random bytes.
pub fn new_secret() -> ApiResult<String> {
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes).map_err(ApiError::internal)?;
    Ok(rules::encode_secret(&bytes))
}

/// Makes a new secret the endpoint's; the old one keeps signing beside it for a day.
pub async fn rotate(
    state: &AppState,
    tenant: TenantId,
    id: Uuid,
) -> ApiResult<(String, WebhookRecord)> {
    let secret = new_secret()?;
    let until = crate::now_ms() + rules::ROTATION_GRACE_MS;
    let rec = state
        .store
        .rotate_webhook_secret(tenant, id, &secret, until)
        .await?;
    Ok((secret, rec))
}

/// Sends a `webhook.test` event to the endpoint now (enabled or not, so an admin can check
/// a receiver before enabling it) and logs the attempt. It is never retried and never
/// counts towards disabling the endpoint.
pub async fn test_send(state: &AppState, tenant: TenantId, id: Uuid) -> ApiResult<DeliveryRecord> {
    let endpoint = state.store.webhook(tenant, id).await?;
    let event = Uuid::now_v7();
    let requested_ms = crate::now_ms();
    let attempt = delivery::send(
        state,
        &endpoint,
        event,
        delivery::test_body(endpoint.id, event),
    )
    .await;
    let rec = DeliveryRecord {
        id: Uuid::now_v7(),
        endpoint_id: endpoint.id,
        event_id: event,
        event_type: delivery::TEST_EVENT.into(),
        attempt: 1,
        requested_ms,
        status: attempt.status.map(i32::from),
        latency_ms: attempt.latency_ms,
        error: attempt.error.map(str::to_owned),
        next_attempt_ms: None,
    };
    state.store.log_delivery(tenant, &rec).await?;
    Ok(rec)
}

fn enabled(endpoint: &WebhookRecord) -> ApiResult<()> {
    if endpoint.enabled {
        Ok(())
    } else {
        Err(ApiError::new(
            axum::http::StatusCode::CONFLICT,
            "webhook_disabled",
            "the webhook is disabled; enable it before redelivering",
        ))
    }
}

/// Sends a logged delivery's event again, from attempt 1 (with retries).
pub async fn redeliver_one(
    state: &AppState,
    tenant: TenantId,
    id: Uuid,
    delivery_id: Uuid,
) -> ApiResult<usize> {
    let endpoint = state.store.webhook(tenant, id).await?;
    let logged = state.store.delivery(tenant, id, delivery_id).await?;
    enabled(&endpoint)?;
    // A scheduled report is not in the outbox: its run's job retries it.
    if logged.event_type == crate::services::report_schedules::REPORT_EVENT {
        return Err(ApiError::new(
            axum::http::StatusCode::CONFLICT,
            "redelivered_by_schedule",
            "a scheduled report's delivery is retried by its run; see the schedule's runs",
        ));
    }
    let job = DeliveryJob {
        endpoint: id,
        event: logged.event_id,
        attempt: 1,
        test: logged.event_type == delivery::TEST_EVENT,
    };
    state
        .store
        .enqueue(&job.job(tenant, &job_key(id, logged.event_id, true), crate::now_ms()))
        .await?;
    state.jobs.wake();
    Ok(1)
}

/// Sends again every event of the endpoint's types that occurred in `from..to` (at most
/// [`MAX_REDELIVER`]), e.g. what happened while it was disabled.
pub async fn redeliver_range(
    state: &AppState,
    tenant: TenantId,
    id: Uuid,
    from_ms: i64,
    to_ms: i64,
) -> ApiResult<usize> {
    let endpoint = state.store.webhook(tenant, id).await?;
    if to_ms <= from_ms || to_ms - from_ms > i64::from(MAX_REDELIVER_DAYS) * 86_400_000 {
        return Err(ApiError::invalid_one(
            "to",
            Problem::BadRange {
                other: "from".into(),
                max_days: MAX_REDELIVER_DAYS,
            },
        ));
    }
    enabled(&endpoint)?;
    let events = state
        .store
        .events_between(tenant, from_ms, to_ms, MAX_REDELIVER + 1)
        .await?;
    if events.len() as i64 > MAX_REDELIVER {
        return Err(ApiError::invalid_one(
            "to",
            Problem::TooMany {
                max: MAX_REDELIVER as usize,
            },
        ));
    }
    let now = crate::now_ms();
    let jobs: Vec<NewJob> = events
        .iter()
        .filter(|(_, kind)| endpoint.wants(kind))
        .map(|(event, _)| {
            DeliveryJob {
                endpoint: id,
                event: *event,
                attempt: 1,
                test: false,
            }
            .job(tenant, &job_key(id, *event, true), now)
        })
        .collect();
    state.store.enqueue_all(&jobs).await?;
    state.jobs.wake();
    Ok(jobs.len())
}
