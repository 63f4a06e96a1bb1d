//! A generated field-sales team for benchmarks and tests: a Shanghai-sized city (about
//! 40 × 40 km) whose customers cluster in districts, reps living spread over it, and
//! customers of levels A (weekly, 20 %), B (every two weeks, 30 %) and C (every four
//! weeks, 50 %) with 15–30 minute visits and last visits scattered over the past interval
//! (about one in eight overdue). Reps drive (30 km/h, detour 1.3) Monday to Friday,
//! 09:00–17:00 including travel; the 28-day horizon from Monday 2026-12-28 has New Year's
//! Day as a holiday. Deterministic for a seed.

use crate::date::Date;
use crate::rng::Rng;
use crate::schedule::{Customer, Problem, Rep, level_interval};
use crate::travel::{GreatCircle, Mode};

const CENTRE: (f64, f64) = (31.23, 121.47);
const HALF_KM: f64 = 20.0;
const KM_PER_DEG_LAT: f64 = 111.2;

#[derive(Clone, Debug)]
pub struct Params {
    pub reps: usize,
    pub customers: usize,
    pub districts: usize,
    pub seed: u64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            reps: 20,
            customers: 2000,
            districts: 14,
            seed: 1,
        }
    }
}

#[derive(Clone, Debug)]
pub struct FieldSales {
    pub problem: Problem,
    /// Places: the reps' homes first (`0..reps`), then the customers.
    pub travel: GreatCircle,
    /// Each customer's level, `A`, `B` or `C`.
    pub levels: Vec<&'static str>,
}

fn unit(rng: &mut Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// Kilometres east and north of the centre to (lat, lon), kept inside the city.
fn place(x: f64, y: f64) -> (f64, f64) {
    let x = x.clamp(-HALF_KM, HALF_KM);
    let y = y.clamp(-HALF_KM, HALF_KM);
    let km_per_deg_lon = KM_PER_DEG_LAT * CENTRE.0.to_radians().cos();
    (CENTRE.0 + y / KM_PER_DEG_LAT, CENTRE.1 + x / km_per_deg_lon)
}

pub fn generate(p: &Params) -> FieldSales {
    let mut rng = Rng::new(p.seed);
    let start = Date::from_ymd(2026, 12, 28).expect("a valid date");
    let mut points = Vec::with_capacity(p.reps + p.customers);
    // Homes on a jittered grid, so every part of the city has a rep nearby.
    let cols = (p.reps as f64).sqrt().ceil().max(1.0) as usize;
    let rows = p.reps.div_ceil(cols);
    let mut reps = Vec::with_capacity(p.reps);
    for r in 0..p.reps {
        let (i, j) = (r % cols, r / cols);
        let cell_w = 2.0 * HALF_KM / cols as f64;
        let cell_h = 2.0 * HALF_KM / rows as f64;
        let x = -HALF_KM + cell_w * (i as f64 + 0.2 + 0.6 * unit(&mut rng));
        let y = -HALF_KM + cell_h * (j as f64 + 0.2 + 0.6 * unit(&mut rng));
        points.push(place(x, y));
        reps.push(Rep {
            id: format!("R{:02}", r + 1),
            home: r,
            working_days: [true, true, true, true, true, false, false],
            shift: (9.0 * 60.0, 17.0 * 60.0),
            max_visits: None,
            max_minutes: None,
        });
    }
    // Districts: a centre, a spread of 1.5–4 km and a share of the customers.
    let districts: Vec<(f64, f64, f64, f64)> = (0..p.districts.max(1))
        .map(|_| {
            let x = (unit(&mut rng) * 2.0 - 1.0) * (HALF_KM - 3.0);
            let y = (unit(&mut rng) * 2.0 - 1.0) * (HALF_KM - 3.0);
            (x, y, 1.5 + 2.5 * unit(&mut rng), 0.5 + unit(&mut rng))
        })
        .collect();
    let total_share: f64 = districts.iter().map(|d| d.3).sum();
    // Exact level shares, shuffled.
    let mut levels: Vec<&'static str> = (0..p.customers)
        .map(|i| {
            let f = i as f64 / p.customers as f64;
            if f < 0.2 {
                "A"
            } else if f < 0.5 {
                "B"
            } else {
                "C"
            }
        })
        .collect();
    rng.shuffle(&mut levels);
    let mut customers = Vec::with_capacity(p.customers);
    for (i, &level) in levels.iter().enumerate() {
        let mut pick = unit(&mut rng) * total_share;
        let mut d = districts[districts.len() - 1];
        for &cand in &districts {
            if pick < cand.3 {
                d = cand;
                break;
            }
            pick -= cand.3;
        }
        // Box–Muller for a normal offset around the district centre.
        let (u1, u2) = (unit(&mut rng).max(1e-12), unit(&mut rng));
        let radius = (-2.0 * u1.ln()).sqrt() * d.2;
        let angle = 2.0 * std::f64::consts::PI * u2;
        points.push(place(
            d.0 + radius * angle.cos(),
            d.1 + radius * angle.sin(),
        ));
        let interval = level_interval(level).expect("A, B and C have intervals");
        let ago = 1 + rng.below((interval + interval / 8) as usize) as i32;
        customers.push(Customer {
            id: format!("C{:04}", i + 1),
            location: p.reps + i,
            interval_days: interval,
            service_min: (15 + rng.below(16)) as f64,
            last_visit: Some(start.plus(-ago)),
            owner: None,
            hours: None,
        });
    }
    FieldSales {
        problem: Problem {
            reps,
            customers,
            holidays: vec![Date::from_ymd(2027, 1, 1).expect("a valid date")],
            workdays: Vec::new(),
            start,
            days: 28,
        },
        travel: GreatCircle::new(points, Mode::Drive),
        levels,
    }
}
