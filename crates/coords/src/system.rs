//! Naming and dispatch for the three supported datums.

use crate::{LatLon, bd09, gcj02};

/// A coordinate reference system a client may send positions in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CoordSystem {
    /// GPS / international maps; what Outfield stores.
    Wgs84,
    /// Chinese national obfuscated datum (Amap, Tencent, ...).
    Gcj02,
    /// Baidu's datum, derived from GCJ-02.
    Bd09,
}

impl CoordSystem {
    /// Every variant, for iteration in callers and tests.
    pub const ALL: [CoordSystem; 3] = [CoordSystem::Wgs84, CoordSystem::Gcj02, CoordSystem::Bd09];

    /// Parses `wgs84`, `gcj02`, `bd09` (any case, optional hyphen before the
    /// digits, surrounding whitespace ignored).
    pub fn parse(s: &str) -> Option<CoordSystem> {
        let s = s.trim();
        [
            (CoordSystem::Wgs84, "wgs84", "wgs-84"),
            (CoordSystem::Gcj02, "gcj02", "gcj-02"),
            (CoordSystem::Bd09, "bd09", "bd-09"),
        ]
        .into_iter()
        .find(|(_, plain, hyphen)| s.eq_ignore_ascii_case(plain) || s.eq_ignore_ascii_case(hyphen))
        .map(|(system, _, _)| system)
    }

    /// Canonical lowercase name, accepted back by [`CoordSystem::parse`].
    pub fn as_str(self) -> &'static str {
        match self {
            CoordSystem::Wgs84 => "wgs84",
            CoordSystem::Gcj02 => "gcj02",
            CoordSystem::Bd09 => "bd09",
        }
    }

    /// Converts a point expressed in `self` into WGS-84.
    pub fn to_wgs84(self, p: LatLon) -> LatLon {
        match self {
            CoordSystem::Wgs84 => p,
            CoordSystem::Gcj02 => gcj02::gcj02_to_wgs84(p),
            CoordSystem::Bd09 => bd09::bd09_to_wgs84(p),
        }
    }

    /// Converts a WGS-84 point into `self`.
    pub fn from_wgs84(self, p: LatLon) -> LatLon {
        match self {
            CoordSystem::Wgs84 => p,
            CoordSystem::Gcj02 => gcj02::wgs84_to_gcj02(p),
            CoordSystem::Bd09 => bd09::wgs84_to_bd09(p),
        }
    }
}

impl std::fmt::Display for CoordSystem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::haversine_m;

    #[test]
    fn parse_and_as_str_round_trip() {
        for system in CoordSystem::ALL {
            assert_eq!(CoordSystem::parse(system.as_str()), Some(system));
            assert_eq!(
                CoordSystem::parse(&system.as_str().to_uppercase()),
                Some(system)
            );
            assert_eq!(system.to_string(), system.as_str());
        }
    }

    #[test]
    fn parse_accepts_variants_and_rejects_junk() {
        assert_eq!(CoordSystem::parse("WGS-84"), Some(CoordSystem::Wgs84));
        assert_eq!(CoordSystem::parse("Gcj-02"), Some(CoordSystem::Gcj02));
        assert_eq!(CoordSystem::parse(" bd-09 "), Some(CoordSystem::Bd09));
        assert_eq!(CoordSystem::parse("BD09"), Some(CoordSystem::Bd09));
        for junk in ["", "wgs", "gcj", "bd09mc", "wgs_84", "epsg:4326", "bd--09"] {
            assert_eq!(CoordSystem::parse(junk), None, "{junk}");
        }
    }

    #[test]
    fn to_wgs84_inverts_from_wgs84() {
        let beijing = LatLon::new(39.9042, 116.4074);
        let london = LatLon::new(51.5074, -0.1278);
        for system in CoordSystem::ALL {
            for p in [beijing, london] {
                let back = system.to_wgs84(system.from_wgs84(p));
                assert!(haversine_m(p, back) < 1e-3, "{system}: {back:?}");
            }
        }
        assert_ne!(CoordSystem::Gcj02.from_wgs84(beijing), beijing);
        assert_ne!(CoordSystem::Bd09.from_wgs84(beijing), beijing);
        assert_eq!(CoordSystem::Wgs84.from_wgs84(beijing), beijing);
    }
}
