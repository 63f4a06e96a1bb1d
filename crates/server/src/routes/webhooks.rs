//! Webhook endpoints (admins, and API keys with `webhooks:read` / `webhooks:write`): the
//! tenant's events are POSTed to each enabled endpoint, signed as the Standard Webhooks
//! specification says; each endpoint keeps a 30-day log of its delivery attempts.

use crate::auth::Caller;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Json, Path, Query};
use crate::idem::{self, CreateJson};
use crate::services::visit_views::instant as at;
use crate::services::webhooks::{self as uc, EndpointInput};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use domain::access::{Action, Resource};
use serde::{Deserialize, Serialize};
use storage::{CreateKind, DeliveryRecord, WebhookRecord, WebhookWrite};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_webhooks, create_webhook))
        .routes(routes!(get_webhook, update_webhook, delete_webhook))
        .routes(routes!(rotate_secret))
        .routes(routes!(test_send))
        .routes(routes!(list_deliveries))
        .routes(routes!(redeliver_one))
        .routes(routes!(redeliver_range))
}

#[derive(Serialize, ToSchema)]
pub struct Webhook {
    pub id: Uuid,
    /// Where events are POSTed (http or https).
    pub url: String,
    pub description: String,
    /// The event types sent; `null` for every type.
    #[schema(value_type = Option<Vec<crate::openapi::values::EventType>>)]
    pub event_types: Option<Vec<String>>,
    pub enabled: bool,
    /// Why the server disabled it: `gone` (the receiver answered 410) or `failing` (no
    /// successful delivery for five days); `null` when enabled or disabled by hand.
    pub disabled_reason: Option<String>,
    /// Since when deliveries have been failing without a success; `null` while they work.
    pub failing_since: Option<DateTime<Utc>>,
    /// Until when the secret replaced by the last rotation still signs beside the new one
    /// (deliveries carry two signatures meanwhile).
    pub previous_secret_until: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<WebhookRecord> for Webhook {
    fn from(r: WebhookRecord) -> Self {
        let now = crate::now_ms();
        Webhook {
            event_types: r.event_types(),
            id: r.id,
            url: r.url,
            description: r.description,
            enabled: r.enabled,
            disabled_reason: r.disabled_reason,
            failing_since: r.failing_since_ms.map(at),
            previous_secret_until: r.old_secret_until_ms.filter(|u| *u > now).map(at),
            created_at: at(r.created_ms),
            updated_at: at(r.updated_ms),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct WebhookList {
    pub items: Vec<Webhook>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWebhookRequest {
    /// Client-generated id: a retry with it and the same body answers 200 with the
    /// endpoint the first request made (without its secret); another body under it is
    /// 409 `id_reused`.
    #[serde(default)]
    pub id: Option<Uuid>,
    /// An http or https address. Loopback, private and link-local addresses are refused
    /// (422 `private_address`) unless the operator allows them.
    #[schema(max_length = 2000)]
    pub url: String,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub description: Option<String>,
    /// The event types to send; left out or `null` for every type.
    #[serde(default)]
    #[schema(value_type = Option<Vec<crate::openapi::values::EventType>>, min_items = 1)]
    pub event_types: Option<Vec<String>>,
    /// Default `true`.
    #[serde(default)]
    pub enabled: Option<bool>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookUpdate {
    #[schema(max_length = 2000)]
    pub url: String,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub description: Option<String>,
    /// `null` or left out for every type.
    #[serde(default)]
    #[schema(value_type = Option<Vec<crate::openapi::values::EventType>>, min_items = 1)]
    pub event_types: Option<Vec<String>>,
    /// Enabling a disabled endpoint starts it at the newest event: what happened while it
    /// was disabled is sent only when asked for (`POST …/redeliver` with a time range).
    pub enabled: bool,
}

#[derive(Serialize, ToSchema)]
pub struct WebhookWithSecret {
    /// The signing secret (`whsec_…`): shown only in this answer. A retried create (200)
    /// has `null` here; rotate the secret if the first answer was lost.
    pub secret: Option<String>,
    pub webhook: Webhook,
}

#[derive(Serialize, ToSchema)]
pub struct Delivery {
    pub id: Uuid,
    /// The event's id: the `webhook-id` header, the same for every attempt.
    pub event_id: Uuid,
    /// The event's type (`webhook.test` for a test-send, `report.delivered` for a
    /// scheduled report).
    pub event_type: String,
    /// From 1.
    pub attempt: i32,
    pub requested_at: DateTime<Utc>,
    /// The receiver's HTTP status; `null` when no answer came.
    pub status: Option<i32>,
    pub latency_ms: i64,
    /// Why no answer came: `timeout`, `connection` or `private_address`.
    pub error: Option<String>,
    /// When the next attempt is due; `null` when none will follow.
    pub next_attempt_at: Option<DateTime<Utc>>,
}

impl From<DeliveryRecord> for Delivery {
    fn from(r: DeliveryRecord) -> Self {
        Delivery {
            id: r.id,
            event_id: r.event_id,
            event_type: r.event_type,
            attempt: r.attempt,
            requested_at: at(r.requested_ms),
            status: r.status,
            latency_ms: r.latency_ms,
            error: r.error,
            next_attempt_at: r.next_attempt_ms.map(at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct DeliveryPage {
    pub items: Vec<Delivery>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeliveryQuery {
    /// A `next_cursor` from an earlier page.
    pub cursor: Option<String>,
    /// 1–500, default 50.
    #[serde(default = "super::default_limit")]
    #[param(minimum = 1, maximum = 500)]
    pub limit: u32,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RedeliverRange {
    /// Events that occurred at or after this instant …
    pub from: DateTime<Utc>,
    /// … and before this one; at most 31 days after `from`.
    pub to: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct Queued {
    /// How many deliveries were queued.
    pub queued: usize,
}

fn write_of(c: &uc::Checked) -> WebhookWrite<'_> {
    WebhookWrite {
        url: &c.url,
        description: &c.description,
        event_types: c.event_types.as_deref(),
        enabled: c.enabled,
    }
}

/// The tenant's webhook endpoints, oldest first.
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "webhooks",
    responses((status = 200, body = WebhookList), (status = 403, body = ErrorBody)))]
async fn list_webhooks(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<WebhookList>> {
    caller.reach(Resource::Webhooks, Action::Read)?;
    let items = s
        .store
        .list_webhooks(caller.tenant())
        .await?
        .into_iter()
        .map(Webhook::from)
        .collect();
    Ok(Json(WebhookList {
        items,
        next_cursor: None,
    }))
}

/// Creates an endpoint; its signing secret is in this answer only. It receives the events
/// committed from now on. Idempotent with a client `id`.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "webhooks", request_body = NewWebhookRequest,
    responses((status = 201, body = WebhookWithSecret), (status = 200, body = WebhookWithSecret),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn create_webhook(
    State(s): State<AppState>,
    caller: Caller,
    CreateJson { body: req, digest }: CreateJson<NewWebhookRequest>,
) -> ApiResult<(StatusCode, Json<WebhookWithSecret>)> {
    caller.reach(Resource::Webhooks, Action::Write)?;
    let tenant = caller.tenant();
    let read = |id| {
        let s = &s;
        async move {
            Ok(WebhookWithSecret {
                secret: None,
                webhook: s.store.webhook(tenant, id).await?.into(),
            })
        }
    };
    // A replay answers before the URL is resolved again.
    if let Some(id) = req.id
        && s.store
            .stored_create(CreateKind::Webhook, tenant, id)
            .await?
            .is_some()
    {
        return idem::create_once(
            &s.store,
            tenant,
            CreateKind::Webhook,
            Some(id),
            &digest,
            async { Ok(None) },
            read,
        )
        .await;
    }
    let checked = uc::check(
        &s,
        EndpointInput {
            url: req.url,
            description: req.description,
            event_types: req.event_types,
            enabled: req.enabled.unwrap_or(true),
        },
    )
    .await?;
    let secret = uc::new_secret()?;
    let insert = async {
        let rec = s
            .store
            .create_webhook(tenant, req.id, Some(&digest), &write_of(&checked), &secret)
            .await?;
        Ok(rec.map(|rec| WebhookWithSecret {
            secret: Some(secret.clone()),
            webhook: rec.into(),
        }))
    };
    idem::create_once(
        &s.store,
        tenant,
        CreateKind::Webhook,
        req.id,
        &digest,
        insert,
        read,
    )
    .await
}

#[utoipa::path(get, path = "/api/v1/webhooks/{id}", tag = "webhooks", params(("id" = Uuid, Path)),
    responses((status = 200, body = Webhook), (status = 404, body = ErrorBody)))]
async fn get_webhook(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Webhook>> {
    caller.reach(Resource::Webhooks, Action::Read)?;
    Ok(Json(s.store.webhook(caller.tenant(), id).await?.into()))
}

/// Replaces an endpoint's URL, description, event types and whether it is enabled.
#[utoipa::path(put, path = "/api/v1/webhooks/{id}", tag = "webhooks", params(("id" = Uuid, Path)),
    request_body = WebhookUpdate,
    responses((status = 200, body = Webhook), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_webhook(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(req): Json<WebhookUpdate>,
) -> ApiResult<Json<Webhook>> {
    caller.reach(Resource::Webhooks, Action::Write)?;
    let tenant = caller.tenant();
    // 404 before the URL is judged.
    s.store.webhook(tenant, id).await?;
    let checked = uc::check(
        &s,
        EndpointInput {
            url: req.url,
            description: req.description,
            event_types: req.event_types,
            enabled: req.enabled,
        },
    )
    .await?;
    Ok(Json(
        s.store
            .update_webhook(tenant, id, &write_of(&checked))
            .await?
            .into(),
    ))
}

/// Deletes an endpoint and its delivery log; deliveries waiting for it are dropped.
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "webhooks", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn delete_webhook(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    caller.reach(Resource::Webhooks, Action::Write)?;
    s.store.delete_webhook(caller.tenant(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Makes a new signing secret, shown in this answer only. The old one keeps signing
/// beside it for 24 hours: deliveries meanwhile carry both signatures.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/rotate-secret", tag = "webhooks",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = WebhookWithSecret), (status = 404, body = ErrorBody)))]
async fn rotate_secret(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<WebhookWithSecret>> {
    caller.reach(Resource::Webhooks, Action::Write)?;
    let (secret, rec) = uc::rotate(&s, caller.tenant(), id).await?;
    Ok(Json(WebhookWithSecret {
        secret: Some(secret),
        webhook: rec.into(),
    }))
}

/// Sends a `webhook.test` event now and answers the attempt (logged with the others).
/// Works on a disabled endpoint too; never retried.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/test", tag = "webhooks",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Delivery), (status = 404, body = ErrorBody)))]
async fn test_send(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Delivery>> {
    caller.reach(Resource::Webhooks, Action::Write)?;
    Ok(Json(uc::test_send(&s, caller.tenant(), id).await?.into()))
}

/// The endpoint's delivery attempts of the last 30 days, newest first.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries", tag = "webhooks",
    params(("id" = Uuid, Path), DeliveryQuery),
    responses((status = 200, body = DeliveryPage), (status = 404, body = ErrorBody)))]
async fn list_deliveries(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Query(q): Query<DeliveryQuery>,
) -> ApiResult<Json<DeliveryPage>> {
    caller.reach(Resource::Webhooks, Action::Read)?;
    let limit = super::page_limit(q.limit)?;
    let tenant = caller.tenant();
    s.store.webhook(tenant, id).await?;
    let page = s
        .store
        .list_deliveries(tenant, id, q.cursor.as_deref(), limit)
        .await?;
    Ok(Json(DeliveryPage {
        items: page.items.into_iter().map(Delivery::from).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Sends a logged delivery's event again, from attempt 1 (409 `webhook_disabled` when the
/// endpoint is disabled, 409 `redelivered_by_schedule` for a scheduled report's
/// `report.delivered`, which its run retries).
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver",
    tag = "webhooks", params(("id" = Uuid, Path), ("delivery_id" = Uuid, Path)),
    responses((status = 202, body = Queued), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn redeliver_one(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, delivery_id)): Path<(Uuid, Uuid)>,
) -> ApiResult<(StatusCode, Json<Queued>)> {
    caller.reach(Resource::Webhooks, Action::Write)?;
    let queued = uc::redeliver_one(&s, caller.tenant(), id, delivery_id).await?;
    Ok((StatusCode::ACCEPTED, Json(Queued { queued })))
}

/// Sends again every event of the endpoint's types that occurred in `from..to` (at most
/// 10,000 events, 31 days), e.g. what happened while it was disabled.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/redeliver", tag = "webhooks",
    params(("id" = Uuid, Path)), request_body = RedeliverRange,
    responses((status = 202, body = Queued), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn redeliver_range(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(req): Json<RedeliverRange>,
) -> ApiResult<(StatusCode, Json<Queued>)> {
    caller.reach(Resource::Webhooks, Action::Write)?;
    let queued = uc::redeliver_range(
        &s,
        caller.tenant(),
        id,
        req.from.timestamp_millis(),
        req.to.timestamp_millis(),
    )
    .await?;
    Ok((StatusCode::ACCEPTED, Json(Queued { queued })))
}
