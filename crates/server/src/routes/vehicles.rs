//! The vehicle each person works with, over time (what mileage claims pay for).

use crate::auth::Caller;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Json, Path};
use crate::services::claim_setup::{self, Vehicles};
use crate::state::AppState;
use axum::extract::State;
use domain::EmployeeId;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_vehicles, put_vehicles))
}

/// A person's vehicle history, oldest first.
#[utoipa::path(get, path = "/api/v1/employees/{id}/vehicles", tag = "claims",
    params(("id" = EmployeeId, Path, description = "the person")),
    responses((status = 200, body = Vehicles), (status = 404, body = ErrorBody)))]
async fn get_vehicles(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<EmployeeId>,
) -> ApiResult<Json<Vehicles>> {
    Ok(Json(
        claim_setup::vehicles(&s, &caller.principal, id).await?,
    ))
}

/// Replaces a person's vehicle history (admins; managers for their subtree). Claims
/// already submitted keep the vehicles they froze.
#[utoipa::path(put, path = "/api/v1/employees/{id}/vehicles", tag = "claims", request_body = Vehicles,
    params(("id" = EmployeeId, Path, description = "the person")),
    responses((status = 200, body = Vehicles), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_vehicles(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<EmployeeId>,
    Json(body): Json<Vehicles>,
) -> ApiResult<Json<Vehicles>> {
    Ok(Json(
        claim_setup::put_vehicles(&s, &caller.principal, id, body).await?,
    ))
}
