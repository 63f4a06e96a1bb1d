//! One rep-day made concrete with `tracksim`: the true movement through the rep's shops
//! in a grid city laid over their territory, the fixes their phone records (indoor
//! drift, multipath, network fixes, gaps, traffic lights), and when and where each
//! field action happened, read off those fixes as the phone would have had them.

use chrono::{NaiveDate, NaiveTime};
use tracksim::city::City;
use tracksim::fix::{Fix, Provider};
use tracksim::geo::{LatLon, offset};
use tracksim::motion::{Env, Track};
use tracksim::phone::{Phone, Sampling};
use tracksim::plan::{Place, RouteDay, StopKind, plan_route};
use tracksim::{Knobs, local_ms};

use super::schedule::mix;
use super::{Cheat, RepHistory, WorkDay};
use crate::DemoCompany;
use crate::rng::Dice;

/// An action's instant and the fix the phone had then.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Act {
    pub t_ms: i64,
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct VisitAct {
    /// Index into `DemoCompany::customers`.
    pub customer: usize,
    pub check_in: Act,
    pub check_out: Act,
    pub photo: Act,
    /// Draws the photo ([`crate::picture::shop_front_jpeg`]); an earlier visit's seed
    /// when the photo is reused.
    pub photo_seed: u64,
    /// The device reports a mock-location app at check-in.
    pub mock_device: bool,
    pub report_t_ms: i64,
    /// The store report: shelf facings, out of stock, competitor activity, a remark.
    pub facings: u32,
    pub out_of_stock: bool,
    pub competitors: Vec<&'static str>,
    pub remark: Option<&'static str>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DayTrace {
    /// Time-ordered.
    pub fixes: Vec<Fix>,
    pub clock_in: Act,
    /// `None` when the rep forgot to clock out.
    pub clock_out: Option<Act>,
    pub visits: Vec<VisitAct>,
}

const REMARKS: &[&str] = &[
    "店长反馈新品动销不错",
    "堆头位置被竞品占用，已沟通",
    "补货完成，价签已更换",
    "收银台旁陈列需加强",
    "店长要求下周加送试吃装",
];
const COMPETITION: &[&str] = &["促销", "堆头", "新品"];

fn at(date: NaiveDate, h: u32, m: u32) -> i64 {
    local_ms(date, NaiveTime::from_hms_opt(h, m, 0).expect("valid time"))
}

/// The seed of the photo of visit `k` on `day`.
pub(crate) fn photo_seed(day: &WorkDay, k: usize) -> u64 {
    mix(day.seed, k as u64, 0x9407)
}

/// The fix the phone had at `t`: the latest in the two minutes before it that is not a
/// coarse network fix, else the latest at all, else (no signal) the true position with
/// a modest claimed accuracy.
fn act_at(fixes: &[Fix], t: i64, truth: LatLon) -> Act {
    let recent = fixes
        .iter()
        .rev()
        .filter(|f| f.t_ms <= t && f.t_ms >= t - 120_000);
    let chosen = recent
        .clone()
        .find(|f| f.provider != Provider::Network)
        .or_else(|| recent.clone().next());
    match chosen {
        Some(f) => Act {
            t_ms: t,
            lat: f.lat,
            lon: f.lon,
            accuracy_m: f.accuracy_m,
        },
        None => Act {
            t_ms: t,
            lat: truth.lat,
            lon: truth.lon,
            accuracy_m: 20.0,
        },
    }
}

/// The earlier day `orig` played back on `day`: every instant moved by whole days and
/// the same few minutes; the photos are the day's own.
fn replayed(orig: DayTrace, orig_date: NaiveDate, day: &WorkDay) -> DayTrace {
    let minutes = 3 + (day.seed % 20) as i64;
    let shift = (day.date - orig_date).num_days() * 86_400_000 + minutes * 60_000;
    let act = |a: Act| Act {
        t_ms: a.t_ms + shift,
        ..a
    };
    DayTrace {
        fixes: orig
            .fixes
            .into_iter()
            .map(|f| Fix {
                t_ms: f.t_ms + shift,
                ..f
            })
            .collect(),
        clock_in: act(orig.clock_in),
        clock_out: orig.clock_out.map(act),
        visits: orig
            .visits
            .into_iter()
            .enumerate()
            .map(|(k, v)| VisitAct {
                check_in: act(v.check_in),
                check_out: act(v.check_out),
                photo: act(v.photo),
                photo_seed: photo_seed(day, k),
                report_t_ms: v.report_t_ms + shift,
                ..v
            })
            .collect(),
    }
}

/// Simulates `day` of `rep`.
pub fn trace_day(company: &DemoCompany, rep: &RepHistory, day: &WorkDay) -> DayTrace {
    if let Some(Cheat::Replay { of_day }) = day.cheat
        && let Some(orig) = rep.days.get(of_day).filter(|d| d.cheat.is_none())
    {
        return replayed(trace_day(company, rep, orig), orig.date, day);
    }
    let mut dice = Dice::new(day.seed);
    let pos = |i: usize| LatLon::new(company.customers[i].lat, company.customers[i].lon);
    let all: Vec<usize> = rep.routes.routes.iter().flatten().copied().collect();
    let n = all.len().max(1) as f64;
    let centre = all.iter().fold(LatLon::new(0.0, 0.0), |c, &i| {
        LatLon::new(c.lat + pos(i).lat / n, c.lon + pos(i).lon / n)
    });
    // One grid per rep, the same every day.
    let city = City::centred(rep.employee as u64 + 1, centre);
    let home = Place::at(&city, LatLon::new(rep.routes.home.0, rep.routes.home.1));

    let date = day.date;
    let clock_in_t = if day.late {
        at(date, 9, 14) + 1000 * dice.between(0, 1800) as i64
    } else {
        at(date, 8, 40) + 1000 * dice.between(0, 1500) as i64
    };
    let last_until = if day.early {
        at(date, 16, 10) + 1000 * dice.between(0, 3600) as i64
    } else {
        at(date, 17, 56) + 1000 * dice.between(0, 1500) as i64
    };
    let depart = clock_in_t + 1000 * dice.between(90, 480) as i64;
    let track_from = clock_in_t - 1000 * dice.between(300, 1500) as i64;
    let shops = day.shops.len().max(1) as i64;
    // Time inside shops: the day minus lunch and about 12 minutes of driving per leg.
    let inside_s =
        ((last_until - depart) / 1000 - 45 * 60 - 12 * 60 * (shops + 1)).max(shops * 600);
    let stops: Vec<(Place, i64)> = day
        .shops
        .iter()
        .map(|&i| {
            let share = inside_s as f64 / shops as f64 * (0.7 + 0.5 * dice.unit());
            (Place::at(&city, pos(i)), share.clamp(600.0, 5400.0) as i64)
        })
        .collect();
    let route = RouteDay {
        home: &home,
        shops: &stops,
        track_from_ms: track_from,
        depart_ms: depart,
        lunch_at_ms: Some(at(date, 11, 45) + 1000 * dice.between(0, 2700) as i64),
        last_until_ms: last_until,
    };
    let knobs = Knobs {
        mock_day_p: 0.0,
        ..Knobs::default()
    };
    let plan = plan_route(&city, &route, &knobs, mix(day.seed, 0x7A, 0));
    let phone = Phone {
        device_id: format!("demo-{}", company.employees[rep.employee].username),
        sampling: Sampling::Adaptive,
        provider: Provider::Fused,
    };
    let mut rec = tracksim::rng::Dice::new(mix(day.seed, 0xF1, 0x5));
    let pin_drop = day.cheat == Some(Cheat::PinDropFromHome);
    // The pin-dropper's phone lies at home all day, indoors, however the plan goes.
    let home_track = pin_drop.then(|| {
        let env = Env::Indoor {
            wander_m: 25.0,
            tau_s: 300.0,
            network_p: 0.1,
        };
        let t0 = plan.track.t0_ms;
        let mut t = Track::new(t0, home.pos, env);
        t.dwell((plan.track.now_ms() - t0) / 1000, env);
        t
    });
    let track = home_track.as_ref().unwrap_or(&plan.track);
    let (mut fixes, _) = tracksim::phone::record(track, &phone, &knobs, &mut rec);
    let truth = |t: i64| track.pos_at(t);
    // A check-in placed on the customer's stored point, with a confident accuracy.
    let on_pin = |a: Act, customer: usize| match pin_drop {
        true => Act {
            lat: company.customers[customer].lat,
            lon: company.customers[customer].lon,
            accuracy_m: 5.0,
            ..a
        },
        false => a,
    };

    let visit_stops: Vec<_> = plan
        .stops
        .iter()
        .filter(|s| s.kind == StopKind::Visit)
        .collect();
    if day.cheat == Some(Cheat::Teleport) && visit_stops.len() >= 2 {
        // Between the first two visits the phone "jumps" 8–15 km away for 3 minutes.
        let t0 = (visit_stops[0].end_ms + visit_stops[1].start_ms) / 2;
        let t1 = t0 + 180_000;
        let (dx, dy) = loop {
            let (x, y) = dice.in_unit_disc();
            let r = (x * x + y * y).sqrt();
            if r > 0.1 {
                break (x / r, y / r);
            }
        };
        let km = 8_000.0 + 7_000.0 * dice.unit();
        let far = offset(truth(t0), dx * km, dy * km);
        fixes.retain(|f| f.t_ms < t0 || f.t_ms > t1);
        fixes.extend((0..7).map(|k| Fix {
            device_id: phone.device_id.clone(),
            t_ms: t0 + k * 30_000,
            lat: far.lat,
            lon: far.lon,
            accuracy_m: 6.0,
            speed_mps: Some(0.0),
            bearing_deg: None,
            altitude_m: Some(12.0),
            provider: Provider::Fused,
            mock: false,
        }));
        fixes.sort_by_key(|f| f.t_ms);
    }

    let clock_in = act_at(&fixes, clock_in_t, truth(clock_in_t));
    let reused = rep.days.first().map(|d| photo_seed(d, 0)).unwrap_or(0);
    let mut visits = Vec::with_capacity(visit_stops.len() + 1);
    for (k, (stop, &customer)) in visit_stops.iter().zip(&day.shops).enumerate() {
        let cin = stop.start_ms + 1000 * dice.between(20, 90) as i64;
        let cout = (stop.end_ms - 1000 * dice.between(10, 60) as i64).max(cin + 60_000);
        let photo_t = cin + 1000 * dice.between(60, 300) as i64;
        let report_t = (photo_t + 1000 * dice.between(60, 600) as i64).min(cout - 10_000);
        let competitors: Vec<&'static str> = COMPETITION
            .iter()
            .copied()
            .filter(|_| dice.chance(0.25))
            .collect();
        visits.push(VisitAct {
            customer,
            check_in: on_pin(act_at(&fixes, cin, truth(cin)), customer),
            check_out: on_pin(act_at(&fixes, cout, truth(cout)), customer),
            photo: on_pin(act_at(&fixes, photo_t, truth(photo_t)), customer),
            photo_seed: if day.cheat == Some(Cheat::ReusedPhoto) && k == 1 {
                reused
            } else {
                photo_seed(day, k)
            },
            mock_device: day.cheat == Some(Cheat::MockLocation) && k == 1,
            report_t_ms: report_t.max(cin + 30_000),
            facings: 4 + dice.between(0, 56),
            out_of_stock: dice.chance(0.15),
            competitors: if competitors.is_empty() {
                vec!["无"]
            } else {
                competitors
            },
            remark: dice.chance(0.3).then(|| *dice.pick(REMARKS)),
        });
    }
    if let (Some(Cheat::RemoteCheckin(far)), Some(here)) = (day.cheat, visits.get(1).cloned()) {
        // Checked in at a far shop while standing in this one.
        let cin = here.check_in.t_ms + 120_000;
        let cout = cin + 1000 * dice.between(400, 700) as i64;
        visits.push(VisitAct {
            customer: far,
            check_in: act_at(&fixes, cin, truth(cin)),
            check_out: act_at(&fixes, cout, truth(cout)),
            photo: act_at(&fixes, cin + 60_000, truth(cin + 60_000)),
            photo_seed: mix(day.seed, 99, 0x9407),
            report_t_ms: cin + 240_000,
            ..here
        });
    }
    let clock_out = (!day.forgot_clock_out).then(|| {
        let t = visits
            .iter()
            .map(|v| v.check_out.t_ms)
            .max()
            .unwrap_or(last_until)
            + 1000 * dice.between(30, 120) as i64;
        act_at(&fixes, t, truth(t))
    });
    DayTrace {
        fixes,
        clock_in,
        clock_out,
        visits,
    }
}
