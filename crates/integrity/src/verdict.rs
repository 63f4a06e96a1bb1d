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

    /// The weight a finding counts with unless the tenant set another. A day is
    /// `review` at 1 and `likely_cheat` at 3 (the default thresholds): a claim that only
    /// makes cheating possible (root, developer mode, a lent phone) stays below review
    /// on its own; what is close to proof on its own (the OS's mock flag, a replayed
    /// track, a colleague's phone) reaches likely on its own or with one more finding.
    pub fn default_weight(self) -> f32 {
        use ReasonCode::*;
        match self {
            MockLocation => 3.0,
            Rooted => 0.5,
            Emulator => 2.0,
            DeveloperMode => 0.3,
            ImpossibleSpeed => 1.5,
            Teleport => 2.0,
            SyntheticTrack => 2.0,
            FrozenPosition => 1.5,
            PinDrop => 2.0,
            ReplayedTrack => 3.0,
            ClockTampered => 1.5,
            ProxyPunch => 2.0,
            DeviceShared => 0.3,
            PhotoReused => 2.0,
            PhotoExifMismatch => 1.0,
            TrackingOff => 1.0,
            CheckInWithoutTrack => 0.4,
        }
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
    /// What the finding adds to the score: the code's weight (the tenant's or the
    /// default) times the finding's strength (1 typically; 1.5–2 when the evidence is
    /// overwhelming, e.g. several teleported check-ins).
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
