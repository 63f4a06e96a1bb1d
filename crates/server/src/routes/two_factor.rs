//! Two-factor sign-in outside the login itself: a person enrolling or turning off their
//! own authenticator, an admin's view and reset of a person's, and the tenant's policy.
//! Session-only: no integration key reaches these (see `auth::scopes`).

use crate::auth::Caller;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ClientAddr, Json, Path};
use crate::services::two_factor::{self, Proof, SecuritySettings, TotpEnrolment, TwoFactorStatus};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use domain::EmployeeId;
use domain::access::{Action, Resource};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_two_factor))
        .routes(routes!(start_totp, disable_totp))
        .routes(routes!(confirm_totp))
        .routes(routes!(employee_two_factor))
        .routes(routes!(reset_two_factor))
        .routes(routes!(get_security_settings, put_security_settings))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmTotpRequest {
    /// A code the authenticator app shows for the new secret.
    pub code: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RecoveryCodes {
    /// Ten single-use codes for when the authenticator is lost. Shown only now; only
    /// their hashes are kept.
    pub recovery_codes: Vec<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisableTotpRequest {
    /// A current code from the authenticator…
    pub code: Option<String>,
    /// …or the password.
    pub password: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SecuritySettingsBody {
    pub two_factor_required: bool,
}

/// The signed-in person's second factor.
#[utoipa::path(get, path = "/api/v1/me/2fa", tag = "auth",
    responses((status = 200, body = TwoFactorStatus)))]
async fn my_two_factor(
    State(s): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<TwoFactorStatus>> {
    Ok(Json(two_factor::my_status(&s, caller.user()?).await?))
}

/// Starts enrolling an authenticator app (TOTP, RFC 6238: SHA-1, 6 digits, 30 s): answers
/// the secret and its `otpauth://` URI for a QR code. Nothing is active until
/// `…/totp/confirm`; starting again replaces a pending secret.
#[utoipa::path(post, path = "/api/v1/me/2fa/totp", tag = "auth",
    responses((status = 200, body = TotpEnrolment),
        (status = 409, description = "`two_factor_already_enabled`", body = ErrorBody)))]
async fn start_totp(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<TotpEnrolment>> {
    Ok(Json(two_factor::start_mine(&s, caller.user()?).await?))
}

/// Confirms the pending enrolment with a current code: two-factor sign-in is on from
/// now, and the answer holds the ten recovery codes (shown once).
#[utoipa::path(post, path = "/api/v1/me/2fa/totp/confirm", tag = "auth",
    request_body = ConfirmTotpRequest,
    responses((status = 200, body = RecoveryCodes),
        (status = 409, description = "`two_factor_not_pending`: no enrolment was started", body = ErrorBody),
        (status = 422, description = "`two_factor_code_invalid`: not a current code of the new secret", body = ErrorBody)))]
async fn confirm_totp(
    State(s): State<AppState>,
    caller: Caller,
    Json(req): Json<ConfirmTotpRequest>,
) -> ApiResult<Json<RecoveryCodes>> {
    let recovery_codes = two_factor::confirm_mine(&s, caller.user()?, req.code.as_deref()).await?;
    Ok(Json(RecoveryCodes { recovery_codes }))
}

/// Turns two-factor sign-in off, proven by a current code or the password (wrong proofs
/// count as failed logins). Refused while the tenant's policy requires it of the role.
#[utoipa::path(delete, path = "/api/v1/me/2fa/totp", tag = "auth",
    request_body = DisableTotpRequest,
    responses((status = 204),
        (status = 409, description = "`two_factor_not_enabled`, or `two_factor_required` by the tenant's policy", body = ErrorBody),
        (status = 422, description = "`two_factor_code_invalid`: wrong code or password", body = ErrorBody),
        (status = 429, description = "too many wrong proofs; wait `Retry-After` seconds", body = ErrorBody)))]
async fn disable_totp(
    State(s): State<AppState>,
    caller: Caller,
    ClientAddr(addr): ClientAddr,
    Json(req): Json<DisableTotpRequest>,
) -> ApiResult<StatusCode> {
    let proof = Proof {
        code: req.code,
        recovery_code: None,
        password: req.password,
    };
    two_factor::disable_mine(&s, caller.user()?, proof, &addr).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A person's second factor (whether it is on, recovery codes left), for the people who
/// reach the person.
#[utoipa::path(get, path = "/api/v1/employees/{id}/2fa", tag = "employees",
    params(("id" = EmployeeId, Path)),
    responses((status = 200, body = TwoFactorStatus)))]
async fn employee_two_factor(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<EmployeeId>,
) -> ApiResult<Json<TwoFactorStatus>> {
    let reach = caller.reach(Resource::Employees, Action::Read)?;
    caller.user()?;
    Ok(Json(
        two_factor::employee_status(&s, &reach, caller.tenant(), id).await?,
    ))
}

/// Resets a person's second factor (a lost phone): their authenticator and recovery
/// codes are removed, and they enrol again. Admins only, not for themselves; recorded in
/// the audit log (`employees`, action `2fa/reset`).
#[utoipa::path(post, path = "/api/v1/employees/{id}/2fa/reset", tag = "employees",
    params(("id" = EmployeeId, Path)),
    responses((status = 204),
        (status = 409, description = "`two_factor_not_enabled`: nothing to reset", body = ErrorBody),
        (status = 422, description = "`self_change` on `id`: use your own screen", body = ErrorBody)))]
async fn reset_two_factor(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<EmployeeId>,
) -> ApiResult<StatusCode> {
    let reach = caller.reach(Resource::Employees, Action::Write)?;
    two_factor::reset(&s, caller.user()?, &reach, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The tenant's sign-in policy.
#[utoipa::path(get, path = "/api/v1/security-settings", tag = "auth",
    responses((status = 200, body = SecuritySettings)))]
async fn get_security_settings(
    State(s): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<SecuritySettings>> {
    caller.user()?;
    Ok(Json(two_factor::settings(&s, caller.tenant()).await?))
}

/// Sets the sign-in policy (admins). With `two_factor_required`, admins, managers and
/// finance people must use a second factor: those without one are asked to enrol at
/// their next sign-in before they get a session, and their open sessions end now.
#[utoipa::path(put, path = "/api/v1/security-settings", tag = "auth",
    request_body = SecuritySettingsBody,
    responses((status = 200, body = SecuritySettings),
        (status = 409, description = "`two_factor_not_enabled`: the admin has no second factor yet", body = ErrorBody)))]
async fn put_security_settings(
    State(s): State<AppState>,
    caller: Caller,
    Json(req): Json<SecuritySettingsBody>,
) -> ApiResult<Json<SecuritySettings>> {
    Ok(Json(
        two_factor::set_settings(&s, caller.user()?, req.two_factor_required).await?,
    ))
}
