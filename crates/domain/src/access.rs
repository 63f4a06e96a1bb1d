//! Who may see and change what. The server asks these functions and turns the
//! answer into SQL filters; nothing here knows about SQL.

use crate::employee::Role;
use crate::{ApiKeyId, DepartmentId, EmployeeId, TenantId};
use serde::{Deserialize, Serialize};

/// The caller of a request, after authentication.
#[derive(Clone, Debug, PartialEq)]
pub enum Principal {
    User(UserPrincipal),
    ApiKey(ApiKeyPrincipal),
}

#[derive(Clone, Debug, PartialEq)]
pub struct UserPrincipal {
    pub tenant: TenantId,
    pub employee: EmployeeId,
    pub role: Role,
    pub department: DepartmentId,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ApiKeyPrincipal {
    pub tenant: TenantId,
    pub key: ApiKeyId,
    pub scopes: Vec<ApiScope>,
}

impl Principal {
    pub fn tenant(&self) -> TenantId {
        match self {
            Principal::User(u) => u.tenant,
            Principal::ApiKey(k) => k.tenant,
        }
    }
}

/// What an integration key may do. Write implies read of the same resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ApiScope {
    #[serde(rename = "customers:read")]
    CustomersRead,
    #[serde(rename = "customers:write")]
    CustomersWrite,
    #[serde(rename = "employees:read")]
    EmployeesRead,
    #[serde(rename = "employees:write")]
    EmployeesWrite,
    #[serde(rename = "departments:read")]
    DepartmentsRead,
    #[serde(rename = "departments:write")]
    DepartmentsWrite,
    /// The change feed (`GET /api/v1/events`).
    #[serde(rename = "events:read")]
    EventsRead,
    /// Webhook endpoints and their delivery logs (`/api/v1/webhooks`).
    #[serde(rename = "webhooks:read")]
    WebhooksRead,
    #[serde(rename = "webhooks:write")]
    WebhooksWrite,
}

impl ApiScope {
    pub const ALL: [ApiScope; 9] = [
        ApiScope::CustomersRead,
        ApiScope::CustomersWrite,
        ApiScope::EmployeesRead,
        ApiScope::EmployeesWrite,
        ApiScope::DepartmentsRead,
        ApiScope::DepartmentsWrite,
        ApiScope::EventsRead,
        ApiScope::WebhooksRead,
        ApiScope::WebhooksWrite,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ApiScope::CustomersRead => "customers:read",
            ApiScope::CustomersWrite => "customers:write",
            ApiScope::EmployeesRead => "employees:read",
            ApiScope::EmployeesWrite => "employees:write",
            ApiScope::DepartmentsRead => "departments:read",
            ApiScope::DepartmentsWrite => "departments:write",
            ApiScope::EventsRead => "events:read",
            ApiScope::WebhooksRead => "webhooks:read",
            ApiScope::WebhooksWrite => "webhooks:write",
        }
    }

    pub fn parse(s: &str) -> Option<ApiScope> {
        ApiScope::ALL.into_iter().find(|x| x.as_str() == s)
    }

    fn grants(self, resource: Resource, action: Action) -> bool {
        // Keys reach the integration resources only: never keys, devices or tracks.
        let (r, writes) = match self {
            ApiScope::CustomersRead => (Resource::Customers, false),
            ApiScope::CustomersWrite => (Resource::Customers, true),
            ApiScope::EmployeesRead => (Resource::Employees, false),
            ApiScope::EmployeesWrite => (Resource::Employees, true),
            ApiScope::DepartmentsRead => (Resource::Departments, false),
            ApiScope::DepartmentsWrite => (Resource::Departments, true),
            ApiScope::EventsRead => (Resource::Events, false),
            ApiScope::WebhooksRead => (Resource::Webhooks, false),
            ApiScope::WebhooksWrite => (Resource::Webhooks, true),
        };
        r == resource && (writes || action == Action::Read)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource {
    Customers,
    Employees,
    Departments,
    ApiKeys,
    /// Phones and GPS clients registered to people.
    Devices,
    /// The evidence of field work: fixes, day summaries, replay, the live map, mileage,
    /// attendance days and the team report, visits and their photos, plans.
    Tracks,
    /// The server's background work: the job queue (admins only).
    Jobs,
    /// The change feed of domain events (admins, and keys with `events:read`).
    Events,
    /// The audit log and its retention: admins only (no other role or scope grants it).
    Audit,
    /// Mileage and expense claims (开车报销). Reading and preparing a claim (draft,
    /// adjustments, expenses, submission) follow the person: a rep their own, a manager
    /// their subtree, finance reads every claim.
    Claims,
    /// Deciding a submitted claim: a manager who reaches the rep (never the rep).
    ClaimDecisions,
    /// Payout batches and their exports, and the tenant's mileage rate tables: finance
    /// and admins.
    Payouts,
    /// Webhook endpoints, their secrets and delivery logs: admins, and keys with
    /// `webhooks:read` / `webhooks:write`.
    Webhooks,
}

impl Resource {
    pub const ALL: [Resource; 13] = [
        Resource::Customers,
        Resource::Employees,
        Resource::Departments,
        Resource::ApiKeys,
        Resource::Devices,
        Resource::Tracks,
        Resource::Jobs,
        Resource::Events,
        Resource::Audit,
        Resource::Claims,
        Resource::ClaimDecisions,
        Resource::Payouts,
        Resource::Webhooks,
    ];
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Read,
    Write,
}

/// Which rows of a resource a caller reaches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reach {
    /// Every row of the tenant.
    Tenant,
    /// Rows belonging to this department or any below it (employees in it; customers
    /// owned by employees in it; the departments themselves).
    Subtree(DepartmentId),
    /// Only rows of this person: themselves, or the customers they own.
    Own(EmployeeId),
    /// Nothing: the request is forbidden.
    None,
}

/// The single table of role rules. Admins run the tenant; managers run their department
/// subtree; field reps see themselves and the customers they own. Finance verifies claims,
/// which needs the day's evidence: it reads people, the department tree, attendance,
/// tracks and mileage, visits and their photos and claims tenant-wide, read-only, writes
/// no master data (customers, people, departments, rules, forms, plans, keys, devices),
/// and runs payouts and the mileage rate tables.
pub fn reach(principal: &Principal, resource: Resource, action: Action) -> Reach {
    use Action::*;
    use Resource::*;
    match principal {
        Principal::ApiKey(k) => {
            if k.scopes.iter().any(|s| s.grants(resource, action)) {
                Reach::Tenant
            } else {
                Reach::None
            }
        }
        Principal::User(u) => match (u.role, resource, action) {
            (Role::Admin, _, _) => Reach::Tenant,
            (Role::Manager, Customers | Employees | Devices | Tracks, _) => {
                Reach::Subtree(u.department)
            }
            (Role::Manager, Departments, Read) => Reach::Subtree(u.department),
            (Role::Manager, Claims | ClaimDecisions, _) => Reach::Subtree(u.department),
            (Role::Field, Customers | Devices | Claims, _) => Reach::Own(u.employee),
            (Role::Field, Employees | Tracks, Read) => Reach::Own(u.employee),
            (Role::Finance, Employees | Departments | Tracks | Claims, Read) => Reach::Tenant,
            (Role::Finance, Payouts, _) => Reach::Tenant,
            (Role::Finance, _, _) => Reach::None,
            _ => Reach::None,
        },
    }
}

/// Roles a caller may give to people they create or edit: nobody hands out more
/// power than they hold, so a manager can add field reps but not another admin.
pub fn may_assign_role(principal: &Principal, role: Role) -> bool {
    match principal {
        Principal::User(u) => match u.role {
            Role::Admin => true,
            Role::Manager => role == Role::Field,
            _ => false,
        },
        Principal::ApiKey(k) => role != Role::Admin && k.scopes.contains(&ApiScope::EmployeesWrite),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role) -> (Principal, UserPrincipal) {
        let u = UserPrincipal {
            tenant: TenantId::new(),
            employee: EmployeeId::new(),
            role,
            department: DepartmentId::new(),
        };
        (Principal::User(u.clone()), u)
    }

    #[test]
    fn role_table() {
        let (p, u) = user(Role::Manager);
        assert_eq!(
            reach(&p, Resource::Customers, Action::Write),
            Reach::Subtree(u.department)
        );
        assert_eq!(reach(&p, Resource::Departments, Action::Write), Reach::None);
        assert_eq!(reach(&p, Resource::ApiKeys, Action::Read), Reach::None);

        let (p, u) = user(Role::Field);
        assert_eq!(
            reach(&p, Resource::Customers, Action::Read),
            Reach::Own(u.employee)
        );
        assert_eq!(reach(&p, Resource::Employees, Action::Write), Reach::None);

        assert_eq!(
            reach(&p, Resource::Tracks, Action::Read),
            Reach::Own(u.employee)
        );
        assert_eq!(reach(&p, Resource::Tracks, Action::Write), Reach::None);
        assert_eq!(
            reach(&p, Resource::Devices, Action::Write),
            Reach::Own(u.employee)
        );

        let (p, _) = user(Role::Finance);
        assert_eq!(reach(&p, Resource::Employees, Action::Read), Reach::Tenant);
        assert_eq!(reach(&p, Resource::Tracks, Action::Read), Reach::Tenant);
        assert_eq!(reach(&p, Resource::Employees, Action::Write), Reach::None);
        assert_eq!(reach(&p, Resource::Customers, Action::Read), Reach::None);

        let (p, _) = user(Role::Admin);
        assert_eq!(reach(&p, Resource::ApiKeys, Action::Write), Reach::Tenant);
        assert_eq!(reach(&p, Resource::Audit, Action::Read), Reach::Tenant);
        for role in [Role::Manager, Role::Field, Role::Finance] {
            let (p, _) = user(role);
            assert_eq!(
                reach(&p, Resource::Audit, Action::Read),
                Reach::None,
                "{role:?}"
            );
        }
    }

    /// The decided finance policy, exhaustively: tenant-wide reads of people, departments,
    /// the evidence (`Tracks`) and claims, payouts read and written, nothing else, and no
    /// other write.
    #[test]
    fn finance_reads_the_evidence_tenant_wide_and_writes_only_payouts() {
        let (p, _) = user(Role::Finance);
        for r in Resource::ALL {
            let read = reach(&p, r, Action::Read);
            let want = match r {
                Resource::Employees
                | Resource::Departments
                | Resource::Tracks
                | Resource::Claims
                | Resource::Payouts => Reach::Tenant,
                _ => Reach::None,
            };
            assert_eq!(read, want, "finance reads {r:?}");
            let want = match r {
                Resource::Payouts => Reach::Tenant,
                _ => Reach::None,
            };
            assert_eq!(reach(&p, r, Action::Write), want, "finance writes {r:?}");
        }
    }

    /// Claims follow the person; deciding one is a manager's (or admin's), never the rep's.
    #[test]
    fn claim_reach() {
        let (p, u) = user(Role::Field);
        assert_eq!(
            reach(&p, Resource::Claims, Action::Write),
            Reach::Own(u.employee)
        );
        assert_eq!(
            reach(&p, Resource::ClaimDecisions, Action::Write),
            Reach::None
        );
        assert_eq!(reach(&p, Resource::Payouts, Action::Read), Reach::None);
        let (p, u) = user(Role::Manager);
        assert_eq!(
            reach(&p, Resource::ClaimDecisions, Action::Write),
            Reach::Subtree(u.department)
        );
        assert_eq!(reach(&p, Resource::Payouts, Action::Write), Reach::None);
        let (p, _) = user(Role::Finance);
        assert_eq!(reach(&p, Resource::Claims, Action::Write), Reach::None);
        assert_eq!(
            reach(&p, Resource::ClaimDecisions, Action::Write),
            Reach::None
        );
    }

    #[test]
    fn api_key_scopes() {
        let p = Principal::ApiKey(ApiKeyPrincipal {
            tenant: TenantId::new(),
            key: ApiKeyId::new(),
            scopes: vec![ApiScope::CustomersWrite, ApiScope::EmployeesRead],
        });
        assert_eq!(reach(&p, Resource::Customers, Action::Read), Reach::Tenant);
        assert_eq!(reach(&p, Resource::Customers, Action::Write), Reach::Tenant);
        assert_eq!(reach(&p, Resource::Employees, Action::Write), Reach::None);
        assert_eq!(reach(&p, Resource::ApiKeys, Action::Read), Reach::None);
        assert!(!may_assign_role(&p, Role::Field));
    }

    #[test]
    fn nobody_grants_more_than_they_hold() {
        assert!(may_assign_role(&user(Role::Manager).0, Role::Field));
        assert!(!may_assign_role(&user(Role::Manager).0, Role::Admin));
        assert!(!may_assign_role(&user(Role::Field).0, Role::Field));
    }

    #[test]
    fn scope_names_round_trip() {
        for s in ApiScope::ALL {
            assert_eq!(ApiScope::parse(s.as_str()), Some(s));
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.as_str())
            );
        }
    }
}
