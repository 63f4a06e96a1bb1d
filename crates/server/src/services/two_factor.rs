//! Two-factor sign-in: enrolling an authenticator (TOTP), recovery codes, the second step
//! of a login, the tenant's policy and an admin's reset. The code arithmetic is
//! `domain::totp`; a code's step and a recovery code are spent by storage in one
//! conditional statement each, so neither works twice. Wrong codes at sign-in are charged
//! to the login back-off (`auth::throttle`) under the same counters as wrong passwords.

use crate::auth::passwords;
use crate::auth::throttle::Attempt;
use crate::auth::tokens;
use crate::error::{ApiError, ApiResult};
use crate::services::me::TenantSummary;
use crate::state::AppState;
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use domain::access::{Action, Reach, Resource, UserPrincipal};
use domain::employee::{Employee, Role};
use domain::{EmployeeId, Problem, TenantId, totp};
use serde::Serialize;
use storage::{ChallengePurpose, LoginChallenge};
use utoipa::ToSchema;
use uuid::Uuid;

/// A verify challenge lives this long: the time to open an authenticator app.
const VERIFY_TTL_MS: i64 = 5 * 60_000;
/// An enrol challenge lives longer: installing an app and scanning takes a while.
const ENROL_TTL_MS: i64 = 15 * 60_000;
/// Wrong codes one challenge takes before the password must be entered again.
pub const MAX_FAILURES_PER_CHALLENGE: u32 = 10;
/// Prefix of challenge tokens (`ofc_<tenant>_<secret>`): not a bearer token.
const CHALLENGE_PREFIX: &str = "ofc";

/// A started enrolment: what the authenticator app needs. Nothing is active until a code
/// confirms it.
#[derive(Serialize, ToSchema)]
pub struct TotpEnrolment {
    /// The shared secret in base 32, for typing into an app by hand.
    pub secret: String,
    /// `otpauth://totp/…`, the Key URI format; show it as a QR code.
    pub otpauth_uri: String,
}

/// A person's second factor, as they or an admin see it.
#[derive(Serialize, ToSchema)]
pub struct TwoFactorStatus {
    /// A confirmed authenticator is required at sign-in.
    pub enabled: bool,
    /// An enrolment was started and waits for its first code.
    pub pending: bool,
    pub enabled_at: Option<DateTime<Utc>>,
    /// Unused recovery codes.
    pub recovery_codes_left: u32,
    /// The tenant's policy requires a second factor of this person's role.
    pub required: bool,
}

/// The tenant's sign-in policy.
#[derive(Serialize, ToSchema)]
pub struct SecuritySettings {
    /// Admins, managers and finance must sign in with a second factor; those without one
    /// enrol at their next sign-in before they get a session.
    pub two_factor_required: bool,
}

/// Which second step a login needs (see `POST /api/v1/auth/login`).
#[derive(Clone, Copy, Serialize, ToSchema, PartialEq, Eq, Debug)]
#[serde(rename_all = "snake_case")]
pub enum SecondStep {
    /// Send a code from the authenticator, or a recovery code, to `/auth/2fa`.
    Verify,
    /// The tenant requires a second factor and the person has none: enrol through
    /// `/auth/2fa/enrol` and `/auth/2fa/enrol/confirm`, which then signs in.
    Enrol,
}

/// An open second step: its token and when it expires.
pub struct Challenge {
    pub step: SecondStep,
    pub token: String,
    pub expires_ms: i64,
}

/// What a completed second step hands the login: the person, their tenant, and the
/// device token to keep.
pub struct SecondFactorDone {
    pub tenant: storage::Tenant,
    pub employee: EmployeeId,
    pub device_token: String,
    /// Recovery codes, when the step was an enrolment.
    pub recovery_codes: Vec<String>,
}

/// What proves the person at the second step or when disabling.
#[derive(Default)]
pub struct Proof {
    pub code: Option<String>,
    pub recovery_code: Option<String>,
    pub password: Option<String>,
}

fn unix_s() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn policy_covers(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Manager | Role::Finance)
}

fn code_invalid(status: StatusCode, field: &str) -> ApiError {
    ApiError::new(
        status,
        "two_factor_code_invalid",
        "the code is not a current, unused code",
    )
    .field(field, Problem::Incorrect)
}

fn challenge_invalid() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "two_factor_challenge_invalid",
        "the sign-in step is unknown, expired or used; sign in with the password again",
    )
}

fn required_code(code: Option<&str>, field: &str) -> ApiResult<String> {
    match code.map(str::trim) {
        Some(c) if !c.is_empty() => Ok(c.to_owned()),
        _ => Err(ApiError::invalid_one(field, Problem::Required)),
    }
}

fn new_secret() -> String {
    let mut bytes = [0u8; totp::SECRET_BYTES];
    getrandom::fill(&mut bytes).expect("the OS random source works");
    totp::encode_secret(&bytes)
}

fn new_recovery_codes() -> (Vec<String>, Vec<Vec<u8>>) {
    (0..totp::RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; totp::RECOVERY_CODE_BYTES];
            getrandom::fill(&mut bytes).expect("the OS random source works");
            let code = totp::recovery_code(&bytes);
            let hash = totp::recovery_code_hash(&code);
            (code, hash)
        })
        .unzip()
}

/// The person's status.
pub async fn status(
    s: &AppState,
    tenant: TenantId,
    person: &Employee,
) -> ApiResult<TwoFactorStatus> {
    let cred = s.store.totp_credential(tenant, person.id).await?;
    let enabled_at = cred.as_ref().and_then(|c| c.confirmed_at_ms);
    Ok(TwoFactorStatus {
        enabled: enabled_at.is_some(),
        pending: cred.is_some() && enabled_at.is_none(),
        enabled_at: enabled_at.and_then(DateTime::from_timestamp_millis),
        recovery_codes_left: if enabled_at.is_some() {
            s.store.recovery_codes_left(tenant, person.id).await?
        } else {
            0
        },
        required: policy_covers(person.role) && s.store.two_factor_required(tenant).await?,
    })
}

/// The signed-in person's own status.
pub async fn my_status(s: &AppState, u: &UserPrincipal) -> ApiResult<TwoFactorStatus> {
    let me = s
        .store
        .employee(u.tenant, u.employee, &Reach::Tenant)
        .await?;
    status(s, u.tenant, &me).await
}

/// Starts (or restarts) an enrolment: a new pending secret. 409 when one is active.
async fn start(s: &AppState, tenant: TenantId, employee: EmployeeId) -> ApiResult<TotpEnrolment> {
    let t = s.store.tenant(tenant).await?;
    let e = s.store.employee(tenant, employee, &Reach::Tenant).await?;
    let secret = new_secret();
    if !s
        .store
        .start_totp(tenant, employee, &secret, crate::now_ms())
        .await?
    {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "two_factor_already_enabled",
            "two-factor sign-in is already on; turn it off first to enrol a new authenticator",
        ));
    }
    let account = format!("{}@{}", e.username.as_deref().unwrap_or(&e.name), t.slug);
    let otpauth_uri = totp::otpauth_uri(&secret, &format!("Outfield {}", t.name), &account)
        .map_err(ApiError::internal)?;
    Ok(TotpEnrolment {
        secret,
        otpauth_uri,
    })
}

/// Confirms the pending enrolment with a code; answers the new recovery codes.
async fn confirm(
    s: &AppState,
    tenant: TenantId,
    employee: EmployeeId,
    code: Option<&str>,
) -> ApiResult<Vec<String>> {
    let code = required_code(code, "code")?;
    let pending = s
        .store
        .totp_credential(tenant, employee)
        .await?
        .filter(|c| c.confirmed_at_ms.is_none())
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::CONFLICT,
                "two_factor_not_pending",
                "no enrolment is waiting for a code; start one first",
            )
        })?;
    let step = totp::matching_step(&pending.secret, &code, unix_s())
        .map_err(ApiError::internal)?
        .ok_or_else(|| code_invalid(StatusCode::UNPROCESSABLE_ENTITY, "code"))?;
    let (codes, hashes) = new_recovery_codes();
    if !s
        .store
        .confirm_totp(
            tenant,
            employee,
            &pending.secret,
            step as i64,
            &hashes,
            crate::now_ms(),
        )
        .await?
    {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "two_factor_not_pending",
            "the enrolment changed meanwhile; start again",
        ));
    }
    Ok(codes)
}

pub async fn start_mine(s: &AppState, u: &UserPrincipal) -> ApiResult<TotpEnrolment> {
    start(s, u.tenant, u.employee).await
}

pub async fn confirm_mine(
    s: &AppState,
    u: &UserPrincipal,
    code: Option<&str>,
) -> ApiResult<Vec<String>> {
    confirm(s, u.tenant, u.employee, code).await
}

/// Whether `proof` holds a current code or a recovery code of the person's confirmed
/// secret, spending it. A wrong or replayed one is `false`.
async fn check_factor(
    s: &AppState,
    tenant: TenantId,
    employee: EmployeeId,
    code: Option<&str>,
    recovery_code: Option<&str>,
) -> ApiResult<bool> {
    if let Some(rc) = recovery_code.map(str::trim).filter(|c| !c.is_empty()) {
        return Ok(s
            .store
            .spend_recovery_code(
                tenant,
                employee,
                &totp::recovery_code_hash(rc),
                crate::now_ms(),
            )
            .await?);
    }
    let Some(code) = code else { return Ok(false) };
    let Some(cred) = s
        .store
        .totp_credential(tenant, employee)
        .await?
        .filter(|c| c.confirmed_at_ms.is_some())
    else {
        return Ok(false);
    };
    let step = totp::matching_step(&cred.secret, code, unix_s()).map_err(ApiError::internal)?;
    match step {
        Some(step) => Ok(s
            .store
            .spend_totp_step(tenant, employee, step as i64)
            .await?),
        None => Ok(false),
    }
}

/// Turns the person's second factor off, proven by a current code or the password.
/// Wrong proofs are charged to the login back-off like wrong logins.
pub async fn disable_mine(
    s: &AppState,
    u: &UserPrincipal,
    proof: Proof,
    addr: &str,
) -> ApiResult<()> {
    let me = s
        .store
        .employee(u.tenant, u.employee, &Reach::Tenant)
        .await?;
    let t = s.store.tenant(u.tenant).await?;
    if policy_covers(me.role) && s.store.two_factor_required(u.tenant).await? {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "two_factor_required",
            "the organisation requires two-factor sign-in for your role",
        ));
    }
    let Some(cred) = s.store.totp_credential(u.tenant, u.employee).await? else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "two_factor_not_enabled",
            "two-factor sign-in is not on",
        ));
    };
    let username = me.username.clone().unwrap_or_default();
    let attempt = Attempt::new(&t.slug, &username, addr, Some(u.tenant), Some(u.employee));
    let _turn = s.logins.turn(attempt.account_key()).await;
    let now = s.config.clock.now_ms();
    let source = domain::throttle::Source::KnownAddress;
    attempt.check(&s.store, source, now).await?;
    // A pending enrolment needs no proof to be dropped: it never protected anything.
    let ok = if cred.confirmed_at_ms.is_none() {
        true
    } else if let Some(code) = proof.code.as_deref().filter(|c| !c.trim().is_empty()) {
        check_factor(s, u.tenant, u.employee, Some(code), None).await?
    } else if let Some(pw) = proof.password.filter(|p| !p.is_empty()) {
        let stored = s
            .store
            .login_candidate(u.tenant, &username)
            .await?
            .and_then(|c| c.password_hash);
        passwords::verify(pw, stored).await
    } else {
        return Err(ApiError::invalid_one(
            "code",
            Problem::NeedsOneOf {
                fields: vec!["code".into(), "password".into()],
            },
        ));
    };
    if !ok {
        attempt.record_failure(&s.store, source, now).await?;
        let field = if proof.code.is_some() {
            "code"
        } else {
            "password"
        };
        return Err(code_invalid(StatusCode::UNPROCESSABLE_ENTITY, field));
    }
    s.store.remove_totp(u.tenant, u.employee).await?;
    Ok(())
}

/// An admin's view of a person's second factor (within their reach).
pub async fn employee_status(
    s: &AppState,
    reach: &Reach,
    tenant: TenantId,
    id: EmployeeId,
) -> ApiResult<TwoFactorStatus> {
    let e = s.store.employee(tenant, id, reach).await?;
    status(s, tenant, &e).await
}

/// An admin turns a person's second factor off (a lost phone): the person enrols again,
/// at their next sign-in when the policy requires it. Admins only; not oneself (use the
/// own screen, which asks for a code or the password).
pub async fn reset(
    s: &AppState,
    admin: &UserPrincipal,
    reach: &Reach,
    id: EmployeeId,
) -> ApiResult<()> {
    if admin.role != Role::Admin {
        return Err(ApiError::forbidden());
    }
    let e = s.store.employee(admin.tenant, id, reach).await?;
    if e.id == admin.employee {
        return Err(ApiError::invalid_one("id", Problem::SelfChange));
    }
    if !s.store.remove_totp(admin.tenant, e.id).await? {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "two_factor_not_enabled",
            "this person has no second factor to reset",
        ));
    }
    Ok(())
}

pub async fn settings(s: &AppState, tenant: TenantId) -> ApiResult<SecuritySettings> {
    Ok(SecuritySettings {
        two_factor_required: s.store.two_factor_required(tenant).await?,
    })
}

/// Sets the policy (admins). Switching it on ends the sessions of those it covers who
/// have no second factor yet, so they enrol at their next sign-in.
pub async fn set_settings(
    s: &AppState,
    u: &UserPrincipal,
    required: bool,
) -> ApiResult<SecuritySettings> {
    crate::services::reach(
        &domain::access::Principal::User(u.clone()),
        Resource::Employees,
        Action::Write,
    )?;
    if u.role != Role::Admin {
        return Err(ApiError::forbidden());
    }
    // The admin turning it on must have a second factor, or the policy would end their
    // own session and send them to enrol.
    let own = s.store.totp_credential(u.tenant, u.employee).await?;
    if required && own.is_none_or(|c| c.confirmed_at_ms.is_none()) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "two_factor_not_enabled",
            "turn on two-factor sign-in for yourself before requiring it",
        ));
    }
    let ended = s
        .store
        .set_two_factor_required(u.tenant, required, crate::now_ms())
        .await?;
    if ended > 0 {
        s.sessions.forget_tenant(u.tenant);
    }
    settings(s, u.tenant).await
}

/// After a right password: the second step the person needs, if any.
pub async fn second_step(
    s: &AppState,
    tenant: TenantId,
    employee: EmployeeId,
) -> ApiResult<Option<SecondStep>> {
    let cred = s.store.totp_credential(tenant, employee).await?;
    if cred.is_some_and(|c| c.confirmed_at_ms.is_some()) {
        return Ok(Some(SecondStep::Verify));
    }
    let e = s.store.employee(tenant, employee, &Reach::Tenant).await?;
    if policy_covers(e.role) && s.store.two_factor_required(tenant).await? {
        return Ok(Some(SecondStep::Enrol));
    }
    Ok(None)
}

/// Opens the second step of a login.
pub async fn open_challenge(
    s: &AppState,
    tenant: TenantId,
    employee: EmployeeId,
    step: SecondStep,
) -> ApiResult<Challenge> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the OS random source works");
    let token = format!(
        "{CHALLENGE_PREFIX}_{}_{}",
        tenant.0.simple(),
        URL_SAFE_NO_PAD.encode(bytes)
    );
    let now = crate::now_ms();
    let (purpose, ttl) = match step {
        SecondStep::Verify => (ChallengePurpose::Verify, VERIFY_TTL_MS),
        SecondStep::Enrol => (ChallengePurpose::Enrol, ENROL_TTL_MS),
    };
    s.store
        .create_login_challenge(
            tenant,
            &tokens::hash(&token),
            employee,
            purpose,
            now,
            now + ttl,
        )
        .await?;
    Ok(Challenge {
        step,
        token,
        expires_ms: now + ttl,
    })
}

/// The live challenge behind a token, or 401 `two_factor_challenge_invalid`.
async fn find_challenge(
    s: &AppState,
    token: &str,
    want: ChallengePurpose,
) -> ApiResult<(TenantId, Vec<u8>, LoginChallenge)> {
    let mut parts = token.trim().splitn(3, '_');
    let tenant = match (
        parts.next(),
        parts.next().map(Uuid::try_parse),
        parts.next(),
    ) {
        (Some(CHALLENGE_PREFIX), Some(Ok(t)), Some(secret)) if secret.len() >= 40 => TenantId(t),
        _ => return Err(challenge_invalid()),
    };
    let hash = tokens::hash(token.trim());
    match s
        .store
        .login_challenge(tenant, &hash, crate::now_ms())
        .await?
    {
        Some(c) if c.purpose == want && c.failures < MAX_FAILURES_PER_CHALLENGE => {
            Ok((tenant, hash, c))
        }
        _ => Err(challenge_invalid()),
    }
}

/// The second step of a login: a current code or an unused recovery code. Throttled with
/// the login back-off (429 `too_many_attempts`); a wrong code is 401
/// `two_factor_code_invalid`. On success the challenge is used up and the login's
/// throttle records the success (and hands out the device token).
pub async fn complete_login(
    s: &AppState,
    challenge_token: &str,
    proof: Proof,
    addr: &str,
    presented_device: Option<&str>,
) -> ApiResult<SecondFactorDone> {
    let (tenant, hash, ch) = find_challenge(s, challenge_token, ChallengePurpose::Verify).await?;
    let code = proof
        .code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let recovery = proof
        .recovery_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    if code.is_none() && recovery.is_none() {
        return Err(ApiError::invalid_one(
            "code",
            Problem::NeedsOneOf {
                fields: vec!["code".into(), "recovery_code".into()],
            },
        ));
    }
    let t = s.store.tenant(tenant).await?;
    let e = s
        .store
        .employee(tenant, ch.employee, &Reach::Tenant)
        .await?;
    let username = e.username.clone().unwrap_or_default();
    let mut attempt = Attempt::new(&t.slug, &username, addr, Some(tenant), Some(e.id));
    let _turn = s.logins.turn(attempt.account_key()).await;
    let now = s.config.clock.now_ms();
    let source = attempt.source(&s.store, presented_device, now).await?;
    attempt.check(&s.store, source, now).await?;
    if !check_factor(s, tenant, e.id, code, recovery).await? {
        attempt.record_failure(&s.store, source, now).await?;
        s.store.fail_login_challenge(tenant, &hash).await?;
        let field = if recovery.is_some() {
            "recovery_code"
        } else {
            "code"
        };
        return Err(code_invalid(StatusCode::UNAUTHORIZED, field));
    }
    if !s
        .store
        .finish_login_challenge(tenant, &hash, crate::now_ms())
        .await?
    {
        return Err(challenge_invalid());
    }
    let device_token = attempt
        .record_success(&s.store, source, tenant, e.id, presented_device, now)
        .await?;
    Ok(SecondFactorDone {
        tenant: t,
        employee: e.id,
        device_token,
        recovery_codes: Vec::new(),
    })
}

/// Enrolment at sign-in (the policy requires it): starts a pending secret for the
/// challenge's person.
pub async fn enrol_at_login(s: &AppState, challenge_token: &str) -> ApiResult<TotpEnrolment> {
    let (tenant, _, ch) = find_challenge(s, challenge_token, ChallengePurpose::Enrol).await?;
    start(s, tenant, ch.employee).await
}

/// Confirms the enrolment begun at sign-in and completes the login.
pub async fn confirm_at_login(
    s: &AppState,
    challenge_token: &str,
    code: Option<&str>,
    addr: &str,
    presented_device: Option<&str>,
) -> ApiResult<SecondFactorDone> {
    let (tenant, hash, ch) = find_challenge(s, challenge_token, ChallengePurpose::Enrol).await?;
    let t = s.store.tenant(tenant).await?;
    let e = s
        .store
        .employee(tenant, ch.employee, &Reach::Tenant)
        .await?;
    let recovery_codes = match confirm(s, tenant, e.id, code).await {
        Ok(c) => c,
        Err(err) => {
            if err.code == "two_factor_code_invalid" {
                s.store.fail_login_challenge(tenant, &hash).await?;
            }
            return Err(err);
        }
    };
    if !s
        .store
        .finish_login_challenge(tenant, &hash, crate::now_ms())
        .await?
    {
        return Err(challenge_invalid());
    }
    let username = e.username.clone().unwrap_or_default();
    let mut attempt = Attempt::new(&t.slug, &username, addr, Some(tenant), Some(e.id));
    let now = s.config.clock.now_ms();
    let source = attempt.source(&s.store, presented_device, now).await?;
    let device_token = attempt
        .record_success(&s.store, source, tenant, e.id, presented_device, now)
        .await?;
    Ok(SecondFactorDone {
        tenant: t,
        employee: e.id,
        device_token,
        recovery_codes,
    })
}

/// A new session for a person who passed every step of sign-in.
pub struct Session {
    pub token: String,
    pub expires_ms: i64,
    pub tenant: TenantSummary,
    pub employee: Employee,
}

/// Issues a session (the one place sign-in makes one).
pub async fn issue_session(
    s: &AppState,
    tenant: storage::Tenant,
    employee: EmployeeId,
    addr: &str,
) -> ApiResult<Session> {
    // Sessions live on the system clock; the throttle's clock may be a test's.
    let issued = crate::now_ms();
    let token = tokens::new_token(tokens::TokenKind::Session, tenant.id);
    let expires = issued + s.config.session_ttl.as_millis() as i64;
    s.store
        .create_session(
            tenant.id,
            &tokens::hash(&token),
            employee,
            issued,
            expires,
            Some(addr),
        )
        .await?;
    let employee = s
        .store
        .employee(tenant.id, employee, &Reach::Tenant)
        .await?;
    Ok(Session {
        token,
        expires_ms: expires,
        tenant: TenantSummary::from(tenant),
        employee,
    })
}
