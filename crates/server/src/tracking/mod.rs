//! Tracking on the server: ingest (API and OsmAnd), group-committed writes, per-day
//! summaries kept up to date, replay and the live feed.

pub mod days;
pub mod files;
pub mod fix_input;
pub mod ingest;
pub mod live;
pub mod osmand;
pub mod osmand_listener;
pub mod relay;
pub mod schedule_cache;
pub mod summary;
pub mod writer;

pub use ingest::{IngestOutcome, Tracking};
