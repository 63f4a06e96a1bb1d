//! The OsmAnd-protocol listener (`--osmand-listen`, default 127.0.0.1:5055): any path,
//! GET or POST, query string, form body or JSON body. Answers 200 once the fix is stored;
//! 400 naming a bad parameter; 404 for an identifier that is not a registered device.

use super::osmand::{self, OsmandError, OsmandFix};
use crate::state::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::IntoResponse;
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
            let v: serde_json::Value = serde_json::from_slice(body).map_err(|e| OsmandError {
                field: "body",
                problem: format!("is not JSON: {e}"),
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
) -> impl IntoResponse {
    if method != Method::GET && method != Method::POST {
        return (StatusCode::METHOD_NOT_ALLOWED, "use GET or POST".to_owned());
    }
    let now = crate::now_ms();
    let parsed = match parse(&method, &uri, &headers, &body, now) {
        Ok(p) => p,
        Err(e) => {
            return (
                StatusCode::BAD_REQUEST,
                format!("{}: {}", e.field, e.problem),
            );
        }
    };
    if parsed.fix.t_ms > now + 5 * 60_000 {
        return (
            StatusCode::BAD_REQUEST,
            "timestamp: is more than 5 minutes in the future".to_owned(),
        );
    }
    let owner = match s.store.device_owner(&parsed.identifier).await {
        Ok(Some(o)) => o,
        Ok(None) => {
            let n = s.tracking.count_unknown_device();
            tracing::warn!(identifier = %parsed.identifier, refused_so_far = n, "OsmAnd fix from an unknown device");
            return (StatusCode::NOT_FOUND, "unknown device id".to_owned());
        }
        Err(e) => {
            tracing::error!(error = %e, "device lookup failed");
            return (StatusCode::SERVICE_UNAVAILABLE, "try again".to_owned());
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
        Ok(_) => (StatusCode::OK, String::new()),
        Err(e) => (e.status, e.message),
    }
}
