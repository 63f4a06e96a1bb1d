//! A deterministic synthetic rep-day: home → customer visits → home, driven on a street
//! grid with traffic lights and slow traffic, observed by a phone with autocorrelated GPS
//! error (worse indoors), Wi-Fi/cell fixes indoors, multipath jumps, a tunnel gap and an
//! indoor silence. Shared by the tests and the throughput bench.
#![allow(dead_code)]

use track::{Fix, Provider};

pub const LAT0: f64 = 31.2;
pub const LON0: f64 = 121.45;
const M_PER_DEG: f64 = 6_371_008.8 * std::f64::consts::PI / 180.0;
/// 2026-06-01T00:00Z, a Monday.
pub const DAY0_MS: i64 = 1_780_272_000_000;

/// SplitMix64: tiny, seedable, stable across platforms.
pub struct Rng(pub u64);
impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn f(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn range(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.f()
    }
    pub fn normal(&mut self) -> f64 {
        let u = self.f().max(1e-300);
        let v = self.f();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
    pub fn chance(&mut self, p: f64) -> bool {
        self.f() < p
    }
}

pub fn to_latlon(x: f64, y: f64) -> (f64, f64) {
    (
        LAT0 + y / M_PER_DEG,
        LON0 + x / (M_PER_DEG * LAT0.to_radians().cos()),
    )
}

#[derive(Clone, Debug)]
pub struct Spec {
    pub seed: u64,
    /// Sampling interval while moving and while still.
    pub moving_ms: i64,
    pub still_ms: i64,
    /// Per-fix probability of a multipath jump.
    pub multipath: f64,
    /// Scales every position error (0 = perfect fixes, for isolating structural errors).
    pub noise: f64,
}

impl Spec {
    pub fn new(seed: u64) -> Spec {
        Spec {
            seed,
            moving_ms: 1000,
            still_ms: 1000,
            multipath: 0.001,
            noise: 1.0,
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct TrueStop {
    pub start_ms: i64,
    pub end_ms: i64,
    pub x: f64,
    pub y: f64,
}

pub struct Day {
    pub fixes: Vec<Fix>,
    pub stops: Vec<TrueStop>,
    /// True position each second: (t_ms, x, y).
    pub path: Vec<(i64, f64, f64)>,
    pub work: (i64, i64),
}

impl Day {
    /// True distance travelled inside `[a, b)`.
    pub fn true_mileage(&self, a: i64, b: i64) -> f64 {
        self.path
            .windows(2)
            .filter(|w| w[0].0 >= a && w[1].0 <= b)
            .map(|w| ((w[1].1 - w[0].1).powi(2) + (w[1].2 - w[0].2).powi(2)).sqrt())
            .sum()
    }
}

/// What the phone is doing during one second of truth.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Still {
        indoor: bool,
        network: bool,
        silent: bool,
    },
    Moving {
        tunnel: bool,
    },
}

struct Builder {
    t: i64,
    x: f64,
    y: f64,
    path: Vec<(i64, f64, f64)>,
    modes: Vec<Mode>,
}

impl Builder {
    fn stay(&mut self, secs: i64, mode: Mode) {
        for _ in 0..secs {
            self.t += 1000;
            self.path.push((self.t, self.x, self.y));
            self.modes.push(mode);
        }
    }

    fn go(&mut self, tx: f64, ty: f64, speed: f64, tunnel: bool) {
        loop {
            let (dx, dy) = (tx - self.x, ty - self.y);
            let d = (dx * dx + dy * dy).sqrt();
            if d <= speed {
                self.x = tx;
                self.y = ty;
            } else {
                self.x += dx / d * speed;
                self.y += dy / d * speed;
            }
            self.t += 1000;
            self.path.push((self.t, self.x, self.y));
            self.modes.push(Mode::Moving { tunnel });
            if d <= speed {
                return;
            }
        }
    }

    /// Drives along a street grid to (tx, ty): axis-aligned legs, lights, slow stretches.
    fn drive(&mut self, rng: &mut Rng, tx: f64, ty: f64, tunnel_at: Option<usize>) {
        let mut legs = Vec::new();
        let (mut cx, mut cy) = (self.x, self.y);
        let jogs = 1 + (rng.next_u64() % 3) as usize;
        for j in 0..jogs {
            let f = (j + 1) as f64 / jogs as f64;
            let (nx, ny) = (self.x + (tx - self.x) * f, self.y + (ty - self.y) * f);
            if rng.chance(0.5) {
                legs.push((nx, cy));
                legs.push((nx, ny));
            } else {
                legs.push((cx, ny));
                legs.push((nx, ny));
            }
            cx = nx;
            cy = ny;
        }
        for (i, (lx, ly)) in legs.into_iter().enumerate() {
            let slow = rng.chance(0.15);
            let cruise = if slow {
                rng.range(1.0, 3.0)
            } else {
                rng.range(8.0, 16.0)
            };
            let tunnel = tunnel_at == Some(i);
            // Cars turn slowly: the first and last 30 m of a leg at turning speed.
            let turn = cruise.min(5.0);
            let (dx, dy) = (lx - self.x, ly - self.y);
            let d = (dx * dx + dy * dy).sqrt();
            if d > 60.0 {
                self.go(self.x + dx / d * 30.0, self.y + dy / d * 30.0, turn, tunnel);
            }
            let (ex, ey) = if d > 60.0 {
                (lx - dx / d * 30.0, ly - dy / d * 30.0)
            } else {
                (lx, ly)
            };
            // Split the leg into blocks with a light at the end of some.
            loop {
                let (dx, dy) = (ex - self.x, ey - self.y);
                let d = (dx * dx + dy * dy).sqrt();
                if d < 1.0 {
                    break;
                }
                let block = rng.range(300.0, 800.0).min(d);
                let (bx, by) = (self.x + dx / d * block, self.y + dy / d * block);
                self.go(bx, by, cruise, tunnel);
                if !tunnel && rng.chance(0.4) {
                    let wait = rng.range(30.0, 120.0) as i64;
                    self.stay(
                        wait,
                        Mode::Still {
                            indoor: false,
                            network: false,
                            silent: false,
                        },
                    );
                }
            }
            self.go(lx, ly, turn, tunnel);
        }
    }
}

/// Generates one rep-day.
pub fn day(spec: &Spec, day_index: i64) -> Day {
    let mut rng = Rng(spec.seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0xA076_1D64_78BD_642F);
    let t_start = DAY0_MS + day_index * 86_400_000 - 8 * 3_600_000 + 7 * 3_600_000 + 1_800_000; // 07:30 CST
    let home = (rng.range(-8000.0, 8000.0), rng.range(-8000.0, 8000.0));
    let mut b = Builder {
        t: t_start,
        x: home.0,
        y: home.1,
        path: vec![(t_start, home.0, home.1)],
        modes: vec![Mode::Still {
            indoor: true,
            network: false,
            silent: false,
        }],
    };
    let mut stops = Vec::new();
    let indoor = |network, silent| Mode::Still {
        indoor: true,
        network,
        silent,
    };

    let at_home = rng.range(10.0, 30.0) as i64 * 60;
    let s0 = b.t;
    b.stay(at_home, indoor(false, false));
    stops.push(TrueStop {
        start_ms: s0,
        end_ms: b.t,
        x: b.x,
        y: b.y,
    });

    let visits = 6 + (rng.next_u64() % 5) as usize;
    let tunnel_trip = (rng.next_u64() % visits as u64) as usize;
    let silent_visit = (rng.next_u64() % visits as u64) as usize;
    let network_visit = (rng.next_u64() % visits as u64) as usize;
    for v in 0..visits {
        let (tx, ty) = (
            b.x + rng.range(-4000.0, 4000.0),
            b.y + rng.range(-4000.0, 4000.0),
        );
        b.drive(&mut rng, tx, ty, (v == tunnel_trip).then_some(0));
        let mins = rng.range(5.5, 45.0);
        let start = b.t;
        let secs = (mins * 60.0) as i64;
        if v == silent_visit {
            // A 20-minute silence inside the shop, with fixes before and after.
            b.stay(120, indoor(false, false));
            b.stay(20 * 60, indoor(false, true));
            b.stay(secs.max(0), indoor(false, false));
        } else {
            b.stay(secs, indoor(v == network_visit, false));
        }
        stops.push(TrueStop {
            start_ms: start,
            end_ms: b.t,
            x: b.x,
            y: b.y,
        });
    }
    b.drive(&mut rng, home.0, home.1, None);
    let s = b.t;
    b.stay(20 * 60, indoor(false, false));
    stops.push(TrueStop {
        start_ms: s,
        end_ms: b.t,
        x: b.x,
        y: b.y,
    });

    let work = (t_start + 3_600_000, t_start + 10 * 3_600_000);
    let fixes = observe(spec, &mut rng, &b.path, &b.modes);
    Day {
        fixes,
        stops,
        path: b.path,
        work,
    }
}

/// The phone's view of the truth.
fn observe(spec: &Spec, rng: &mut Rng, path: &[(i64, f64, f64)], modes: &[Mode]) -> Vec<Fix> {
    let mut fixes = Vec::with_capacity(path.len());
    let (mut ex, mut ey) = (0.0, 0.0); // OU error state
    let mut next_t = path[0].0;
    for (&(t, x, y), &mode) in path.iter().zip(modes) {
        let (sigma, tau) = match mode {
            Mode::Still { indoor: true, .. } => (20.0_f64, 60.0_f64),
            _ => (4.0, 20.0),
        };
        // Ornstein–Uhlenbeck step of one second.
        let a = (-1.0 / tau).exp();
        let s = sigma * (1.0 - a * a).sqrt();
        ex = a * ex + s * rng.normal();
        ey = a * ey + s * rng.normal();
        let interval = match mode {
            Mode::Moving { .. } => spec.moving_ms,
            Mode::Still { .. } => spec.still_ms,
        };
        if t < next_t {
            continue;
        }
        next_t = t + interval;
        match mode {
            Mode::Moving { tunnel: true } | Mode::Still { silent: true, .. } => continue,
            _ => {}
        }
        let white = 1.0;
        let n = spec.noise;
        let (mut fx, mut fy) = (
            x + n * (ex + white * rng.normal()),
            y + n * (ey + white * rng.normal()),
        );
        let mut acc = (sigma * 1.5 * rng.range(0.8, 1.25)) as f32;
        let mut provider = Provider::Gps;
        if let Mode::Still { network: true, .. } = mode
            && rng.chance(0.5)
        {
            let nacc = if rng.chance(0.7) {
                rng.range(40.0, 90.0)
            } else {
                rng.range(300.0, 700.0)
            };
            fx = x + nacc / 1.5 * rng.normal();
            fy = y + nacc / 1.5 * rng.normal();
            acc = nacc as f32;
            provider = Provider::Network;
        } else if rng.chance(spec.multipath) {
            let r = rng.range(100.0, 300.0);
            let th = rng.range(0.0, std::f64::consts::TAU);
            fx = x + r * th.cos();
            fy = y + r * th.sin();
            acc = 10.0;
        }
        let (lat, lon) = to_latlon(fx, fy);
        let mut f = Fix::gps(t, lat, lon, acc);
        f.provider = provider;
        fixes.push(f);
    }
    fixes
}
