//! Login and logout.

use crate::auth::tokens::{self, TokenKind};
use crate::auth::{Caller, passwords, throttle};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::Json;
use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use chrono::{DateTime, Utc};
use domain::TenantId;
use domain::employee::Employee;
use domain::throttle::ThrottlePolicy;
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
}

#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub tenant: TenantSummary,
    pub employee: Employee,
}

#[derive(Serialize, ToSchema)]
pub struct TenantSummary {
    pub id: TenantId,
    pub slug: String,
    pub name: String,
    pub timezone: String,
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

/// Exchanges a username and password for a bearer token. Five wrong passwords for one
/// account, or thirty from one address, within 15 minutes lock further tries for 15
/// minutes (429 with `Retry-After`).
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", security(()),
    request_body = LoginRequest,
    responses(
        (status = 200, body = LoginResponse),
        (status = 401, description = "wrong tenant, username or password", body = ErrorBody),
        (status = 429, description = "too many failed attempts", body = ErrorBody),
    ))]
async fn login(
    State(s): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Json(req): Json<LoginRequest>,
) -> ApiResult<Json<LoginResponse>> {
    let now = crate::now_ms();
    let acct = throttle::account_key(&req.tenant, &req.username);
    let addr_key = throttle::address_key(&addr);
    let keys = [
        (acct.as_str(), ThrottlePolicy::ACCOUNT),
        (addr_key.as_str(), ThrottlePolicy::ADDRESS),
    ];
    throttle::check(&s.store, &keys, now).await?;

    let tenant = s.store.tenant_by_slug(req.tenant.trim()).await?;
    let username = req.username.trim().to_ascii_lowercase();
    let candidate = match &tenant {
        Some(t) => s.store.login_candidate(t.id, &username).await?,
        None => None,
    };
    let stored = candidate
        .as_ref()
        .filter(|c| c.active)
        .and_then(|c| c.password_hash.clone());
    let ok = passwords::verify(req.password, stored).await;
    let (Some(tenant), Some(candidate), true) = (tenant, candidate, ok) else {
        throttle::record_failure(&s.store, &keys, now).await?;
        return Err(ApiError::wrong_credentials());
    };
    s.store.clear_failures(&acct).await?;

    let token = tokens::new_token(TokenKind::Session, tenant.id);
    let expires = now + s.config.session_ttl.as_millis() as i64;
    s.store
        .create_session(
            tenant.id,
            &tokens::hash(&token),
            candidate.id,
            now,
            expires,
            Some(&addr),
        )
        .await?;
    let employee = s
        .store
        .employee(tenant.id, candidate.id, &domain::access::Reach::Tenant)
        .await?;
    Ok(Json(LoginResponse {
        token,
        expires_at: DateTime::from_timestamp_millis(expires).unwrap_or_default(),
        tenant: TenantSummary {
            id: tenant.id,
            slug: tenant.slug,
            name: tenant.name,
            timezone: tenant.timezone,
        },
        employee,
    }))
}

/// Ends the session of the token sent.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204), (status = 401, body = ErrorBody)))]
async fn logout(State(s): State<AppState>, caller: Caller) -> ApiResult<StatusCode> {
    if let Some((TokenKind::Session, tenant)) = tokens::parse(&caller.token) {
        s.store
            .revoke_session(tenant, &tokens::hash(&caller.token), crate::now_ms())
            .await?;
    }
    Ok(StatusCode::NO_CONTENT)
}
