//! Single sign-on as a tenant uses it: the admin's provider settings (checked, the secret
//! write-only), the start of a sign-in (state, nonce and PKCE verifier kept in the
//! database, bound to the browser by a cookie), the callback (the code exchanged, the ID
//! token checked, its claim mapped to an active person of the tenant or, when the tenant
//! allows it, a new field rep), and the one-time code the console swaps for a session.
//! The protocol itself is `crate::sso`.

use crate::auth::tokens::{self, TokenKind};
use crate::error::{ApiError, ApiResult};
use crate::services::me::TenantSummary;
use crate::sso::{OidcError, Provider};
use crate::state::AppState;
use axum::http::StatusCode;
use domain::access::Reach;
use domain::employee::{Employee, EmployeeDraft, Role, parse_username};
use domain::{DepartmentId, EmployeeId, Invalid, Problem, TenantId};
use storage::{NewSsoPending, SsoConfigRecord, SsoConfigWrite, StoreError, Tenant};

/// How long a sign-in may stay at the provider.
const PENDING_TTL_MS: i64 = 10 * 60 * 1000;
/// How long the console has to swap its code for a session.
const HANDOFF_TTL_MS: i64 = 60 * 1000;
/// The username claim when the admin names none.
pub const DEFAULT_CLAIM: &str = "preferred_username";

/// What an admin sends.
pub struct SettingsInput {
    pub issuer_url: String,
    pub client_id: String,
    /// `None` keeps the stored secret (required the first time).
    pub client_secret: Option<String>,
    pub username_claim: Option<String>,
    pub jit_provisioning: bool,
    pub jit_department_id: Option<DepartmentId>,
    pub enabled: bool,
}

/// The tenant's settings, `None` before an admin saved any.
pub async fn settings(s: &AppState, tenant: TenantId) -> ApiResult<Option<SsoConfigRecord>> {
    Ok(s.store.sso_config(tenant).await?)
}

/// Checks and saves the settings. Enabled settings must work: discovery is read from the
/// issuer before they are stored (422 on `issuer_url` naming what failed).
pub async fn save_settings(
    s: &AppState,
    tenant: TenantId,
    redirect_uri: &str,
    input: SettingsInput,
) -> ApiResult<SsoConfigRecord> {
    let stored = s.store.sso_config(tenant).await?;
    let mut bad = Invalid::default();
    let issuer = match s.webhooks.check_url(&input.issuer_url).await {
        Ok(_) => Some(input.issuer_url.trim().to_owned()),
        Err(p) => {
            bad.push("issuer_url", p);
            None
        }
    };
    let client_id = input.client_id.trim().to_owned();
    check_text(&mut bad, "client_id", &client_id, 255);
    let secret = input
        .client_secret
        .as_deref()
        .map(str::trim)
        .filter(|x| !x.is_empty());
    match secret {
        Some(x) => check_text(&mut bad, "client_secret", x, 1000),
        None if stored.is_none() => bad.push("client_secret", Problem::Required),
        None => {}
    }
    let claim = input
        .username_claim
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .unwrap_or(DEFAULT_CLAIM)
        .to_owned();
    if claim.len() > 64
        || !claim
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-.:".contains(&b))
    {
        bad.push("username_claim", Problem::format(domain::Format::Text));
    }
    match input.jit_department_id {
        Some(d) => {
            if let Err(e) =
                crate::refs::department(s, tenant, &Reach::Tenant, "jit_department_id", d).await
            {
                match e.fields.into_iter().next() {
                    Some(f) => bad.push(f.field, f.problem),
                    None => return Err(ApiError::internal(e.message)),
                }
            }
        }
        None if input.jit_provisioning => bad.push("jit_department_id", Problem::Required),
        None => {}
    }
    if !bad.problems.is_empty() {
        return Err(ApiError::invalid(bad));
    }
    let issuer = issuer.unwrap_or_default();
    if input.enabled {
        let secret = secret
            .map(str::to_owned)
            .or_else(|| stored.as_ref().map(|c| c.client_secret.clone()))
            .unwrap_or_default();
        if let Err(e) = Provider::discover(&s.sso, &issuer, &client_id, &secret, redirect_uri).await
        {
            return Err(ApiError::invalid_one(
                "issuer_url",
                Problem::Unreadable {
                    detail: e.to_string(),
                },
            ));
        }
    }
    let write = SsoConfigWrite {
        issuer_url: &issuer,
        client_id: &client_id,
        client_secret: secret,
        username_claim: &claim,
        jit_enabled: input.jit_provisioning,
        jit_department: input.jit_department_id,
        enabled: input.enabled,
    };
    Ok(s.store
        .put_sso_config(tenant, &write, crate::now_ms())
        .await?)
}

fn check_text(bad: &mut Invalid, field: &str, value: &str, max: usize) {
    if value.is_empty() {
        bad.push(field, Problem::Required);
    } else if value.chars().count() > max {
        bad.push(field, Problem::TooLong { max });
    } else if value.chars().any(char::is_control) {
        bad.push(field, Problem::ControlCharacters);
    }
}

/// Whether the tenant with this slug offers single sign-on (an unknown slug answers
/// `false`, like a tenant without it).
pub async fn offered(s: &AppState, slug: &str) -> ApiResult<bool> {
    Ok(match s.store.tenant_by_slug(slug.trim()).await? {
        Some(t) => s.store.sso_config(t.id).await?.is_some_and(|c| c.enabled),
        None => false,
    })
}

fn unavailable() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "sso_unavailable",
        "this company has no single sign-on (unknown company, or not set up or turned off)",
    )
}

fn provider_error(e: impl std::fmt::Display) -> ApiError {
    tracing::warn!(error = %e, "single sign-on: the provider failed");
    ApiError::new(
        StatusCode::BAD_GATEWAY,
        "sso_provider_error",
        "the identity provider could not complete the sign-in",
    )
}

fn state_invalid() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "sso_state_invalid",
        "this sign-in is unknown, expired, already used, or was started in another browser; start again",
    )
}

/// The tenant and its enabled settings, or `sso_unavailable`.
async fn enabled_config(s: &AppState, slug: &str) -> ApiResult<(Tenant, SsoConfigRecord)> {
    let tenant = s
        .store
        .tenant_by_slug(slug.trim())
        .await?
        .ok_or_else(unavailable)?;
    match s.store.sso_config(tenant.id).await? {
        Some(c) if c.enabled => Ok((tenant, c)),
        _ => Err(unavailable()),
    }
}

/// Where a started sign-in goes, and the browser's binding value for its cookie.
pub struct Started {
    pub provider_url: String,
    pub browser_secret: String,
}

/// Starts a sign-in: discovery, a fresh state, nonce and PKCE verifier kept for the
/// callback (on any server), and the provider's authorization URL.
pub async fn start(s: &AppState, slug: &str, redirect_uri: &str) -> ApiResult<Started> {
    let (tenant, config) = enabled_config(s, slug).await?;
    let provider = Provider::discover(
        &s.sso,
        &config.issuer_url,
        &config.client_id,
        &config.client_secret,
        redirect_uri,
    )
    .await
    .map_err(provider_error)?;
    let auth = provider.authorize();
    let browser_secret = tokens::random_secret();
    let now = crate::now_ms();
    s.store
        .put_sso_pending(
            tenant.id,
            &NewSsoPending {
                state_hash: &tokens::hash(&auth.state),
                nonce: &auth.nonce,
                pkce_verifier: &auth.pkce_verifier,
                redirect_uri,
                browser_hash: &tokens::hash(&browser_secret),
                expires_ms: now + PENDING_TTL_MS,
            },
            now,
        )
        .await?;
    Ok(Started {
        provider_url: auth.url,
        browser_secret,
    })
}

/// What the provider sent back to the callback.
pub struct CallbackInput {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    /// The value of the browser's binding cookie, if it sent one.
    pub browser_secret: Option<String>,
}

/// Finishes a sign-in: the one-time code the console swaps for a session.
pub async fn callback(s: &AppState, slug: &str, input: CallbackInput) -> ApiResult<String> {
    let state = input.state.ok_or_else(state_invalid)?;
    let now = crate::now_ms();
    // Taken first, whatever follows: a state is good for one answer.
    let pending = s
        .store
        .take_sso_pending(&tokens::hash(&state), now)
        .await?
        .ok_or_else(state_invalid)?;
    let bound = input
        .browser_secret
        .is_some_and(|b| tokens::hash(&b) == pending.browser_hash);
    let (tenant, config) = enabled_config(s, slug).await?;
    if pending.tenant() != tenant.id || !bound {
        return Err(state_invalid());
    }
    if let Some(error) = input.error {
        return Err(provider_error(format!("the provider answered {error}")));
    }
    let code = input.code.ok_or_else(|| provider_error("no code"))?;
    let provider = Provider::discover(
        &s.sso,
        &config.issuer_url,
        &config.client_id,
        &config.client_secret,
        &pending.redirect_uri,
    )
    .await
    .map_err(provider_error)?;
    let identity = provider
        .finish(&s.sso, &code, &pending.pkce_verifier, &pending.nonce)
        .await
        .map_err(|e| match e {
            OidcError::IdToken(why) => {
                tracing::warn!(%why, "single sign-on: ID token refused");
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "sso_id_token_invalid",
                    "the identity provider's ID token failed its checks",
                )
            }
            other => provider_error(other),
        })?;
    let username = identity
        .text(&config.username_claim)
        .and_then(|v| parse_username(&v).ok())
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::FORBIDDEN,
                "sso_claim_missing",
                format!(
                    "the ID token has no usable `{}` claim to find the person by",
                    config.username_claim
                ),
            )
        })?;
    let person = match s.store.login_candidate(tenant.id, &username).await? {
        Some(c) if c.active => c.id,
        Some(_) => {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "sso_person_inactive",
                "this person is deactivated in Outfield",
            ));
        }
        None => match config.jit_department().filter(|_| config.jit_enabled) {
            Some(department) => provision(s, tenant.id, department, &username, &identity).await?,
            None => {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "sso_no_person",
                    "no active person in Outfield has this username",
                ));
            }
        },
    };
    let handoff = tokens::random_secret();
    s.store
        .put_sso_handoff(
            tenant.id,
            &tokens::hash(&handoff),
            person,
            now,
            now + HANDOFF_TTL_MS,
        )
        .await?;
    Ok(handoff)
}

/// Creates a field rep for a username the provider vouches for (just-in-time
/// provisioning): named by the `name` claim, with the `email` claim when it has one, and
/// no password (they sign in through the provider).
async fn provision(
    s: &AppState,
    tenant: TenantId,
    department: DepartmentId,
    username: &str,
    identity: &crate::sso::Identity,
) -> ApiResult<EmployeeId> {
    let name = identity
        .text("name")
        .and_then(|n| domain::tenant::clean_name(&n, 100).ok())
        .unwrap_or_else(|| username.to_owned());
    let email = identity
        .text("email")
        .filter(|e| e.contains('@') && e.len() <= 254 && !e.chars().any(char::is_whitespace));
    let draft = EmployeeDraft {
        name,
        username: Some(username.to_owned()),
        password: None,
        phone: None,
        email,
        employee_no: None,
        department_id: department,
        role: Role::Field,
        active: true,
        start_date: None,
        external_id: None,
    };
    match s
        .store
        .create_employee(tenant, None, None, &draft, None)
        .await
    {
        Ok(Some(e)) => Ok(e.id),
        // Two first sign-ins at once: the other one created the person.
        Ok(None) | Err(StoreError::Conflict { .. }) => s
            .store
            .login_candidate(tenant, username)
            .await?
            .map(|c| c.id)
            .ok_or_else(|| ApiError::internal("a provisioned person vanished")),
        Err(e) => Err(e.into()),
    }
}

/// The session a swapped code opens.
pub struct SsoSession {
    pub token: String,
    pub expires_at_ms: i64,
    pub tenant: TenantSummary,
    pub employee: Employee,
}

/// Swaps the one-time code of a finished sign-in for a session (once, within a minute).
pub async fn exchange(
    s: &AppState,
    slug: &str,
    code: &str,
    client_addr: &str,
) -> ApiResult<SsoSession> {
    let invalid = || {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "sso_code_invalid",
            "this sign-in code is unknown, expired or already used; sign in again",
        )
    };
    let tenant = s
        .store
        .tenant_by_slug(slug.trim())
        .await?
        .ok_or_else(invalid)?;
    let now = crate::now_ms();
    let person = s
        .store
        .take_sso_handoff(tenant.id, &tokens::hash(code.trim()), now)
        .await?
        .ok_or_else(invalid)?;
    let employee = s.store.employee(tenant.id, person, &Reach::Tenant).await?;
    if !employee.active {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "sso_person_inactive",
            "this person is deactivated in Outfield",
        ));
    }
    let token = tokens::new_token(TokenKind::Session, tenant.id);
    let expires = now + s.config.session_ttl.as_millis() as i64;
    s.store
        .create_session(
            tenant.id,
            &tokens::hash(&token),
            person,
            now,
            expires,
            Some(client_addr),
        )
        .await?;
    Ok(SsoSession {
        token,
        expires_at_ms: expires,
        tenant: TenantSummary::from(tenant),
        employee,
    })
}
