//! A tenant's rules, department tree and forms, kept in memory on SQLite. Nearly every
//! field action resolves its rule through the tree (visit rule, attendance rule) and
//! names the form its visit answers, so without this each request read them again:
//! about one statement in five of a loaded demo.
//!
//! Only on SQLite: the embedded database belongs to this one process, whose own writes
//! to `rules`, `departments` and `forms` forget the cached copies ([`ConfigCache::forget`]), so
//! the copy is never older than the database. Several servers share a PostgreSQL, and a
//! change made by another server would not reach this one's copy, so there every read
//! goes to the database.

use crate::forms::StoredForm;
use domain::DepartmentId;
use domain::TenantId;
use domain::department::DepartmentLink;
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use uuid::Uuid;

pub(crate) type RuleBodies = HashMap<Option<DepartmentId>, String>;

#[derive(Debug, Default)]
pub(crate) struct ConfigCache {
    /// Bumped by every forget: a read that began before a write must not store what it
    /// read after the write forgot the old copy.
    generation: AtomicU64,
    links: Mutex<HashMap<TenantId, Vec<DepartmentLink>>>,
    rules: Mutex<HashMap<(TenantId, String), RuleBodies>>,
    /// By form and version; version -1 is the latest.
    forms: Mutex<HashMap<(TenantId, Uuid, i32), StoredForm>>,
}

/// Where a read from the database started, for [`ConfigCache::keep_links`] and
/// [`ConfigCache::keep_rules`].
#[derive(Clone, Copy)]
pub(crate) struct ReadStart(u64);

impl ConfigCache {
    pub(crate) fn links(&self, tenant: TenantId) -> Option<Vec<DepartmentLink>> {
        lock(&self.links).get(&tenant).cloned()
    }

    pub(crate) fn rules(&self, tenant: TenantId, kind: &str) -> Option<RuleBodies> {
        lock(&self.rules).get(&(tenant, kind.to_owned())).cloned()
    }

    pub(crate) fn form(&self, tenant: TenantId, id: Uuid, version: i32) -> Option<StoredForm> {
        lock(&self.forms).get(&(tenant, id, version)).cloned()
    }

    pub(crate) fn start(&self) -> ReadStart {
        ReadStart(self.generation.load(Ordering::SeqCst))
    }

    pub(crate) fn keep_links(&self, at: ReadStart, tenant: TenantId, links: &[DepartmentLink]) {
        self.keep(at, &self.links, tenant, links.to_vec());
    }

    pub(crate) fn keep_rules(
        &self,
        at: ReadStart,
        tenant: TenantId,
        kind: &str,
        rules: &RuleBodies,
    ) {
        self.keep(at, &self.rules, (tenant, kind.to_owned()), rules.clone());
    }

    pub(crate) fn keep_form(
        &self,
        at: ReadStart,
        tenant: TenantId,
        version: i32,
        form: &StoredForm,
    ) {
        self.keep(at, &self.forms, (tenant, form.id, version), form.clone());
    }

    /// Stores what a read found, unless a forget came after the read began.
    fn keep<K: std::hash::Hash + Eq, V>(
        &self,
        at: ReadStart,
        map: &Mutex<HashMap<K, V>>,
        key: K,
        value: V,
    ) {
        let mut map = lock(map);
        if self.generation.load(Ordering::SeqCst) == at.0 {
            map.insert(key, value);
        }
    }

    /// After a write to a tenant's rules, departments or forms has committed.
    pub(crate) fn forget(&self, tenant: TenantId) {
        let (mut links, mut rules, mut forms) =
            (lock(&self.links), lock(&self.rules), lock(&self.forms));
        self.generation.fetch_add(1, Ordering::SeqCst);
        links.remove(&tenant);
        rules.retain(|(t, _), _| *t != tenant);
        forms.retain(|(t, _, _), _| *t != tenant);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link() -> DepartmentLink {
        DepartmentLink {
            id: DepartmentId(Uuid::now_v7()),
            parent: None,
        }
    }

    #[test]
    fn a_read_overtaken_by_a_write_is_not_kept() {
        let cache = ConfigCache::default();
        let tenant = TenantId(Uuid::now_v7());
        let before = cache.start();
        cache.forget(tenant);
        cache.keep_links(before, tenant, &[link()]);
        assert!(cache.links(tenant).is_none());
        let after = cache.start();
        cache.keep_links(after, tenant, &[link()]);
        assert_eq!(cache.links(tenant).map(|l| l.len()), Some(1));
    }

    #[test]
    fn forgetting_one_tenant_keeps_the_others() {
        let cache = ConfigCache::default();
        let (a, b) = (TenantId(Uuid::now_v7()), TenantId(Uuid::now_v7()));
        let at = cache.start();
        let rules: RuleBodies = [(None, "{}".to_owned())].into();
        cache.keep_rules(at, a, "visit", &rules);
        cache.keep_rules(at, b, "visit", &rules);
        cache.forget(a);
        assert!(cache.rules(a, "visit").is_none());
        assert_eq!(cache.rules(b, "visit"), Some(rules));
    }
}
