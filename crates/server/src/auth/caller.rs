//! The authenticated caller of a request, from its `Authorization: Bearer` token.

use super::tokens::{self, TokenKind};
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use domain::access::{self, Action, Principal, Reach, Resource};

/// Who is calling; extracting it fails with 401 when the token is missing, unknown,
/// expired or revoked. A layer that authenticated the request already (the audit layer)
/// leaves the caller in the request's extensions, which only in-process code can set, so
/// the handler does not look the token up a second time.
#[derive(Clone)]
pub struct Caller {
    pub principal: Principal,
    /// The raw token, kept so logout can revoke exactly this session.
    pub token: String,
    /// For a key: its requests per minute (its own, else the tenant's default); `None`
    /// takes the server's default.
    pub key_rate_limit: Option<u32>,
}

impl Caller {
    pub fn tenant(&self) -> domain::TenantId {
        self.principal.tenant()
    }

    /// The signed-in person acting for themselves (clocking in, visiting, reading their own
    /// plan); 403 for an integration key, which is nobody.
    pub fn person(&self) -> Result<domain::EmployeeId, ApiError> {
        match &self.principal {
            Principal::User(u) => Ok(u.employee),
            _ => Err(ApiError::forbidden()),
        }
    }

    /// The signed-in person with their tenant, role and department, as use cases take
    /// them; 403 for an integration key.
    pub fn user(&self) -> Result<&access::UserPrincipal, ApiError> {
        match &self.principal {
            Principal::User(u) => Ok(u),
            _ => Err(ApiError::forbidden()),
        }
    }

    /// The rows this caller reaches for `action` on `resource`; 403 when none.
    pub fn reach(&self, resource: Resource, action: Action) -> Result<Reach, ApiError> {
        crate::services::reach(&self.principal, resource, action)
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(known) = parts.extensions.get::<Caller>() {
            return Ok(known.clone());
        }
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .ok_or_else(|| ApiError::unauthorized("send Authorization: Bearer <token>"))?;
        let (kind, tenant) =
            tokens::parse(token).ok_or_else(|| ApiError::unauthorized("the token is not valid"))?;
        let hash = tokens::hash(token);
        let mut key_rate_limit = None;
        let principal = match kind {
            TokenKind::Session => match state.sessions.get(&hash) {
                Some(known) => Some(Principal::User(known)),
                None => {
                    let now = crate::now_ms();
                    let found = state.store.session_principal(tenant, &hash, now).await?;
                    found.map(|(user, expires_ms)| {
                        let left =
                            std::time::Duration::from_millis((expires_ms - now).max(0) as u64);
                        state.sessions.put(hash.to_vec(), user.clone(), left);
                        Principal::User(user)
                    })
                }
            },
            TokenKind::ApiKey => match state.store.presented_api_key(tenant, &hash).await? {
                Some(k) if k.expired => {
                    return Err(ApiError::new(
                        StatusCode::UNAUTHORIZED,
                        "api_key_expired",
                        "this key is past its expiry; ask an admin for a new one",
                    ));
                }
                Some(k) => {
                    key_rate_limit = k.rate_limit_per_minute;
                    Some(Principal::ApiKey(k.principal))
                }
                None => None,
            },
        };
        let principal = principal
            .ok_or_else(|| ApiError::unauthorized("the token is expired, revoked or unknown"))?;
        Ok(Caller {
            principal,
            token: token.to_owned(),
            key_rate_limit,
        })
    }
}
