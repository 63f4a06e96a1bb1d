//! Outfield's HTTP server: the JSON API under `/api/v1`, its OpenAPI document, health
//! checks, and the services the CLI shares with the API (tenant creation, demo data,
//! customer import).
//!
//! Architecture invariant: handlers never build SQL. They authenticate the caller, ask
//! `domain::access` what the caller reaches, and call one use case in [`services`] with
//! the caller's tenant id; use cases validate input with `domain` and call
//! `storage::Store`. Route modules never import each other, and services know no HTTP.

pub mod actions;
pub mod app;
pub mod audit;
pub mod auth;
pub mod clock;
pub mod demo;
pub mod error;
pub mod extract;
pub mod idem;
pub mod import;
pub mod jobs;
pub mod linger;
pub mod mail;
pub mod metrics;
pub mod openapi;
pub mod photo_files;
pub mod photo_index;
pub(crate) mod refs;
pub mod routes;
pub mod services;
pub mod sso;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod tenant_zones;
pub mod tenants;
pub mod timeout;
pub mod tracking;
pub mod web;
pub mod webhooks;

pub use app::{router, serve};
pub use state::{AppState, Config};

/// Milliseconds since the Unix epoch, UTC: how instants are compared and stored.
/// Inside a replay of the demo's history it is the replayed instant ([`clock`]).
pub fn now_ms() -> i64 {
    clock::now_ms()
}
