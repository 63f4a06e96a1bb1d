//! The signed-in person.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::Json;
use crate::routes::auth::TenantSummary;
use crate::state::AppState;
use axum::extract::State;
use domain::access::{Principal, Reach};
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
    let Principal::User(u) = &caller.principal else {
        return Err(ApiError::forbidden());
    };
    let employee = s
        .store
        .employee(u.tenant, u.employee, &Reach::Tenant)
        .await?;
    let t = s.store.tenant(u.tenant).await?;
    Ok(Json(MeResponse {
        employee,
        tenant: TenantSummary {
            id: t.id,
            slug: t.slug,
            name: t.name,
            timezone: t.timezone,
        },
    }))
}
