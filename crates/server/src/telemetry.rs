//! Request ids and the span every log line of a request is written in.
//!
//! Each request carries an `x-request-id`: the client's own when it sent one (so a proxy's
//! or a phone's id follows the request through), else a fresh UUID. The response answers
//! it in the same header, and the request's span records it beside the method and the
//! route template, so JSON logs (`OUTFIELD_LOG_FORMAT=json`) tie every line to a request.

use crate::metrics::UNMATCHED;
use axum::extract::MatchedPath;
use axum::http::{HeaderName, Request};
use tracing::Span;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The span of one request (`TraceLayer::make_span_with`); it runs inside the request-id
/// layer, so the header is always there.
pub fn request_span<B>(req: &Request<B>) -> Span {
    let id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED, MatchedPath::as_str);
    tracing::info_span!(
        "request",
        request_id = %id,
        method = %req.method(),
        route = %route,
    )
}
