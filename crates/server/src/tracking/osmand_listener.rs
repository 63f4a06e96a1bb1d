//! The OsmAnd-protocol listener (`--osmand-listen`, default 127.0.0.1:5055): any path,
//! GET or POST, query string, form body or JSON body. Answers 200 once the fix is stored;
//! 400 naming the bad parameter in the API's error shape (`error.fields[0]` has `field` and
//! `code`, e.g. `lat` + `no_position` for a cell/Wi-Fi-only request); 404 for an
//! identifier that is not a registered device.

use super::osmand::{self, OsmandError, OsmandFix};
use crate::error::ApiError;
use crate::state::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use domain::Problem;
use domain::fix::FixSource;

pub fn router(state: AppState) -> Router {
    Router::new().fallback(receive).with_state(state)
}

fn parse(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
    now: i64,
) -> Result<OsmandFix, OsmandError> {
    // Its own listener with its own protocol, outside the API and its document.
    #[allow(clippy::disallowed_methods)]
    let mut params: Vec<(String, String)> =
        form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    if method == Method::POST && !body.is_empty() {
        let ct = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if ct.contains("json") || body.first() == Some(&b'{') {
            let v: serde_json::Value = serde_json::from_slice(body).map_err(|_| OsmandError {
                field: "body",
                problem: Problem::format(domain::Format::Json),
            })?;
            return osmand::from_json(&v, now);
        }
        params.extend(form_urlencoded::parse(body).into_owned());
    }
    osmand::from_params(&params, now)
}

async fn receive(
    State(s): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if method != Method::GET && method != Method::POST {
        return (StatusCode::METHOD_NOT_ALLOWED, "use GET or POST").into_response();
    }
    let now = crate::now_ms();
    let parsed = match parse(&method, &uri, &headers, &body, now) {
        Ok(p) => p,
        Err(e) => return ApiError::bad_request(e.field, e.problem).into_response(),
    };
    if parsed.fix.t_ms > now + 5 * 60_000 {
        let problem = Problem::InFuture { max_ahead_min: 5 };
        return ApiError::bad_request("timestamp", problem).into_response();
    }
    let owner = match s.store.device_owner(&parsed.identifier).await {
        Ok(Some(o)) => o,
        Ok(None) => {
            let n = s.tracking.count_unknown_device();
            tracing::warn!(identifier = %parsed.identifier, refused_so_far = n, "OsmAnd fix from an unknown device");
            return (StatusCode::NOT_FOUND, "unknown device id").into_response();
        }
        Err(e) => {
            tracing::error!(error = %e, "device lookup failed");
            return (StatusCode::SERVICE_UNAVAILABLE, "try again").into_response();
        }
    };
    let outcome = s
        .tracking
        .ingest(
            &s.store,
            owner.tenant,
            owner.employee,
            owner.department,
            Some(owner.device),
            FixSource::Osmand,
            vec![parsed.fix],
        )
        .await;
    match outcome {
        Ok(_) => StatusCode::OK.into_response(),
        Err(e) => (e.status, e.message).into_response(),
    }
}
