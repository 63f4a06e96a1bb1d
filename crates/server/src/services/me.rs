//! The signed-in person: who they are and in which tenant.

use crate::error::ApiResult;
use crate::state::AppState;
use domain::TenantId;
use domain::access::{Reach, UserPrincipal};
use domain::employee::Employee;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct TenantSummary {
    pub id: TenantId,
    pub slug: String,
    pub name: String,
    pub timezone: String,
}

impl From<storage::Tenant> for TenantSummary {
    fn from(t: storage::Tenant) -> Self {
        TenantSummary {
            id: t.id,
            slug: t.slug,
            name: t.name,
            timezone: t.timezone,
        }
    }
}

/// The signed-in person's record and their tenant.
pub async fn me(s: &AppState, u: &UserPrincipal) -> ApiResult<(Employee, TenantSummary)> {
    let employee = s
        .store
        .employee(u.tenant, u.employee, &Reach::Tenant)
        .await?;
    let t = s.store.tenant(u.tenant).await?;
    Ok((employee, t.into()))
}
