//! Request extractors that answer bad input in the API's error shape, naming the field,
//! instead of axum's plain-text rejections.

use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::{Format, Problem};
use serde::Serialize;
use serde::de::DeserializeOwned;

mod if_match;
mod query_fields;
pub use if_match::IfMatch;
pub use query_fields::{QueryProbe, field_names};

/// JSON body. Syntax errors are 400; a wrong type or missing field is 422 with the path.
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        parse_json(&json_bytes(req, state).await?).map(Json)
    }
}

/// The bytes of a body declared as JSON (415 otherwise; 413 over the limit).
pub async fn json_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    let is_json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json") || v.contains("+json"));
    if !is_json {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the body as application/json",
        ));
    }
    Bytes::from_request(req, state).await.map_err(body_error)
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let field = if path == "." { "body".to_owned() } else { path };
        if inner.is_syntax() || inner.is_eof() {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                format!("the body is not valid JSON: {inner}"),
            )
            .field("body", Problem::format(Format::Json))
        } else {
            let problem = inner.to_string();
            // serde's messages end with " at line 1 column 20"; the path says where already.
            let problem = problem
                .split(" at line ")
                .next()
                .unwrap_or(&problem)
                .to_owned();
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                format!("{field}: {problem}"),
            )
            .field(field, serde_problem(&problem))
        }
    })
}

/// Classifies serde's English message into the problem vocabulary, keeping the
/// message itself as the English text when it fits no class.
fn serde_problem(msg: &str) -> Problem {
    if msg.starts_with("missing field") {
        Problem::Required
    } else if msg.starts_with("unknown field") {
        Problem::UnknownField
    } else if let Some(rest) = msg.strip_prefix("unknown variant") {
        // "unknown variant `x`, expected one of `a`, `b`" (or "expected `a` or `b`")
        let allowed: Vec<String> = rest
            .split_once("expected")
            .map(|(_, e)| e.split('`').skip(1).step_by(2).map(str::to_owned).collect())
            .unwrap_or_default();
        Problem::UnknownValue { allowed }
    } else if msg.contains("UUID") || msg.contains("uuid") {
        Problem::format(Format::Id)
    } else if msg.contains("expected a string") {
        Problem::format(Format::Text)
    } else if msg.contains("expected a boolean") {
        Problem::format(Format::Boolean)
    } else if msg.contains("expected a sequence") {
        Problem::format(Format::List)
    } else if msg.contains("expected a map") || msg.contains("expected struct") {
        Problem::format(Format::Object)
    } else if msg.contains("expected i") || msg.contains("expected u") || msg.contains("integer") {
        Problem::format(Format::WholeNumber)
    } else if msg.contains("expected f") || msg.contains("number") {
        Problem::format(Format::Number)
    } else {
        Problem::Unreadable {
            detail: msg.to_owned(),
        }
    }
}

pub fn body_error(e: BytesRejection) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "the request body is too large",
        )
    } else {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", e.body_text())
    }
}

/// Query string, with the offending parameter named on failure. The only way handlers read
/// a query string (clippy's `disallowed-types` keeps axum's `Query`/`RawQuery` out), so
/// the names `T` reads are the names the operation reads: see `openapi::query_params`
/// for how they are held to the document.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        if let Some(probe) = parts.extensions.get::<QueryProbe>() {
            probe.record(field_names::<T>(), std::any::type_name::<T>());
        }
        #[allow(clippy::disallowed_methods)] // this is the one reader
        let q = parts.uri.query().unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(q.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(Query)
            .map_err(|e| {
                let field = e.path().to_string();
                let problem = e.into_inner().to_string();
                let field = if field == "." { "query".into() } else { field };
                // A well-formed number the parameter's type cannot hold (`limit=99999999999`)
                // is out of range, like one the handler refuses: 422 naming it.
                if problem.contains("too large") || problem.contains("too small") {
                    return ApiError::invalid_one(
                        field,
                        Problem::Unreadable {
                            detail: problem.clone(),
                        },
                    );
                }
                ApiError::bad_request(&field, serde_problem(&problem))
            })
    }
}

/// Path parameters; a malformed id is a 400 naming the parameter.
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Path(p.0))
            .map_err(|e| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "bad_request",
                    format!("id: is not a valid id ({})", e.body_text()),
                )
                .field("id", Problem::format(Format::Id))
            })
    }
}

/// The client's address: the TCP peer, or the first `X-Forwarded-For` hop when the
/// server is configured to sit behind a trusted proxy.
pub struct ClientAddr(pub String);

impl axum::extract::FromRequestParts<crate::state::AppState> for ClientAddr {
    type Rejection = crate::error::ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &crate::state::AppState,
    ) -> Result<Self, crate::error::ApiError> {
        if state.config.trust_forwarded_for
            && let Some(first) = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
        {
            return Ok(ClientAddr(first.trim().to_owned()));
        }
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip().to_string());
        Ok(ClientAddr(peer.unwrap_or_else(|| "unknown".into())))
    }
}
