//! Tracking rules, the phone's policy, day tracks (replay, GPX, GeoJSON) and stored day
//! summaries.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Json, Path, Query};
use crate::routes::output_system;
use crate::services::rules::scope;
use crate::state::AppState;
use crate::tracking::days::compute_day;
use crate::tracking::summary::{DaySummary, rfc3339};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use domain::access::{Action, Principal, Resource};
use domain::tracking::{TrackingPolicy, TrackingRule, policy_at};
use domain::{CoordSystem, EmployeeId, Wgs84};
use domain::{Format, Problem};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_rules))
        .routes(routes!(put_rule, delete_rule))
        .routes(routes!(my_policy))
        .routes(routes!(day_track))
        .routes(routes!(day_list))
}

#[derive(Serialize, ToSchema)]
pub struct RuleSet {
    /// The tenant-wide rule; null means the built-in default (weekdays 09:00–18:00).
    pub tenant: Option<TrackingRule>,
    /// Rules of departments, by department id; a department without one inherits its
    /// nearest ancestor's.
    pub departments: BTreeMap<String, TrackingRule>,
    /// The built-in default, for reference.
    pub default: TrackingRule,
}

#[utoipa::path(get, path = "/api/v1/tracking-rules", tag = "tracking",
    responses((status = 200, body = RuleSet), (status = 403, body = ErrorBody)))]
async fn get_rules(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<RuleSet>> {
    caller.reach(Resource::Departments, Action::Read)?;
    let mut rules = s.store.tracking_rules(caller.tenant()).await?;
    let tenant = rules.remove(&None);
    let departments = rules
        .into_iter()
        .filter_map(|(d, r)| Some((d?.to_string(), r)))
        .collect();
    Ok(Json(RuleSet {
        tenant,
        departments,
        default: TrackingRule::default(),
    }))
}

/// Sets the tenant's rule (`scope` = `tenant`) or a department's (`scope` = its id).
#[utoipa::path(put, path = "/api/v1/tracking-rules/{scope}", operation_id = "put_tracking_rule", tag = "tracking", request_body = TrackingRule,
    params(("scope" = String, Path, pattern = r"^(tenant|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$", description = "`tenant` or a department id")),
    responses((status = 200, body = TrackingRule), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_rule(
    State(s): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
    Json(rule): Json<TrackingRule>,
) -> ApiResult<Json<TrackingRule>> {
    caller.reach(Resource::Departments, Action::Write)?;
    let dept = scope(&s, caller.tenant(), &raw).await?;
    rule.validate()?;
    s.store
        .put_tracking_rule(caller.tenant(), dept, &rule)
        .await?;
    s.tracking.schedules.invalidate(caller.tenant());
    Ok(Json(rule))
}

#[utoipa::path(delete, path = "/api/v1/tracking-rules/{scope}", operation_id = "delete_tracking_rule", tag = "tracking",
    params(("scope" = String, Path, pattern = r"^(tenant|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$", description = "`tenant` or a department id")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn delete_rule(
    State(s): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> ApiResult<StatusCode> {
    caller.reach(Resource::Departments, Action::Write)?;
    if !s
        .store
        .delete_tracking_rule(caller.tenant(), scope(&s, caller.tenant(), &raw).await?)
        .await?
    {
        return Err(ApiError::not_found());
    }
    s.tracking.schedules.invalidate(caller.tenant());
    Ok(StatusCode::NO_CONTENT)
}

/// What the caller's phone should do now: collect or not, until when, and how often.
#[utoipa::path(get, path = "/api/v1/me/tracking-policy", tag = "tracking",
    responses((status = 200, body = TrackingPolicy), (status = 403, body = ErrorBody)))]
async fn my_policy(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<TrackingPolicy>> {
    let Principal::User(u) = &caller.principal else {
        return Err(ApiError::forbidden());
    };
    let a = s
        .tracking
        .schedules
        .get(&s.store, u.tenant, u.department)
        .await?;
    Ok(Json(policy_at(&a.rule, &a.schedule, a.tz, crate::now_ms())))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TrackQuery {
    /// Local date `YYYY-MM-DD` in the tenant's time zone.
    #[param(format = Date)]
    pub date: String,
    /// `json` (default), `gpx` or `geojson`.
    #[param(value_type = Option<crate::openapi::values::TrackFormat>)]
    pub format: Option<String>,
    /// Simplification tolerance of the polyline in metres (default 5, 0 keeps every fix).
    #[param(minimum = 0.0, maximum = 1000.0)]
    pub tolerance_m: Option<f64>,
    /// Coordinates of the answer: wgs84 (default), gcj02, bd09.
    #[param(value_type = Option<crate::openapi::CoordSystemName>)]
    pub coord_system: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct DayTrack {
    #[serde(flatten)]
    pub summary: DaySummary,
    pub employee_id: EmployeeId,
    /// Simplified path: `[lat, lon, epoch_ms]` per kept point.
    #[schema(schema_with = polyline_schema)]
    pub polyline: Vec<[f64; 3]>,
    /// Largest distance of a dropped fix from the simplified path, metres.
    pub polyline_error_m: f64,
    pub coord_system: String,
}

/// `[[lat, lon, epoch_ms], …]`: each point exactly three numbers, which utoipa does not
/// say of a Rust array by itself (the web's generated types read it as a tuple).
fn polyline_schema() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{ArrayBuilder, KnownFormat, ObjectBuilder, SchemaFormat, Type};
    let number = ObjectBuilder::new()
        .schema_type(Type::Number)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Double)));
    let point = ArrayBuilder::new()
        .items(number)
        .min_items(Some(3))
        .max_items(Some(3));
    ArrayBuilder::new()
        .items(point)
        .description(Some(
            "Simplified path: `[lat, lon, epoch_ms]` per kept point.",
        ))
        .build()
}

/// Documentation only: the JSON answers of `GET /employees/{id}/track`.
#[derive(ToSchema)]
#[allow(dead_code)]
#[serde(untagged)]
enum TrackAnswer {
    Day(DayTrack),
    GeoJson(crate::openapi::bodies::TrackGeoJson),
}

fn parse_date(s: &str) -> ApiResult<NaiveDate> {
    s.parse()
        .map_err(|_| ApiError::bad_request("date", Problem::format(Format::Date)))
}

fn convert(lat: f64, lon: f64, system: CoordSystem) -> (f64, f64) {
    let p = Wgs84::from_stored(lat, lon).to_system(system);
    (p.lat, p.lon)
}

/// One person's day: summary (mileage, working-hours mileage, stops, trips, gaps) and the
/// simplified path for replay; or the day as GPX or GeoJSON.
#[utoipa::path(get, path = "/api/v1/employees/{id}/track", tag = "tracking", params(("id" = EmployeeId, Path), TrackQuery),
    responses((status = 200, description = "The day (`format=json`), GeoJSON or GPX", content(
            (TrackAnswer = "application/json"), (crate::openapi::bodies::GpxDocument = "application/gpx+xml"))),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn day_track(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<EmployeeId>,
    Query(q): Query<TrackQuery>,
) -> ApiResult<Response> {
    let reach = caller.reach(Resource::Tracks, Action::Read)?;
    s.store.employee(caller.tenant(), id, &reach).await?;
    let date = parse_date(&q.date)?;
    let system = output_system(q.coord_system.as_deref())?;
    let tolerance = q.tolerance_m.unwrap_or(5.0);
    if !(0.0..=1000.0).contains(&tolerance) {
        return Err(ApiError::bad_request(
            "tolerance_m",
            Problem::range(0.0, 1000.0, "m"),
        ));
    }
    let day = compute_day(&s.store, &s.tracking.schedules, caller.tenant(), id, date).await?;
    let points: Vec<(f64, f64)> = day.fixes.iter().map(|f| (f.lat, f.lon)).collect();
    let (keep, err) = if tolerance > 0.0 {
        track::simplify(&points, tolerance)
    } else {
        ((0..points.len()).collect(), 0.0)
    };
    let polyline: Vec<[f64; 3]> = keep
        .iter()
        .map(|&i| {
            let (lat, lon) = convert(points[i].0, points[i].1, system);
            [lat, lon, day.fixes[i].t_ms as f64]
        })
        .collect();
    match q.format.as_deref().unwrap_or("json") {
        "json" => {
            let mut summary = day.summary;
            for st in &mut summary.stops {
                (st.lat, st.lon) = convert(st.lat, st.lon, system);
            }
            Ok(Json(DayTrack {
                summary,
                employee_id: id,
                polyline,
                polyline_error_m: err,
                coord_system: system.as_str().to_owned(),
            })
            .into_response())
        }
        "gpx" => Ok(gpx(&q.date, &day.fixes, &day.summary).into_response()),
        "geojson" => Ok(Json(geojson(&polyline, &day.summary)).into_response()),
        _ => Err(ApiError::bad_request(
            "format",
            Problem::unknown_value(&["json", "gpx", "geojson"]),
        )),
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// GPX 1.1 keeps every stored fix (in WGS-84, as GPX requires) and the stops as waypoints.
fn gpx(date: &str, fixes: &[track::Fix], summary: &DaySummary) -> Response {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gpx version=\"1.1\" creator=\"Outfield\" xmlns=\"http://www.topografix.com/GPX/1/1\">\n",
    );
    for (i, st) in summary.stops.iter().enumerate() {
        out.push_str(&format!(
            "<wpt lat=\"{}\" lon=\"{}\"><time>{}</time><name>stop {}</name><desc>{} s</desc></wpt>\n",
            st.lat,
            st.lon,
            xml_escape(&st.start),
            i + 1,
            st.duration_s
        ));
    }
    out.push_str(&format!("<trk><name>{}</name><trkseg>\n", xml_escape(date)));
    for f in fixes {
        out.push_str(&format!(
            "<trkpt lat=\"{}\" lon=\"{}\"><time>{}</time>",
            f.lat,
            f.lon,
            rfc3339(&chrono::Utc, f.t_ms)
        ));
        if f.accuracy_m.is_finite() {
            out.push_str(&format!("<hdop>{:.1}</hdop>", f.accuracy_m / 5.0));
        }
        out.push_str("</trkpt>\n");
    }
    out.push_str("</trkseg></trk>\n</gpx>\n");
    ([(header::CONTENT_TYPE, "application/gpx+xml")], out).into_response()
}

/// GeoJSON (RFC 7946: longitude first, WGS-84) with the path and the stops.
fn geojson(polyline: &[[f64; 3]], summary: &DaySummary) -> serde_json::Value {
    let line: Vec<[f64; 2]> = polyline.iter().map(|p| [p[1], p[0]]).collect();
    let mut features = vec![serde_json::json!({
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": line},
        "properties": {"kind": "track", "date": summary.date, "mileage_m": summary.mileage_m,
                       "work_mileage_m": summary.work_mileage_m,
                       "times_ms": polyline.iter().map(|p| p[2]).collect::<Vec<_>>()},
    })];
    for st in &summary.stops {
        features.push(serde_json::json!({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [st.lon, st.lat]},
            "properties": {"kind": "stop", "start": st.start, "end": st.end, "duration_s": st.duration_s},
        }));
    }
    serde_json::json!({"type": "FeatureCollection", "features": features})
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DaysQuery {
    /// First local date, `YYYY-MM-DD`.
    #[param(format = Date)]
    pub from: String,
    /// Last local date (inclusive); at most 92 days after `from`.
    #[param(format = Date)]
    pub to: String,
}

#[derive(Serialize, ToSchema)]
pub struct DayRow {
    pub date: String,
    pub mileage_m: f64,
    pub work_mileage_m: f64,
    /// Fixes arrived since the summary was made; it will be recomputed within seconds.
    pub pending: bool,
    pub summary: Option<DaySummary>,
}

#[derive(Serialize, ToSchema)]
pub struct DayList {
    pub employee_id: EmployeeId,
    pub items: Vec<DayRow>,
    /// Always null: the date range (at most 92 days) bounds the page.
    pub next_cursor: Option<String>,
    pub total_mileage_m: f64,
    pub total_work_mileage_m: f64,
}

/// Stored day summaries of one person over a date range — what mileage reimbursement
/// and reports read. Days without fixes are absent.
#[utoipa::path(get, path = "/api/v1/employees/{id}/days", tag = "tracking", params(("id" = EmployeeId, Path), DaysQuery),
    responses((status = 200, body = DayList), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn day_list(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<EmployeeId>,
    Query(q): Query<DaysQuery>,
) -> ApiResult<Json<DayList>> {
    let reach = caller.reach(Resource::Tracks, Action::Read)?;
    s.store.employee(caller.tenant(), id, &reach).await?;
    let (from, to) = (parse_date(&q.from)?, parse_date(&q.to)?);
    if to < from || (to - from).num_days() > 92 {
        return Err(ApiError::bad_request(
            "to",
            Problem::BadRange {
                other: "from".into(),
                max_days: 92,
            },
        ));
    }
    let (lo, hi) = (from.to_string(), to.to_string());
    let dirty = s.store.dirty_between(caller.tenant(), id, &lo, &hi).await?;
    let mut stored: BTreeMap<String, Option<storage::StoredDay>> =
        dirty.iter().map(|d| (d.clone(), None)).collect();
    for (day, st) in s.store.days_between(caller.tenant(), id, &lo, &hi).await? {
        stored.insert(day, Some(st));
    }
    let items: Vec<DayRow> = stored
        .into_iter()
        .map(|(day, st)| {
            let pending = dirty.contains(&day);
            match st {
                Some(st) => DayRow {
                    date: day,
                    mileage_m: st.mileage_m,
                    work_mileage_m: st.work_mileage_m,
                    pending,
                    summary: serde_json::from_str(&st.summary_json).ok(),
                },
                None => DayRow {
                    date: day,
                    mileage_m: 0.0,
                    work_mileage_m: 0.0,
                    pending,
                    summary: None,
                },
            }
        })
        .collect();
    Ok(Json(DayList {
        employee_id: id,
        total_mileage_m: items.iter().map(|d| d.mileage_m).sum(),
        total_work_mileage_m: items.iter().map(|d| d.work_mileage_m).sum(),
        items,
        next_cursor: None,
    }))
}
