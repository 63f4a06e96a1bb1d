//! Signed-in sessions this server looked up recently, trusted for a few seconds so a
//! phone posting fixes every few seconds does not cost a session query per request.
//!
//! What this server changes it forgets at once: logout forgets the token, a change to a
//! person (role, department, deactivation) forgets the tenant's sessions. A change made
//! through another server reaches this one within [`TRUST`] — the price of not asking
//! the database on every request.

use domain::TenantId;
use domain::access::UserPrincipal;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a looked-up session is believed without asking again.
pub const TRUST: Duration = Duration::from_secs(5);
/// Sessions kept before the expired ones are swept out.
const SWEEP_AT: usize = 50_000;

struct Entry {
    principal: UserPrincipal,
    until: Instant,
}

#[derive(Default)]
pub struct SessionCache {
    entries: Mutex<HashMap<Vec<u8>, Entry>>,
}

impl SessionCache {
    /// The session of a token hash, if it was looked up less than [`TRUST`] ago.
    pub fn get(&self, token_hash: &[u8]) -> Option<UserPrincipal> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(token_hash)
            .filter(|e| e.until > Instant::now())
            .map(|e| e.principal.clone())
    }

    /// Remembers a session found valid now, for at most [`TRUST`] and never past the
    /// session's own end (`valid_for`).
    pub fn put(&self, token_hash: Vec<u8>, principal: UserPrincipal, valid_for: Duration) {
        let now = Instant::now();
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= SWEEP_AT {
            entries.retain(|_, e| e.until > now);
        }
        entries.insert(
            token_hash,
            Entry {
                principal,
                until: now + valid_for.min(TRUST),
            },
        );
    }

    /// Forgets one session (logout).
    pub fn forget(&self, token_hash: &[u8]) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(token_hash);
    }

    /// Forgets every session of a tenant (a person's role, department or status changed).
    pub fn forget_tenant(&self, tenant: TenantId) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|_, e| e.principal.tenant != tenant);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::employee::Role;
    use domain::{DepartmentId, EmployeeId};
    use uuid::Uuid;

    fn principal(tenant: TenantId) -> UserPrincipal {
        UserPrincipal {
            tenant,
            employee: EmployeeId(Uuid::now_v7()),
            role: Role::Field,
            department: DepartmentId(Uuid::now_v7()),
        }
    }

    #[test]
    fn a_session_is_trusted_until_forgotten_or_past_its_end() {
        let cache = SessionCache::default();
        let (t1, t2) = (TenantId(Uuid::now_v7()), TenantId(Uuid::now_v7()));
        cache.put(b"a".to_vec(), principal(t1), Duration::from_secs(60));
        cache.put(b"b".to_vec(), principal(t2), Duration::from_secs(60));
        cache.put(b"ending".to_vec(), principal(t2), Duration::ZERO);
        assert!(cache.get(b"a").is_some());
        assert!(
            cache.get(b"ending").is_none(),
            "a session at its end is asked again"
        );
        cache.forget_tenant(t1);
        assert!(cache.get(b"a").is_none());
        assert!(cache.get(b"b").is_some(), "another tenant's sessions stay");
        cache.forget(b"b");
        assert!(cache.get(b"b").is_none());
    }
}
