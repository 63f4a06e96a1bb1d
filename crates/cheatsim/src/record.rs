//! What the shipped web app sends for a day: fixes from the browser (position, accuracy,
//! sometimes speed; the app labels every fix `fused` and knows no mock flag), flushed
//! every 30 s; actions with the freshest fix the app has (the watch's if under 30 s old,
//! else a fresh one) and the phone's clock; one or two photos per check-in.

use chrono::NaiveDate;
use integrity::{
    Action, ActionKind, CustomerPin, DayFix, DeviceClaims, PhotoCapture, PhotoFacts, Position,
    RepDay,
};
use tracksim::fix::Fix;
use tracksim::geo::{LatLon, offset};
use tracksim::rng::{Dice, mix};
use uuid::Uuid;

/// A visit the day claims: which customer (of which rep's list) and when.
#[derive(Clone, Copy, Debug)]
pub struct Visit {
    pub owner: usize,
    pub customer: usize,
    pub start_ms: i64,
    pub end_ms: i64,
}

/// Where a fresh fix taken at an instant would put the phone.
pub type Fresh<'a> = dyn Fn(i64, &mut Dice) -> Position + 'a;

/// An honest fresh fix at `pos` indoors: usually GPS/fused at 10–35 m, one in ten a
/// Wi-Fi fix at 40–110 m, with the error its accuracy states.
pub fn indoor_fix(pos: LatLon, dice: &mut Dice) -> Position {
    let r68 = if dice.chance(0.1) {
        dice.range(40.0, 110.0)
    } else {
        dice.range(10.0, 35.0)
    };
    let s = r68 / 1.515;
    let p = offset(pos, s * dice.normal(), s * dice.normal());
    Position {
        lat: p.lat,
        lon: p.lon,
        accuracy_m: Some(((r68 * 10.0).round() / 10.0) as f32),
    }
}

pub fn web_fix(f: &Fix) -> track::Fix {
    track::Fix {
        t_ms: f.t_ms,
        lat: f.lat,
        lon: f.lon,
        accuracy_m: f.accuracy_m as f32,
        speed_mps: f.speed_mps.map_or(f32::NAN, |v| v as f32),
        bearing_deg: f32::NAN,
        altitude_m: f32::NAN,
        provider: track::Provider::Fused,
        mock: false,
    }
}

/// Fixes as received: the app flushes every 30 s; rows the phone kept back (tracksim's
/// late rows) arrive with the next flush after their neighbours.
pub fn received(fixes: &[Fix], dice: &mut Dice) -> Vec<DayFix> {
    let mut last = i64::MIN;
    fixes
        .iter()
        .map(|f| {
            let r = (f.t_ms + dice.int(1_000, 35_000)).max(last);
            last = r;
            DayFix {
                fix: web_fix(f),
                received_ms: r,
            }
        })
        .collect()
}

/// Everything the phone sends for a day of `visits`, given what it recorded.
pub struct Phone<'a> {
    pub employee: Uuid,
    pub device: String,
    pub clock_error_ms: i64,
    /// Recorded fixes in time order.
    pub fixes: &'a [Fix],
    pub fresh: &'a Fresh<'a>,
}

impl Phone<'_> {
    /// The app's position for an action at `t`: the watch's latest fix if it is under
    /// 30 s old, else a fresh one.
    pub fn position(&self, t: i64, dice: &mut Dice) -> (Position, i64) {
        let k = self.fixes.partition_point(|f| f.t_ms <= t);
        if let Some(f) = k.checked_sub(1).map(|k| &self.fixes[k])
            && t - f.t_ms <= 30_000
        {
            let p = Position {
                lat: f.lat,
                lon: f.lon,
                accuracy_m: Some(f.accuracy_m as f32),
            };
            return (p, f.t_ms);
        }
        ((self.fresh)(t, dice), t)
    }

    pub fn action(
        &self,
        kind: ActionKind,
        t: i64,
        customer: Option<Uuid>,
        dice: &mut Dice,
    ) -> Action {
        let (p, fix_t) = self.position(t, dice);
        let received = t + dice.int(300, 3_000);
        Action {
            id: Uuid::from_u64_pair(dice_u64(dice), dice_u64(dice)),
            kind,
            t_ms: t,
            received_ms: received,
            position: Some(p),
            fix_t_ms: Some(fix_t),
            customer,
            device: DeviceClaims {
                id: Some(self.device.clone()),
                clock_ms: Some(received - dice.int(100, 1_000) + self.clock_error_ms),
                ..DeviceClaims::default()
            },
        }
    }
}

pub fn dice_u64(dice: &mut Dice) -> u64 {
    (dice.unit() * (1u64 << 52) as f64) as u64 ^ ((dice.int(0, 4095) as u64) << 52)
}

/// The customers' ids and pins, per rep (a world's `pins[rep][customer]`).
pub struct Customers<'a> {
    pub ids: &'a [Vec<Uuid>],
    pub pins: &'a [Vec<CustomerPin>],
    /// The scene each (rep, customer) photo shows, as a perceptual hash.
    pub seed: u64,
}

/// The actions and photos of `visits`: clock-in at the first, check-in/out at each,
/// clock-out after the last; a photo or two after each check-in.
pub fn actions_and_photos(
    phone: &Phone,
    visits: &[Visit],
    customers: &Customers,
    dice: &mut Dice,
) -> (Vec<Action>, Vec<PhotoFacts>, Vec<CustomerPin>) {
    let mut actions = Vec::new();
    let mut photos = Vec::new();
    let mut pins = Vec::new();
    for (k, v) in visits.iter().enumerate() {
        let id = customers.ids[v.owner][v.customer];
        pins.push(customers.pins[v.owner][v.customer]);
        let t_in = v.start_ms + dice.int(40_000, 180_000);
        if k == 0 {
            let t = v.start_ms + dice.int(10_000, 35_000);
            actions.push(phone.action(ActionKind::ClockIn, t, None, dice));
        }
        let check_in = phone.action(ActionKind::CheckIn, t_in, Some(id), dice);
        let scene = mix(customers.seed, v.owner as u64 + 1, v.customer as u64 + 1);
        for _ in 0..if dice.chance(0.3) { 2 } else { 1 } {
            let t = t_in + dice.int(30_000, 300_000);
            let mut phash = scene;
            for _ in 0..dice.int(6, 16) {
                phash ^= 1 << dice.int(0, 63);
            }
            let exif_position = dice.chance(0.7).then(|| {
                let p = check_in.position.expect("actions carry a position");
                let q = offset(
                    LatLon::new(p.lat, p.lon),
                    dice.range(-20.0, 20.0),
                    dice.range(-20.0, 20.0),
                );
                Position {
                    lat: q.lat,
                    lon: q.lon,
                    accuracy_m: Some(dice.range(5.0, 30.0) as f32),
                }
            });
            photos.push(PhotoFacts {
                id: Uuid::from_u64_pair(dice_u64(dice), dice_u64(dice)),
                action: Some(check_in.id),
                t_ms: t,
                position: check_in.position,
                sha256: format!(
                    "{:016x}{:016x}{:016x}{:016x}",
                    dice_u64(dice),
                    dice_u64(dice),
                    dice_u64(dice),
                    dice_u64(dice)
                ),
                phash,
                capture: PhotoCapture::Camera,
                exif_time_ms: dice.chance(0.9).then(|| t - dice.int(0, 3_000)),
                exif_position,
            });
        }
        actions.push(check_in);
        let t_out = (v.end_ms - dice.int(30_000, 150_000)).max(t_in + 60_000);
        actions.push(phone.action(ActionKind::CheckOut, t_out, Some(id), dice));
        if k + 1 == visits.len() {
            let t = t_out + dice.int(30_000, 120_000);
            actions.push(phone.action(ActionKind::ClockOut, t, None, dice));
        }
    }
    pins.sort_by_key(|p| p.id);
    pins.dedup_by_key(|p| p.id);
    (actions, photos, pins)
}

/// Working hours 09:00–18:00 Shanghai time.
pub fn work_window(date: NaiveDate) -> (i64, i64) {
    let at = |h| {
        tracksim::local_ms(
            date,
            chrono::NaiveTime::from_hms_opt(h, 0, 0).expect("valid"),
        )
    };
    (at(9), at(18))
}

/// The day as the server holds it.
pub fn rep_day(
    employee: Uuid,
    date: NaiveDate,
    fixes: Vec<DayFix>,
    actions: Vec<Action>,
    photos: Vec<PhotoFacts>,
    customers: Vec<CustomerPin>,
) -> RepDay {
    let w = work_window(date);
    RepDay {
        employee,
        date: Some(date),
        work_windows: vec![w],
        fixes,
        actions,
        photos,
        customers,
        now_ms: w.1 + 8 * 3_600_000,
    }
}
