//! `If-Match` on writes of versioned resources (customers, people, departments): the
//! version the client read, from the `ETag` it was given. Optional: without it a write
//! is unconditional (428 is never answered).

use crate::error::ApiError;
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;

/// The version `If-Match` names; `None` when the header is absent or `*`.
pub struct IfMatch(pub Option<i64>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        match parts.headers.get(header::IF_MATCH) {
            None => Ok(IfMatch(None)),
            Some(v) => {
                let raw = v.to_str().map_err(|_| ApiError::precondition_failed())?;
                crate::services::sync::if_match_version(raw).map(IfMatch)
            }
        }
    }
}
