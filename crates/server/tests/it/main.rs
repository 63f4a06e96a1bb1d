//! The API conformance suite: every test runs on SQLite and on PostgreSQL.

mod harness;

mod attendance;
mod auth;
mod customers;
mod departments;
mod employees;
mod errors;
mod geofences;
mod import;
mod isolation;
mod roles;
mod tracking;
