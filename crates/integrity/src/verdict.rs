//! The verdict on a rep-day and the reasons it gives.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Clean,
    Review,
    LikelyCheat,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Clean => "clean",
            Level::Review => "review",
            Level::LikelyCheat => "likely_cheat",
        }
    }
}

/// One check's finding. Stable codes: the server stores them and the front ends translate
/// them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonCode {
    MockLocation,
    Rooted,
    Emulator,
    DeveloperMode,
    ImpossibleSpeed,
    Teleport,
    SyntheticTrack,
    FrozenPosition,
    PinDrop,
    ReplayedTrack,
    ClockTampered,
    ProxyPunch,
    DeviceShared,
    PhotoReused,
    PhotoExifMismatch,
    TrackingOff,
    CheckInWithoutTrack,
}

impl ReasonCode {
    pub const ALL: [ReasonCode; 17] = [
        ReasonCode::MockLocation,
        ReasonCode::Rooted,
        ReasonCode::Emulator,
        ReasonCode::DeveloperMode,
        ReasonCode::ImpossibleSpeed,
        ReasonCode::Teleport,
        ReasonCode::SyntheticTrack,
        ReasonCode::FrozenPosition,
        ReasonCode::PinDrop,
        ReasonCode::ReplayedTrack,
        ReasonCode::ClockTampered,
        ReasonCode::ProxyPunch,
        ReasonCode::DeviceShared,
        ReasonCode::PhotoReused,
        ReasonCode::PhotoExifMismatch,
        ReasonCode::TrackingOff,
        ReasonCode::CheckInWithoutTrack,
    ];

    /// The weight a finding counts with unless the tenant set another.
    pub fn default_weight(self) -> f32 {
        1.0
    }
}

/// A point of the evidence: a fix or an action's position.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub t_ms: i64,
    pub lat: f64,
    pub lon: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accuracy_m: Option<f32>,
}

/// Another rep-day a finding points at (the original of a replayed track).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayRef {
    pub employee: Uuid,
    pub date: NaiveDate,
}

/// What a finding rests on; every field is optional so each check fills what it has.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// The fixes or positions, in time order (the teleport leg, the frozen point, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub points: Vec<Point>,
    /// The actions it is about.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<Uuid>,
    /// The day's photos it is about, and the earlier photos they match.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<Uuid>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub matched_photos: Vec<Uuid>,
    /// The other person involved (the device's other user, the replayed day's rep).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_employee: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matched_day: Option<DayRef>,
    /// Named figures: `speed_mps`, `distance_m`, `coverage`, `share`, `offset_s`, ...
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub figures: std::collections::BTreeMap<String, f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    pub code: ReasonCode,
    pub weight: f32,
    pub evidence: Evidence,
}

/// A compact description of a day's path, comparable with other days' for replay.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DaySignature {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<DayRef>,
    /// Opaque to the store: written and compared by this crate only.
    pub cells: Vec<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub version: u32,
    pub level: Level,
    pub score: f32,
    pub reasons: Vec<Reason>,
    pub signature: DaySignature,
}
