//! Single sign-on with OpenID Connect: the admin's settings (`/api/v1/sso`), and the
//! public sign-in flow under `/api/v1/auth/oidc/{tenant}`. `start` and `callback` are
//! browser navigations, so they answer redirects, never JSON: a failure sends the browser
//! back to the console's sign-in page with `sso_error=<code>` (one of the API's error
//! codes, translated there); a success with `sso_code=<one-time code>`, which the console
//! swaps for a session with `POST …/exchange`, so no bearer token ever sits in a URL.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ClientAddr, Json, Path, Query};
use crate::services::me::TenantSummary;
use crate::services::sso::{self as uc, CallbackInput, SettingsInput};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use domain::DepartmentId;
use domain::access::{Action, Resource};
use domain::employee::Employee;
use serde::{Deserialize, Serialize};
use storage::SsoConfigRecord;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_sso_settings, put_sso_settings))
        .routes(routes!(sso_offered))
        .routes(routes!(sso_start))
        .routes(routes!(sso_callback))
        .routes(routes!(sso_exchange))
}

/// The cookie that ties a sign-in to the browser that started it.
const BINDING_COOKIE: &str = "outfield_sso";
const COOKIE_PATH: &str = "/api/v1/auth/oidc/";
/// The console (served at `/`; its sign-in page reads `sso_code` / `sso_error`).
const CONSOLE: &str = "/";

/// The address browsers reach this server at: the operator's `public_url`, else this
/// request's `Host` (with `X-Forwarded-Proto` / `X-Forwarded-Host` behind a trusted proxy).
fn public_base(s: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &s.config.public_url {
        return url.clone();
    }
    let get = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(',').next().unwrap_or_default().trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let forwarded = |name: &str| get(name).filter(|_| s.config.trust_forwarded_for);
    let scheme = forwarded("x-forwarded-proto").unwrap_or_else(|| "http".into());
    let host = forwarded("x-forwarded-host")
        .or_else(|| get(header::HOST.as_str()))
        .unwrap_or_else(|| "localhost".into());
    format!("{scheme}://{host}")
}

fn redirect_uri(base: &str, slug: &str) -> String {
    let slug: String = form_urlencoded::byte_serialize(slug.trim().as_bytes()).collect();
    format!("{base}/api/v1/auth/oidc/{slug}/callback")
}

/// The tenant's single sign-on settings. The client secret is never answered, only
/// whether one is stored.
#[derive(Serialize, ToSchema)]
pub struct SsoSettings {
    /// Whether an admin has saved settings (before that the rest are defaults).
    pub configured: bool,
    /// The provider's issuer; discovery reads `{issuer_url}/.well-known/openid-configuration`.
    pub issuer_url: String,
    pub client_id: String,
    pub client_secret_set: bool,
    /// The ID-token claim whose value is the person's Outfield username
    /// (`preferred_username` unless set; `email`, `upn`, … also work).
    pub username_claim: String,
    /// Just-in-time provisioning: a username nobody has becomes a new field rep in
    /// `jit_department_id` (off by default).
    pub jit_provisioning: bool,
    pub jit_department_id: Option<DepartmentId>,
    pub enabled: bool,
    /// The redirect URI to register with the provider for this tenant.
    pub redirect_uri: String,
    pub updated_at: Option<DateTime<Utc>>,
}

fn view(c: Option<SsoConfigRecord>, redirect_uri: String) -> SsoSettings {
    match c {
        Some(c) => SsoSettings {
            configured: true,
            jit_department_id: c.jit_department(),
            issuer_url: c.issuer_url,
            client_id: c.client_id,
            client_secret_set: !c.client_secret.is_empty(),
            username_claim: c.username_claim,
            jit_provisioning: c.jit_enabled,
            enabled: c.enabled,
            redirect_uri,
            updated_at: DateTime::from_timestamp_millis(c.updated_ms),
        },
        None => SsoSettings {
            configured: false,
            issuer_url: String::new(),
            client_id: String::new(),
            client_secret_set: false,
            username_claim: uc::DEFAULT_CLAIM.into(),
            jit_provisioning: false,
            jit_department_id: None,
            enabled: false,
            redirect_uri,
            updated_at: None,
        },
    }
}

/// The tenant's single sign-on settings (admins).
#[utoipa::path(get, path = "/api/v1/sso", tag = "sso",
    responses((status = 200, body = SsoSettings)))]
async fn get_sso_settings(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
) -> ApiResult<Json<SsoSettings>> {
    caller.reach(Resource::SingleSignOn, Action::Read)?;
    let tenant = caller.tenant();
    let slug = s.store.tenant(tenant).await?.slug;
    let uri = redirect_uri(&public_base(&s, &headers), &slug);
    Ok(Json(view(uc::settings(&s, tenant).await?, uri)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SsoInput {
    /// http or https; refused when it resolves to a private address unless the operator
    /// allows those (as for webhooks). With `enabled`, discovery must succeed.
    pub issuer_url: String,
    pub client_id: String,
    /// Write-only; omit (or send empty) to keep the stored one. Required the first time.
    pub client_secret: Option<String>,
    /// Default `preferred_username`.
    pub username_claim: Option<String>,
    #[serde(default)]
    pub jit_provisioning: bool,
    /// Required with `jit_provisioning`.
    pub jit_department_id: Option<DepartmentId>,
    pub enabled: bool,
}

/// Saves the tenant's single sign-on settings (admins).
#[utoipa::path(put, path = "/api/v1/sso", tag = "sso", request_body = SsoInput,
    responses((status = 200, body = SsoSettings), (status = 422, body = ErrorBody)))]
async fn put_sso_settings(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Json(input): Json<SsoInput>,
) -> ApiResult<Json<SsoSettings>> {
    caller.reach(Resource::SingleSignOn, Action::Write)?;
    let tenant = caller.tenant();
    let slug = s.store.tenant(tenant).await?.slug;
    let uri = redirect_uri(&public_base(&s, &headers), &slug);
    let input = SettingsInput {
        issuer_url: input.issuer_url,
        client_id: input.client_id,
        client_secret: input.client_secret,
        username_claim: input.username_claim,
        jit_provisioning: input.jit_provisioning,
        jit_department_id: input.jit_department_id,
        enabled: input.enabled,
    };
    let saved = uc::save_settings(&s, tenant, &uri, input).await?;
    Ok(Json(view(Some(saved), uri)))
}

#[derive(Serialize, ToSchema)]
pub struct SsoOffered {
    /// Whether the sign-in page should offer "Sign in with SSO" for this company.
    pub enabled: bool,
}

/// Whether a company (by slug) offers single sign-on; an unknown slug answers `false`.
#[utoipa::path(get, path = "/api/v1/auth/oidc/{tenant}", tag = "auth", security(()),
    params(("tenant" = String, Path, description = "The tenant's slug")),
    responses((status = 200, body = SsoOffered)))]
async fn sso_offered(
    State(s): State<AppState>,
    Path(slug): Path<String>,
) -> ApiResult<Json<SsoOffered>> {
    Ok(Json(SsoOffered {
        enabled: uc::offered(&s, &slug).await?,
    }))
}

/// Back to the console's sign-in page with `key=value` and the company.
fn to_console(slug: &str, key: &str, value: &str, clear_cookie: bool) -> Response {
    let q: String = form_urlencoded::Serializer::new(String::new())
        .append_pair(key, value)
        .append_pair("tenant", slug)
        .finish();
    let mut resp = (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, format!("{CONSOLE}?{q}"))],
    )
        .into_response();
    if clear_cookie {
        resp.headers_mut().append(
            header::SET_COOKIE,
            format!("{BINDING_COOKIE}=; Path={COOKIE_PATH}; Max-Age=0; HttpOnly; SameSite=Lax")
                .parse()
                .expect("a valid header"),
        );
    }
    resp
}

/// Starts signing in with the company's identity provider: 303 to the provider's
/// authorization endpoint (code flow, PKCE S256, state and nonce kept server-side for ten
/// minutes), with a cookie that binds the sign-in to this browser. On failure, 303 to
/// `/?sso_error=sso_unavailable|sso_provider_error&tenant=…`.
#[utoipa::path(get, path = "/api/v1/auth/oidc/{tenant}/start", tag = "auth", security(()),
    params(("tenant" = String, Path, description = "The tenant's slug")),
    responses((status = 303, description = "To the provider, or back to the console's sign-in page with `sso_error`",
        headers(("Location" = String), ("Set-Cookie" = String)))))]
async fn sso_start(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Response {
    let base = public_base(&s, &headers);
    match uc::start(&s, &slug, &redirect_uri(&base, &slug)).await {
        Ok(started) => {
            let secure = if base.starts_with("https:") {
                "; Secure"
            } else {
                ""
            };
            let cookie = format!(
                "{BINDING_COOKIE}={}; Path={COOKIE_PATH}; Max-Age=600; HttpOnly; SameSite=Lax{secure}",
                started.browser_secret
            );
            (
                StatusCode::SEE_OTHER,
                [
                    (header::LOCATION, started.provider_url),
                    (header::SET_COOKIE, cookie),
                ],
            )
                .into_response()
        }
        Err(e) => to_console(&slug, "sso_error", e.code, false),
    }
}

/// What the provider appends to the redirect URI. Providers add parameters of their own
/// (`iss`, `session_state`, …): they are ignored.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallbackQuery {
    pub code: Option<String>,
    pub state: Option<String>,
    /// The provider's error code (`access_denied`, …) when it did not sign the person in.
    pub error: Option<String>,
}

fn binding_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == BINDING_COOKIE)
        .map(|(_, v)| v.to_owned())
}

/// The provider's answer: the code exchanged, the ID token checked (signature, issuer,
/// audience, expiry, nonce), its username claim mapped to an active person of the
/// tenant (or, with just-in-time provisioning, a new field rep). 303 to
/// `/?sso_code=…&tenant=…` on success; otherwise to `/?sso_error=…&tenant=…`
/// with `sso_state_invalid` (unknown, used, expired or another browser's state),
/// `sso_unavailable`, `sso_provider_error`, `sso_id_token_invalid`, `sso_claim_missing`,
/// `sso_no_person` or `sso_person_inactive`.
#[utoipa::path(get, path = "/api/v1/auth/oidc/{tenant}/callback", tag = "auth", security(()),
    params(("tenant" = String, Path, description = "The tenant's slug"), CallbackQuery),
    responses((status = 303, description = "Back to the console's sign-in page with `sso_code` or `sso_error`",
        headers(("Location" = String)))))]
async fn sso_callback(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    query: Result<Query<CallbackQuery>, ApiError>,
) -> Response {
    let Ok(Query(q)) = query else {
        return to_console(&slug, "sso_error", "sso_state_invalid", true);
    };
    let input = CallbackInput {
        code: q.code,
        state: q.state,
        error: q.error,
        browser_secret: binding_cookie(&headers),
    };
    match uc::callback(&s, &slug, input).await {
        Ok(code) => to_console(&slug, "sso_code", &code, true),
        Err(e) => to_console(&slug, "sso_error", e.code, true),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SsoExchangeRequest {
    /// The `sso_code` the callback sent the browser to the console with.
    pub code: String,
}

#[derive(Serialize, ToSchema)]
pub struct SsoLoginResponse {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub tenant: TenantSummary,
    pub employee: Employee,
}

/// Swaps the one-time code of a finished single sign-on (valid for a minute, once) for a
/// session, answered like a password login.
#[utoipa::path(post, path = "/api/v1/auth/oidc/{tenant}/exchange", tag = "auth", security(()),
    params(("tenant" = String, Path, description = "The tenant's slug")),
    request_body = SsoExchangeRequest,
    responses((status = 200, body = SsoLoginResponse),
        (status = 401, description = "`sso_code_invalid`: unknown, expired, used, or another tenant's", body = ErrorBody),
        (status = 403, description = "`sso_person_inactive`: deactivated since signing in", body = ErrorBody)))]
async fn sso_exchange(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    ClientAddr(addr): ClientAddr,
    Json(req): Json<SsoExchangeRequest>,
) -> ApiResult<Json<SsoLoginResponse>> {
    let session = uc::exchange(&s, &slug, &req.code, &addr).await?;
    Ok(Json(SsoLoginResponse {
        token: session.token,
        expires_at: DateTime::from_timestamp_millis(session.expires_at_ms).unwrap_or_default(),
        tenant: session.tenant,
        employee: session.employee,
    }))
}
