//! Login (with its second step when the person uses two-factor sign-in) and logout.

use crate::auth::tokens::{self, TokenKind};
use crate::auth::{Caller, passwords, throttle};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::Json;
use crate::services::me::TenantSummary;
use crate::services::two_factor::{self, Proof, SecondStep, TotpEnrolment};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use domain::employee::Employee;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(login_second_factor))
        .routes(routes!(login_enrol))
        .routes(routes!(login_enrol_confirm))
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

/// What a right password answers: a session, or — when the person uses two-factor
/// sign-in, or the tenant requires it of their role — the second step to take.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum LoginAnswer {
    Session(Box<LoginResponse>),
    SecondStep(TwoFactorChallenge),
}

/// The password was right; a second step must follow before a session is issued.
#[derive(Serialize, ToSchema)]
pub struct TwoFactorChallenge {
    /// `verify`: send a code (or a recovery code) to `POST /api/v1/auth/2fa`. `enrol`:
    /// the tenant requires a second factor of this role and the person has none; enrol
    /// through `POST /api/v1/auth/2fa/enrol` and `…/enrol/confirm`.
    pub two_factor: SecondStep,
    /// Send it with the second step; it is not a bearer token and opens nothing else.
    pub challenge_token: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SecondFactorRequest {
    pub challenge_token: String,
    /// The 6-digit code the authenticator app shows.
    pub code: Option<String>,
    /// One of the recovery codes handed out at enrolment (each works once).
    pub recovery_code: Option<String>,
    /// As in `LoginRequest`.
    pub device_token: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolAtLoginRequest {
    pub challenge_token: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolConfirmAtLoginRequest {
    pub challenge_token: String,
    /// A code from the newly enrolled authenticator.
    pub code: Option<String>,
    pub device_token: Option<String>,
}

/// A completed enrolment at sign-in: the session, and the recovery codes (shown once).
#[derive(Serialize, ToSchema)]
pub struct EnrolledLoginResponse {
    /// Ten single-use codes for when the authenticator is lost; stored only hashed.
    pub recovery_codes: Vec<String>,
    pub session: LoginResponse,
}

pub use crate::extract::ClientAddr;

/// Exchanges a username and password for a bearer token. Failed logins slow further
/// tries with a doubling delay (429 with `Retry-After`), never a lockout: the account's
/// known devices (the `device_token`, also kept in the `outfield_device` cookie) and
/// addresses are held back only by their own failures. See README, "Throttling".
///
/// A person with two-factor sign-in (or whom the tenant's policy requires to enrol) gets
/// no session here: the answer is a `TwoFactorChallenge` (`two_factor`,
/// `challenge_token`), and the session comes from `POST /api/v1/auth/2fa` (or the
/// enrolment pair). Codes are throttled under the same counters as passwords.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", security(()),
    request_body = LoginRequest,
    responses(
        (status = 200, description = "a session, or the second step of two-factor sign-in", body = LoginAnswer),
        (status = 401, description = "wrong tenant, username or password", body = ErrorBody),
        (status = 429, description = "too many failed attempts; wait `Retry-After` seconds", body = ErrorBody),
    ))]
async fn login(
    State(s): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    Json(req): Json<LoginRequest>,
) -> ApiResult<Response> {
    let tenant = s.store.tenant_by_slug(req.tenant.trim()).await?;
    let username = req.username.trim().to_ascii_lowercase();
    let candidate = match &tenant {
        Some(t) => s.store.login_candidate(t.id, &username).await?,
        None => None,
    };
    let presented = throttle::presented_device(req.device_token.as_ref(), &headers);
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
    // The password alone clears no counter and remembers no device: with a second step
    // pending that would hand code guessers fresh tries with every right password.
    if let Some(step) = two_factor::second_step(&s, tenant.id, candidate.id).await? {
        let c = two_factor::open_challenge(&s, tenant.id, candidate.id, step).await?;
        return Ok(Json(LoginAnswer::SecondStep(TwoFactorChallenge {
            two_factor: c.step,
            challenge_token: c.token,
            expires_at: DateTime::from_timestamp_millis(c.expires_ms).unwrap_or_default(),
        }))
        .into_response());
    }
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
    let session = two_factor::issue_session(&s, tenant, candidate.id, &addr).await?;
    Ok(signed_in(
        LoginAnswer::Session(Box::new(login_response(session, device_token.clone()))),
        &device_token,
    ))
}

fn login_response(session: two_factor::Session, device_token: String) -> LoginResponse {
    LoginResponse {
        token: session.token,
        device_token,
        expires_at: DateTime::from_timestamp_millis(session.expires_ms).unwrap_or_default(),
        tenant: session.tenant,
        employee: session.employee,
    }
}

/// The answer with the device cookie set.
fn signed_in<T: Serialize>(body: T, device_token: &str) -> Response {
    (
        [(
            header::SET_COOKIE,
            throttle::device_set_cookie(device_token),
        )],
        Json(body),
    )
        .into_response()
}

/// The second step of sign-in: a current code from the authenticator app, or an unused
/// recovery code, exchanges the login's `challenge_token` for a session. A code works
/// once (the same code again, even within its 30 s, is refused); wrong codes count as
/// failed logins (429 with `Retry-After` once the back-off holds), and ten wrong codes
/// end the challenge.
#[utoipa::path(post, path = "/api/v1/auth/2fa", tag = "auth", security(()),
    request_body = SecondFactorRequest,
    responses(
        (status = 200, body = LoginResponse),
        (status = 401, description = "`two_factor_code_invalid`: wrong, expired or reused code; `two_factor_challenge_invalid`: unknown, expired or used challenge (sign in again)", body = ErrorBody),
        (status = 429, description = "too many failed attempts; wait `Retry-After` seconds", body = ErrorBody),
    ))]
async fn login_second_factor(
    State(s): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    Json(req): Json<SecondFactorRequest>,
) -> ApiResult<Response> {
    let presented = throttle::presented_device(req.device_token.as_ref(), &headers);
    let proof = Proof {
        code: req.code,
        recovery_code: req.recovery_code,
        password: None,
    };
    let done =
        two_factor::complete_login(&s, &req.challenge_token, proof, &addr, presented.as_deref())
            .await?;
    let session = two_factor::issue_session(&s, done.tenant, done.employee, &addr).await?;
    Ok(signed_in(
        login_response(session, done.device_token.clone()),
        &done.device_token,
    ))
}

/// Enrolment at sign-in, when the tenant requires a second factor and the person has
/// none (`two_factor: enrol`): answers a new secret and its `otpauth://` URI. Nothing is
/// active until `…/enrol/confirm`.
#[utoipa::path(post, path = "/api/v1/auth/2fa/enrol", tag = "auth", security(()),
    request_body = EnrolAtLoginRequest,
    responses(
        (status = 200, body = TotpEnrolment),
        (status = 401, description = "`two_factor_challenge_invalid`", body = ErrorBody),
        (status = 409, description = "`two_factor_already_enabled`", body = ErrorBody),
    ))]
async fn login_enrol(
    State(s): State<AppState>,
    Json(req): Json<EnrolAtLoginRequest>,
) -> ApiResult<Json<TotpEnrolment>> {
    Ok(Json(
        two_factor::enrol_at_login(&s, &req.challenge_token).await?,
    ))
}

/// Confirms the enrolment begun at sign-in with a code from the app: the second factor
/// is on, and the answer is the session with the ten recovery codes (shown only now).
#[utoipa::path(post, path = "/api/v1/auth/2fa/enrol/confirm", tag = "auth", security(()),
    request_body = EnrolConfirmAtLoginRequest,
    responses(
        (status = 200, body = EnrolledLoginResponse),
        (status = 401, description = "`two_factor_challenge_invalid`", body = ErrorBody),
        (status = 409, description = "`two_factor_not_pending`: no enrolment was started", body = ErrorBody),
        (status = 422, description = "`two_factor_code_invalid`: not a current code of the new secret", body = ErrorBody),
    ))]
async fn login_enrol_confirm(
    State(s): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    Json(req): Json<EnrolConfirmAtLoginRequest>,
) -> ApiResult<Response> {
    let presented = throttle::presented_device(req.device_token.as_ref(), &headers);
    let done = two_factor::confirm_at_login(
        &s,
        &req.challenge_token,
        req.code.as_deref(),
        &addr,
        presented.as_deref(),
    )
    .await?;
    let session = two_factor::issue_session(&s, done.tenant, done.employee, &addr).await?;
    Ok(signed_in(
        EnrolledLoginResponse {
            recovery_codes: done.recovery_codes,
            session: login_response(session, done.device_token.clone()),
        },
        &done.device_token,
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
