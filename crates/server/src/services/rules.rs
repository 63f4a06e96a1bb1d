//! Rules stored per tenant or department (`rules` table, one JSON document per kind and
//! scope) and their resolution: a department's own rule, else its nearest ancestor's,
//! else the tenant's, else the default.

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use domain::access::Reach;
use domain::department::DepartmentLink;
use domain::{DepartmentId, Format, Problem, TenantId};
use std::collections::HashMap;

/// A rule's scope as written in a path: `tenant`, or the id of one of the tenant's
/// departments (404 when there is no such department).
pub(crate) async fn scope(
    s: &AppState,
    tenant: TenantId,
    raw: &str,
) -> ApiResult<Option<DepartmentId>> {
    if raw == "tenant" {
        return Ok(None);
    }
    let dept = raw
        .parse()
        .map_err(|_| ApiError::bad_request("scope", Problem::format(Format::Id)))?;
    s.store.department(tenant, dept, &Reach::Tenant).await?;
    Ok(Some(dept))
}

/// Every stored rule of one kind with the department tree, loaded once so the rule of
/// many departments can be resolved without going back to the database.
pub(crate) struct RuleBook<T> {
    rules: HashMap<Option<DepartmentId>, T>,
    links: Vec<DepartmentLink>,
}

impl<T: Clone + Default> RuleBook<T> {
    /// The rule that applies to a department: its own, the nearest ancestor's, the
    /// tenant's, or the default.
    pub(crate) fn for_dept(&self, dept: DepartmentId) -> T {
        domain::overrides::resolve(&self.rules, &self.links, Some(dept))
    }
}

pub(crate) async fn rule_book<T: serde::de::DeserializeOwned>(
    s: &AppState,
    tenant: TenantId,
    kind: &str,
) -> ApiResult<RuleBook<T>> {
    let mut rules = HashMap::new();
    for (scope, json) in s.store.rules(tenant, kind).await? {
        rules.insert(scope, crate::actions::from_json::<T>(&json)?);
    }
    let links = s.store.department_links(tenant).await?;
    Ok(RuleBook { rules, links })
}

/// The rule of `kind` that applies to one department.
pub(crate) async fn rule_for<T: Clone + Default + serde::de::DeserializeOwned>(
    s: &AppState,
    tenant: TenantId,
    kind: &str,
    dept: DepartmentId,
) -> ApiResult<T> {
    Ok(rule_book(s, tenant, kind).await?.for_dept(dept))
}

/// The rule of `kind` stored for exactly this scope (no inheritance); the default when
/// none is stored there.
pub(crate) async fn stored_rule<T: Default + serde::de::DeserializeOwned>(
    s: &AppState,
    tenant: TenantId,
    kind: &str,
    raw_scope: &str,
) -> ApiResult<T> {
    let dept = scope(s, tenant, raw_scope).await?;
    match s.store.rules(tenant, kind).await?.remove(&dept) {
        Some(json) => crate::actions::from_json(&json),
        None => Ok(T::default()),
    }
}

/// Deletes the rule of `kind` stored for a scope, so the scope inherits its parent's (or
/// the default); 404 when none was stored there. The caller must be allowed to write
/// departments.
pub(crate) async fn delete_rule(
    s: &AppState,
    tenant: TenantId,
    kind: &str,
    raw_scope: &str,
) -> ApiResult<()> {
    let dept = scope(s, tenant, raw_scope).await?;
    if s.store.delete_rule(tenant, kind, dept).await? {
        Ok(())
    } else {
        Err(ApiError::not_found())
    }
}
