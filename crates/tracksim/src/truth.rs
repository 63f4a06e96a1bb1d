//! `truth.json`: what really happened, per device and local date.
//!
//! Schema (documented for the benchmark in `bench/track/README.md`):
//! mileages in metres, stop instants RFC 3339 in local time, stop centres
//! WGS-84. `chord_work_mileage_m` is the working-window length of straight
//! lines through the *true* positions at the instants the phone really
//! recorded a fix: the best a tracker without a road map can reach.

use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Truth {
    pub schema: String,
    pub seed: u64,
    pub utc_offset: String,
    pub work_hours: String,
    pub devices: Vec<DeviceTruth>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct DeviceTruth {
    pub device_id: String,
    pub sampling: String,
    pub days: Vec<DayTruth>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct DayTruth {
    /// Local date, `YYYY-MM-DD`.
    pub date: String,
    /// True distance travelled inside the working window.
    pub work_mileage_m: f64,
    /// True distance travelled over the whole tracked day.
    pub mileage_m: f64,
    pub chord_work_mileage_m: f64,
    /// Every stationary period of 5 min or more, in time order.
    pub stops: Vec<StopTruth>,
    /// How much of each difficulty the day contains (for reading results).
    pub events: Events,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct StopTruth {
    pub start: String,
    pub end: String,
    pub lat: f64,
    pub lon: f64,
    /// `home`, `visit`, `lunch` or `errand`.
    pub kind: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Default)]
pub struct Events {
    /// Real fixes (excluding mock rows, duplicates).
    pub fixes: u32,
    pub network_fixes: u32,
    pub multipath_jumps: u32,
    pub signal_gaps: u32,
    pub signal_gap_s: u32,
    pub red_lights: u32,
    pub mock_fixes: u32,
    pub duplicate_rows: u32,
    pub late_rows: u32,
}
