//! HTTP handlers, one module per resource.

pub mod api_keys;
pub mod attendance;
pub mod audit;
pub mod auth;
pub mod customer_import;
pub mod customers;
pub mod departments;
pub mod devices;
pub mod employees;
pub mod events;
pub mod forms;
pub mod geofences;
pub mod health;
pub mod jobs;
pub mod live;
pub mod locations;
pub mod me;
pub mod metrics;
pub mod photos;
pub mod plans;
pub mod reports;
pub mod requests;
pub mod today;
pub mod tracking;
pub mod visits;

/// Default page size of lists.
pub(crate) fn default_limit() -> u32 {
    50
}

/// The largest page a list answers.
pub(crate) const MAX_PAGE: u32 = 500;

/// A page size as asked: 1–[`MAX_PAGE`], else 422 naming `limit` (never silently clamped).
pub(crate) fn page_limit(limit: u32) -> crate::error::ApiResult<u32> {
    if (1..=MAX_PAGE).contains(&limit) {
        Ok(limit)
    } else {
        Err(crate::error::ApiError::invalid_one(
            "limit",
            domain::Problem::range(1.0, f64::from(MAX_PAGE), ""),
        ))
    }
}

/// A form version as stored (1 to 2^31-1), else 422 naming `field`: a number beyond that
/// must not wrap around to "the latest version".
pub(crate) fn form_version(field: &str, v: Option<u32>) -> crate::error::ApiResult<Option<i32>> {
    match v {
        None => Ok(None),
        Some(n) => match i32::try_from(n) {
            Ok(n) if n >= 1 => Ok(Some(n)),
            _ => Err(crate::error::ApiError::invalid_one(
                field,
                domain::Problem::range(1.0, f64::from(i32::MAX), ""),
            )),
        },
    }
}

/// A rule's scope in a path: `tenant`, or the id of one of the caller's tenant's
/// departments (404 when there is no such department).
pub(crate) async fn scope(
    s: &crate::state::AppState,
    tenant: domain::TenantId,
    raw: &str,
) -> crate::error::ApiResult<Option<domain::DepartmentId>> {
    if raw == "tenant" {
        return Ok(None);
    }
    let dept = raw.parse().map_err(|_| {
        crate::error::ApiError::bad_request("scope", domain::Problem::format(domain::Format::Id))
    })?;
    s.store
        .department(tenant, dept, &domain::access::Reach::Tenant)
        .await?;
    Ok(Some(dept))
}

/// Every stored rule of one kind with the department tree, loaded once so the rule of
/// many departments can be resolved without going back to the database.
pub(crate) struct RuleBook<T> {
    rules: std::collections::HashMap<Option<domain::DepartmentId>, T>,
    links: Vec<domain::department::DepartmentLink>,
}

impl<T: Clone + Default> RuleBook<T> {
    /// The rule that applies to a department: its own, the nearest ancestor's, the
    /// tenant's, or the default.
    pub(crate) fn for_dept(&self, dept: domain::DepartmentId) -> T {
        domain::overrides::resolve(&self.rules, &self.links, Some(dept))
    }
}

pub(crate) async fn rule_book<T: serde::de::DeserializeOwned>(
    s: &crate::state::AppState,
    tenant: domain::TenantId,
    kind: &str,
) -> crate::error::ApiResult<RuleBook<T>> {
    let mut rules = std::collections::HashMap::new();
    for (scope, json) in s.store.rules(tenant, kind).await? {
        rules.insert(scope, crate::actions::from_json::<T>(&json)?);
    }
    let links = s.store.department_links(tenant).await?;
    Ok(RuleBook { rules, links })
}

/// The rule of `kind` that applies to one department.
pub(crate) async fn rule_for<T: Clone + Default + serde::de::DeserializeOwned>(
    s: &crate::state::AppState,
    tenant: domain::TenantId,
    kind: &str,
    dept: domain::DepartmentId,
) -> crate::error::ApiResult<T> {
    Ok(rule_book(s, tenant, kind).await?.for_dept(dept))
}

/// Deletes the rule of `kind` stored for a scope, so the scope inherits its parent's (or
/// the default); 404 when none was stored there.
pub(crate) async fn delete_rule(
    s: &crate::state::AppState,
    caller: &crate::auth::Caller,
    kind: &str,
    raw_scope: &str,
) -> crate::error::ApiResult<axum::http::StatusCode> {
    caller.reach(
        domain::access::Resource::Departments,
        domain::access::Action::Write,
    )?;
    let dept = scope(s, caller.tenant(), raw_scope).await?;
    if s.store.delete_rule(caller.tenant(), kind, dept).await? {
        Ok(axum::http::StatusCode::NO_CONTENT)
    } else {
        Err(crate::error::ApiError::not_found())
    }
}
