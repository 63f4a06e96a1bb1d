//! The cheats, one per day, each played the way a rep would with the tools at hand, and
//! recorded by the web app as it records any day.

use integrity::{ActionKind, PhotoCapture, PhotoFacts, Position, RepDay};
use tracksim::fix::Fix;
use tracksim::geo::{LatLon, haversine_m, lerp, offset};
use tracksim::motion::{Env, Track};
use tracksim::plan::{Place, StopKind};
use tracksim::rng::Dice;

use crate::mock::{App, Script, Tick, sample, splice};
use crate::record::{self, Visit, dice_u64, indoor_fix};
use crate::world::{HonestDay, World, home};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Trick {
    RouteSimulator,
    Replay,
    Teleport,
    PinDrop,
    FrozenPosition,
    ClockTamper,
    ProxyPunch,
    PhotoReuse,
    TrackingOff,
    FakeSpeed,
}

impl Trick {
    pub const ALL: [Trick; 10] = [
        Trick::RouteSimulator,
        Trick::Replay,
        Trick::Teleport,
        Trick::PinDrop,
        Trick::FrozenPosition,
        Trick::ClockTamper,
        Trick::ProxyPunch,
        Trick::PhotoReuse,
        Trick::TrackingOff,
        Trick::FakeSpeed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Trick::RouteSimulator => "route simulator (mock location all day)",
            Trick::Replay => "replayed track (own/colleague, time-shifted)",
            Trick::Teleport => "teleport check-ins (phone elsewhere)",
            Trick::PinDrop => "pin drop on stored coordinates",
            Trick::FrozenPosition => "frozen mock position at visits",
            Trick::ClockTamper => "clock set back for the clock-in",
            Trick::ProxyPunch => "proxy punch on a colleague's phone",
            Trick::PhotoReuse => "photo reuse (same file or re-saved)",
            Trick::TrackingOff => "tracking switched off 2.5-5 h",
            Trick::FakeSpeed => "fake drive at 180-320 km/h",
        }
    }
}

/// What a cheat produced: the day, and for a proxy punch the colleague whose phone it was.
pub struct Cheat {
    pub day: RepDay,
    pub lender: Option<usize>,
}

/// Everything a trick may draw on.
pub struct Ctx<'a> {
    pub world: &'a World,
    /// `honest[rep][day]`.
    pub honest: &'a [Vec<HonestDay>],
    pub rep: usize,
    pub day: usize,
    /// Reps whose day `day` stays honest (proxy partners come from here).
    pub honest_reps: &'a [usize],
    /// Photos of earlier days, with their rep.
    pub earlier_photos: &'a [(usize, PhotoFacts)],
    /// Rep-days replaced by a cheat (not what the store holds as recorded).
    pub cheated: &'a dyn Fn(usize, usize) -> bool,
}

impl Ctx<'_> {
    fn h(&self) -> &HonestDay {
        &self.honest[self.rep][self.day]
    }

    fn place(&self, v: &Visit) -> &Place {
        &self.world.reps[v.owner].rep.customers[v.customer]
    }

    /// The rep's phone lying at home from `t0` to `t1`, recorded as any honest phone.
    fn at_home(&self, t0: i64, t1: i64, dice: &mut Dice) -> Vec<Fix> {
        let env = Env::Indoor {
            wander_m: dice.range(10.0, 50.0) as f32,
            tau_s: dice.range(180.0, 600.0) as f32,
            network_p: dice.range(0.02, 0.2) as f32,
        };
        let mut track = Track::new(t0, home(self.world, self.rep), env);
        track.dwell((t1 - t0) / 1000, env);
        let knobs = crate::hard::HardCase::Plain.knobs();
        tracksim::phone::record(&track, &self.world.reps[self.rep].phone, &knobs, dice).0
    }

    /// The streets from `from` to a place's door, as a navigation app would route them.
    fn route(&self, from: LatLon, to: &Place, dice: &mut Dice) -> Vec<LatLon> {
        let city = &self.world.city;
        let mut path = vec![from];
        path.extend(
            city.route(city.nearest_node(from), to.node, dice)
                .iter()
                .map(|&n| city.node(n)),
        );
        path.extend(to.walk.iter().skip(1).copied());
        path
    }

    fn assemble(
        &self,
        fixes: &[Fix],
        visits: &[Visit],
        fresh: &record::Fresh,
        dice: &mut Dice,
    ) -> RepDay {
        self.world
            .assemble(self.rep, self.day, fixes, fixes, visits, fresh, dice)
    }

    fn tracking_span(&self) -> (i64, i64) {
        let t = &self.h().sim.plan.track;
        (t.t0_ms, t.now_ms())
    }
}

pub fn play(trick: Trick, ctx: &Ctx, dice: &mut Dice) -> Cheat {
    let day = match trick {
        Trick::RouteSimulator => route_simulator(ctx, dice),
        Trick::Replay => replay(ctx, dice),
        Trick::Teleport => teleport(ctx, dice),
        Trick::PinDrop => held_points(ctx, dice, true),
        Trick::FrozenPosition => held_points(ctx, dice, false),
        Trick::ClockTamper => clock(ctx, dice),
        Trick::ProxyPunch => return proxy(ctx, dice),
        Trick::PhotoReuse => photo_reuse(ctx, dice),
        Trick::TrackingOff => tracking_off(ctx, dice),
        Trick::FakeSpeed => fake_speed(ctx, dice),
    };
    Cheat { day, lender: None }
}

fn tick_at(ticks: &[Tick], t: i64) -> Option<&Tick> {
    let t0 = ticks.first()?.t_ms;
    ticks.get(((t - t0).max(0) / 1000) as usize)
}

fn mock_fix(app: &App, tick: &Tick, dice: &mut Dice) -> Position {
    let f = sample(std::slice::from_ref(tick), app, "", dice);
    let f = &f[0];
    Position {
        lat: f.lat,
        lon: f.lon,
        accuracy_m: Some(f.accuracy_m as f32),
    }
}

/// At home all day with a route-simulator app driving the planned visits: streets at a
/// set speed, a pause at each shop for the visit, lunch, home.
fn route_simulator(ctx: &Ctx, dice: &mut Dice) -> RepDay {
    let h = ctx.h();
    let app = App::draw(dice);
    let v = dice.range(8.0, 15.0);
    let var = dice.range(0.0, 0.25);
    let (t0, _) = ctx.tracking_span();
    let mut s = Script::new(t0, home(ctx.world, ctx.rep));
    s.hold(dice.int(35 * 60, 70 * 60));
    let mut visits = Vec::new();
    let mut lunched = false;
    for v0 in &h.visits {
        let path = ctx.route(s.pos, ctx.place(v0), dice);
        s.travel(&path, v, var, dice);
        let start = s.t_ms;
        s.hold((v0.end_ms - v0.start_ms) / 1000);
        visits.push(Visit {
            start_ms: start,
            end_ms: s.t_ms,
            ..*v0
        });
        if !lunched && s.t_ms > record::work_window(ctx.world.dates[ctx.day]).0 + 3 * 3_600_000 {
            s.hold(dice.int(30 * 60, 50 * 60));
            lunched = true;
        }
    }
    let path = ctx.route(s.pos, &ctx.world.reps[ctx.rep].rep.home, dice);
    s.travel(&path, v, var, dice);
    s.hold(dice.int(10 * 60, 30 * 60));
    let device = &ctx.world.reps[ctx.rep].device;
    let fixes = sample(&s.ticks, &app, device, dice);
    let ticks = &s.ticks;
    let fresh = |t: i64, d: &mut Dice| match tick_at(ticks, t) {
        Some(k) => mock_fix(&app, k, d),
        None => indoor_fix(home(ctx.world, ctx.rep), d),
    };
    ctx.assemble(&fixes, &visits, &fresh, dice)
}

/// At home, a mock app playing back an earlier day's recording (own or a colleague's),
/// a whole or a few days later, sometimes shifted by minutes, with a little jitter;
/// the whole day or a stretch of at least four hours.
fn replay(ctx: &Ctx, dice: &mut Dice) -> RepDay {
    // A recording the store holds: an honest earlier day of this rep or a colleague.
    let (src_rep, src_day, back) = loop {
        let back = dice.int(1, 3.min(ctx.day as i64)) as usize;
        let src_rep = if dice.chance(0.6) {
            ctx.rep
        } else {
            let r = dice.int(0, ctx.world.reps.len() as i64 - 2) as usize;
            if r >= ctx.rep { r + 1 } else { r }
        };
        if !(ctx.cheated)(src_rep, ctx.day - back) {
            break (src_rep, ctx.day - back, back);
        }
    };
    let src = &ctx.honest[src_rep][src_day];
    let minutes = if dice.chance(0.6) {
        dice.int(-45, 45)
    } else {
        0
    };
    let shift = back as i64 * 86_400_000 + minutes * 60_000;
    let mut app = App::draw(dice);
    app.jitter_m = dice.range(0.0, 3.0);
    let gpx = &src.fixes;
    let (g0, g1) = (gpx[0].t_ms, gpx[gpx.len() - 1].t_ms);
    let (mut a, mut b) = (g0, g1);
    if dice.chance(0.4) && g1 - g0 > 6 * 3_600_000 {
        let len = dice.int(4 * 3_600_000, (g1 - g0).min(7 * 3_600_000));
        a = g0 + dice.int(0, g1 - g0 - len);
        b = a + len;
    }
    // 1 Hz playback by interpolating the recording.
    let mut ticks = Vec::new();
    let mut k = 0;
    let mut t = a;
    while t <= b {
        while k + 1 < gpx.len() && gpx[k + 1].t_ms <= t {
            k += 1;
        }
        let (p, q) = (&gpx[k], &gpx[(k + 1).min(gpx.len() - 1)]);
        let f = if q.t_ms > p.t_ms {
            ((t - p.t_ms) as f64 / (q.t_ms - p.t_ms) as f64).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let (pp, qq) = (LatLon::new(p.lat, p.lon), LatLon::new(q.lat, q.lon));
        let speed = if q.t_ms > p.t_ms {
            haversine_m(pp, qq) / ((q.t_ms - p.t_ms) as f64 / 1000.0)
        } else {
            0.0
        };
        ticks.push(Tick {
            t_ms: t + shift,
            pos: lerp(pp, qq, f),
            speed,
        });
        t += 1000;
    }
    let device = &ctx.world.reps[ctx.rep].device;
    let mocked = sample(&ticks, &app, device, dice);
    let span = (a + shift, b + shift);
    let (t0, t1) = (
        span.0.min(ctx.tracking_span().0),
        span.1.max(ctx.tracking_span().1),
    );
    let home_fixes = ctx.at_home(t0, t1, dice);
    let fixes = splice(&home_fixes, &[span], mocked);
    let visits: Vec<Visit> = src
        .visits
        .iter()
        .filter(|v| v.start_ms >= a && v.end_ms <= b)
        .map(|v| Visit {
            start_ms: v.start_ms + shift,
            end_ms: v.end_ms + shift,
            ..*v
        })
        .collect();
    let fresh = |t: i64, d: &mut Dice| match tick_at(&ticks, t) {
        Some(k) if t >= span.0 && t < span.1 => mock_fix(&app, k, d),
        _ => indoor_fix(home(ctx.world, ctx.rep), d),
    };
    ctx.assemble(&fixes, &visits, &fresh, dice)
}

/// Mock switched on just for the check-in and the check-out: either at home all day
/// "visiting" the planned customers, or an honest day with a few extra visits faked from
/// a long stop.
fn teleport(ctx: &Ctx, dice: &mut Dice) -> RepDay {
    let h = ctx.h();
    let at_home = dice.chance(0.4);
    let (real, visits, fakes): (Vec<Fix>, Vec<Visit>, Vec<usize>) = if at_home {
        let (t0, t1) = ctx.tracking_span();
        let n = h.visits.len().min(8);
        (
            ctx.at_home(t0, t1, dice),
            h.visits[..n].to_vec(),
            (0..n).collect(),
        )
    } else {
        let long: Vec<_> = h
            .sim
            .plan
            .stops
            .iter()
            .filter(|s| {
                matches!(s.kind, StopKind::Visit | StopKind::Lunch)
                    && s.end_ms - s.start_ms >= 25 * 60_000
            })
            .collect();
        let visited: Vec<usize> = h.visits.iter().map(|v| v.customer).collect();
        let mut visits = h.visits.clone();
        let mut fakes = Vec::new();
        let n = dice.int(2, 4) as usize;
        for s in long.iter().take(n) {
            let mut c;
            loop {
                c = dice.int(0, ctx.world.reps[ctx.rep].rep.customers.len() as i64 - 1) as usize;
                if !visited.contains(&c) {
                    break;
                }
            }
            let start = s.start_ms + dice.int(3 * 60_000, 8 * 60_000);
            visits.push(Visit {
                owner: ctx.rep,
                customer: c,
                start_ms: start,
                end_ms: start + dice.int(8 * 60_000, 15 * 60_000),
            });
        }
        visits.sort_by_key(|v| v.start_ms);
        for (k, v) in visits.iter().enumerate() {
            if !visited.contains(&v.customer)
                || v.start_ms
                    != h.visits
                        .iter()
                        .find(|x| x.customer == v.customer)
                        .map_or(0, |x| x.start_ms)
            {
                fakes.push(k);
            }
        }
        (h.fixes.clone(), visits, fakes)
    };
    let app = App::draw(dice);
    mock_at_visits(
        ctx,
        dice,
        real,
        &visits,
        &fakes,
        MockPoint::NearDoor,
        Held::AroundActions,
        app,
    )
}

#[derive(Clone, Copy, PartialEq)]
enum MockPoint {
    NearDoor,
    Pin,
}

#[derive(Clone, Copy, PartialEq)]
enum Held {
    AroundActions,
    WholeVisit,
    AllDay,
}

/// Mock on at the `fakes` visits (holding a point near the door or exactly the stored
/// pin), the real phone's fixes elsewhere.
#[allow(clippy::too_many_arguments)]
fn mock_at_visits(
    ctx: &Ctx,
    dice: &mut Dice,
    real: Vec<Fix>,
    visits: &[Visit],
    fakes: &[usize],
    point: MockPoint,
    held: Held,
    app: App,
) -> RepDay {
    let mut spans: Vec<(i64, i64)> = Vec::new();
    let mut ticks: Vec<Tick> = Vec::new();
    let mut points: Vec<(i64, i64, LatLon)> = Vec::new();
    for &k in fakes {
        let v = &visits[k];
        let p = match point {
            MockPoint::Pin => {
                let pin = &ctx.world.pins[v.owner][v.customer];
                LatLon::new(pin.lat, pin.lon)
            }
            MockPoint::NearDoor => {
                let (dx, dy) = dice.direction();
                let d = dice.range(5.0, 30.0);
                offset(ctx.place(v).pos, dx * d, dy * d)
            }
        };
        let s = match held {
            Held::AroundActions => vec![
                (v.start_ms, v.start_ms + 4 * 60_000),
                (v.end_ms - 3 * 60_000, v.end_ms),
            ],
            Held::WholeVisit | Held::AllDay => vec![(v.start_ms, v.end_ms)],
        };
        for &(a, b) in &s {
            points.push((a, b, p));
        }
        spans.extend(s);
    }
    if held == Held::AllDay && !points.is_empty() {
        // Left on between visits, holding the last point until the next is dropped.
        let n = points.len();
        for k in 0..n - 1 {
            points[k].1 = points[k + 1].0;
        }
        spans = vec![(points[0].0, points[n - 1].1)];
    }
    for &(a, b, p) in &points {
        let mut s = Script::new(a, p);
        s.hold((b - a) / 1000);
        ticks.extend(s.ticks);
    }
    ticks.sort_by_key(|t| t.t_ms);
    let device = &ctx.world.reps[ctx.rep].device;
    // Each held stretch sampled on its own, as the app does when the position jumps.
    let mut mocked = Vec::new();
    for &(a, b, _) in &points {
        let part: Vec<Tick> = ticks
            .iter()
            .filter(|t| t.t_ms >= a && t.t_ms < b)
            .copied()
            .collect();
        mocked.extend(sample(&part, &app, device, dice));
    }
    let fixes = splice(&real, &spans, mocked);
    let home_pos = home(ctx.world, ctx.rep);
    let honest_track = &ctx.h().sim.plan.track;
    let at_home = !fakes.is_empty() && fakes.len() == visits.len();
    let fresh = |t: i64, d: &mut Dice| {
        if let Some(&(_, _, p)) = points.iter().find(|(a, b, _)| t >= *a && t < *b) {
            return mock_fix(
                &app,
                &Tick {
                    t_ms: t,
                    pos: p,
                    speed: 0.0,
                },
                d,
            );
        }
        if at_home {
            indoor_fix(home_pos, d)
        } else {
            indoor_fix(honest_track.pos_at(t), d)
        }
    };
    ctx.assemble(&fixes, visits, &fresh, dice)
}

/// At home; a mock app holds a point at each planned visit: exactly the customer's
/// stored pin (pin drop, copied from the app's map) or a point near the door with no
/// jitter at all (frozen).
fn held_points(ctx: &Ctx, dice: &mut Dice, pin: bool) -> RepDay {
    let h = ctx.h();
    let (t0, t1) = ctx.tracking_span();
    let real = ctx.at_home(t0, t1, dice);
    let visits = h.visits.clone();
    let fakes: Vec<usize> = (0..visits.len()).collect();
    let mut app = App::draw(dice);
    let (point, held) = if pin {
        app.jitter_m = if dice.chance(0.5) {
            0.0
        } else {
            dice.range(0.3, 1.5)
        };
        if dice.chance(0.5) {
            app.accuracy = (5.0, 5.0);
        }
        let held = if dice.chance(0.5) {
            Held::WholeVisit
        } else {
            Held::AroundActions
        };
        (MockPoint::Pin, held)
    } else {
        app.jitter_m = 0.0;
        app.accuracy = if dice.chance(0.5) {
            (3.0, 15.0)
        } else {
            (5.0, 5.0)
        };
        let held = if dice.chance(0.5) {
            Held::WholeVisit
        } else {
            Held::AllDay
        };
        (MockPoint::NearDoor, held)
    };
    mock_at_visits(ctx, dice, real, &visits, &fakes, point, held, app)
}

/// Late for work: the phone's clock set back 30–120 min to clock in "on time". Sent at
/// once (the clock still wrong), or offline and restored before syncing, or kept wrong
/// all morning.
fn clock(ctx: &Ctx, dice: &mut Dice) -> RepDay {
    let mut d = ctx.h().rep_day.clone();
    let back = dice.int(30, 120) * 60_000;
    let variant = dice.unit();
    let Some(k) = d.actions.iter().position(|a| a.kind == ActionKind::ClockIn) else {
        return d;
    };
    let real_t = d.actions[k].t_ms;
    if variant < 0.35 {
        let a = &mut d.actions[k];
        a.t_ms -= back;
        a.fix_t_ms = a.fix_t_ms.map(|t| t - back);
        a.device.clock_ms = Some(a.t_ms + dice.int(1_000, 3_000));
    } else if variant < 0.8 {
        let sync = real_t + dice.int(60_000, 300_000);
        let a = &mut d.actions[k];
        a.t_ms -= back;
        a.fix_t_ms = Some(a.t_ms);
        a.received_ms = sync;
        a.device.clock_ms = Some(sync - dice.int(100, 1_000));
        let w = dice.int(60_000, 240_000);
        for f in d
            .fixes
            .iter_mut()
            .filter(|f| f.fix.t_ms >= real_t - 30_000 && f.fix.t_ms < real_t + w)
        {
            f.fix.t_ms -= back;
            f.received_ms = sync;
        }
    } else {
        let noon = record::work_window(ctx.world.dates[ctx.day]).0 + 3 * 3_600_000;
        for a in d
            .actions
            .iter_mut()
            .filter(|a| a.t_ms >= real_t && a.t_ms < noon)
        {
            a.t_ms -= back;
            a.fix_t_ms = a.fix_t_ms.map(|t| t - back);
            a.device.clock_ms = Some(a.received_ms - back);
        }
        for f in d
            .fixes
            .iter_mut()
            .filter(|f| f.fix.t_ms >= real_t && f.fix.t_ms < noon)
        {
            f.fix.t_ms -= back;
        }
    }
    d
}

/// Stays at home; a colleague, on their own phone logged in as this rep, clocks in (and
/// checks in at one to three of their own visits) a few minutes after their own punches.
fn proxy(ctx: &Ctx, dice: &mut Dice) -> Cheat {
    let partner = ctx.honest_reps[dice.int(0, ctx.honest_reps.len() as i64 - 1) as usize];
    let hb = &ctx.honest[partner][ctx.day];
    let n = if dice.chance(0.5) {
        1
    } else {
        dice.int(2, 3) as usize
    };
    let visits: Vec<Visit> = hb
        .visits
        .iter()
        .take(n)
        .map(|v| Visit {
            start_ms: v.start_ms + dice.int(120_000, 360_000),
            ..*v
        })
        .collect();
    let info = &ctx.world.reps[partner];
    let track = &hb.sim.plan.track;
    let fresh = |t: i64, d: &mut Dice| indoor_fix(track.pos_at(t), d);
    let phone = record::Phone {
        employee: ctx.world.reps[ctx.rep].employee,
        device: info.device.clone(),
        clock_error_ms: info.clock_error_ms,
        fixes: &hb.fixes,
        fresh: &fresh,
    };
    let (actions, photos, pins) =
        record::actions_and_photos(&phone, &visits, &ctx.world.customers(), dice);
    let (t0, t1) = ctx.tracking_span();
    let own = if dice.chance(0.7) {
        record::received(&ctx.at_home(t0, t1, dice), dice)
    } else {
        Vec::new()
    };
    let day = record::rep_day(
        ctx.world.reps[ctx.rep].employee,
        ctx.world.dates[ctx.day],
        own,
        actions,
        photos,
        pins,
    );
    Cheat {
        day,
        lender: Some(partner),
    }
}

/// One to three of today's photos swapped for an earlier one from the gallery: the same
/// file, or a re-saved copy (EXIF kept or stripped).
fn photo_reuse(ctx: &Ctx, dice: &mut Dice) -> RepDay {
    let mut d = ctx.h().rep_day.clone();
    let own: Vec<&(usize, PhotoFacts)> = ctx
        .earlier_photos
        .iter()
        .filter(|(r, _)| *r == ctx.rep)
        .collect();
    let all: Vec<&(usize, PhotoFacts)> = ctx.earlier_photos.iter().collect();
    let n = dice.int(1, 3).min(d.photos.len() as i64) as usize;
    for k in 0..n {
        let pool = if dice.chance(0.7) && !own.is_empty() {
            &own
        } else {
            &all
        };
        let (_, src) = pool[dice.int(0, pool.len() as i64 - 1) as usize];
        let i = (k * 7 + dice.int(0, 100) as usize) % d.photos.len();
        let p = &mut d.photos[i];
        p.capture = PhotoCapture::Upload;
        if dice.chance(0.5) {
            p.sha256 = src.sha256.clone();
            p.phash = src.phash;
            p.exif_time_ms = src.exif_time_ms;
            p.exif_position = src.exif_position;
        } else {
            p.sha256 = format!(
                "{:016x}{:016x}{:016x}{:016x}",
                dice_u64(dice),
                dice_u64(dice),
                dice_u64(dice),
                dice_u64(dice)
            );
            p.phash = src.phash;
            for _ in 0..dice.int(0, 2) {
                p.phash ^= 1 << dice.int(0, 63);
            }
            if dice.chance(0.5) {
                p.exif_time_ms = None;
                p.exif_position = None;
            } else {
                p.exif_time_ms = src.exif_time_ms;
                p.exif_position = src.exif_position;
            }
        }
    }
    d
}

/// Location off (or the app closed) for 2.5–5 h of the working day; the app opened only
/// for the check-ins in between, recording a fix or two then.
fn tracking_off(ctx: &Ctx, dice: &mut Dice) -> RepDay {
    let mut d = ctx.h().rep_day.clone();
    let (w0, w1) = record::work_window(ctx.world.dates[ctx.day]);
    let from = w0 + dice.int(2 * 3_600_000, 6 * 3_600_000);
    let to = (from + dice.int(150 * 60_000, 300 * 60_000)).min(w1 + 30 * 60_000);
    let open: Vec<i64> = d
        .actions
        .iter()
        .filter(|a| a.t_ms >= from && a.t_ms < to && dice.chance(0.6))
        .map(|a| a.t_ms)
        .collect();
    d.fixes.retain(|f| {
        let t = f.fix.t_ms;
        t < from || t >= to || open.iter().any(|&a| t >= a - 60_000 && t <= a + 120_000)
    });
    d
}

/// A joystick mock "driving" a loop through the city at 50–90 m/s from a long stop, to
/// add kilometres without the time they take.
fn fake_speed(ctx: &Ctx, dice: &mut Dice) -> RepDay {
    let h = ctx.h();
    let stop = h
        .sim
        .plan
        .stops
        .iter()
        .filter(|s| s.kind != StopKind::Home && s.end_ms - s.start_ms >= 20 * 60_000)
        .max_by_key(|s| s.end_ms - s.start_ms)
        .or_else(|| {
            h.sim
                .plan
                .stops
                .iter()
                .max_by_key(|s| s.end_ms - s.start_ms)
        })
        .copied()
        .expect("a day has stops");
    let city = &ctx.world.city;
    let start = stop.start_ms + dice.int(3 * 60_000, 8 * 60_000);
    let here = city.nearest_node(stop.pos);
    let (dx, dy) = dice.direction();
    let blocks = dice.range(12.0, 35.0);
    let far = city.clamp(here.i + (dx * blocks) as i32, here.j + (dy * blocks) as i32);
    let mut path = vec![stop.pos];
    path.extend(city.route(here, far, dice).iter().map(|&n| city.node(n)));
    path.extend(
        city.route(far, here, dice)
            .iter()
            .skip(1)
            .map(|&n| city.node(n)),
    );
    path.push(stop.pos);
    let mut s = Script::new(start, stop.pos);
    s.travel(&path, dice.range(50.0, 90.0), dice.range(0.0, 0.2), dice);
    let end = s.t_ms;
    let app = App::draw(dice);
    let device = &ctx.world.reps[ctx.rep].device;
    let mocked = sample(&s.ticks, &app, device, dice);
    let fixes = splice(&h.fixes, &[(start, end)], mocked);
    let mut d = h.rep_day.clone();
    d.fixes = record::received(&fixes, dice);
    d
}
