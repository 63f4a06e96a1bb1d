//! Login and logout.

use crate::auth::tokens::{self, TokenKind};
use crate::auth::{Caller, passwords, throttle};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::Json;
use crate::services::me::TenantSummary;
use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, StatusCode, header};
use chrono::{DateTime, Utc};
use domain::employee::Employee;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The tenant's slug, e.g. `demo`.
    pub tenant: String,
    pub username: String,
    pub password: String,
    /// The `device_token` an earlier login on this device answered (browsers send it as
    /// the `outfield_device` cookie instead). A known device is not slowed by failures
    /// made elsewhere.
    pub device_token: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    pub token: String,
    /// Keep it and send it with later logins from this device (see `LoginRequest`).
    pub device_token: String,
    pub expires_at: DateTime<Utc>,
    pub tenant: TenantSummary,
    pub employee: Employee,
}

/// The client's address: the TCP peer, or the first `X-Forwarded-For` hop when the
/// server is configured to sit behind a trusted proxy.
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
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
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string());
        Ok(ClientAddr(peer.unwrap_or_else(|| "unknown".into())))
    }
}

/// Exchanges a username and password for a bearer token. Failed logins slow further
/// tries with a doubling delay (429 with `Retry-After`), never a lockout: the account's
/// known devices (the `device_token`, also kept in the `outfield_device` cookie) and
/// addresses are held back only by their own failures. See README, "Throttling".
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", security(()),
    request_body = LoginRequest,
    responses(
        (status = 200, body = LoginResponse),
        (status = 401, description = "wrong tenant, username or password", body = ErrorBody),
        (status = 429, description = "too many failed attempts; wait `Retry-After` seconds", body = ErrorBody),
    ))]
async fn login(
    State(s): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    Json(req): Json<LoginRequest>,
) -> ApiResult<([(HeaderName, String); 1], Json<LoginResponse>)> {
    let tenant = s.store.tenant_by_slug(req.tenant.trim()).await?;
    let username = req.username.trim().to_ascii_lowercase();
    let candidate = match &tenant {
        Some(t) => s.store.login_candidate(t.id, &username).await?,
        None => None,
    };
    let presented = req
        .device_token
        .clone()
        .or_else(|| throttle::device_cookie(&headers));
    let mut attempt = throttle::Attempt::new(
        &req.tenant,
        &username,
        &addr,
        tenant.as_ref().map(|t| t.id),
        candidate.as_ref().map(|c| c.id),
    );
    let _turn = s.logins.turn(attempt.account_key()).await;
    let now = s.config.clock.now_ms();
    let source = attempt.source(&s.store, presented.as_deref(), now).await?;
    attempt.check(&s.store, source, now).await?;

    let stored = candidate
        .as_ref()
        .filter(|c| c.active)
        .and_then(|c| c.password_hash.clone());
    let ok = passwords::verify(req.password, stored).await;
    let (Some(tenant), Some(candidate), true) = (tenant, candidate, ok) else {
        attempt.record_failure(&s.store, source, now).await?;
        return Err(ApiError::wrong_credentials());
    };
    let device_token = attempt
        .record_success(
            &s.store,
            source,
            tenant.id,
            candidate.id,
            presented.as_deref(),
            now,
        )
        .await?;

    // Sessions live on the system clock; the throttle's clock may be a test's.
    let issued = crate::now_ms();
    let token = tokens::new_token(TokenKind::Session, tenant.id);
    let expires = issued + s.config.session_ttl.as_millis() as i64;
    s.store
        .create_session(
            tenant.id,
            &tokens::hash(&token),
            candidate.id,
            issued,
            expires,
            Some(&addr),
        )
        .await?;
    let employee = s
        .store
        .employee(tenant.id, candidate.id, &domain::access::Reach::Tenant)
        .await?;
    let cookie = [(
        header::SET_COOKIE,
        throttle::device_set_cookie(&device_token),
    )];
    Ok((
        cookie,
        Json(LoginResponse {
            token,
            device_token,
            expires_at: DateTime::from_timestamp_millis(expires).unwrap_or_default(),
            tenant: TenantSummary::from(tenant),
            employee,
        }),
    ))
}

/// Ends the session of the token sent.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204), (status = 401, body = ErrorBody)))]
async fn logout(State(s): State<AppState>, caller: Caller) -> ApiResult<StatusCode> {
    if let Some((TokenKind::Session, tenant)) = tokens::parse(&caller.token) {
        let hash = tokens::hash(&caller.token);
        s.store
            .revoke_session(tenant, &hash, crate::now_ms())
            .await?;
        s.sessions.forget(&hash);
    }
    Ok(StatusCode::NO_CONTENT)
}
