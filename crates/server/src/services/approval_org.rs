//! The org chart the approval engine routes over, read from departments and employees.
//!
//! The model has no explicit department head, so a department's heads are the **active
//! managers placed in it** (several share its approvals). A department without one has no
//! head: a step asking for it meets the tenant's no-approver rule (the admins by default).
//! A manager submitting goes to the heads of the department above (the engine's "the
//! submitter heads it" rule). Deactivated people stay in the chart (inactive), so an open
//! seat of theirs escalates to the admins instead of vanishing.

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use approvals::{DepartmentNode, Org, OrgChart, Person};
use domain::employee::Role;
use domain::{DepartmentId, EmployeeId, TenantId};
use std::collections::HashMap;

/// The indexed chart and everyone's names (for the preview and the views).
pub struct TenantOrg {
    pub org: Org,
    pub names: HashMap<EmployeeId, String>,
    pub department_names: HashMap<DepartmentId, String>,
}

pub async fn load(s: &AppState, tenant: TenantId) -> ApiResult<TenantOrg> {
    let departments = s
        .store
        .list_departments(tenant, &domain::access::Reach::Tenant)
        .await?;
    let people = s.store.org_people(tenant).await?;
    let mut heads: HashMap<DepartmentId, Vec<EmployeeId>> = HashMap::new();
    let mut chart = OrgChart::default();
    let mut names = HashMap::with_capacity(people.len());
    for p in &people {
        let role = Role::parse(&p.role).unwrap_or(Role::Field);
        let id = EmployeeId(p.id);
        let department = DepartmentId(p.department_id);
        if p.active && role == Role::Manager {
            heads.entry(department).or_default().push(id);
        }
        if p.active && role == Role::Admin {
            chart.admins.push(id);
        }
        names.insert(id, p.name.clone());
        chart.people.push(Person {
            id,
            department,
            roles: vec![role],
            active: p.active,
        });
    }
    let mut department_names = HashMap::with_capacity(departments.len());
    for d in &departments {
        department_names.insert(d.id, d.name.clone());
        chart.departments.push(DepartmentNode {
            id: d.id,
            parent: d.parent_id,
            heads: heads.remove(&d.id).unwrap_or_default(),
        });
    }
    let org = chart.index().map_err(ApiError::internal)?;
    Ok(TenantOrg {
        org,
        names,
        department_names,
    })
}

impl TenantOrg {
    pub fn name_book(&self) -> approvals::NameBook {
        approvals::NameBook {
            people: self.names.clone(),
            departments: self.department_names.clone(),
            fields: HashMap::new(),
        }
    }
}
