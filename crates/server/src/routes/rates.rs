//! The tenant's mileage rate tables (finance and admins).

use crate::auth::Caller;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::Json;
use crate::services::claim_setup::{self, RateTables};
use crate::state::AppState;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_rates, put_rates))
}

/// The rate book: one table per scope (tenant, department, vehicle kind, or both), each
/// with its effective-dated versions.
#[utoipa::path(get, path = "/api/v1/mileage-rates", tag = "claims",
    responses((status = 200, body = RateTables)))]
async fn get_rates(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<RateTables>> {
    Ok(Json(claim_setup::rates(&s, &caller.principal).await?))
}

/// Stores the rate book. New tables and versions are added; stored versions are
/// immutable (claims name them): changing or leaving one out answers 409. A refused table
/// or version is named by its place (`tables[0].versions[1]`).
#[utoipa::path(put, path = "/api/v1/mileage-rates", tag = "claims", request_body = RateTables,
    responses((status = 200, body = RateTables), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_rates(
    State(s): State<AppState>,
    caller: Caller,
    Json(body): Json<RateTables>,
) -> ApiResult<Json<RateTables>> {
    Ok(Json(
        claim_setup::put_rates(&s, &caller.principal, body).await?,
    ))
}
