//! HTTP handlers, one module per resource. A handler parses and authenticates, calls one
//! use case in [`crate::services`] and maps its answer; route modules never import each
//! other (`services::tests::routes_do_not_import_each_other` checks it).

pub mod api_keys;
pub mod approvals;
pub mod attendance;
pub mod audit;
pub mod auth;
pub mod claims;
pub mod customer_import;
pub mod customers;
pub mod dashboard;
pub mod departments;
pub mod devices;
pub mod employees;
pub mod events;
pub mod forms;
pub mod geofences;
pub mod health;
pub mod insights;
pub mod integrity;
pub mod jobs;
pub mod live;
pub mod locations;
pub mod me;
pub mod metrics;
pub mod notifications;
pub mod payouts;
pub mod photos;
pub mod plans;
pub mod rates;
pub mod report_schedules;
pub mod reports;
pub mod requests;
pub mod sso;
pub mod sync;
pub mod today;
pub mod tracking;
pub mod two_factor;
pub mod vehicles;
pub mod visits;
pub mod webhooks;

/// A single versioned object (customer, person, department) with its strong `ETag`.
pub(crate) fn tagged<T: serde::Serialize>(
    status: axum::http::StatusCode,
    version: i64,
    body: T,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let tag = crate::services::sync::etag(version);
    let mut resp = (status, axum::Json(body)).into_response();
    if let Ok(v) = axum::http::HeaderValue::from_str(&tag) {
        resp.headers_mut().insert(axum::http::header::ETAG, v);
    }
    resp
}

/// Parses an instant parameter (RFC 3339, e.g. `updated_since`) into epoch
/// milliseconds; 400 naming `field` otherwise.
pub(crate) fn instant_ms(field: &str, raw: Option<&str>) -> crate::error::ApiResult<Option<i64>> {
    raw.map(|r| {
        chrono::DateTime::parse_from_rfc3339(r)
            .map(|t| t.timestamp_millis())
            .map_err(|_| {
                crate::error::ApiError::bad_request(
                    field,
                    domain::Problem::format(domain::Format::Instant),
                )
            })
    })
    .transpose()
}

/// Default page size of lists.
pub(crate) fn default_limit() -> u32 {
    50
}

/// The largest page a list answers.
pub(crate) const MAX_PAGE: u32 = 500;

/// A page size as asked: 1–[`MAX_PAGE`], else 422 naming `limit` (never silently clamped).
pub(crate) fn page_limit(limit: u32) -> crate::error::ApiResult<u32> {
    if (1..=MAX_PAGE).contains(&limit) {
        Ok(limit)
    } else {
        Err(crate::error::ApiError::invalid_one(
            "limit",
            domain::Problem::range(1.0, f64::from(MAX_PAGE), ""),
        ))
    }
}

/// Parses `?coord_system=` for answers; WGS-84 when absent.
pub(crate) fn output_system(s: Option<&str>) -> crate::error::ApiResult<domain::CoordSystem> {
    match s {
        None => Ok(domain::CoordSystem::Wgs84),
        Some(v) => domain::CoordSystem::parse(v).ok_or_else(|| {
            crate::error::ApiError::bad_request(
                "coord_system",
                domain::customer::coord_system_problem(),
            )
        }),
    }
}

/// A create's answer: 201 when this request stored it, 200 when an earlier one with the
/// same id and body did (the retry answers what was stored the first time).
pub(crate) fn created_or_ok<T>(
    saved: crate::services::Saved<T>,
) -> (axum::http::StatusCode, crate::extract::Json<T>) {
    let status = if saved.created {
        axum::http::StatusCode::CREATED
    } else {
        axum::http::StatusCode::OK
    };
    (status, crate::extract::Json(saved.item))
}
