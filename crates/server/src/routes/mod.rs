//! HTTP handlers, one module per resource.

pub mod api_keys;
pub mod attendance;
pub mod auth;
pub mod customer_import;
pub mod customers;
pub mod departments;
pub mod devices;
pub mod employees;
pub mod geofences;
pub mod health;
pub mod live;
pub mod locations;
pub mod me;
pub mod tracking;

/// Default page size of lists.
pub(crate) fn default_limit() -> u32 {
    50
}
