//! The rep's day as the server knows it (`GET /me/today`): the field app restores itself
//! from this after a re-login or on another phone, so nothing of the day lives only on
//! one device — punches, the open visit (whichever session checked in), today's visits,
//! the published plan with what is done, requests still waiting, and the last fix.

use crate::auth::Caller;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::Json;
use crate::services::today::{self, Today};
use crate::state::AppState;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(today))
}

/// The signed-in rep's day: what the field app needs to restore itself.
#[utoipa::path(get, path = "/api/v1/me/today", tag = "auth",
    responses((status = 200, body = Today), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn today(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<Today>> {
    let (tenant, me) = (caller.tenant(), caller.person()?);
    Ok(Json(today::today(&s, tenant, me).await?))
}
