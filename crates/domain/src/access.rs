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
    /// The scope the operation being served requires, once the server's scope gate has
    /// checked the key holds it; `None` until then (and a key reaches nothing).
    pub admitted: Option<ApiScope>,
}

impl ApiKeyPrincipal {
    /// Whether the key holds a scope that satisfies `required`.
    pub fn holds(&self, required: ApiScope) -> bool {
        self.scopes.iter().any(|s| s.satisfies(required))
    }
}

impl Principal {
    pub fn tenant(&self) -> TenantId {
        match self {
            Principal::User(u) => u.tenant,
            Principal::ApiKey(k) => k.tenant,
        }
    }
}

/// A family of operations an integration key can be given, read and write separately
/// (`visits:read`, `visits:write`). Which operation needs which scope is one table in the
/// server (`server::auth::scopes`), stated per operation in the OpenAPI document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScopeFamily {
    Customers,
    Employees,
    Departments,
    Visits,
    Attendance,
    /// Fixes, tracks, day summaries, mileage, devices, geofences, the live map.
    Tracking,
    Plans,
    Forms,
    /// Approval requests, flows and settings, attendance requests.
    Requests,
    Reports,
    Claims,
    Integrity,
    Webhooks,
    Audit,
    /// The change feed and tombstones (read only).
    Events,
}

macro_rules! scopes {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, $family:ident, $writes:literal; )*) => {
        /// What an integration key may do: one family, read or write. A write scope
        /// also satisfies the read scope of its family.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum ApiScope {
            $( $(#[$doc])* #[serde(rename = $name)] $variant, )*
        }

        impl ApiScope {
            pub const ALL: &'static [ApiScope] = &[$(ApiScope::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(ApiScope::$variant => $name),* }
            }

            pub fn family(self) -> ScopeFamily {
                match self { $(ApiScope::$variant => ScopeFamily::$family),* }
            }

            /// Whether this is a `:write` scope.
            pub fn writes(self) -> bool {
                match self { $(ApiScope::$variant => $writes),* }
            }
        }
    };
}

scopes! {
    CustomersRead = "customers:read", Customers, false;
    CustomersWrite = "customers:write", Customers, true;
    EmployeesRead = "employees:read", Employees, false;
    EmployeesWrite = "employees:write", Employees, true;
    DepartmentsRead = "departments:read", Departments, false;
    DepartmentsWrite = "departments:write", Departments, true;
    VisitsRead = "visits:read", Visits, false;
    VisitsWrite = "visits:write", Visits, true;
    AttendanceRead = "attendance:read", Attendance, false;
    AttendanceWrite = "attendance:write", Attendance, true;
    TrackingRead = "tracking:read", Tracking, false;
    TrackingWrite = "tracking:write", Tracking, true;
    PlansRead = "plans:read", Plans, false;
    PlansWrite = "plans:write", Plans, true;
    FormsRead = "forms:read", Forms, false;
    FormsWrite = "forms:write", Forms, true;
    RequestsRead = "requests:read", Requests, false;
    RequestsWrite = "requests:write", Requests, true;
    ReportsRead = "reports:read", Reports, false;
    ReportsWrite = "reports:write", Reports, true;
    ClaimsRead = "claims:read", Claims, false;
    ClaimsWrite = "claims:write", Claims, true;
    IntegrityRead = "integrity:read", Integrity, false;
    IntegrityWrite = "integrity:write", Integrity, true;
    /// Webhook endpoints and their delivery logs (`/api/v1/webhooks`).
    WebhooksRead = "webhooks:read", Webhooks, false;
    WebhooksWrite = "webhooks:write", Webhooks, true;
    AuditRead = "audit:read", Audit, false;
    AuditWrite = "audit:write", Audit, true;
    /// The change feed (`GET /api/v1/events`) and tombstones.
    EventsRead = "events:read", Events, false;
}

// Written out because a derive cannot read the serde names through the macro above.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for ApiScope {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(ApiScope::ALL.iter().map(|s| s.as_str())))
            .description(Some(
                "What an integration key may do: one family, read or write. A write scope \
                 also passes the reads of its family.",
            ))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for ApiScope {}

impl ApiScope {
    pub fn parse(s: &str) -> Option<ApiScope> {
        ApiScope::ALL.iter().copied().find(|x| x.as_str() == s)
    }

    /// Whether a key holding `self` may call an operation that requires `required`: the
    /// same scope, or the write scope of the family a read scope names.
    pub fn satisfies(self, required: ApiScope) -> bool {
        self == required
            || (self.family() == required.family() && self.writes() && !required.writes())
    }

    /// The read scope of this scope's family.
    pub fn read(self) -> ApiScope {
        ApiScope::ALL
            .iter()
            .copied()
            .find(|s| s.family() == self.family() && !s.writes())
            .unwrap_or(self)
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
    /// The audit log and its retention: admins, and keys with `audit:read` / `audit:write`.
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
    /// The tenant's single sign-on settings (its OpenID provider): admins only, never a key.
    SingleSignOn,
}

impl Resource {
    pub const ALL: [Resource; 14] = [
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
        Resource::SingleSignOn,
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
        // A key is let into an operation by the scope gate, which checked the one scope
        // the operation requires; within it the key reaches the tenant (for writes only
        // when that scope is a write scope). Outside an admitted operation it reaches nothing.
        Principal::ApiKey(k) => match k.admitted {
            Some(s) if action == Read || s.writes() => Reach::Tenant,
            _ => Reach::None,
        },
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
        let mut k = ApiKeyPrincipal {
            tenant: TenantId::new(),
            key: ApiKeyId::new(),
            scopes: vec![ApiScope::CustomersWrite, ApiScope::EmployeesRead],
            admitted: None,
        };
        assert!(k.holds(ApiScope::CustomersRead));
        assert!(k.holds(ApiScope::CustomersWrite));
        assert!(k.holds(ApiScope::EmployeesRead));
        assert!(!k.holds(ApiScope::EmployeesWrite));
        assert!(!k.holds(ApiScope::VisitsRead));
        // Not admitted to any operation: nothing.
        let p = Principal::ApiKey(k.clone());
        assert_eq!(reach(&p, Resource::Customers, Action::Read), Reach::None);
        assert!(!may_assign_role(&p, Role::Field));
        k.admitted = Some(ApiScope::EmployeesRead);
        let p = Principal::ApiKey(k.clone());
        assert_eq!(reach(&p, Resource::Employees, Action::Read), Reach::Tenant);
        assert_eq!(reach(&p, Resource::Employees, Action::Write), Reach::None);
        k.admitted = Some(ApiScope::CustomersWrite);
        let p = Principal::ApiKey(k);
        assert_eq!(reach(&p, Resource::Customers, Action::Write), Reach::Tenant);
    }

    #[test]
    fn every_family_has_a_read_scope_and_write_satisfies_read() {
        for &s in ApiScope::ALL {
            assert!(!s.read().writes(), "{s:?}");
            assert_eq!(s.read().family(), s.family());
            assert!(s.satisfies(s.read()));
            assert!(!s.read().satisfies(s) || !s.writes());
        }
    }

    #[test]
    fn nobody_grants_more_than_they_hold() {
        assert!(may_assign_role(&user(Role::Manager).0, Role::Field));
        assert!(!may_assign_role(&user(Role::Manager).0, Role::Admin));
        assert!(!may_assign_role(&user(Role::Field).0, Role::Field));
    }

    #[test]
    fn scope_names_round_trip() {
        for &s in ApiScope::ALL {
            assert_eq!(ApiScope::parse(s.as_str()), Some(s));
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.as_str())
            );
        }
    }
}
