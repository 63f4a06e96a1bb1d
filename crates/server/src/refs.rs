//! References carried in request bodies — a customer in a plan, a person's department, a
//! geofence in a rule, a form in a visit rule — resolved within the caller's reach.
//!
//! Why one place: a write that accepts an id it never resolves against the caller's reach
//! publishes another department's (or tenant's) data to whoever later reads the written
//! row. An id the caller cannot reach answers exactly like one that does not exist (422
//! naming the field, code `not_found`), so a write can neither use nor reveal it.

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use domain::access::Reach;
use domain::customer::Customer;
use domain::department::Department;
use domain::employee::Employee;
use domain::ids::{FormId, GeofenceId};
use domain::{CustomerId, DepartmentId, EmployeeId, Invalid, Problem, TenantId};
use storage::StoreError;

/// A lookup's answer as a body reference: missing (or out of reach, which the store
/// cannot tell apart) becomes `not_found` on `field`.
pub(crate) fn found<T>(field: impl Into<String>, r: Result<T, StoreError>) -> ApiResult<T> {
    match r {
        Ok(v) => Ok(v),
        Err(StoreError::NotFound) => Err(ApiError::invalid(Invalid::one(field, Problem::NotFound))),
        Err(e) => Err(e.into()),
    }
}

/// A customer the caller reaches with `reach`.
pub(crate) async fn customer(
    s: &AppState,
    tenant: TenantId,
    reach: &Reach,
    field: impl Into<String>,
    id: CustomerId,
) -> ApiResult<Customer> {
    found(field, s.store.customer(tenant, id, reach).await)
}

/// A person the caller reaches with `reach`.
pub(crate) async fn employee(
    s: &AppState,
    tenant: TenantId,
    reach: &Reach,
    field: impl Into<String>,
    id: EmployeeId,
) -> ApiResult<Employee> {
    found(field, s.store.employee(tenant, id, reach).await)
}

/// A department the caller reaches with `reach` (a subtree reach covers the departments
/// of that subtree; an own reach covers none).
pub(crate) async fn department(
    s: &AppState,
    tenant: TenantId,
    reach: &Reach,
    field: impl Into<String>,
    id: DepartmentId,
) -> ApiResult<Department> {
    found(field, s.store.department(tenant, id, reach).await)
}

/// A geofence of the tenant (geofences are tenant-wide; only admins write rules naming them).
pub(crate) async fn geofence(
    s: &AppState,
    tenant: TenantId,
    field: impl Into<String>,
    id: GeofenceId,
) -> ApiResult<()> {
    found(field, s.store.geofence(tenant, id).await).map(|_| ())
}

/// A report form of the tenant (any version).
pub(crate) async fn form(
    s: &AppState,
    tenant: TenantId,
    field: impl Into<String>,
    id: FormId,
) -> ApiResult<()> {
    found(field, s.store.form(tenant, id, None).await).map(|_| ())
}

/// A photo taken by a person the caller reaches with `reach`.
pub(crate) async fn photo(
    s: &AppState,
    tenant: TenantId,
    reach: &Reach,
    field: impl Into<String>,
    id: uuid::Uuid,
) -> ApiResult<storage::StoredPhoto> {
    let field = field.into();
    let p = found(field.clone(), s.store.photo(tenant, id).await)?;
    found(
        field,
        s.store
            .employee(tenant, EmployeeId(p.employee_id), reach)
            .await,
    )?;
    Ok(p)
}
