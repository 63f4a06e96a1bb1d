//! The signed-in person's in-app notifications: what waits for them, what was decided,
//! what was paid. Thin handlers over `services::notifications`.

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::{Json, Path, Query};
use crate::routes::{default_limit, page_limit};
use crate::services::notifications::{self, NotificationView};
use crate::state::AppState;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_notifications))
        .routes(routes!(read_notification))
        .routes(routes!(read_all_notifications))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NotificationQuery {
    /// Only the unread ones.
    #[serde(default)]
    pub unread: bool,
    pub cursor: Option<String>,
    #[serde(default = "default_limit")]
    #[param(minimum = 1, maximum = 500)]
    pub limit: u32,
}

#[derive(Serialize, ToSchema)]
pub struct NotificationPage {
    pub items: Vec<NotificationView>,
    pub next_cursor: Option<String>,
    /// How many of the caller's notifications are unread (the badge).
    pub unread: i64,
}

/// How many notifications are still unread.
#[derive(Serialize, ToSchema)]
pub struct UnreadCount {
    pub unread: i64,
}

/// The caller's notifications, newest first, with the number still unread.
#[utoipa::path(get, path = "/api/v1/me/notifications", tag = "auth", params(NotificationQuery),
    responses((status = 200, body = NotificationPage)))]
async fn list_notifications(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<NotificationQuery>,
) -> ApiResult<Json<NotificationPage>> {
    let (page, unread) = notifications::list(
        &s,
        &caller.principal,
        q.unread,
        q.cursor,
        page_limit(q.limit)?,
    )
    .await?;
    Ok(Json(NotificationPage {
        items: page.items,
        next_cursor: page.next_cursor,
        unread,
    }))
}

/// Marks one of the caller's notifications read (someone else's answers 404).
#[utoipa::path(post, path = "/api/v1/me/notifications/{id}/read", tag = "auth",
    params(("id" = Uuid, Path, description = "the notification")),
    responses((status = 200, body = UnreadCount)))]
async fn read_notification(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<UnreadCount>> {
    let unread = notifications::mark_read(&s, &caller.principal, Some(id)).await?;
    Ok(Json(UnreadCount { unread }))
}

/// Marks all of the caller's notifications read.
#[utoipa::path(post, path = "/api/v1/me/notifications/read", tag = "auth",
    responses((status = 200, body = UnreadCount)))]
async fn read_all_notifications(
    State(s): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<UnreadCount>> {
    let unread = notifications::mark_read(&s, &caller.principal, None).await?;
    Ok(Json(UnreadCount { unread }))
}
