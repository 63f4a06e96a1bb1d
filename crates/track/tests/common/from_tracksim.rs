//! A simulated phone fix as the engine takes it.
#![allow(dead_code)]

use track::{Fix, Provider};
use tracksim::fix::Provider as SimProvider;

pub fn to_fix(f: &tracksim::fix::Fix) -> Fix {
    let opt = |x: Option<f64>| x.map_or(f32::NAN, |v| v as f32);
    Fix {
        t_ms: f.t_ms,
        lat: f.lat,
        lon: f.lon,
        accuracy_m: f.accuracy_m as f32,
        speed_mps: opt(f.speed_mps),
        bearing_deg: opt(f.bearing_deg),
        altitude_m: opt(f.altitude_m),
        provider: match f.provider {
            SimProvider::Gps => Provider::Gps,
            SimProvider::Network => Provider::Network,
            SimProvider::Fused => Provider::Fused,
        },
        mock: f.mock,
    }
}
