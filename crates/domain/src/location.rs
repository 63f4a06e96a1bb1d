//! Places on Earth. Outfield stores WGS-84 only; GCJ-02 and BD-09 exist at the edges,
//! converted on the way in and (when asked) on the way out.

use coords::{CoordSystem, LatLon};
use serde::{Deserialize, Serialize};

/// A validated WGS-84 position in degrees.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Wgs84 {
    lat: f64,
    lon: f64,
}

impl Wgs84 {
    /// Accepts a position expressed in `system` and converts it to WGS-84.
    /// Rejects non-finite and out-of-range values, and the (0, 0) "null island"
    /// that broken GPS stacks and spreadsheets emit for "unknown".
    pub fn parse(lat: f64, lon: f64, system: CoordSystem) -> Result<Self, BadCoordinate> {
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(BadCoordinate::Lat);
        }
        if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
            return Err(BadCoordinate::Lon);
        }
        if lat == 0.0 && lon == 0.0 {
            return Err(BadCoordinate::NullIsland);
        }
        let p = system.to_wgs84(LatLon { lat, lon });
        Ok(Self {
            lat: p.lat,
            lon: p.lon,
        })
    }

    /// Trusted constructor for values read back from our own store.
    pub fn from_stored(lat: f64, lon: f64) -> Self {
        Self { lat, lon }
    }

    pub fn lat(&self) -> f64 {
        self.lat
    }

    pub fn lon(&self) -> f64 {
        self.lon
    }

    pub fn latlon(&self) -> LatLon {
        LatLon {
            lat: self.lat,
            lon: self.lon,
        }
    }

    /// This position expressed in another system (for Chinese map tiles).
    pub fn to_system(&self, system: CoordSystem) -> LatLon {
        system.from_wgs84(self.latlon())
    }

    pub fn distance_to(&self, other: &Wgs84) -> Meters {
        Meters(coords::haversine_m(self.latlon(), other.latlon()))
    }
}

/// Why a coordinate pair was refused; the caller knows the field names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BadCoordinate {
    Lat,
    Lon,
    NullIsland,
}

impl BadCoordinate {
    pub fn field(self) -> &'static str {
        match self {
            BadCoordinate::Lat | BadCoordinate::NullIsland => "lat",
            BadCoordinate::Lon => "lon",
        }
    }

    pub fn problem(self) -> crate::Problem {
        match self {
            BadCoordinate::Lat => crate::Problem::range(-90.0, 90.0, ""),
            BadCoordinate::Lon => crate::Problem::range(-180.0, 180.0, ""),
            BadCoordinate::NullIsland => crate::Problem::NullIsland,
        }
    }
}

/// A distance in metres.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Meters(pub f64);

/// The radius around a customer within which a check-in counts as "at the customer".
/// Below 10 m phone GPS cannot honour it; above 5 km it no longer proves presence.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CheckinRadius(Meters);

impl CheckinRadius {
    pub const MIN_M: f64 = 10.0;
    pub const MAX_M: f64 = 5000.0;

    pub fn parse(m: f64) -> Result<Self, crate::Problem> {
        if m.is_finite() && (Self::MIN_M..=Self::MAX_M).contains(&m) {
            Ok(Self(Meters(m)))
        } else {
            Err(crate::Problem::range(Self::MIN_M, Self::MAX_M, "m"))
        }
    }

    pub fn meters(&self) -> f64 {
        self.0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_out_of_range_and_null_island() {
        assert_eq!(
            Wgs84::parse(91.0, 0.0, CoordSystem::Wgs84),
            Err(BadCoordinate::Lat)
        );
        assert_eq!(
            Wgs84::parse(10.0, 180.5, CoordSystem::Wgs84),
            Err(BadCoordinate::Lon)
        );
        assert_eq!(
            Wgs84::parse(f64::NAN, 1.0, CoordSystem::Wgs84),
            Err(BadCoordinate::Lat)
        );
        assert_eq!(
            Wgs84::parse(0.0, 0.0, CoordSystem::Wgs84),
            Err(BadCoordinate::NullIsland)
        );
    }

    #[test]
    fn gcj02_input_is_stored_as_wgs84_and_comes_back() {
        let wgs = Wgs84::parse(31.2304, 121.4737, CoordSystem::Wgs84).unwrap();
        let g = wgs.to_system(CoordSystem::Gcj02);
        // GCJ-02 shifts Shanghai by a few hundred metres; it must not be a no-op.
        assert!(coords::haversine_m(g, wgs.latlon()) > 100.0);
        let back = Wgs84::parse(g.lat, g.lon, CoordSystem::Gcj02).unwrap();
        assert!(back.distance_to(&wgs).0 < 0.01);
    }

    #[test]
    fn checkin_radius_bounds() {
        assert!(CheckinRadius::parse(200.0).is_ok());
        assert!(CheckinRadius::parse(5.0).is_err());
        assert!(CheckinRadius::parse(f64::INFINITY).is_err());
    }
}
