//! Applying the login back-off policy (`domain::throttle`) to one attempt: which source it
//! comes from, which counters hold it back, which a failure is charged to, and what a
//! success remembers (the address, and a device token handed to the client).

use crate::auth::tokens;
use crate::error::ApiError;
use axum::http::{HeaderMap, StatusCode, header};
use domain::throttle::{FORGET_AFTER_MS, Scope, Source};
use domain::{EmployeeId, TenantId};
use storage::{KnownKind, Store};

/// The cookie a browser keeps its device token in; sent only to the auth endpoints.
pub const DEVICE_COOKIE: &str = "outfield_device";
/// A device or address is known for this long after its last successful login.
const KNOWN_FOR_MS: i64 = 90 * 24 * 3_600_000;
/// How long the device cookie lives in the browser.
const COOKIE_MAX_AGE_S: i64 = 365 * 24 * 3600;

/// One login attempt as the throttle sees it.
pub struct Attempt {
    tenant_slug: String,
    username: String,
    addr: String,
    tenant: Option<TenantId>,
    employee: Option<EmployeeId>,
    /// The hex SHA-256 of a device token the account was given before, when presented.
    device: Option<String>,
}

impl Attempt {
    /// `account` is the tenant and person the credentials name, when both exist (whether
    /// or not the password is right).
    pub fn new(
        tenant_slug: &str,
        username: &str,
        addr: &str,
        tenant: Option<TenantId>,
        account: Option<EmployeeId>,
    ) -> Self {
        Self {
            tenant_slug: tenant_slug.trim().to_lowercase(),
            username: username.trim().to_lowercase(),
            addr: addr.to_owned(),
            tenant,
            employee: account,
            device: None,
        }
    }

    /// Where the attempt comes from: a known device (the presented `device_token` was
    /// handed to this account before), else a known address, else a stranger.
    pub async fn source(
        &mut self,
        store: &Store,
        device_token: Option<&str>,
        now_ms: i64,
    ) -> Result<Source, ApiError> {
        let (Some(t), Some(e)) = (self.tenant, self.employee) else {
            return Ok(Source::Stranger);
        };
        let since = now_ms - KNOWN_FOR_MS;
        if let Some(token) = device_token {
            let h = hex(&tokens::hash(token));
            if store
                .is_known_login(t, e, KnownKind::Device, &h, since)
                .await?
            {
                self.device = Some(h);
                return Ok(Source::KnownDevice);
            }
        }
        if store
            .is_known_login(t, e, KnownKind::Address, &self.addr, since)
            .await?
        {
            return Ok(Source::KnownAddress);
        }
        Ok(Source::Stranger)
    }

    /// The account this attempt names, as typed: what attempts queue on.
    pub fn account_key(&self) -> String {
        self.key(Scope::Account)
    }

    /// The storage key of a counter. Every key names the tenant; addresses of tenants that
    /// do not exist share one budget, so inventing tenant names buys no extra guesses.
    fn key(&self, scope: Scope) -> String {
        let (slug, user, addr) = (&self.tenant_slug, &self.username, &self.addr);
        match scope {
            Scope::Device => format!(
                "dev:{slug}:{user}:{}",
                self.device.as_deref().unwrap_or("-")
            ),
            Scope::Pair => format!("pair:{slug}:{user}:{addr}"),
            Scope::Account => format!("acct:{slug}:{user}"),
            Scope::Address => match self.tenant {
                Some(t) => format!("addr:{}:{addr}", t.0.simple()),
                None => format!("addr:?:{addr}"),
            },
        }
    }

    /// 429 with `Retry-After` (the longest wait) when a counter holds the attempt back.
    pub async fn check(&self, store: &Store, source: Source, now_ms: i64) -> Result<(), ApiError> {
        let mut wait_ms = 0;
        for &scope in source.gates() {
            let f = store.login_failures(&self.key(scope)).await?;
            wait_ms = wait_ms.max(scope.policy().wait_ms(&f, now_ms).unwrap_or(0));
        }
        if wait_ms == 0 {
            return Ok(());
        }
        let mut e = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            "too many failed logins; try again later",
        );
        e.retry_after_s = Some((wait_ms as u64).div_ceil(1000));
        Err(e)
    }

    pub async fn record_failure(
        &self,
        store: &Store,
        source: Source,
        now_ms: i64,
    ) -> Result<(), ApiError> {
        store
            .forget_login_failures(now_ms - FORGET_AFTER_MS)
            .await?;
        for &scope in source.charged() {
            let key = self.key(scope);
            let f = store.login_failures(&key).await?;
            store
                .save_login_failures(&key, &scope.policy().record_failure(&f, now_ms))
                .await?;
        }
        Ok(())
    }

    /// Clears this source's own counters and remembers the address and the device.
    /// Returns the device token the client should keep: a new one unless it presented
    /// a known one (`presented`).
    pub async fn record_success(
        &self,
        store: &Store,
        source: Source,
        tenant: TenantId,
        employee: EmployeeId,
        presented: Option<&str>,
        now_ms: i64,
    ) -> Result<String, ApiError> {
        for &scope in source.cleared_on_success() {
            store.clear_login_failures(&self.key(scope)).await?;
        }
        store
            .remember_login(tenant, employee, KnownKind::Address, &self.addr, now_ms)
            .await?;
        let token = match (presented, &self.device) {
            (Some(t), Some(_)) => t.to_owned(),
            _ => format!("ofd_{}", tokens::random_secret()),
        };
        let h = hex(&tokens::hash(&token));
        store
            .remember_login(tenant, employee, KnownKind::Device, &h, now_ms)
            .await?;
        Ok(token)
    }
}

/// The device token a sign-in step presents: the one in its body (the field app), else
/// the browser's `outfield_device` cookie.
pub fn presented_device(given: Option<&String>, headers: &HeaderMap) -> Option<String> {
    given.cloned().or_else(|| device_cookie(headers))
}

/// The device token from the `outfield_device` cookie, if the browser sent one.
pub fn device_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix(DEVICE_COOKIE)?.strip_prefix('='))
        .map(str::to_owned)
}

/// `Set-Cookie` for a device token: HTTP-only, sent back only to the auth endpoints.
pub fn device_set_cookie(token: &str) -> String {
    format!(
        "{DEVICE_COOKIE}={token}; Max-Age={COOKIE_MAX_AGE_S}; Path=/api/v1/auth; HttpOnly; SameSite=Strict"
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            "a=1; outfield_device=ofd_xyz; b=2".parse().unwrap(),
        );
        assert_eq!(device_cookie(&h).as_deref(), Some("ofd_xyz"));
        h.insert(header::COOKIE, "outfield_devicex=1".parse().unwrap());
        assert_eq!(device_cookie(&h), None);
    }
}
