//! Creating a tenant with its first admin (CLI and demo).

use crate::auth::passwords;
use crate::error::ApiResult;
use domain::Problem;
use domain::employee::{check_password, parse_username};
use domain::tenant::{Slug, clean_name};
use domain::{Invalid, TenantId};
use storage::{NewTenant, Store};

pub struct TenantRequest<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub timezone: &'a str,
    pub admin_username: &'a str,
    pub admin_password: &'a str,
}

pub async fn create_tenant(store: &Store, r: &TenantRequest<'_>) -> ApiResult<TenantId> {
    let mut bad = Invalid::default();
    let slug = bad.check("slug", Slug::parse(r.slug));
    let name = bad.check("name", clean_name(r.name, 200));
    let username = bad.check("admin_username", parse_username(r.admin_username));
    bad.check("admin_password", check_password(r.admin_password));
    if r.timezone.trim().is_empty() {
        bad.push("timezone", Problem::Required);
    }
    let (Some(slug), Some(name), Some(username), true) = (slug, name, username, bad.is_empty())
    else {
        return Err(bad.into());
    };
    let hash = passwords::hash(r.admin_password.to_owned()).await?;
    let (id, _, _) = store
        .create_tenant(&NewTenant {
            slug,
            root_department: name.clone(),
            name,
            timezone: r.timezone.to_owned(),
            admin_name: "Administrator".into(),
            admin_username: username,
            admin_password_hash: hash,
        })
        .await?;
    Ok(id)
}
