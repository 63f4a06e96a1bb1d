//! A location fix as received and stored: the raw observation, with everything the phone
//! told us about its quality kept (accuracy, provider, mock flag, its clock's offset).

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Gps,
    Network,
    Fused,
    Unknown,
}

impl Provider {
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Gps => "gps",
            Provider::Network => "network",
            Provider::Fused => "fused",
            Provider::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<Provider> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "gps" => Provider::Gps,
            "network" | "wifi" | "cell" => Provider::Network,
            "fused" => Provider::Fused,
            "" | "unknown" => Provider::Unknown,
            _ => return None,
        })
    }
}

/// Where a fix came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixSource {
    /// `POST /api/v1/locations` from the field app.
    Api,
    /// An OsmAnd-protocol client (Traccar Client, OsmAnd, GPSLogger).
    Osmand,
}

impl FixSource {
    pub fn as_str(self) -> &'static str {
        match self {
            FixSource::Api => "api",
            FixSource::Osmand => "osmand",
        }
    }
}

/// One fix ready to store; coordinates are WGS-84 and validated.
#[derive(Clone, Debug, PartialEq)]
pub struct FixRecord {
    pub t_ms: i64,
    /// The device clock's UTC offset in minutes, when the client sent one.
    pub offset_min: Option<i16>,
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: Option<f32>,
    pub speed_mps: Option<f32>,
    pub bearing_deg: Option<f32>,
    pub altitude_m: Option<f32>,
    pub provider: Provider,
    pub mock: bool,
    /// Battery level 0–1.
    pub battery: Option<f32>,
}
