//! Outfield's domain: typed ids and values, validation and access rules.
//!
//! Architecture invariant: this crate does no I/O. It has no database, HTTP or async
//! runtime dependency (a test in `tests/purity.rs` enforces it); it takes values and
//! returns values, so every rule here is unit-tested without a server.

pub mod access;
pub mod attendance;
pub mod audit;
pub mod calendar;
pub mod customer;
pub mod customer_import;
pub mod department;
pub mod employee;
pub mod evidence;
pub mod fix;
pub mod forms;
pub mod geofence;
pub mod ids;
pub mod invalid;
pub mod jobs;
pub mod location;
pub mod merge_patch;
pub mod overrides;
pub mod tenant;
pub mod throttle;
pub mod totp;
pub mod tracking;
pub mod visit_flags;
pub mod visit_rule;
pub mod webhooks;

pub use coords::{CoordSystem, LatLon};
pub use ids::{
    ApiKeyId, CustomerId, DepartmentId, DeviceId, EmployeeId, ReportScheduleId, TenantId,
};
pub use invalid::{FieldProblem, Format, Invalid, Problem};
pub use location::{BadCoordinate, CheckinRadius, Meters, Wgs84};
