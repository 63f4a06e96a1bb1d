//! Mock-location apps as cheaters use them: a script of where the fake position goes
//! (hold a point, travel a route at a set speed), played at 1 Hz, with the app's jitter
//! and the accuracy it makes up; and the app that records it, sampling like the honest
//! phone does (every 5–10 s while moving, 30–60 s at rest).

use tracksim::fix::{Fix, Provider};
use tracksim::geo::{LatLon, haversine_m, lerp, offset};
use tracksim::rng::Dice;

/// How a mock app dresses its positions.
#[derive(Clone, Debug)]
pub struct App {
    /// Independent jitter per update (σ per axis, metres); 0 for apps that add none.
    pub jitter_m: f64,
    /// Accuracy it reports: one value, or a random one in a range each update.
    pub accuracy: (f64, f64),
    /// Whether it fills the speed field.
    pub reports_speed: bool,
}

impl App {
    /// A route/joystick app as found in app stores: a quarter add no jitter, the rest
    /// 1–5 m; accuracy fixed at a round value or random 3–12 m.
    pub fn draw(dice: &mut Dice) -> App {
        let jitter_m = if dice.chance(0.25) {
            0.0
        } else {
            dice.range(1.0, 5.0)
        };
        let accuracy = if dice.chance(0.4) {
            let v = [3.0, 4.0, 5.0, 8.0, 10.0][dice.int(0, 4) as usize];
            (v, v)
        } else {
            (3.0, 12.0)
        };
        App {
            jitter_m,
            accuracy,
            reports_speed: dice.chance(0.5),
        }
    }

    fn emit(&self, device: &str, t: &Tick, dice: &mut Dice) -> Fix {
        let p = if self.jitter_m > 0.0 {
            offset(
                t.pos,
                self.jitter_m * dice.normal(),
                self.jitter_m * dice.normal(),
            )
        } else {
            t.pos
        };
        let acc = if self.accuracy.0 == self.accuracy.1 {
            self.accuracy.0
        } else {
            (dice.range(self.accuracy.0, self.accuracy.1) * 10.0).round() / 10.0
        };
        Fix {
            device_id: device.to_string(),
            t_ms: t.t_ms,
            lat: p.lat,
            lon: p.lon,
            accuracy_m: acc,
            speed_mps: self.reports_speed.then_some(t.speed),
            bearing_deg: None,
            altitude_m: None,
            provider: Provider::Fused,
            mock: false,
        }
    }
}

/// One second of the fake position.
#[derive(Clone, Copy, Debug)]
pub struct Tick {
    pub t_ms: i64,
    pub pos: LatLon,
    pub speed: f64,
}

/// What the cheater makes the fake position do, second by second.
pub struct Script {
    pub ticks: Vec<Tick>,
    pub t_ms: i64,
    pub pos: LatLon,
}

impl Script {
    pub fn new(t_ms: i64, pos: LatLon) -> Script {
        Script {
            ticks: Vec::new(),
            t_ms,
            pos,
        }
    }

    pub fn hold(&mut self, secs: i64) {
        for _ in 0..secs.max(0) {
            self.ticks.push(Tick {
                t_ms: self.t_ms,
                pos: self.pos,
                speed: 0.0,
            });
            self.t_ms += 1000;
        }
    }

    /// Jump to `pos` (the user drops the pin somewhere else).
    pub fn jump(&mut self, pos: LatLon) {
        self.pos = pos;
    }

    /// Along `path` at the set speed `v`, wandering by up to ±`var` (a slow random walk,
    /// as apps with "random speed" do), turning corners without slowing.
    pub fn travel(&mut self, path: &[LatLon], v: f64, var: f64, dice: &mut Dice) {
        let mut f = 1.0;
        for w in path.windows(2) {
            let len = haversine_m(w[0], w[1]);
            let mut s = 0.0;
            while s < len {
                f = (f + 0.03 * dice.normal()).clamp(1.0 - var, 1.0 + var);
                let speed = v * f;
                s = (s + speed).min(len);
                self.pos = lerp(w[0], w[1], if len > 0.0 { s / len } else { 1.0 });
                self.ticks.push(Tick {
                    t_ms: self.t_ms,
                    pos: self.pos,
                    speed,
                });
                self.t_ms += 1000;
            }
        }
    }
}

/// The recording app's samples of a 1 Hz stream: every 5–10 s while it moved in the
/// last minute, every 30–60 s once it has rested a minute.
pub fn sample(ticks: &[Tick], app: &App, device: &str, dice: &mut Dice) -> Vec<Fix> {
    let mut out = Vec::new();
    let Some(first) = ticks.first() else {
        return out;
    };
    let t0 = first.t_ms;
    let mut t = t0 + dice.int(0, 999);
    loop {
        let k = ((t - t0) / 1000) as usize;
        let Some(tick) = ticks.get(k) else { break };
        out.push(app.emit(device, &Tick { t_ms: t, ..*tick }, dice));
        let from = k.saturating_sub(60);
        let moved = ticks[from..=k].iter().any(|x| x.speed > 0.3);
        t += if moved || k < 60 {
            dice.int(5000, 10_000)
        } else {
            dice.int(30_000, 60_000)
        };
    }
    out
}

/// `real` with the fixes inside `spans` replaced by `mocked` (the app records whatever
/// the OS gives it: the fake position while the mock is on).
pub fn splice(real: &[Fix], spans: &[(i64, i64)], mocked: Vec<Fix>) -> Vec<Fix> {
    let inside = |t: i64| spans.iter().any(|&(a, b)| t >= a && t < b);
    let mut out: Vec<Fix> = real.iter().filter(|f| !inside(f.t_ms)).cloned().collect();
    out.extend(mocked.into_iter().filter(|f| inside(f.t_ms)));
    out.sort_by_key(|f| f.t_ms);
    out
}
