//! In-app notifications: a request waits for you, a reminder, your request was decided,
//! your claim was paid. The `notifications` job (queued with every change that records
//! such an event) reads the tenant's outbox after its cursor and stores one notification
//! per person and fact; people read theirs with `GET /api/v1/me/notifications` and mark
//! them read. The events carry who waits after the change, so the job needs no other
//! read than a payout's claims.

use crate::error::{ApiError, ApiResult};
use crate::services::approval_views::PersonRef;
use crate::state::AppState;
use chrono::{DateTime, Utc};
use domain::access::Principal;
use domain::{EmployeeId, TenantId};
use serde::Serialize;
use serde_json::Value;
use storage::{NewNotification, Page, StoredEvent, StoredNotification};
use utoipa::ToSchema;
use uuid::Uuid;

/// Events read per step of a run.
const BATCH: i64 = 500;

/// One notification as its person sees it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct NotificationView {
    pub id: Uuid,
    /// `approval_waiting` (a request waits for your decision), `approval_reminder` (it
    /// still does), `approval_decided` (your request was approved or rejected),
    /// `claim_paid` (your mileage claim was paid).
    #[schema(value_type = crate::openapi::values::NotificationKind)]
    pub kind: String,
    pub at: DateTime<Utc>,
    /// When it was marked read; `null` while unread.
    pub read_at: Option<DateTime<Utc>>,
    pub request_id: Option<Uuid>,
    /// `mileage_claim`, `leave`, `attendance_correction`, … for request notifications.
    pub request_type: Option<String>,
    /// `approved` or `rejected` for `approval_decided`.
    #[schema(value_type = Option<crate::openapi::values::ApprovalStatus>)]
    pub status: Option<String>,
    pub claim_id: Option<Uuid>,
    /// Whose request waits for you.
    pub from: Option<PersonRef>,
}

fn view(n: StoredNotification) -> NotificationView {
    NotificationView {
        id: n.id,
        kind: n.kind,
        at: DateTime::from_timestamp_millis(n.created_ms).unwrap_or_default(),
        read_at: n.read_ms.and_then(DateTime::from_timestamp_millis),
        request_id: n.request_id,
        request_type: n.request_type,
        status: n.status,
        claim_id: n.claim_id,
        from: n.actor_id.map(|id| PersonRef {
            id: EmployeeId(id),
            name: n.actor_name.unwrap_or_default(),
        }),
    }
}

fn me(principal: &Principal) -> ApiResult<EmployeeId> {
    match principal {
        Principal::User(u) => Ok(u.employee),
        Principal::ApiKey(_) => Err(ApiError::forbidden()),
    }
}

/// A page of the caller's notifications (newest first) and how many are unread.
pub async fn list(
    s: &AppState,
    principal: &Principal,
    unread_only: bool,
    cursor: Option<String>,
    limit: u32,
) -> ApiResult<(Page<NotificationView>, i64)> {
    let who = me(principal)?;
    let tenant = principal.tenant();
    let page = s
        .store
        .notifications(tenant, who, unread_only, cursor.as_deref(), limit)
        .await?;
    let unread = s.store.unread_notifications(tenant, who).await?;
    Ok((
        Page {
            items: page.items.into_iter().map(view).collect(),
            next_cursor: page.next_cursor,
        },
        unread,
    ))
}

/// Marks one of the caller's notifications read (404 when it is not theirs), or all of
/// them; answers how many are still unread.
pub async fn mark_read(s: &AppState, principal: &Principal, id: Option<Uuid>) -> ApiResult<i64> {
    let who = me(principal)?;
    let tenant = principal.tenant();
    s.store
        .mark_notifications_read(tenant, who, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(s.store.unread_notifications(tenant, who).await?)
}

fn uuid_of(v: &Value) -> Option<Uuid> {
    v.as_str()?.parse().ok()
}

fn text_of(v: &Value) -> Option<String> {
    v.as_str().map(str::to_owned)
}

/// What one outbox event tells whom. A payout's claims are read to find their reps.
async fn notifications_of(
    s: &AppState,
    tenant: TenantId,
    e: &StoredEvent,
) -> ApiResult<Vec<NewNotification>> {
    let p: Value = serde_json::from_str(&e.payload).map_err(ApiError::internal)?;
    let request_id = uuid_of(&p["request_id"]);
    let request_type = text_of(&p["request_type"]);
    let base = |employee: Uuid, kind: &'static str, dedupe: String| NewNotification {
        employee_id: employee,
        kind,
        dedupe,
        request_id,
        request_type: request_type.clone(),
        status: None,
        claim_id: None,
        actor_id: None,
        created_ms: e.occurred_ms,
    };
    let round = p["round"].as_u64().unwrap_or(0);
    let ids = |v: &Value| -> Vec<Uuid> {
        v.as_array()
            .map(|a| a.iter().filter_map(uuid_of).collect())
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    match e.kind.as_str() {
        // Whoever waits after the change: one notification per wait (a 会签 step that
        // another member approved still waits for the same people, who were told once).
        "approval.submitted" | "approval.decided" => {
            let Some(request) = request_id else {
                return Ok(out);
            };
            let step = p["waiting_step"].as_u64();
            for who in ids(&p["waiting_for"]) {
                let Some(step) = step else { break };
                let mut n = base(
                    who,
                    "approval_waiting",
                    format!("wait:{request}:{round}:{step}"),
                );
                n.actor_id = uuid_of(&p["submitter_id"]);
                out.push(n);
            }
        }
        "approval.reminded" => {
            for who in ids(&p["employee_ids"]) {
                let mut n = base(who, "approval_reminder", format!("remind:{}", e.id));
                n.actor_id = uuid_of(&p["submitter_id"]);
                out.push(n);
            }
        }
        // The submitter learns the outcome; a withdrawal is their own doing.
        "approval.finished" => {
            let status = text_of(&p["status"]);
            if let (Some(request), Some(submitter), Some("approved" | "rejected")) =
                (request_id, uuid_of(&p["submitter_id"]), status.as_deref())
            {
                let mut n = base(
                    submitter,
                    "approval_decided",
                    format!("decided:{request}:{round}"),
                );
                n.status = status;
                out.push(n);
            }
        }
        "payout.created" => {
            let Some(payout) = uuid_of(&p["payout_id"]) else {
                return Ok(out);
            };
            for c in s.store.payout_claims(tenant, payout).await? {
                let mut n = base(c.employee_id, "claim_paid", format!("paid:{}", c.id));
                n.claim_id = Some(c.id);
                n.request_id = c.approval_id;
                n.request_type = Some(approvals::RequestType::MILEAGE_CLAIM.to_owned());
                out.push(n);
            }
        }
        _ => {}
    }
    Ok(out)
}

/// The `notifications` job: turns the tenant's outbox events after its cursor into
/// notifications, a batch per transaction with the cursor's move. Idempotent: a second
/// run over the same events finds the cursor moved (or stores nothing new). Events that
/// PostgreSQL cannot show yet (an older transaction is still open) queue another run a
/// second later.
pub async fn run_job(s: &AppState, tenant: TenantId) -> Result<(), String> {
    let err = |e: ApiError| e.message;
    loop {
        let from = s
            .store
            .notification_cursor(tenant)
            .await
            .map_err(|e| e.to_string())?;
        let events = s
            .store
            .notification_events_after(tenant, from, BATCH)
            .await
            .map_err(|e| e.to_string())?;
        let Some(last) = events.last() else {
            if s.store
                .notification_events_unsettled(tenant, from)
                .await
                .map_err(|e| e.to_string())?
            {
                // Another run comes back for them in a second (not a failure: the wait
                // is another transaction's, however long it takes).
                let mut again = storage::notifications_job(tenant);
                again.run_at_ms += 1_000;
                s.store.enqueue(&again).await.map_err(|e| e.to_string())?;
            }
            return Ok(());
        };
        let to = last.position();
        let mut items = Vec::new();
        for e in &events {
            items.extend(notifications_of(s, tenant, e).await.map_err(err)?);
        }
        // A run that lost the race reads the cursor again.
        s.store
            .advance_notifications(tenant, from, to, &items)
            .await
            .map_err(|e| e.to_string())?;
    }
}
