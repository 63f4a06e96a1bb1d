//! Hand-made days for the checks' unit tests: a small honest day built from explicit
//! pieces (indoor stays with correlated drift, drives with red lights), so each test can
//! break one thing and see one check react.

use uuid::Uuid;

use crate::checks::Finding;
use crate::day::Day;
use crate::input::*;
use crate::verdict::ReasonCode;

/// 2026-03-02 08:30 Shanghai time.
pub const T0: i64 = 1_772_411_400_000;
const LAT0: f64 = 31.2;
const LON0: f64 = 121.4;
const M_PER_DEG: f64 = 111_195.08;

pub fn ll(x: f64, y: f64) -> (f64, f64) {
    (
        LAT0 + y / M_PER_DEG,
        LON0 + x / (M_PER_DEG * LAT0.to_radians().cos()),
    )
}

/// A tiny deterministic generator (SplitMix64), enough for test noise.
pub struct Noise(u64);

impl Noise {
    pub fn new(seed: u64) -> Noise {
        Noise(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
    pub fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.unit()).sum::<f64>() - 6.0
    }
}

/// Builds a day piece by piece; the phone's error is AR(1) like real GPS.
pub struct Builder {
    pub day: RepDay,
    pub t: i64,
    pub x: f64,
    pub y: f64,
    noise: Noise,
    ex: f64,
    ey: f64,
    pub sent_delay_ms: i64,
}

impl Builder {
    pub fn new(seed: u64) -> Builder {
        Builder {
            day: RepDay {
                employee: Uuid::from_u128(1),
                date: chrono::NaiveDate::from_ymd_opt(2026, 3, 2),
                work_windows: Vec::new(),
                now_ms: T0 + 20 * 3_600_000,
                ..RepDay::default()
            },
            t: T0,
            x: 0.0,
            y: 0.0,
            noise: Noise::new(seed),
            ex: 0.0,
            ey: 0.0,
            sent_delay_ms: 20_000,
        }
    }

    fn fix(&mut self, sigma: f64, tau_s: f64, dt_s: f64, acc: f32, speed: f32) {
        let phi = (-dt_s / tau_s).exp();
        let fresh = (1.0 - phi * phi).sqrt() * sigma;
        self.ex = phi * self.ex + fresh * self.noise.normal();
        self.ey = phi * self.ey + fresh * self.noise.normal();
        let (lat, lon) = ll(self.x + self.ex, self.y + self.ey);
        let mut f = track::Fix::gps(self.t, lat, lon, acc);
        f.speed_mps = speed;
        f.provider = track::Provider::Fused;
        self.day.fixes.push(DayFix {
            fix: f,
            received_ms: self.t + self.sent_delay_ms,
        });
    }

    /// Indoors for `secs`, a fix every 30–60 s drifting 10–20 m.
    pub fn stay(&mut self, secs: i64) -> &mut Self {
        let end = self.t + secs * 1000;
        while self.t < end {
            let acc = self.noise.range(12.0, 25.0) as f32;
            self.fix(12.0, 300.0, 45.0, acc, 0.2);
            self.t += (self.noise.range(30.0, 60.0) * 1000.0) as i64;
        }
        self
    }

    /// Drives to (x, y) at about 10 m/s with a red light half-way; a fix every 5–10 s.
    pub fn drive(&mut self, x: f64, y: f64) -> &mut Self {
        let (x0, y0) = (self.x, self.y);
        let len = (x - x0).hypot(y - y0);
        let mut s = 0.0;
        let mut light = 60.0;
        while s < len {
            let dt = self.noise.range(5.0, 10.0);
            let v = if s > len / 2.0 && light > 0.0 {
                light -= dt;
                0.0
            } else {
                self.noise.range(7.0, 13.0)
            };
            s = (s + v * dt).min(len);
            self.x = x0 + (x - x0) * s / len;
            self.y = y0 + (y - y0) * s / len;
            self.t += (dt * 1000.0) as i64;
            let acc = self.noise.range(5.0, 9.0) as f32;
            self.fix(4.0, 20.0, dt, acc, v as f32);
        }
        self
    }

    pub fn action(&mut self, kind: ActionKind, customer: Option<Uuid>) -> Uuid {
        let id = Uuid::from_u128(1000 + self.day.actions.len() as u128);
        let last = self.day.fixes.last().map(|f| f.fix);
        let position = last.map(|f| Position {
            lat: f.lat,
            lon: f.lon,
            accuracy_m: Some(f.accuracy_m),
        });
        self.day.actions.push(Action {
            id,
            kind,
            t_ms: self.t,
            received_ms: self.t + 2_000,
            position,
            fix_t_ms: last.map(|f| f.t_ms),
            customer,
            device: DeviceClaims {
                id: Some("phone-1".into()),
                clock_ms: Some(self.t + 1_500),
                ..DeviceClaims::default()
            },
        });
        id
    }

    /// Stays `secs` at a customer stored 15 m from where the rep really is, with a check-in
    /// after a minute, a photo and a check-out before leaving.
    pub fn visit(&mut self, secs: i64) -> &mut Self {
        let n = self.day.customers.len() as u128;
        let customer = Uuid::from_u128(500 + n);
        let (lat, lon) = ll(self.x + 12.0, self.y - 9.0);
        self.day.customers.push(CustomerPin {
            id: customer,
            lat,
            lon,
            radius_m: 200.0,
        });
        self.stay(60);
        let check_in = self.action(ActionKind::CheckIn, Some(customer));
        let t = self.t + 90_000;
        let phash = self.noise.next();
        let p = self.day.actions.last().and_then(|a| a.position);
        self.day.photos.push(PhotoFacts {
            id: Uuid::from_u128(9000 + n),
            action: Some(check_in),
            t_ms: t,
            position: p,
            sha256: format!("{:064x}", self.noise.next()),
            phash,
            capture: PhotoCapture::Camera,
            exif_time_ms: Some(t - 1_000),
            exif_position: p,
        });
        self.stay(secs - 120);
        self.action(ActionKind::CheckOut, Some(customer));
        self.stay(60);
        self
    }

    pub fn build(&mut self) -> RepDay {
        let mut d = self.day.clone();
        d.work_windows = vec![(T0 + 30 * 60_000, self.t)];
        d
    }
}

/// Home, four visits with drives between, home: about 4.5 h of tracked working day.
pub fn honest_day_seeded(seed: u64) -> RepDay {
    let mut b = Builder::new(seed);
    b.stay(30 * 60);
    b.drive(3000.0, 0.0);
    b.action(ActionKind::ClockIn, None);
    b.visit(30 * 60)
        .drive(3000.0, 2000.0)
        .visit(25 * 60)
        .drive(1500.0, 3500.0)
        .visit(40 * 60)
        .drive(0.0, 3000.0)
        .visit(20 * 60);
    b.action(ActionKind::ClockOut, None);
    b.drive(-2000.0, 500.0).stay(20 * 60);
    b.build()
}

pub fn honest_day() -> RepDay {
    honest_day_seeded(7)
}

pub fn findings(day: &RepDay, check: fn(&Day, &mut Vec<Finding>)) -> Vec<Finding> {
    let d = Day::new(day);
    let mut out = Vec::new();
    check(&d, &mut out);
    out.sort_by_key(|f| f.code);
    out
}

pub fn codes(f: &[Finding]) -> Vec<ReasonCode> {
    f.iter().map(|f| f.code).collect()
}
