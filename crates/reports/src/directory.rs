//! Names and the department tree, as reports show them (storage reads them once per
//! request).

use domain::customer::{CustomerStatus, Level};
use domain::{CustomerId, DepartmentId, EmployeeId};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug, PartialEq)]
pub struct PersonInfo {
    pub name: String,
    /// The employee number (工号), when the tenant uses them.
    pub number: Option<String>,
    /// The person's current department (facts carry the department of each day).
    pub department: Option<DepartmentId>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DepartmentInfo {
    pub name: String,
    pub parent: Option<DepartmentId>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CustomerInfo {
    pub name: String,
    pub level: Level,
    pub tags: Vec<String>,
    pub owner: Option<EmployeeId>,
    /// A prospect stays `pending` until someone approves it.
    pub status: CustomerStatus,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Directory {
    pub people: BTreeMap<EmployeeId, PersonInfo>,
    pub departments: BTreeMap<DepartmentId, DepartmentInfo>,
    pub customers: BTreeMap<CustomerId, CustomerInfo>,
}

impl Directory {
    pub fn person_name(&self, id: EmployeeId) -> String {
        self.people
            .get(&id)
            .map_or_else(|| id.to_string(), |p| p.name.clone())
    }

    pub fn department_name(&self, id: DepartmentId) -> String {
        self.departments
            .get(&id)
            .map_or_else(|| id.to_string(), |d| d.name.clone())
    }

    pub fn customer_name(&self, id: CustomerId) -> String {
        self.customers
            .get(&id)
            .map_or_else(|| id.to_string(), |c| c.name.clone())
    }

    /// `dept` and the departments above it, nearest first (a cycle in bad data stops the
    /// walk instead of looping).
    pub fn ancestors(&self, dept: DepartmentId) -> Vec<DepartmentId> {
        let mut out = vec![dept];
        let mut at = dept;
        while let Some(parent) = self.departments.get(&at).and_then(|d| d.parent) {
            if out.contains(&parent) {
                break;
            }
            out.push(parent);
            at = parent;
        }
        out
    }

    /// `root` and every department below it.
    pub fn subtree(&self, root: DepartmentId) -> BTreeSet<DepartmentId> {
        let mut children: BTreeMap<DepartmentId, Vec<DepartmentId>> = BTreeMap::new();
        for (id, d) in &self.departments {
            if let Some(p) = d.parent {
                children.entry(p).or_default().push(*id);
            }
        }
        let mut out = BTreeSet::from([root]);
        let mut stack = vec![root];
        while let Some(at) = stack.pop() {
            for c in children.get(&at).into_iter().flatten() {
                if out.insert(*c) {
                    stack.push(*c);
                }
            }
        }
        out
    }
}
