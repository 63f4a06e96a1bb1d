//! Coordinate conversion between WGS-84 and the Chinese map datums GCJ-02 and BD-09.
//!
//! Outfield stores every position in WGS-84. Phones and maps in mainland China
//! report GCJ-02 (Amap, Tencent, Apple/Google maps inside China) or BD-09
//! (Baidu), which are deliberately shifted by a few hundred metres. This crate
//! converts between the three, applies the shift only where Chinese providers
//! apply it (a polygon of mainland China, not the usual bounding rectangle), and
//! measures distances so callers can check conversions.
//!
//! Everything here is pure `std` arithmetic: no I/O, no allocation on the hot
//! path, no panics for any input. NaN in gives NaN out.
//!
//! ```
//! use coords::{CoordSystem, LatLon, haversine_m};
//!
//! // A position reported by an Amap-based phone app in Beijing.
//! let reported = LatLon::new(39.9087, 116.3975);
//! let system = CoordSystem::parse("GCJ-02").expect("known system");
//! let stored = system.to_wgs84(reported);
//! assert!(haversine_m(reported, stored) > 100.0);
//! assert!(haversine_m(system.from_wgs84(stored), reported) < 0.001);
//! ```

mod bd09;
mod distance;
mod gcj02;
mod invert;
mod mainland;
mod system;

pub use bd09::{bd09_to_gcj02, bd09_to_wgs84, gcj02_to_bd09, wgs84_to_bd09};
pub use distance::haversine_m;
pub use gcj02::{gcj02_to_wgs84, wgs84_to_gcj02};
pub use mainland::in_mainland_china;
pub use system::CoordSystem;

/// A position in degrees: latitude north-positive, longitude east-positive.
///
/// Which datum the numbers are in is not recorded here; callers carry a
/// [`CoordSystem`] alongside when it is not WGS-84.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LatLon {
    pub lat: f64,
    pub lon: f64,
}

impl LatLon {
    /// Shorthand so tables of points stay readable.
    pub const fn new(lat: f64, lon: f64) -> LatLon {
        LatLon { lat, lon }
    }
}
