//! The API conformance suite: every test runs on SQLite and on PostgreSQL.

mod harness;

mod api_keys;
mod approvals;
mod attendance;
mod audit;
mod auth;
mod bi_access;
mod checkout_requirements;
mod claim_periods;
mod claims;
mod customers;
mod dashboard;
mod demo;
mod departments;
mod employees;
mod errors;
mod events;
mod finance;
mod geofences;
mod idempotent_creates;
mod import;
mod integrity;
mod isolation;
mod jobs;
mod me_today;
mod metrics;
mod migration_0008;
mod no_fix;
mod oidc;
mod plan_changes;
mod plan_conflicts;
mod plans;
mod query_contract;
mod reach_walker;
mod report_delivery;
mod report_pack;
mod report_webhooks;
mod reports;
mod roles;
mod servers;
mod sync;
mod throttle;
mod timeouts;
mod tracking;
mod two_factor;
mod visit_flags;
mod visit_replays;
mod visits;
mod webhooks;

/// Test images and hand-built EXIF blocks, shared with the photo crate's own tests.
#[path = "../../../photo/tests/it/support.rs"]
#[allow(dead_code)]
mod photo_support;
