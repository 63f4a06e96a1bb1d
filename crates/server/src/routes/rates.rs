//! The tenant's mileage rate tables and claim settings (finance and admins).

use crate::auth::Caller;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::Json;
use crate::services::claim_setup::{self, ClaimSettings, ClaimSettingsBody, RateTables};
use crate::state::AppState;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_rates, put_rates))
        .routes(routes!(get_claim_settings, put_claim_settings))
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

/// The tenant's claim period (month, half-month or ISO week) with the current and the
/// previous period's ids, for pickers.
#[utoipa::path(get, path = "/api/v1/claim-settings", tag = "claims",
    responses((status = 200, body = ClaimSettings)))]
async fn get_claim_settings(
    State(s): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<ClaimSettings>> {
    Ok(Json(
        claim_setup::claim_settings(&s, &caller.principal).await?,
    ))
}

/// Sets the claim period. Claims that exist keep theirs; a day already in a claim of the
/// old period is not claimed again by the new one.
#[utoipa::path(put, path = "/api/v1/claim-settings", tag = "claims", request_body = ClaimSettingsBody,
    responses((status = 200, body = ClaimSettings), (status = 422, body = ErrorBody)))]
async fn put_claim_settings(
    State(s): State<AppState>,
    caller: Caller,
    Json(body): Json<ClaimSettingsBody>,
) -> ApiResult<Json<ClaimSettings>> {
    Ok(Json(
        claim_setup::put_claim_settings(&s, &caller.principal, body).await?,
    ))
}
