//! One row of a sync write, prepared: validated by `domain`, matched by external id to a
//! stored row the caller reaches (or given a new id), every referenced id resolved within
//! the caller's reach — the same rules as `POST`/`PUT …/{id}` — and ready for `storage`'s
//! row writers. Also the stored object as the input it would take, which a merge patch
//! is applied to.

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use domain::access::{self, Principal, Reach};
use domain::customer::{Customer, CustomerDraft, CustomerInput};
use domain::department::{Department, DepartmentInput};
use domain::employee::{Employee, EmployeeInput};
use domain::{Invalid, Problem, TenantId};
use serde_json::{Value, json};
use storage::{CustomerUpsert, DepartmentUpsert, EmployeeUpsert, UpsertTarget};
use uuid::Uuid;

/// Who writes, and what they reach for the resource at hand (its `write` action).
#[derive(Clone, Copy)]
pub struct Writer<'a> {
    pub tenant: TenantId,
    pub principal: &'a Principal,
    pub reach: &'a Reach,
}

/// A new row's id: the client's (a retried create stays one row) or a fresh one.
fn new_id(client: Option<Uuid>) -> Uuid {
    client.unwrap_or_else(Uuid::now_v7)
}

/// The stored row a body's `id` must agree with.
fn same_id(client: Option<Uuid>, stored: Uuid) -> ApiResult<()> {
    match client {
        Some(c) if c != stored => Err(ApiError::invalid_one("id", Problem::DiffersFromPath)),
        _ => Ok(()),
    }
}

/// A customer row: the owner rules of `POST /customers` (a field rep's customers are
/// their own; a manager's are owned by someone active in their subtree).
pub async fn customer(
    s: &AppState,
    w: Writer<'_>,
    ext: &str,
    expected: Option<i64>,
    input: &CustomerInput,
) -> ApiResult<CustomerUpsert> {
    let mut draft = input.validate()?;
    draft.external_id = Some(ext.to_owned());
    let target = match s
        .store
        .customer_by_external_id(w.tenant, w.reach, ext)
        .await?
    {
        None => UpsertTarget::New(new_id(input.id.map(|i| i.0))),
        Some((id, _deleted)) => {
            same_id(input.id.map(|i| i.0), id.0)?;
            UpsertTarget::Existing { id: id.0, expected }
        }
    };
    settle_owner(s, w, &mut draft).await?;
    Ok(CustomerUpsert { target, draft })
}

async fn settle_owner(s: &AppState, w: Writer<'_>, d: &mut CustomerDraft) -> ApiResult<()> {
    match (w.reach, d.owner_id) {
        (Reach::Own(me), None) => d.owner_id = Some(*me),
        (Reach::Own(me), Some(o)) if o != *me => {
            return Err(ApiError::invalid_one("owner_id", Problem::NotAllowed));
        }
        (Reach::Subtree(_), None) => {
            return Err(ApiError::invalid_one("owner_id", Problem::Required));
        }
        _ => {}
    }
    if let Some(o) = d.owner_id {
        s.store.check_owner(w.tenant, w.reach, o).await?;
    }
    Ok(())
}

/// A person row: nobody hands out a role above their own, a manager places people only
/// in their subtree, and nobody deactivates themselves or changes their own role.
pub async fn employee(
    s: &AppState,
    w: Writer<'_>,
    ext: &str,
    expected: Option<i64>,
    input: &EmployeeInput,
) -> ApiResult<EmployeeUpsert> {
    let mut draft = input.validate()?;
    draft.external_id = Some(ext.to_owned());
    let target = match s
        .store
        .employee_by_external_id(w.tenant, w.reach, ext)
        .await?
    {
        None => UpsertTarget::New(new_id(input.id.map(|i| i.0))),
        Some(current) => {
            same_id(input.id.map(|i| i.0), current.id.0)?;
            if let Principal::User(u) = w.principal
                && u.employee == current.id
                && (!draft.active || draft.role != current.role)
            {
                return Err(ApiError::invalid(Invalid::one(
                    if draft.active { "role" } else { "active" },
                    Problem::SelfChange,
                )));
            }
            UpsertTarget::Existing {
                id: current.id.0,
                expected,
            }
        }
    };
    if !access::may_assign_role(w.principal, draft.role) {
        return Err(ApiError::invalid_one("role", Problem::NotAllowed));
    }
    if let Reach::Subtree(_) = w.reach {
        crate::refs::department(s, w.tenant, w.reach, "department_id", draft.department_id).await?;
    }
    let password_hash = match draft.password.clone() {
        Some(p) => Some(crate::auth::passwords::hash(p).await?),
        None => None,
    };
    Ok(EmployeeUpsert {
        target,
        draft,
        password_hash,
    })
}

/// A department row (departments are written by admins and keys with
/// `departments:write`, who reach the whole tree); the parent's existence and cycles are
/// checked in the row's transaction.
pub async fn department(
    s: &AppState,
    w: Writer<'_>,
    ext: &str,
    expected: Option<i64>,
    input: &DepartmentInput,
) -> ApiResult<DepartmentUpsert> {
    let mut draft = input.validate()?;
    draft.external_id = Some(ext.to_owned());
    let target = match s
        .store
        .department_by_external_id(w.tenant, w.reach, ext)
        .await?
    {
        None => UpsertTarget::New(new_id(input.id.map(|i| i.0))),
        Some(current) => {
            same_id(input.id.map(|i| i.0), current.id.0)?;
            UpsertTarget::Existing {
                id: current.id.0,
                expected,
            }
        }
    };
    if let (Some(parent), Reach::Subtree(_)) = (draft.parent_id, w.reach) {
        crate::refs::department(s, w.tenant, w.reach, "parent_id", parent).await?;
    }
    Ok(DepartmentUpsert { target, draft })
}

/// Drops members whose value is `null`: an absent optional member reads as empty.
fn present(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(m.into_iter().filter(|(_, v)| !v.is_null()).collect()),
        other => other,
    }
}

/// A stored customer as the body that would write it (location in WGS-84).
pub fn customer_as_input(c: &Customer) -> Value {
    present(json!({
        "name": c.name,
        "code": c.code,
        "external_id": c.external_id,
        "address": c.address,
        "location": c.location.as_ref().map(|p| json!({"lat": p.lat, "lon": p.lon, "coord_system": "wgs84"})),
        "level": c.level,
        "tags": c.tags,
        "contacts": c.contacts,
        "owner_id": c.owner_id,
        "checkin_radius_m": c.checkin_radius_m,
    }))
}

pub fn employee_as_input(e: &Employee) -> Value {
    present(json!({
        "name": e.name,
        "username": e.username,
        "phone": e.phone,
        "email": e.email,
        "employee_no": e.employee_no,
        "department_id": e.department_id,
        "role": e.role,
        "active": e.active,
        "start_date": e.start_date.map(|d| d.to_string()),
        "external_id": e.external_id,
    }))
}

pub fn department_as_input(d: &Department) -> Value {
    present(json!({
        "name": d.name,
        "parent_id": d.parent_id,
        "external_id": d.external_id,
    }))
}
