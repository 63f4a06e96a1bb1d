//! Which scope each operation requires of an integration key, and the gate that checks it.
//!
//! One table (`FAMILIES`, `NOT_FOR_KEYS`, `READS_BY_POST`) maps every operation to exactly
//! one scope, or to none: an operation that acts as a signed-in person (clocking in,
//! checking in, "my" anything) or administers keys, sessions or the server is never open
//! to a key. A read (`GET`) needs the family's `:read` scope, any other method its
//! `:write` scope; a key holding `:write` also passes the family's reads. The OpenAPI
//! document states each operation's scope from the same table (`document`), so the two
//! cannot disagree.

use super::Caller;
use super::tokens::{self, TokenKind};
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::access::{ApiScope, Principal, ScopeFamily};

/// Path prefixes (after `/api/v1/`) and the family their operations belong to; the
/// longest matching prefix wins.
const FAMILIES: &[(&str, ScopeFamily)] = &[
    ("customers", ScopeFamily::Customers),
    ("employees", ScopeFamily::Employees),
    ("employees/{id}/track", ScopeFamily::Tracking),
    ("employees/{id}/days", ScopeFamily::Tracking),
    ("employees/{id}/vehicles", ScopeFamily::Claims),
    ("departments", ScopeFamily::Departments),
    ("visits", ScopeFamily::Visits),
    ("visit-rules", ScopeFamily::Visits),
    ("photos", ScopeFamily::Visits),
    ("attendance", ScopeFamily::Attendance),
    ("attendance-rules", ScopeFamily::Attendance),
    ("calendar", ScopeFamily::Attendance),
    ("attendance/requests", ScopeFamily::Requests),
    ("devices", ScopeFamily::Tracking),
    ("tracking-rules", ScopeFamily::Tracking),
    ("geofences", ScopeFamily::Tracking),
    ("live", ScopeFamily::Tracking),
    ("mileage", ScopeFamily::Tracking),
    ("plans", ScopeFamily::Plans),
    ("forms", ScopeFamily::Forms),
    ("requests", ScopeFamily::Requests),
    ("approval-flows", ScopeFamily::Requests),
    ("approval-settings", ScopeFamily::Requests),
    ("reports", ScopeFamily::Reports),
    ("dashboard", ScopeFamily::Reports),
    ("insights", ScopeFamily::Reports),
    ("report-schedules", ScopeFamily::Reports),
    ("claims", ScopeFamily::Claims),
    ("payouts", ScopeFamily::Claims),
    ("mileage-rates", ScopeFamily::Claims),
    ("claim-settings", ScopeFamily::Claims),
    ("integrity", ScopeFamily::Integrity),
    ("webhooks", ScopeFamily::Webhooks),
    ("audit", ScopeFamily::Audit),
    ("events", ScopeFamily::Events),
    ("tombstones", ScopeFamily::Events),
];

/// Operations no key may call (method, path after `/api/v1/`; `*` any method; a path
/// ending in `/` covers everything below it): the person acting for themselves, sign-in,
/// keys themselves, the server's job queue, the demo.
const NOT_FOR_KEYS: &[(&str, &str)] = &[
    ("*", "auth/"),
    ("*", "me"),
    ("*", "me/"),
    ("*", "api-keys"),
    ("*", "api-keys/"),
    ("*", "admin/"),
    // Two-factor sign-in is a person's business and an admin's, never an integration's.
    ("*", "employees/{id}/2fa"),
    ("*", "employees/{id}/2fa/"),
    ("*", "security-settings"),
    // Single sign-on settings: a tenant admin's, signed in.
    ("*", "sso"),
    ("*", "demo/"),
    // "What waits for me" has no meaning for a key.
    ("*", "approvals/"),
    ("POST", "attendance/clock-in"),
    ("POST", "attendance/clock-out"),
    ("POST", "attendance/corrections"),
    ("POST", "attendance/leave"),
    ("POST", "visits"),
    ("POST", "visits/{id}/check-out"),
    ("POST", "visits/{id}/photos"),
    ("PUT", "visits/{id}/report"),
    ("POST", "photos"),
    ("POST", "locations"),
    ("POST", "integrity/days/{employee_id}/{date}/appeal"),
    ("POST", "requests"),
    ("POST", "requests/{id}/withdraw"),
    ("POST", "requests/{id}/resubmit"),
    // Approvers are people: a decision is theirs.
    ("POST", "requests/{id}/decision"),
    ("POST", "attendance/requests/{id}/decision"),
    ("POST", "claims/{id}/decision"),
];

/// `POST` operations that change nothing and so need the family's read scope.
const READS_BY_POST: &[&str] = &["geofences/{id}/judge"];

fn matches(pattern: &str, path: &str) -> bool {
    match pattern.strip_suffix('/') {
        Some(prefix) => path.starts_with(pattern) || path == prefix,
        None => path == pattern,
    }
}

/// The scope an operation (method and route template) requires of a key, or `None` when
/// no key may call it.
pub fn required(method: &Method, template: &str) -> Option<ApiScope> {
    let path = template.strip_prefix("/api/v1/")?;
    let excluded = NOT_FOR_KEYS
        .iter()
        .any(|(m, p)| (*m == "*" || *m == method.as_str()) && matches(p, path));
    if excluded {
        return None;
    }
    let (_, family) = FAMILIES
        .iter()
        .filter(|(prefix, _)| {
            path == *prefix
                || path
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with('/'))
        })
        .max_by_key(|(prefix, _)| prefix.len())?;
    let reads = matches!(*method, Method::GET | Method::HEAD)
        || (*method == Method::POST && READS_BY_POST.contains(&path));
    ApiScope::ALL
        .iter()
        .copied()
        .find(|s| s.family() == *family && s.writes() != reads)
}

/// Whether the request presents an integration key (by its token's form; whether the key
/// exists is for the lookup to say).
pub fn presents_key(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .and_then(|t| tokens::parse(t.trim()))
        .is_some_and(|(kind, _)| kind == TokenKind::ApiKey)
}

/// 403 `missing_scope`, naming the scope in the message and as the one field problem
/// (`{"field": "visits:read", "code": "required"}`), so a client can read it without
/// parsing English.
pub fn missing(scope: ApiScope) -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "missing_scope",
        format!("this key lacks the scope {}", scope.as_str()),
    )
    .field(scope.as_str(), domain::Problem::Required)
}

/// Route layer (it needs the matched path): a request with a key passes only into an
/// operation whose scope the key holds, and the caller it leaves for the handler carries
/// that admitted scope (see `domain::access::reach`). Sessions pass untouched.
pub async fn gate(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !presents_key(req.headers()) {
        return next.run(req).await;
    }
    let template = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let scope = required(req.method(), &template);
    let (mut parts, body) = req.into_parts();
    let mut caller = match Caller::from_request_parts(&mut parts, &state).await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let Principal::ApiKey(key) = &mut caller.principal else {
        return next.run(Request::from_parts(parts, body)).await;
    };
    let Some(scope) = scope else {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "integration keys cannot call this operation",
        )
        .into_response();
    };
    if !key.holds(scope) {
        return missing(scope).into_response();
    }
    key.admitted = Some(scope);
    parts.extensions.insert(caller);
    next.run(Request::from_parts(parts, body)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_reads() {
        let r = |m: Method, p: &str| required(&m, p).map(ApiScope::as_str);
        assert_eq!(r(Method::GET, "/api/v1/visits"), Some("visits:read"));
        assert_eq!(r(Method::POST, "/api/v1/visits"), None);
        assert_eq!(r(Method::GET, "/api/v1/visits/{id}"), Some("visits:read"));
        assert_eq!(
            r(Method::GET, "/api/v1/employees/{id}/track"),
            Some("tracking:read")
        );
        assert_eq!(
            r(Method::PUT, "/api/v1/employees/{id}"),
            Some("employees:write")
        );
        assert_eq!(
            r(Method::GET, "/api/v1/attendance/requests"),
            Some("requests:read")
        );
        assert_eq!(
            r(Method::POST, "/api/v1/geofences/{id}/judge"),
            Some("tracking:read")
        );
        assert_eq!(r(Method::GET, "/api/v1/me"), None);
        assert_eq!(r(Method::GET, "/api/v1/me/today"), None);
        assert_eq!(r(Method::GET, "/api/v1/api-keys"), None);
        assert_eq!(r(Method::GET, "/api/v1/events"), Some("events:read"));
        // The change feed has no write scope.
        assert_eq!(r(Method::POST, "/api/v1/events"), None);
        assert_eq!(r(Method::GET, "/api/v1/mileage-rates"), Some("claims:read"));
        assert_eq!(
            r(Method::GET, "/api/v1/mileage/monthly"),
            Some("tracking:read")
        );
    }
}
