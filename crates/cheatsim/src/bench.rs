//! The benchmark: for each seed a world of honest days with some replaced by cheats, every
//! day from the second on judged with the history a store would hand over; then the
//! share caught per trick, the share of honest days flagged per hard case, and time.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use integrity::{EarlierPhoto, History, Level, RepDay, Settings, Verdict, assess, phash_bands};
use tracksim::rng::{Dice, mix};

use crate::hard::HardCase;
use crate::tricks::{self, Ctx, Trick};
use crate::world::{self, DAYS, Kept, REPS, World};

/// Days of history a store hands over (signatures, device uses).
const HISTORY_DAYS: usize = 5;
/// Cheating days per trick and seed.
const PER_TRICK: usize = 4;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Label {
    Honest(HardCase),
    Cheat(Trick),
}

/// One judged day.
pub struct Case {
    pub seed: u64,
    pub rep: usize,
    pub day: usize,
    pub label: Label,
    pub verdict: Verdict,
    pub micros: f64,
    pub input: RepDay,
    pub history: History,
}

pub fn settings(world: &World) -> Settings {
    Settings {
        shared_devices: vec![world.tablet.clone()],
        ..Settings::default()
    }
}

/// Every judged day of one seed.
pub fn run_seed(seed: u64) -> Vec<Case> {
    let world = World::new(seed);
    let honest: Vec<Vec<world::HonestDay>> = (0..REPS)
        .map(|r| (0..DAYS).map(|d| world.honest(r, d)).collect())
        .collect();

    // Which test days cheat, and how: spread over reps and the later days.
    let mut dice = Dice::new(mix(seed, 0xC4EA7, 0));
    let mut slots: Vec<(usize, usize)> = (0..REPS)
        .flat_map(|r| (3..DAYS).map(move |d| (r, d)))
        .collect();
    for k in (1..slots.len()).rev() {
        slots.swap(k, dice.int(0, k as i64) as usize);
    }
    let mut plan: BTreeMap<(usize, usize), Trick> = BTreeMap::new();
    for (k, &slot) in slots.iter().take(Trick::ALL.len() * PER_TRICK).enumerate() {
        plan.insert(slot, Trick::ALL[k % Trick::ALL.len()]);
    }

    let mut days: Vec<Vec<RepDay>> = honest
        .iter()
        .map(|r| r.iter().map(|h| h.rep_day.clone()).collect())
        .collect();
    let mut lenders: Vec<(usize, usize)> = Vec::new();
    let mut photos_by_day: Vec<Vec<(usize, integrity::PhotoFacts)>> = vec![Vec::new(); DAYS];
    for d in 0..DAYS {
        for (r, row) in days.iter().enumerate() {
            photos_by_day[d].extend(row[d].photos.iter().map(|p| (r, p.clone())));
        }
    }
    for (&(r, d), &trick) in &plan {
        let honest_reps: Vec<usize> = (0..REPS)
            .filter(|&x| x != r && !plan.contains_key(&(x, d)))
            .collect();
        let earlier: Vec<(usize, integrity::PhotoFacts)> =
            photos_by_day[..d].iter().flatten().cloned().collect();
        let cheated = |x: usize, y: usize| plan.contains_key(&(x, y));
        let ctx = Ctx {
            world: &world,
            honest: &honest,
            rep: r,
            day: d,
            honest_reps: &honest_reps,
            earlier_photos: &earlier,
            cheated: &cheated,
        };
        let mut dice = world.dice(r, d, 0x7121C);
        let cheat = tricks::play(trick, &ctx, &mut dice);
        if let Some(l) = cheat.lender {
            lenders.push((l, d));
        }
        days[r][d] = cheat.day;
    }

    let kept: Vec<Vec<Kept>> = days
        .iter()
        .map(|row| {
            row.iter()
                .enumerate()
                .map(|(d, day)| world::kept(day, d))
                .collect()
        })
        .collect();
    let settings = settings(&world);
    let mut cases = Vec::new();
    for r in 0..REPS {
        for d in 1..DAYS {
            let day = &days[r][d];
            let history = history(&world, &kept, &days, r, d);
            let label = match plan.get(&(r, d)) {
                Some(&t) => Label::Cheat(t),
                None if lenders.iter().any(|&(l, ld)| l == r && ld.abs_diff(d) <= 1) => {
                    Label::Honest(HardCase::Lender)
                }
                None => Label::Honest(honest[r][d].hard),
            };
            let t = Instant::now();
            let verdict = assess(day, &history, &settings);
            let micros = t.elapsed().as_secs_f64() * 1e6;
            cases.push(Case {
                seed,
                rep: r,
                day: d,
                label,
                verdict,
                micros,
                input: day.clone(),
                history,
            });
        }
    }
    cases
}

/// What a store hands over with rep `r`'s day `d`: the team's recent signatures (this
/// rep's earlier days, colleagues' earlier and same days), the uses of today's devices
/// around the day, and earlier photos sharing a hash band or the file hash.
fn history(world: &World, kept: &[Vec<Kept>], days: &[Vec<RepDay>], r: usize, d: usize) -> History {
    let lo = d.saturating_sub(HISTORY_DAYS);
    let mut h = History::default();
    for (x, row) in kept.iter().enumerate() {
        for k in &row[lo..=d] {
            if x == r && k.day == d {
                continue;
            }
            h.days.push(k.signature.clone());
        }
    }
    let today = &days[r][d];
    let devices: Vec<&str> = today
        .actions
        .iter()
        .filter_map(|a| a.device.id.as_deref())
        .collect();
    let hi = (d + 1).min(DAYS - 1);
    for row in kept {
        for k in &row[lo..=hi] {
            h.device_uses.extend(
                k.uses
                    .iter()
                    .filter(|u| devices.contains(&u.device.as_str()))
                    .cloned(),
            );
        }
    }
    // A shared tablet is also used by a teammate that day.
    if devices.contains(&world.tablet.as_str()) {
        let mate = (r + 1) % REPS;
        if let Some(a) = today.actions.first() {
            h.device_uses.push(integrity::DeviceUse {
                device: world.tablet.clone(),
                employee: world.reps[mate].employee,
                t_ms: a.t_ms + 1_800_000,
                action: None,
            });
        }
    }
    // The store's band index over earlier photos.
    let mut bands: HashMap<(usize, u16), Vec<PhotoAt>> = HashMap::new();
    let mut shas: HashMap<&str, Vec<PhotoAt>> = HashMap::new();
    for (x, row) in days.iter().enumerate() {
        for (dd, day) in row.iter().enumerate().take(d + 1) {
            for (i, p) in day.photos.iter().enumerate() {
                for (b, v) in phash_bands(p.phash).into_iter().enumerate() {
                    bands.entry((b, v)).or_default().push((x, dd, i));
                }
                shas.entry(p.sha256.as_str()).or_default().push((x, dd, i));
            }
        }
    }
    let mut found: Vec<PhotoAt> = Vec::new();
    for p in &today.photos {
        for (b, v) in phash_bands(p.phash).into_iter().enumerate() {
            found.extend(bands.get(&(b, v)).into_iter().flatten());
        }
        found.extend(shas.get(p.sha256.as_str()).into_iter().flatten());
    }
    found.sort_unstable();
    found.dedup();
    for (x, dd, i) in found {
        if x == r && dd == d {
            continue;
        }
        let p = &days[x][dd].photos[i];
        h.earlier_photos.push(EarlierPhoto {
            id: p.id,
            employee: days[x][dd].employee,
            t_ms: p.t_ms,
            sha256: p.sha256.clone(),
            phash: p.phash,
        });
    }
    h
}

/// A photo of the simulated tenant: (rep, day, index in the day's photos).
type PhotoAt = (usize, usize, usize);

/// Share of days at `review` or worse.
pub fn flagged(cases: &[&Case]) -> f64 {
    if cases.is_empty() {
        return f64::NAN;
    }
    cases
        .iter()
        .filter(|c| c.verdict.level >= Level::Review)
        .count() as f64
        / cases.len() as f64
}

pub fn likely(cases: &[&Case]) -> f64 {
    if cases.is_empty() {
        return f64::NAN;
    }
    cases
        .iter()
        .filter(|c| c.verdict.level == Level::LikelyCheat)
        .count() as f64
        / cases.len() as f64
}

/// Wall time to judge `n` rep-days on `threads` threads, cycling through `cases`' inputs.
pub fn month(cases: &[Case], n: usize, threads: usize) -> f64 {
    let settings = Settings::default();
    let t = Instant::now();
    std::thread::scope(|s| {
        for k in 0..threads {
            let settings = &settings;
            s.spawn(move || {
                let mut sink = 0.0f32;
                for i in (k..n).step_by(threads) {
                    let c = &cases[i % cases.len()];
                    sink += assess(&c.input, &c.history, settings).score;
                }
                std::hint::black_box(sink);
            });
        }
    });
    t.elapsed().as_secs_f64()
}
