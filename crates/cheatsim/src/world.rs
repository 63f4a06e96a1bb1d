//! One tenant per seed: a city, a team of reps with customers, and every rep's working
//! days simulated honestly, each with a hard case.

use chrono::{NaiveDate, NaiveTime};
use integrity::{CustomerPin, DayFix, PhotoFacts, Position, RepDay};
use tracksim::city::City;
use tracksim::fix::Fix;
use tracksim::geo::{LatLon, offset};
use tracksim::phone::Phone;
use tracksim::plan::{Place, Rep, RouteDay, StopKind, plan_route};
use tracksim::rng::{Dice, mix};
use tracksim::{Config, SimDay, local_ms, phone_for, simulate_day, simulate_plan, working_day};
use uuid::Uuid;

use crate::hard::HardCase;
use crate::record::{self, Customers, Visit};

pub const REPS: usize = 16;
pub const DAYS: usize = 8;

pub struct RepInfo {
    pub employee: Uuid,
    pub rep: Rep,
    pub phone: Phone,
    pub device: String,
    pub clock_error_ms: i64,
}

pub struct World {
    pub seed: u64,
    pub cfg: Config,
    pub city: City,
    pub reps: Vec<RepInfo>,
    pub dates: Vec<NaiveDate>,
    pub customer_ids: Vec<Vec<Uuid>>,
    pub pins: Vec<Vec<CustomerPin>>,
    /// The team's tablet the tenant lists as shared.
    pub tablet: String,
}

/// An honest rep-day: the simulation, the visits it made, and what the server got.
pub struct HonestDay {
    pub rep: usize,
    pub day: usize,
    pub hard: HardCase,
    pub sim: SimDay,
    /// Recorded fixes in time order.
    pub fixes: Vec<Fix>,
    pub visits: Vec<Visit>,
    pub rep_day: RepDay,
}

impl World {
    pub fn new(seed: u64) -> World {
        let cfg = Config {
            seed,
            reps: REPS,
            days: DAYS,
            ..Config::default()
        };
        let city = City::new(seed);
        let mut reps = Vec::new();
        let mut customer_ids = Vec::new();
        let mut pins = Vec::new();
        for r in 0..REPS {
            let rep = Rep::new(&city, r, &mut Dice::new(mix(seed, r as u64 + 1, 0)));
            let mut dice = Dice::new(mix(seed, r as u64 + 1, 0xC05));
            let ids: Vec<Uuid> = (0..rep.customers.len())
                .map(|c| Uuid::from_u64_pair(seed, ((r as u64) << 32) | c as u64))
                .collect();
            // Stored coordinates: geocoded from the address, 5–40 m off the door.
            let p: Vec<CustomerPin> = rep
                .customers
                .iter()
                .zip(&ids)
                .map(|(place, &id)| {
                    let (dx, dy) = dice.direction();
                    let d = dice.range(5.0, 40.0);
                    let q = offset(place.pos, dx * d, dy * d);
                    CustomerPin {
                        id,
                        lat: q.lat,
                        lon: q.lon,
                        radius_m: 200.0,
                    }
                })
                .collect();
            reps.push(RepInfo {
                employee: Uuid::from_u64_pair(seed, 0xE000_0000 + r as u64),
                phone: phone_for(r, &cfg),
                device: format!("web-{seed}-{r}-{:x}", mix(seed, r as u64, 0xDE71)),
                clock_error_ms: dice.int(-20_000, 20_000),
                rep,
            });
            customer_ids.push(ids);
            pins.push(p);
        }
        let dates = (0..DAYS).map(|d| working_day(cfg.start, d)).collect();
        World {
            seed,
            cfg,
            city,
            reps,
            dates,
            customer_ids,
            pins,
            tablet: format!("tablet-{seed}"),
        }
    }

    pub fn customers(&self) -> Customers<'_> {
        Customers {
            ids: &self.customer_ids,
            pins: &self.pins,
            seed: self.seed,
        }
    }

    /// The hard case of a rep-day: every case comes up on every seed, spread over reps
    /// and days.
    pub fn hard_case(&self, rep: usize, day: usize) -> HardCase {
        // Never two weekly rounds in a row: a round repeats the day before.
        if day > 0 && (rep * 5 + day * 7 + self.seed as usize).is_multiple_of(12) {
            return HardCase::Routine;
        }
        let n = HardCase::DRAWN.len();
        HardCase::DRAWN[(rep * 7 + day * 3 + self.seed as usize) % n]
    }

    pub fn dice(&self, rep: usize, day: usize, what: u64) -> Dice {
        Dice::new(mix(
            self.seed ^ what.rotate_left(17),
            rep as u64 + 101,
            day as u64 + 1,
        ))
    }

    /// The rep's visits of a simulated day, matched to their customers.
    pub fn visits(&self, rep: usize, sim: &SimDay) -> Vec<Visit> {
        let customers = &self.reps[rep].rep.customers;
        sim.plan
            .stops
            .iter()
            .filter(|s| s.kind == StopKind::Visit)
            .filter_map(|s| {
                let c = customers
                    .iter()
                    .position(|p| p.pos.lat == s.pos.lat && p.pos.lon == s.pos.lon)?;
                Some(Visit {
                    owner: rep,
                    customer: c,
                    start_ms: s.start_ms,
                    end_ms: s.end_ms,
                })
            })
            .collect()
    }

    /// The rep's true day: planned by the simulator, or on a weekly round the previous
    /// day's shops in the same order, with the start, lunch and every stay drawn afresh.
    fn simulate(&self, rep: usize, day: usize, hard: HardCase, cfg: &Config) -> SimDay {
        let info = &self.reps[rep];
        let date = self.dates[day];
        if hard != HardCase::Routine || day == 0 {
            return simulate_day(cfg, &self.city, &info.rep, &info.phone, rep, date);
        }
        let mut before = self.cfg.clone();
        before.knobs = self.hard_case(rep, day - 1).knobs();
        let last = simulate_day(
            &before,
            &self.city,
            &info.rep,
            &info.phone,
            rep,
            self.dates[day - 1],
        );
        let mut dice = self.dice(rep, day, 0x2077);
        let shops: Vec<(Place, i64)> = last
            .plan
            .stops
            .iter()
            .filter(|s| s.kind == StopKind::Visit)
            .filter_map(|s| {
                let shop = info.rep.customers.iter().find(|p| p.pos == s.pos)?;
                let secs = (s.end_ms - s.start_ms) as f64 / 1000.0 * dice.range(0.75, 1.25);
                Some((shop.clone(), secs.clamp(300.0, 5400.0) as i64))
            })
            .collect();
        let at = |h: u32, m: u32| local_ms(date, NaiveTime::from_hms_opt(h, m, 0).unwrap());
        let track_from_ms = at(7, 30) + 1000 * dice.int(0, 1800);
        let route = RouteDay {
            home: &info.rep.home,
            shops: &shops,
            track_from_ms,
            depart_ms: (at(8, 5) + 1000 * dice.int(0, 2400)).max(track_from_ms + 600_000),
            lunch_at_ms: Some(at(11, 40) + 1000 * dice.int(0, 1800)),
            last_until_ms: at(17, 15) + 1000 * dice.int(0, 2700),
        };
        let plan = plan_route(
            &self.city,
            &route,
            &cfg.knobs,
            mix(self.seed, rep as u64, 0x2077 + day as u64),
        );
        simulate_plan(cfg, &info.rep, &info.phone, rep, date, plan)
    }

    pub fn honest(&self, rep: usize, day: usize) -> HonestDay {
        let hard = self.hard_case(rep, day);
        let mut cfg = self.cfg.clone();
        cfg.knobs = hard.knobs();
        let sim = self.simulate(rep, day, hard, &cfg);
        let mut dice = self.dice(rep, day, 0xA11);
        let mut fixes = sim.rows.clone();
        fixes.sort_by_key(|f| f.t_ms);
        fixes.dedup_by_key(|f| f.t_ms);
        let visits = self.visits(rep, &sim);
        let track = &sim.plan.track;
        let fresh = |t: i64, dice: &mut Dice| record::indoor_fix(track.pos_at(t), dice);
        let mut rep_day = self.assemble(rep, day, &fixes, &sim.rows, &visits, &fresh, &mut dice);
        apply_hard_case(self, hard, rep, day, &mut rep_day, &fixes, track, &mut dice);
        HonestDay {
            rep,
            day,
            hard,
            sim,
            fixes,
            visits,
            rep_day,
        }
    }

    /// A day from what the phone recorded (`fixes` in time order, `rows` as uploaded) and
    /// the visits it claims.
    #[allow(clippy::too_many_arguments)]
    pub fn assemble(
        &self,
        rep: usize,
        day: usize,
        fixes: &[Fix],
        rows: &[Fix],
        visits: &[Visit],
        fresh: &record::Fresh,
        dice: &mut Dice,
    ) -> RepDay {
        let info = &self.reps[rep];
        let phone = record::Phone {
            employee: info.employee,
            device: info.device.clone(),
            clock_error_ms: info.clock_error_ms,
            fixes,
            fresh,
        };
        let (actions, photos, pins) =
            record::actions_and_photos(&phone, visits, &self.customers(), dice);
        record::rep_day(
            info.employee,
            self.dates[day],
            record::received(rows, dice),
            actions,
            photos,
            pins,
        )
    }
}

#[allow(clippy::too_many_arguments)]
fn apply_hard_case(
    world: &World,
    hard: HardCase,
    rep: usize,
    day: usize,
    d: &mut RepDay,
    fixes: &[Fix],
    track: &tracksim::motion::Track,
    dice: &mut Dice,
) {
    match hard {
        HardCase::IndoorOffset => {
            for a in d.actions.iter_mut().filter(|a| a.customer.is_some()) {
                if dice.chance(0.4) {
                    let t = a.t_ms;
                    let truth = track.pos_at(t);
                    let (dx, dy) = dice.direction();
                    let dist = dice.range(100.0, 250.0);
                    let p = offset(truth, dx * dist, dy * dist);
                    a.position = Some(Position {
                        lat: p.lat,
                        lon: p.lon,
                        accuracy_m: Some((dist * dice.range(0.8, 1.5)) as f32),
                    });
                    a.fix_t_ms = Some(t);
                }
            }
        }
        HardCase::OfflineSync => {
            let (w0, _) = record::work_window(d.date.expect("dated"));
            let from = w0 + dice.int(3_600_000, 4 * 3_600_000);
            let back = from + dice.int(3_600_000, 5 * 3_600_000);
            // The queue goes out in order when the phone is back online.
            for (k, a) in d
                .actions
                .iter_mut()
                .filter(|a| a.t_ms >= from && a.t_ms < back)
                .enumerate()
            {
                a.received_ms = back + 500 * k as i64;
                a.device.clock_ms = Some(a.received_ms - 300 + world.reps[rep].clock_error_ms);
            }
            for f in d
                .fixes
                .iter_mut()
                .filter(|f| f.fix.t_ms >= from && f.fix.t_ms < back)
            {
                f.received_ms = back + 60_000;
            }
        }
        HardCase::NewPhone => {
            let id = format!("{}-new{day}", world.reps[rep].device);
            for a in &mut d.actions {
                a.device.id = Some(id.clone());
            }
        }
        HardCase::SharedTablet => {
            for a in d.actions.iter_mut() {
                if dice.chance(0.5) {
                    a.device.id = Some(world.tablet.clone());
                }
            }
        }
        HardCase::LongGap => {
            let visits: Vec<(i64, i64)> = d
                .actions
                .iter()
                .filter(|a| a.kind == integrity::ActionKind::CheckIn)
                .map(|a| (a.t_ms, a.t_ms))
                .collect();
            if visits.is_empty() {
                return;
            }
            let (t, _) = visits[dice.int(0, visits.len() as i64 - 1) as usize];
            let from = t - dice.int(5 * 60_000, 20 * 60_000);
            let to = from + dice.int(40 * 60_000, 90 * 60_000);
            d.fixes.retain(|f| f.fix.t_ms < from || f.fix.t_ms >= to);
            // Actions inside the silence get the last known fix (under an hour old) or
            // a coarse network fix.
            let last = fixes.iter().rev().find(|f| f.t_ms < from);
            for a in d
                .actions
                .iter_mut()
                .filter(|a| a.t_ms >= from && a.t_ms < to)
            {
                match last {
                    Some(f) if a.t_ms - f.t_ms < 3_600_000 && dice.chance(0.6) => {
                        a.position = Some(Position {
                            lat: f.lat,
                            lon: f.lon,
                            accuracy_m: Some(f.accuracy_m as f32),
                        });
                        a.fix_t_ms = Some(f.t_ms);
                    }
                    _ => {
                        let truth = track.pos_at(a.t_ms);
                        let r = dice.range(150.0, 600.0);
                        let p = offset(truth, r / 1.5 * dice.normal(), r / 1.5 * dice.normal());
                        a.position = Some(Position {
                            lat: p.lat,
                            lon: p.lon,
                            accuracy_m: Some(r as f32),
                        });
                        a.fix_t_ms = Some(a.t_ms);
                    }
                }
            }
        }
        HardCase::DeveloperMode => {
            for a in &mut d.actions {
                a.device.developer_mode = Some(true);
                a.device.mock_location = Some(false);
                a.device.rooted = Some(false);
            }
        }
        _ => {}
    }
}

/// What the store keeps of a day for later days' history.
pub struct Kept {
    pub employee: Uuid,
    pub day: usize,
    pub signature: integrity::DaySignature,
    pub uses: Vec<integrity::DeviceUse>,
    pub photos: Vec<PhotoFacts>,
}

pub fn kept(day: &RepDay, day_index: usize) -> Kept {
    let mut signature = integrity::signature(&day.fixes);
    signature.day = day.date.map(|date| integrity::DayRef {
        employee: day.employee,
        date,
    });
    Kept {
        employee: day.employee,
        day: day_index,
        signature,
        uses: day
            .actions
            .iter()
            .filter_map(|a| {
                Some(integrity::DeviceUse {
                    device: a.device.id.clone()?,
                    employee: day.employee,
                    t_ms: a.t_ms,
                    action: Some(a.id),
                })
            })
            .collect(),
        photos: day.photos.clone(),
    }
}

pub fn day_fixes(fixes: &[DayFix]) -> Vec<Fix> {
    fixes
        .iter()
        .map(|f| Fix {
            device_id: String::new(),
            t_ms: f.fix.t_ms,
            lat: f.fix.lat,
            lon: f.fix.lon,
            accuracy_m: f64::from(f.fix.accuracy_m),
            speed_mps: f
                .fix
                .speed_mps
                .is_finite()
                .then_some(f64::from(f.fix.speed_mps)),
            bearing_deg: None,
            altitude_m: None,
            provider: tracksim::fix::Provider::Fused,
            mock: false,
        })
        .collect()
}

pub fn home(world: &World, rep: usize) -> LatLon {
    world.reps[rep].rep.home.pos
}
