//! The org chart a caller builds from its rows: departments with their heads, people
//! with their roles, the tenant's admins. Indexed once ([`OrgChart::index`]) and then
//! read by every routing over it.

use domain::employee::Role;
use domain::{DepartmentId, EmployeeId};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OrgChart {
    pub departments: Vec<DepartmentNode>,
    pub people: Vec<Person>,
    /// The tenant's admins in the order escalations list them.
    pub admins: Vec<EmployeeId>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DepartmentNode {
    pub id: DepartmentId,
    pub parent: Option<DepartmentId>,
    /// Usually one; several heads share the department's approvals.
    pub heads: Vec<EmployeeId>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub id: EmployeeId,
    pub department: DepartmentId,
    pub roles: Vec<Role>,
    pub active: bool,
}

/// Why an org chart cannot be routed over.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OrgError {
    #[error("department {0} is listed twice")]
    DuplicateDepartment(DepartmentId),
    #[error("person {0} is listed twice")]
    DuplicatePerson(EmployeeId),
    #[error("department {department} has an unknown parent {parent}")]
    UnknownParent {
        department: DepartmentId,
        parent: DepartmentId,
    },
    #[error("department {department} sits below itself")]
    Cycle { department: DepartmentId },
    #[error("person {person} belongs to an unknown department {department}")]
    UnknownDepartment {
        person: EmployeeId,
        department: DepartmentId,
    },
    #[error("department {department} is headed by an unknown person {head}")]
    UnknownHead {
        department: DepartmentId,
        head: EmployeeId,
    },
    #[error("admin {0} is not a known person")]
    UnknownAdmin(EmployeeId),
}

#[derive(Clone, Debug)]
struct DeptEntry {
    parent: Option<DepartmentId>,
    heads: Vec<EmployeeId>,
}

#[derive(Clone, Debug)]
struct PersonEntry {
    department: DepartmentId,
    active: bool,
}

/// A validated, indexed org chart (no cycles, no dangling references).
#[derive(Clone, Debug)]
pub struct Org {
    departments: HashMap<DepartmentId, DeptEntry>,
    people: HashMap<EmployeeId, PersonEntry>,
    /// Role holders per department and tenant-wide, in the chart's order; activity is
    /// checked when read so [`Org::set_active`] stays cheap.
    by_department: HashMap<(DepartmentId, Role), Vec<EmployeeId>>,
    by_role: HashMap<Role, Vec<EmployeeId>>,
    admins: Vec<EmployeeId>,
}

impl OrgChart {
    pub fn index(self) -> Result<Org, OrgError> {
        let mut departments = HashMap::with_capacity(self.departments.len());
        for d in &self.departments {
            let entry = DeptEntry {
                parent: d.parent,
                heads: dedup(&d.heads),
            };
            if departments.insert(d.id, entry).is_some() {
                return Err(OrgError::DuplicateDepartment(d.id));
            }
        }
        for d in &self.departments {
            if let Some(parent) = d.parent
                && !departments.contains_key(&parent)
            {
                return Err(OrgError::UnknownParent {
                    department: d.id,
                    parent,
                });
            }
        }
        check_acyclic(&self.departments, &departments)?;

        let mut people = HashMap::with_capacity(self.people.len());
        let mut by_department: HashMap<(DepartmentId, Role), Vec<EmployeeId>> = HashMap::new();
        let mut by_role: HashMap<Role, Vec<EmployeeId>> = HashMap::new();
        for p in &self.people {
            if !departments.contains_key(&p.department) {
                return Err(OrgError::UnknownDepartment {
                    person: p.id,
                    department: p.department,
                });
            }
            let entry = PersonEntry {
                department: p.department,
                active: p.active,
            };
            if people.insert(p.id, entry).is_some() {
                return Err(OrgError::DuplicatePerson(p.id));
            }
            for role in dedup(&p.roles) {
                by_department
                    .entry((p.department, role))
                    .or_default()
                    .push(p.id);
                by_role.entry(role).or_default().push(p.id);
            }
        }
        for d in &self.departments {
            if let Some(head) = d.heads.iter().find(|h| !people.contains_key(h)) {
                return Err(OrgError::UnknownHead {
                    department: d.id,
                    head: *head,
                });
            }
        }
        if let Some(a) = self.admins.iter().find(|a| !people.contains_key(a)) {
            return Err(OrgError::UnknownAdmin(*a));
        }
        Ok(Org {
            departments,
            people,
            by_department,
            by_role,
            admins: dedup(&self.admins),
        })
    }
}

/// Walks each department up to the root; a walk that meets a department of its own
/// path is a cycle. Departments already known to reach the root end a walk early.
fn check_acyclic(
    order: &[DepartmentNode],
    departments: &HashMap<DepartmentId, DeptEntry>,
) -> Result<(), OrgError> {
    let mut reaches_root: HashMap<DepartmentId, bool> = HashMap::new();
    for d in order {
        let mut path = Vec::new();
        let mut at = Some(d.id);
        while let Some(id) = at {
            if reaches_root.contains_key(&id) {
                break;
            }
            if path.contains(&id) {
                return Err(OrgError::Cycle { department: id });
            }
            path.push(id);
            at = departments[&id].parent;
        }
        for id in path {
            reaches_root.insert(id, true);
        }
    }
    Ok(())
}

fn dedup<T: PartialEq + Copy>(items: &[T]) -> Vec<T> {
    let mut out = Vec::with_capacity(items.len());
    for i in items {
        if !out.contains(i) {
            out.push(*i);
        }
    }
    out
}

impl Org {
    pub fn knows(&self, person: EmployeeId) -> bool {
        self.people.contains_key(&person)
    }

    pub fn is_active(&self, person: EmployeeId) -> bool {
        self.people.get(&person).is_some_and(|p| p.active)
    }

    pub fn department_of(&self, person: EmployeeId) -> Option<DepartmentId> {
        self.people.get(&person).map(|p| p.department)
    }

    pub fn has_department(&self, department: DepartmentId) -> bool {
        self.departments.contains_key(&department)
    }

    pub fn parent(&self, department: DepartmentId) -> Option<DepartmentId> {
        self.departments.get(&department).and_then(|d| d.parent)
    }

    pub fn heads(&self, department: DepartmentId) -> &[EmployeeId] {
        self.departments
            .get(&department)
            .map_or(&[], |d| d.heads.as_slice())
    }

    /// Whether `department` is `ancestor` or lies below it.
    pub fn is_within(&self, department: DepartmentId, ancestor: DepartmentId) -> bool {
        let mut at = Some(department);
        while let Some(d) = at {
            if d == ancestor {
                return true;
            }
            at = self.parent(d);
        }
        false
    }

    /// Active holders of `role` in exactly `department`.
    pub fn holders_in(&self, role: Role, department: DepartmentId) -> Vec<EmployeeId> {
        self.active_of(self.by_department.get(&(department, role)))
    }

    /// Active holders of `role` anywhere in the tenant.
    pub fn holders(&self, role: Role) -> Vec<EmployeeId> {
        self.active_of(self.by_role.get(&role))
    }

    /// Active admins, in the chart's order.
    pub fn active_admins(&self) -> Vec<EmployeeId> {
        self.active_of(Some(&self.admins))
    }

    /// Marks a person active or not (a deactivation arriving while requests are open).
    pub fn set_active(&mut self, person: EmployeeId, active: bool) {
        if let Some(p) = self.people.get_mut(&person) {
            p.active = active;
        }
    }

    fn active_of(&self, ids: Option<&Vec<EmployeeId>>) -> Vec<EmployeeId> {
        ids.into_iter()
            .flatten()
            .copied()
            .filter(|id| self.is_active(*id))
            .collect()
    }
}
