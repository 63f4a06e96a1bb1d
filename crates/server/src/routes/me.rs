//! The signed-in person.

use crate::auth::Caller;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::Json;
use crate::services::me::{self, TenantSummary};
use crate::state::AppState;
use axum::extract::State;
use domain::employee::Employee;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(me))
}

#[derive(Serialize, ToSchema)]
pub struct MeResponse {
    pub employee: Employee,
    pub tenant: TenantSummary,
}

/// The current user and their tenant. Integration keys have no person behind them: 403.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth",
    responses((status = 200, body = MeResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn me(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<MeResponse>> {
    let (employee, tenant) = me::me(&s, caller.user()?).await?;
    Ok(Json(MeResponse { employee, tenant }))
}
