//! Fixes from the field app.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::Json;
use crate::state::AppState;
use crate::tracking::IngestOutcome;
use crate::tracking::fix_input::FixInput;
use axum::extract::State;
use axum::http::StatusCode;
use domain::Problem;
use domain::access::Principal;
use domain::fix::FixSource;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(post_locations))
}

pub const MAX_BATCH: usize = 1000;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocationBatch {
    /// Up to 1,000 fixes, in any order; a fix already stored (same person and instant) is
    /// ignored, so a batch can be re-sent safely after a lost answer.
    #[schema(max_items = 1000)]
    pub fixes: Vec<FixInput>,
    /// The sending device's registered identifier, if it has one.
    #[serde(default)]
    pub device: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct LocationAnswer {
    #[serde(flatten)]
    pub outcome: IngestOutcome,
    /// Fixes refused for bad values, by their index in the batch; the rest were kept.
    pub rejected: Vec<RejectedFix>,
}

#[derive(Serialize, ToSchema)]
pub struct RejectedFix {
    pub index: usize,
    pub field: String,
    /// Stable problem code and its params, as in error field problems.
    pub code: String,
    pub problem: String,
    #[schema(value_type = Object)]
    pub params: std::collections::BTreeMap<String, serde_json::Value>,
}

/// Stores the signed-in field rep's fixes. Answers once they are committed. Fixes outside
/// the working windows of their tracking rule are not kept (privacy) and are counted.
#[utoipa::path(post, path = "/api/v1/locations", tag = "tracking", request_body = LocationBatch,
    responses((status = 200, body = LocationAnswer), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn post_locations(
    State(s): State<AppState>,
    caller: Caller,
    Json(batch): Json<LocationBatch>,
) -> ApiResult<(StatusCode, Json<LocationAnswer>)> {
    let Principal::User(u) = &caller.principal else {
        return Err(ApiError::forbidden());
    };
    if batch.fixes.len() > MAX_BATCH {
        return Err(ApiError::invalid(domain::Invalid::one(
            "fixes",
            Problem::TooMany { max: MAX_BATCH },
        )));
    }
    let device = match &batch.device {
        Some(ident) => match s.store.device_owner(ident).await? {
            Some(o) if o.tenant == u.tenant && o.employee == u.employee => Some(o.device),
            _ => {
                return Err(ApiError::invalid(domain::Invalid::one(
                    "device",
                    Problem::NotFound,
                )));
            }
        },
        None => None,
    };
    let now = crate::now_ms();
    let mut rejected = Vec::new();
    let mut records = Vec::with_capacity(batch.fixes.len());
    for (index, f) in batch.fixes.iter().enumerate() {
        match f.to_record(now) {
            Ok(r) => records.push(r),
            Err((field, problem)) => rejected.push(RejectedFix {
                index,
                field: format!("fixes[{index}].{field}"),
                code: problem.code().to_owned(),
                problem: problem.english(),
                params: problem.params().into_iter().collect(),
            }),
        }
    }
    let outcome = s
        .tracking
        .ingest(
            &s.store,
            u.tenant,
            u.employee,
            u.department,
            device,
            FixSource::Api,
            records,
        )
        .await?;
    Ok((StatusCode::OK, Json(LocationAnswer { outcome, rejected })))
}
