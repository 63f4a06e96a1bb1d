//! Geofences (电子围栏): named circles and polygons that attendance and visits are judged
//! against, and a judgement endpoint that says where a fix stands given its accuracy.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Json, Path};
use crate::idem::{self, CreateJson};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use domain::Problem;
use domain::access::{Action, Resource};
use domain::customer::{PointInput, PointOutput, parse_point};
use domain::geofence::{FenceJudgement, GeofenceInput, Shape, judge};
use domain::ids::GeofenceId;
use domain::{CoordSystem, Invalid};
use serde::{Deserialize, Serialize};
use storage::CreateKind;
use storage::StoredFence;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_fences, create_fence))
        .routes(routes!(get_fence, update_fence, delete_fence))
        .routes(routes!(judge_fix))
}

#[derive(Serialize, ToSchema)]
pub struct Geofence {
    pub id: GeofenceId,
    pub name: String,
    /// The centre of a circle (WGS-84); null for polygons.
    pub center: Option<PointOutput>,
    pub radius_m: Option<f64>,
    /// The polygons as a GeoJSON geometry (WGS-84, `[lon, lat]`); null for circles.
    #[schema(value_type = Option<FenceGeometry>)]
    pub geojson: Option<serde_json::Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

// Documentation only: the shape of what `Fence::geojson` answers.
/// A polygon fence as a GeoJSON geometry: a `Polygon` for one polygon, a `MultiPolygon` for
/// several. Rings are closed (the first position repeated last); holes follow their outer ring.
#[derive(Serialize, ToSchema)]
#[serde(tag = "type")]
#[allow(dead_code)]
enum FenceGeometry {
    Polygon {
        /// Rings of `[lon, lat]` positions, the outer ring first.
        coordinates: Vec<Vec<[f64; 2]>>,
    },
    MultiPolygon {
        /// Polygons, each as a `Polygon`'s `coordinates`.
        coordinates: Vec<Vec<Vec<[f64; 2]>>>,
    },
}

impl From<StoredFence> for Geofence {
    fn from(s: StoredFence) -> Self {
        let (center, radius_m) = match &s.fence.shape {
            Shape::Circle { center, radius_m } => (
                Some(PointOutput::new(*center, CoordSystem::Wgs84)),
                Some(*radius_m),
            ),
            Shape::Polygons(_) => (None, None),
        };
        Geofence {
            id: s.id,
            geojson: s.fence.geojson(),
            name: s.fence.name,
            center,
            radius_m,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct GeofenceList {
    pub items: Vec<Geofence>,
    pub next_cursor: Option<String>,
}

/// Readable by everyone who works with tracks (field reps need to know where clock-in is
/// allowed); integration keys cannot.
fn may_read(caller: &Caller) -> ApiResult<()> {
    caller.reach(Resource::Tracks, Action::Read).map(|_| ())
}

#[utoipa::path(get, path = "/api/v1/geofences", tag = "geofences",
    responses((status = 200, body = GeofenceList), (status = 403, body = ErrorBody)))]
async fn list_fences(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<GeofenceList>> {
    may_read(&caller)?;
    let items = s
        .store
        .list_geofences(caller.tenant())
        .await?
        .into_iter()
        .map(Geofence::from)
        .collect();
    Ok(Json(GeofenceList {
        items,
        next_cursor: None,
    }))
}

/// Creates a circle (`center`, `radius_m`) or polygons (`geojson`, optionally in GCJ-02 or
/// BD-09 as Chinese map drawing tools give them; stored as WGS-84). Admins only.
#[utoipa::path(post, path = "/api/v1/geofences", tag = "geofences", request_body = GeofenceInput,
    responses((status = 201, body = Geofence), (status = 200, body = Geofence), (status = 422, body = ErrorBody)))]
async fn create_fence(
    State(s): State<AppState>,
    caller: Caller,
    CreateJson {
        body: input,
        digest,
    }: CreateJson<GeofenceInput>,
) -> ApiResult<(StatusCode, Json<Geofence>)> {
    caller.reach(Resource::Departments, Action::Write)?;
    let fence = input.validate()?;
    let tenant = caller.tenant();
    let insert = async {
        let stored = s
            .store
            .create_geofence(tenant, input.id, Some(&digest), &fence)
            .await?;
        Ok(stored.map(Geofence::from))
    };
    let read = |id| {
        let s = &s;
        async move { Ok(s.store.geofence(tenant, GeofenceId(id)).await?.into()) }
    };
    let id = input.id.map(|i| i.0);
    idem::create_once(
        &s.store,
        tenant,
        CreateKind::Geofence,
        id,
        &digest,
        insert,
        read,
    )
    .await
}

#[utoipa::path(get, path = "/api/v1/geofences/{id}", tag = "geofences", params(("id" = GeofenceId, Path)),
    responses((status = 200, body = Geofence), (status = 404, body = ErrorBody)))]
async fn get_fence(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<GeofenceId>,
) -> ApiResult<Json<Geofence>> {
    may_read(&caller)?;
    Ok(Json(s.store.geofence(caller.tenant(), id).await?.into()))
}

#[utoipa::path(put, path = "/api/v1/geofences/{id}", tag = "geofences", params(("id" = GeofenceId, Path)),
    request_body = GeofenceInput,
    responses((status = 200, body = Geofence), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_fence(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<GeofenceId>,
    Json(input): Json<GeofenceInput>,
) -> ApiResult<Json<Geofence>> {
    caller.reach(Resource::Departments, Action::Write)?;
    let fence = input.validate()?;
    Ok(Json(
        s.store
            .update_geofence(caller.tenant(), id, &fence)
            .await?
            .into(),
    ))
}

#[utoipa::path(delete, path = "/api/v1/geofences/{id}", tag = "geofences", params(("id" = GeofenceId, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn delete_fence(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<GeofenceId>,
) -> ApiResult<StatusCode> {
    caller.reach(Resource::Departments, Action::Write)?;
    s.store.delete_geofence(caller.tenant(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FixToJudge {
    /// Degrees; `lat` = `lon` = 0 ("null island", what broken GPS stacks report for
    /// "unknown") is refused (`null_island`).
    #[schema(minimum = -90.0, maximum = 90.0)]
    pub lat: f64,
    #[schema(minimum = -180.0, maximum = 180.0)]
    pub lon: f64,
    /// `wgs84` (default), `gcj02` or `bd09`.
    #[serde(default)]
    #[schema(value_type = Option<crate::openapi::CoordSystemName>)]
    pub coord_system: Option<String>,
    /// The fix's 68 % accuracy radius in metres; without it the answer is `uncertain`.
    #[serde(default)]
    pub accuracy_m: Option<f64>,
}

/// Where a fix stands relative to the fence, judged with its accuracy: `inside` or
/// `outside` only when the whole accuracy circle is, otherwise `uncertain`.
#[utoipa::path(post, path = "/api/v1/geofences/{id}/judge", tag = "geofences", params(("id" = GeofenceId, Path)),
    request_body = FixToJudge,
    responses((status = 200, body = FenceJudgement), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn judge_fix(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<GeofenceId>,
    Json(fix): Json<FixToJudge>,
) -> ApiResult<Json<FenceJudgement>> {
    may_read(&caller)?;
    let stored = s.store.geofence(caller.tenant(), id).await?;
    let p = parse_point(&PointInput {
        lat: fix.lat,
        lon: fix.lon,
        coord_system: fix.coord_system,
    })?;
    if fix.accuracy_m.is_some_and(|a| !a.is_finite() || a < 0.0) {
        return Err(ApiError::invalid(Invalid::one(
            "accuracy_m",
            Problem::BelowMin { min: 0.0 },
        )));
    }
    Ok(Json(judge(
        &stored.fence,
        p.lat(),
        p.lon(),
        fix.accuracy_m.unwrap_or(f64::NAN),
    )))
}
