//! Where the GCJ-02 / BD-09 shift applies: a simplified mainland China polygon.
//!
//! Providers only shift coordinates inside mainland China. The common
//! shortcut (a lat/lon rectangle) wrongly shifts Hong Kong, Macau, Taiwan,
//! Seoul-adjacent seas, Hanoi's north and half of Mongolia, so we test against
//! a polygon instead.
//!
//! How the polygon was made: hand-traced, vertex by vertex, from public map
//! knowledge of the border (rivers, passes, border towns and crossings) and
//! the coastline, then checked by the tests below and in `tests/mainland.rs`
//! against cities on both sides of every border. It is deliberately simple
//! (~280 vertices, about 50 of them spent on the Hong Kong, Macau, Kinmen and
//! Matsu boundaries) and its known error is:
//! * Land borders: within roughly 10-50 km, biased outwards ("generous") so
//!   Chinese border towns are inside even where a foreign twin town across a
//!   river (Sinuiju, Blagoveshchensk, Lao Cai, Muse, Zamyn-Uud) is too.
//!   Disputed Himalayan areas follow the line of actual control.
//! * Coasts: the line runs 5-50 km offshore and includes coastal islands,
//!   except the Pearl River estuary, which is left outside as one bay together
//!   with Hong Kong and Macau (so Neilingding, the Wanshan islands and the
//!   east half of Qi'ao island count as outside). The South China Sea islands
//!   (Paracels, Spratlys) are outside.
//! * Hong Kong and Macau: the line follows the boundary to ~0.2-0.5 km
//!   (Shenzhen River, Shenzhen Bay, Mirs Bay; Macau's Barrier Gate, Inner
//!   Harbour and the Hengqin channel). Hong Kong's Tung Ping Chau and Macau's
//!   University campus on Hengqin are not modelled exactly.
//! * Taiwan, Penghu, Matsu (Nangan, Beigan, Juguang, Dongyin) and Greater and
//!   Lesser Kinmen are outside. Kinmen's tiny Dadan/Erdan islets off Xiamen
//!   are inside.
//!
//! Because GCJ-02 moves points by up to ~700 m, a point within a kilometre of
//! the Hong Kong or Macau boundary may test differently before and after
//! conversion; see `gcj02_to_wgs84` for the rule we follow.

use crate::LatLon;

/// Vertices as (lat, lon) degrees, counter-clockwise from the Yalu river mouth.
/// The ring is implicitly closed.
const MAINLAND: &[(f64, f64)] = &[
    // North Korea: Yalu, Paektu, Tumen.
    (39.75, 124.10),
    (40.05, 124.45),
    (40.55, 125.05),
    (40.95, 125.70),
    (41.10, 126.30),
    (41.85, 126.95),
    (41.55, 127.55),
    (41.35, 128.20),
    (41.95, 128.05),
    (42.10, 128.45),
    (42.20, 128.95),
    (42.45, 129.30),
    (42.70, 129.70),
    (43.00, 129.90),
    (42.85, 130.25),
    (42.60, 130.45),
    (42.40, 130.65),
    // Russia: Primorye, Khanka, Ussuri, Amur, Argun.
    (42.90, 130.80),
    (43.40, 131.30),
    (44.00, 131.30),
    (44.40, 131.30),
    (44.85, 131.10),
    (45.05, 131.95),
    (45.25, 132.95),
    (45.85, 133.15),
    (46.45, 133.95),
    (47.30, 134.50),
    (47.80, 134.75),
    (48.30, 134.70),
    (48.50, 134.45),
    (48.25, 133.50),
    (47.80, 132.50),
    (47.75, 130.90),
    (48.95, 130.60),
    (49.65, 128.55),
    (50.30, 127.55),
    (50.85, 127.35),
    (51.75, 126.75),
    (52.50, 126.20),
    (53.10, 125.50),
    (53.60, 123.30),
    (53.50, 122.30),
    (53.35, 121.30),
    (52.70, 120.75),
    (52.05, 120.75),
    (51.35, 120.10),
    (50.55, 119.30),
    (50.15, 118.90),
    (49.95, 117.90),
    (49.75, 117.35),
    (49.90, 116.65),
    // Mongolia, including the Nomrog salient east to ~120°E.
    (48.10, 115.50),
    (47.65, 117.40),
    (47.60, 118.60),
    (47.05, 119.70),
    (46.70, 119.95),
    (46.45, 119.50),
    (46.30, 118.00),
    (45.95, 116.70),
    (45.35, 114.50),
    (44.75, 113.10),
    (43.80, 112.00),
    (42.70, 110.40),
    (42.40, 108.00),
    (41.85, 106.50),
    (41.55, 105.00),
    (41.90, 104.00),
    (42.30, 103.00),
    (42.80, 100.80),
    (42.65, 97.00),
    (43.00, 96.00),
    (43.90, 94.00),
    (44.35, 93.00),
    (45.00, 91.50),
    (45.45, 90.80),
    (46.55, 91.05),
    (47.05, 90.45),
    (47.55, 89.90),
    (47.95, 89.10),
    (48.45, 88.30),
    (49.20, 87.80),
    // Kazakhstan.
    (49.05, 87.30),
    (48.60, 86.65),
    (48.35, 85.70),
    (47.10, 85.50),
    (46.80, 82.60),
    (46.00, 82.35),
    (45.25, 82.40),
    (45.05, 81.80),
    (44.95, 80.70),
    (44.50, 80.30),
    (44.15, 80.25),
    (42.85, 80.35),
    (42.20, 80.20),
    // Kyrgyzstan.
    (41.90, 79.80),
    (41.45, 78.70),
    (41.00, 77.80),
    (40.75, 76.70),
    (40.50, 75.45),
    (40.20, 74.90),
    (39.90, 74.00),
    (39.70, 73.85),
    (39.35, 73.55),
    // Tajikistan, Afghanistan, Pakistan.
    (38.90, 73.80),
    (38.30, 74.85),
    (37.40, 74.95),
    (37.15, 74.55),
    (36.85, 75.45),
    (36.40, 76.00),
    (35.85, 76.55),
    (35.55, 77.80),
    // India, western sector (line of actual control).
    (35.30, 78.05),
    (34.75, 78.20),
    (34.30, 78.75),
    (33.65, 78.75),
    (33.20, 79.35),
    (32.70, 79.45),
    (32.35, 79.20),
    (31.80, 78.75),
    (31.20, 79.05),
    (30.95, 79.40),
    (30.50, 80.20),
    (30.20, 81.05),
    // Nepal.
    (30.25, 81.35),
    (30.40, 81.60),
    (29.90, 82.20),
    (29.55, 82.85),
    (29.20, 83.50),
    (29.35, 83.95),
    (29.30, 84.20),
    (28.95, 84.55),
    (28.55, 85.15),
    (28.25, 85.45),
    (28.05, 85.90),
    (27.96, 85.93),
    (27.95, 86.05),
    (28.00, 86.93),
    (27.80, 87.50),
    (27.88, 88.13),
    // Sikkim, Chumbi valley, Bhutan.
    (28.13, 88.30),
    (28.13, 88.75),
    (27.90, 88.90),
    (27.40, 88.83),
    (27.28, 89.00),
    (27.75, 89.15),
    (28.10, 89.55),
    (28.30, 90.30),
    (27.95, 91.05),
    (27.85, 91.65),
    // India, eastern sector (line of actual control).
    (27.95, 92.30),
    (28.15, 93.20),
    (28.60, 93.95),
    (29.00, 94.45),
    (29.10, 95.30),
    (28.70, 96.10),
    (28.30, 96.60),
    (28.20, 97.35),
    // Myanmar.
    (28.55, 97.60),
    (27.80, 98.35),
    (26.60, 98.55),
    (26.00, 98.45),
    (25.30, 97.85),
    (24.70, 97.55),
    (24.05, 97.55),
    (23.90, 97.95),
    (23.70, 98.60),
    (23.10, 99.10),
    (22.60, 99.30),
    (22.10, 99.20),
    (21.75, 99.95),
    (21.55, 101.15),
    (21.15, 101.15),
    // Laos.
    (21.10, 101.75),
    (21.60, 101.80),
    (22.30, 101.70),
    (22.45, 102.10),
    // Vietnam.
    (22.80, 102.45),
    (22.65, 102.90),
    (22.85, 103.30),
    (22.45, 103.95),
    (22.80, 104.45),
    (23.15, 104.85),
    (23.42, 105.35),
    (23.00, 105.90),
    (22.90, 106.75),
    (22.45, 106.70),
    (22.00, 106.65),
    (21.65, 107.35),
    (21.45, 108.00),
    // Gulf of Tonkin, Hainan, western Guangdong coast.
    (20.30, 108.00),
    (18.30, 108.50),
    (17.95, 109.30),
    (18.00, 109.90),
    (18.35, 110.35),
    (19.00, 110.75),
    (19.60, 111.20),
    (20.90, 111.30),
    (21.30, 112.00),
    (21.45, 112.80),
    (21.75, 113.25),
    (22.02, 113.47),
    // Macau: up the Hengqin channel, across the Barrier Gate, out past Gongbei.
    (22.09, 113.555),
    (22.17, 113.548),
    (22.185, 113.534),
    (22.208, 113.531),
    (22.217, 113.538),
    (22.216, 113.552),
    (22.214, 113.560),
    (22.222, 113.575),
    // Pearl River estuary (left outside), west shore up, east shore down.
    (22.26, 113.590),
    (22.36, 113.605),
    (22.42, 113.680),
    (22.55, 113.660),
    (22.80, 113.660),
    (22.70, 113.750),
    (22.62, 113.790),
    (22.53, 113.860),
    (22.45, 113.865),
    // Hong Kong: Shenzhen Bay, Shenzhen River, Sha Tau Kok, Mirs Bay.
    (22.490, 113.962),
    (22.508, 114.020),
    (22.515, 114.065),
    (22.525, 114.100),
    (22.533, 114.115),
    (22.545, 114.135),
    (22.563, 114.155),
    (22.565, 114.180),
    (22.553, 114.210),
    (22.548, 114.225),
    (22.553, 114.270),
    (22.565, 114.360),
    (22.570, 114.430),
    (22.550, 114.455),
    (22.500, 114.470),
    (22.420, 114.500),
    (22.140, 114.500),
    // Eastern Guangdong and southern Fujian coast.
    (22.25, 115.00),
    (22.55, 115.70),
    (22.80, 116.40),
    (23.15, 116.90),
    (23.35, 117.25),
    (23.55, 117.60),
    // Kinmen: between Xiamen and Lesser Kinmen, north of Greater Kinmen.
    (24.300, 118.200),
    (24.480, 118.205),
    (24.505, 118.230),
    (24.525, 118.300),
    (24.540, 118.400),
    (24.545, 118.460),
    (24.400, 118.550),
    // Fujian coast to Pingtan.
    (24.85, 119.05),
    (25.10, 119.30),
    (25.45, 119.95),
    // Matsu: west of Juguang, Nangan and Beigan, around Dongyin.
    (25.90, 119.880),
    (26.13, 119.885),
    (26.27, 119.960),
    (26.28, 120.100),
    (26.33, 120.440),
    (26.42, 120.460),
    (26.42, 120.600),
    // Zhejiang, Shanghai, Jiangsu, Shandong, then across to Liaodong.
    (27.10, 120.85),
    (27.50, 121.25),
    (28.20, 121.75),
    (28.45, 122.10),
    (29.30, 122.40),
    (29.80, 122.60),
    (30.75, 123.00),
    (31.50, 122.30),
    (32.10, 121.95),
    (32.80, 121.30),
    (33.40, 120.95),
    (34.40, 120.45),
    (34.95, 119.75),
    (35.60, 120.25),
    (36.10, 120.80),
    (36.55, 121.55),
    (36.80, 122.50),
    (37.30, 122.80),
    (37.55, 122.75),
    (38.80, 123.10),
    (39.60, 124.00),
];

/// Bounding box of [`MAINLAND`], checked first so most of the world is
/// rejected with four comparisons.
const MIN_LAT: f64 = 17.95;
const MAX_LAT: f64 = 53.60;
const MIN_LON: f64 = 73.55;
const MAX_LON: f64 = 134.75;

/// True where Chinese providers apply the GCJ-02 / BD-09 shift: mainland China
/// including Hainan and coastal waters, excluding Hong Kong, Macau, Taiwan,
/// Kinmen and Matsu. See the module docs for accuracy. NaN gives `false`.
pub fn in_mainland_china(p: LatLon) -> bool {
    // Phrased positively so NaN falls through to `false`.
    let in_box = p.lat >= MIN_LAT && p.lat <= MAX_LAT && p.lon >= MIN_LON && p.lon <= MAX_LON;
    in_box && point_in_ring(MAINLAND, p.lat, p.lon)
}

/// Even-odd ray casting: count crossings of a ray running east from the point.
fn point_in_ring(ring: &[(f64, f64)], lat: f64, lon: f64) -> bool {
    let mut inside = false;
    let mut prev = match ring.last() {
        Some(&v) => v,
        None => return false,
    };
    for &(lat_b, lon_b) in ring {
        let (lat_a, lon_a) = prev;
        // Half-open test so a ray through a vertex is counted exactly once;
        // it also guarantees lat_a != lat_b in the division below.
        if (lat_a > lat) != (lat_b > lat) {
            let lon_cross = lon_a + (lat - lat_a) * (lon_b - lon_a) / (lat_b - lat_a);
            if lon < lon_cross {
                inside = !inside;
            }
        }
        prev = (lat_b, lon_b);
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Proper intersection of segments ab and cd (shared endpoints excluded).
    fn segments_cross(a: (f64, f64), b: (f64, f64), c: (f64, f64), d: (f64, f64)) -> bool {
        let orient = |p: (f64, f64), q: (f64, f64), r: (f64, f64)| {
            (q.0 - p.0) * (r.1 - p.1) - (q.1 - p.1) * (r.0 - p.0)
        };
        let (d1, d2) = (orient(c, d, a), orient(c, d, b));
        let (d3, d4) = (orient(a, b, c), orient(a, b, d));
        d1 * d2 < 0.0 && d3 * d4 < 0.0
    }

    #[test]
    fn ring_is_simple() {
        let n = MAINLAND.len();
        for i in 0..n {
            let (a, b) = (MAINLAND[i], MAINLAND[(i + 1) % n]);
            assert_ne!(a, b, "repeated vertex {i}");
            for j in i + 2..n {
                if (j + 1) % n == i {
                    continue;
                }
                let (c, d) = (MAINLAND[j], MAINLAND[(j + 1) % n]);
                assert!(!segments_cross(a, b, c, d), "edges {i} and {j} cross");
            }
        }
    }

    #[test]
    fn ring_is_counter_clockwise() {
        // Shoelace sum in (lon, lat); positive means counter-clockwise, which
        // the comments on the vertex list rely on.
        let n = MAINLAND.len();
        let twice_area: f64 = (0..n)
            .map(|i| {
                let (lat_a, lon_a) = MAINLAND[i];
                let (lat_b, lon_b) = MAINLAND[(i + 1) % n];
                lon_a * lat_b - lon_b * lat_a
            })
            .sum();
        assert!(twice_area > 0.0);
    }

    #[test]
    fn bbox_matches_ring() {
        let lats = MAINLAND.iter().map(|v| v.0);
        let lons = MAINLAND.iter().map(|v| v.1);
        assert_eq!(lats.clone().fold(f64::INFINITY, f64::min), MIN_LAT);
        assert_eq!(lats.fold(f64::NEG_INFINITY, f64::max), MAX_LAT);
        assert_eq!(lons.clone().fold(f64::INFINITY, f64::min), MIN_LON);
        assert_eq!(lons.fold(f64::NEG_INFINITY, f64::max), MAX_LON);
    }

    #[test]
    fn non_finite_is_outside() {
        assert!(!in_mainland_china(LatLon::new(f64::NAN, 110.0)));
        assert!(!in_mainland_china(LatLon::new(30.0, f64::NAN)));
        assert!(!in_mainland_china(LatLon::new(f64::INFINITY, 110.0)));
    }

    #[test]
    fn empty_ring_contains_nothing() {
        assert!(!point_in_ring(&[], 0.0, 0.0));
    }
}
