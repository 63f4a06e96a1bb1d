//! Travel between places for the multi-day planners: a [`Travel`] answers kilometres and
//! minutes between two indexed places.
//!
//! [`GreatCircle`] estimates road travel as the great-circle distance times a detour
//! factor at a speed per mode, computed on demand so 2,000 customers need no 32 MB matrix.
//! [`Matrix`] holds explicit tables, which is how a road-network answer (an OSRM `table`
//! response, fetched by the server) is plugged in: the planners take any `Travel`.

const EARTH_RADIUS_KM: f64 = 6_371.008_8;

pub trait Travel {
    /// Number of places; indices are `0..len()`.
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn km(&self, from: usize, to: usize) -> f64;
    fn minutes(&self, from: usize, to: usize) -> f64;
}

/// How a rep moves; each mode has a typical urban speed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Drive,
    Ride,
    Walk,
}

impl Mode {
    /// Door-to-door average speeds in a Chinese city, stops and lights included.
    pub fn speed_kmh(self) -> f64 {
        match self {
            Mode::Drive => 30.0,
            Mode::Ride => 15.0,
            Mode::Walk => 4.5,
        }
    }

    pub fn parse(s: &str) -> Option<Mode> {
        match s.trim().to_ascii_lowercase().as_str() {
            "drive" | "car" => Some(Mode::Drive),
            "ride" | "bike" | "scooter" => Some(Mode::Ride),
            "walk" | "foot" => Some(Mode::Walk),
            _ => None,
        }
    }
}

/// Great-circle distance between `(lat, lon)` points in degrees, in kilometres.
pub fn haversine_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, la2) = (a.0.to_radians(), b.0.to_radians());
    let dlat = la2 - la1;
    let dlon = (b.1 - a.1).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// Straight-line distance × detour factor, at a constant speed.
#[derive(Clone, Debug)]
pub struct GreatCircle {
    /// `(lat, lon)` in degrees, WGS-84.
    pub points: Vec<(f64, f64)>,
    /// Road distance over straight-line distance; 1.3 is typical of city grids.
    pub detour: f64,
    pub speed_kmh: f64,
}

impl GreatCircle {
    pub fn new(points: Vec<(f64, f64)>, mode: Mode) -> Self {
        GreatCircle {
            points,
            detour: 1.3,
            speed_kmh: mode.speed_kmh(),
        }
    }
}

impl Travel for GreatCircle {
    fn len(&self) -> usize {
        self.points.len()
    }
    fn km(&self, from: usize, to: usize) -> f64 {
        haversine_km(self.points[from], self.points[to]) * self.detour
    }
    fn minutes(&self, from: usize, to: usize) -> f64 {
        self.km(from, to) / self.speed_kmh * 60.0
    }
}

/// Explicit row-major tables of kilometres and minutes.
#[derive(Clone, Debug)]
pub struct Matrix {
    n: usize,
    km: Vec<f64>,
    minutes: Vec<f64>,
}

impl Matrix {
    /// `None` unless both tables hold `n²` entries.
    pub fn new(n: usize, km: Vec<f64>, minutes: Vec<f64>) -> Option<Matrix> {
        (km.len() == n * n && minutes.len() == n * n).then_some(Matrix { n, km, minutes })
    }

    /// The tables of `travel` restricted to `places`, in that order (a rep's home and
    /// customers), so a search reads memory instead of recomputing trigonometry.
    pub fn sub(travel: &dyn Travel, places: &[usize]) -> Matrix {
        let n = places.len();
        let mut km = Vec::with_capacity(n * n);
        let mut minutes = Vec::with_capacity(n * n);
        for &a in places {
            for &b in places {
                km.push(travel.km(a, b));
                minutes.push(travel.minutes(a, b));
            }
        }
        Matrix { n, km, minutes }
    }
}

impl Travel for Matrix {
    fn len(&self) -> usize {
        self.n
    }
    #[inline]
    fn km(&self, from: usize, to: usize) -> f64 {
        self.km[from * self.n + to]
    }
    #[inline]
    fn minutes(&self, from: usize, to: usize) -> f64 {
        self.minutes[from * self.n + to]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn great_circle_scale_and_speed() {
        // One degree of latitude is about 111.2 km.
        let d = haversine_km((31.0, 121.0), (32.0, 121.0));
        assert!((d - 111.19).abs() < 0.05, "{d}");
        let g = GreatCircle::new(vec![(31.0, 121.0), (31.1, 121.0)], Mode::Drive);
        let km = g.km(0, 1);
        assert!((km - 11.119 * 1.3).abs() < 0.01);
        assert!(
            (g.minutes(0, 1) - km * 2.0).abs() < 1e-9,
            "30 km/h is 2 min per km"
        );
        let m = Matrix::sub(&g, &[1, 0]);
        assert_eq!(m.km(0, 1), g.km(1, 0));
        assert!(Matrix::new(2, vec![0.0; 4], vec![0.0; 3]).is_none());
    }
}
