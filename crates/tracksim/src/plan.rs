//! A rep's working day as a sequence of true movements and stops.
//!
//! Home (tracking starts 07:30–08:00) → commute → 8–15 customer visits of
//! 5–40 min with a 30–60 min lunch → the last visit runs past 18:00 (the rep
//! writes the day's report there) → an errand (70 % of days) → home. Each
//! visit is "park at the kerb, walk a few metres in"; 40 % of visits to a
//! shop within 700 m are on foot, leaving the car parked. Drives
//! have red lights (30–119 s, never a stop), sometimes a crawl, sometimes a
//! tunnel; some visits are in a basement or an underground car park (no
//! signal 2–20 min); rarely the app is killed mid-drive.

use chrono::{NaiveDate, NaiveTime};

use crate::city::{City, Node};
use crate::geo::{LatLon, offset};
use crate::motion::{Env, Piece, Track};
use crate::rng::Dice;
use crate::{Knobs, local_ms};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopKind {
    Home,
    Visit,
    Lunch,
    Errand,
}

impl StopKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StopKind::Home => "home",
            StopKind::Visit => "visit",
            StopKind::Lunch => "lunch",
            StopKind::Errand => "errand",
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct TrueStop {
    pub start_ms: i64,
    pub end_ms: i64,
    pub pos: LatLon,
    pub kind: StopKind,
}

/// Somewhere a rep goes: the car parks at `node`, the person walks `walk`.
#[derive(Clone, Debug)]
pub struct Place {
    pub node: Node,
    pub pos: LatLon,
    pub walk: Vec<LatLon>,
}

impl Place {
    /// A shop at `node`: the rep parks at the kerb right in front, 2–10 m
    /// from the door. (Longer car-to-door walks would sit inside the GPS
    /// error of the stop, invisible to any tracker, so we keep them short.)
    pub fn near(city: &City, node: Node, dice: &mut Dice) -> Place {
        let car = city.node(node);
        let along = dice.range(1.0, 6.0);
        let into = dice.range(1.0, 4.0);
        let (ex, ny) = [(1.0, 0.0), (-1.0, 0.0), (0.0, 1.0), (0.0, -1.0)][dice.int(0, 3) as usize];
        let side = if dice.chance(0.5) { 1.0 } else { -1.0 };
        let p1 = offset(car, ex * along, ny * along);
        let p2 = offset(p1, -ny * into * side, ex * into * side);
        Place {
            node,
            pos: p2,
            walk: vec![car, p1, p2],
        }
    }
}

impl Place {
    /// A place at an exact position (a real shop's coordinates): the car parks at the
    /// nearest intersection and the person walks the rest in a straight line.
    pub fn at(city: &City, pos: LatLon) -> Place {
        let node = city.nearest_node(pos);
        Place {
            node,
            pos,
            walk: vec![city.node(node), pos],
        }
    }
}

/// A day through given places in a given order, for callers that decide the route
/// themselves (the demo company's reps visiting their own shops).
pub struct RouteDay<'a> {
    pub home: &'a Place,
    /// Each shop with the seconds spent inside.
    pub shops: &'a [(Place, i64)],
    /// Tracking starts at home at this instant.
    pub track_from_ms: i64,
    /// The rep leaves home at this instant.
    pub depart_ms: i64,
    /// Lunch (30–60 min near where the rep is) once this instant has passed.
    pub lunch_at_ms: Option<i64>,
    /// The last visit lasts at least until this instant.
    pub last_until_ms: i64,
}

/// Simulates a [`RouteDay`]: home → every shop in order (walking to close ones) with
/// lunch → home. The `Visit` stops of the answer are the shops, in order.
pub fn plan_route(city: &City, route: &RouteDay, knobs: &Knobs, seed: u64) -> DayPlan {
    let mut dice = Dice::new(seed);
    let home_env = indoor(&mut dice, knobs);
    let t0 = route.track_from_ms;
    let mut day = Day {
        city,
        knobs,
        track: Track::new(t0, route.home.pos, home_env),
        dice,
        stops: Vec::new(),
        gaps: Vec::new(),
        car: route.home.node,
    };
    day.track
        .dwell(((route.depart_ms - t0) / 1000).max(60), home_env);
    day.stop_since(t0, route.home.pos, StopKind::Home);
    day.walk_out(route.home);
    let mut lunched = route.lunch_at_ms.is_none();
    for (k, (shop, secs)) in route.shops.iter().enumerate() {
        if !lunched && day.track.now_ms() >= route.lunch_at_ms.unwrap_or(i64::MAX) {
            let n = city.clamp(
                day.car.i + day.dice.int(-3, 3) as i32,
                day.car.j + day.dice.int(-3, 3) as i32,
            );
            let restaurant = Place::near(city, n, &mut day.dice);
            let secs = day.dice.int(30 * 60, 60 * 60);
            day.visit(&restaurant, secs, StopKind::Lunch, false);
            lunched = true;
        }
        let until = if k + 1 == route.shops.len() {
            route.last_until_ms
        } else {
            0
        };
        let here = city.node(day.car);
        let close =
            crate::geo::haversine_m(here, shop.pos) < knobs.walk_max_m && shop.node != day.car;
        if close && day.dice.chance(knobs.on_foot_p) {
            day.visit_on_foot(shop, *secs, until);
        } else {
            let basement = day.dice.chance(day.knobs.basement_p);
            day.visit_inner(shop, *secs, until, StopKind::Visit, basement);
        }
    }
    day.drive_to(route.home.node);
    day.walk_in(route.home);
    let arrived = day.track.now_ms();
    let secs = day.dice.int(10 * 60, 30 * 60);
    day.track.dwell(secs, home_env);
    day.stops.push(TrueStop {
        start_ms: arrived,
        end_ms: day.track.now_ms(),
        pos: route.home.pos,
        kind: StopKind::Home,
    });
    if day.dice.chance(knobs.killed_p) {
        day.kill_app_while_driving(route.depart_ms, route.last_until_ms);
    }
    for &(a, b) in &day.gaps {
        for s in &mut day.track.samples[a..b] {
            s.no_signal = true;
        }
    }
    DayPlan {
        track: day.track,
        stops: day.stops,
        gaps: day.gaps,
    }
}

/// A field rep: where they live and whom they visit.
pub struct Rep {
    pub device_id: String,
    pub home: Place,
    pub customers: Vec<Place>,
}

impl Rep {
    pub fn new(city: &City, index: usize, dice: &mut Dice) -> Rep {
        let ci = dice.int(15, 45) as i32;
        let cj = dice.int(15, 45) as i32;
        let customers = (0..80)
            .map(|_| {
                let n = city.clamp(ci + dice.int(-12, 12) as i32, cj + dice.int(-12, 12) as i32);
                Place::near(city, n, dice)
            })
            .collect();
        // Home 5–12 km away: 16–37 blocks in some direction.
        let (dx, dy) = dice.direction();
        let r = dice.range(16.0, 37.0);
        let home_node = city.clamp(ci + (dx * r) as i32, cj + (dy * r) as i32);
        Rep {
            device_id: format!("rep-{:02}", index + 1),
            home: Place::near(city, home_node, dice),
            customers,
        }
    }
}

pub struct DayPlan {
    pub track: Track,
    pub stops: Vec<TrueStop>,
    /// Intervals with no signal, as sample index ranges.
    pub gaps: Vec<(usize, usize)>,
}

fn indoor(dice: &mut Dice, knobs: &Knobs) -> Env {
    Env::Indoor {
        wander_m: dice.range(10.0, 50.0) as f32,
        tau_s: dice.range(180.0, 600.0) as f32,
        network_p: (dice.range(0.02, 0.2) * knobs.network_scale) as f32,
    }
}

struct Day<'a> {
    city: &'a City,
    knobs: &'a Knobs,
    dice: Dice,
    track: Track,
    stops: Vec<TrueStop>,
    gaps: Vec<(usize, usize)>,
    car: Node,
}

pub fn plan_day(city: &City, rep: &Rep, date: NaiveDate, knobs: &Knobs, seed: u64) -> DayPlan {
    let mut dice = Dice::new(seed);
    let at = |h: u32, m: u32| local_ms(date, NaiveTime::from_hms_opt(h, m, 0).expect("valid time"));
    let t0 = at(7, 30) + 1000 * dice.int(0, 1800);
    let home_env = indoor(&mut dice, knobs);
    let mut day = Day {
        city,
        knobs,
        track: Track::new(t0, rep.home.pos, home_env),
        dice,
        stops: Vec::new(),
        gaps: Vec::new(),
        car: rep.home.node,
    };
    let depart = (at(8, 5) + 1000 * day.dice.int(0, 2400)).max(t0 + 600_000);
    day.track.dwell((depart - t0) / 1000, home_env);
    day.stop_since(t0, rep.home.pos, StopKind::Home);
    day.walk_out(&rep.home);

    // Customers in a greedy near-neighbour order with some randomness.
    let mut todo: Vec<&Place> = rep.customers.iter().collect();
    let lunch_at = at(11, 40) + 1000 * day.dice.int(0, 1800);
    let (quit_after, day_end) = (at(17, 15), at(18, 0));
    // The day's pace: a rep planning few visits spends longer at each.
    let planned = day.dice.int(8, 15) as f64;
    let mean_min = (450.0 / planned - 10.0).clamp(8.0, 35.0);
    let mut visits = 0;
    let mut lunched = false;
    loop {
        if !lunched && day.track.now_ms() >= lunch_at {
            let n = city.clamp(
                day.car.i + day.dice.int(-4, 4) as i32,
                day.car.j + day.dice.int(-4, 4) as i32,
            );
            let restaurant = Place::near(city, n, &mut day.dice);
            let secs = day.dice.int(30 * 60, 60 * 60);
            day.visit(&restaurant, secs, StopKind::Lunch, false);
            lunched = true;
        }
        let here = city.node(day.car);
        todo.sort_by(|a, b| {
            crate::geo::haversine_m(here, a.pos).total_cmp(&crate::geo::haversine_m(here, b.pos))
        });
        let pick = day.dice.int(0, 5.min(todo.len() as i64 - 1)) as usize;
        let shop = todo.remove(pick);
        let secs = (mean_min * 60.0 * day.dice.range(0.5, 1.5)).clamp(300.0, 2400.0) as i64;
        // Estimate whether this is the last visit, then stretch it past 18:00.
        let est_end = day.track.now_ms() + 1000 * (secs + 600);
        let last = visits + 1 >= 15 || (visits + 1 >= 8 && est_end >= quit_after);
        let until = if last {
            day_end + 1000 * day.dice.int(0, 1200)
        } else {
            0
        };
        let close =
            crate::geo::haversine_m(here, shop.pos) < knobs.walk_max_m && shop.node != day.car;
        if close && day.dice.chance(knobs.on_foot_p) {
            day.visit_on_foot(shop, secs, until);
        } else {
            let basement = day.dice.chance(day.knobs.basement_p);
            day.visit_inner(shop, secs, until, StopKind::Visit, basement);
        }
        visits += 1;
        if last {
            break;
        }
    }

    if day.dice.chance(0.7) {
        let h = rep.home.node;
        let n = city.clamp(
            (day.car.i + h.i) / 2 + day.dice.int(-3, 3) as i32,
            (day.car.j + h.j) / 2 + day.dice.int(-3, 3) as i32,
        );
        let shop = Place::near(city, n, &mut day.dice);
        let secs = day.dice.int(10 * 60, 30 * 60);
        day.visit(&shop, secs, StopKind::Errand, false);
    }
    day.drive_to(rep.home.node);
    day.walk_in(&rep.home);
    let arrived = day.track.now_ms();
    let secs = day.dice.int(10 * 60, 40 * 60);
    day.track.dwell(secs, home_env);
    day.stops.push(TrueStop {
        start_ms: arrived,
        end_ms: day.track.now_ms(),
        pos: rep.home.pos,
        kind: StopKind::Home,
    });

    if day.dice.chance(knobs.killed_p) {
        day.kill_app_while_driving(at(9, 0), day_end);
    }
    for &(a, b) in &day.gaps {
        for s in &mut day.track.samples[a..b] {
            s.no_signal = true;
        }
    }
    DayPlan {
        track: day.track,
        stops: day.stops,
        gaps: day.gaps,
    }
}

impl Day<'_> {
    fn stop_since(&mut self, start_ms: i64, pos: LatLon, kind: StopKind) {
        self.stops.push(TrueStop {
            start_ms,
            end_ms: self.track.now_ms(),
            pos,
            kind,
        });
    }

    fn walk_in(&mut self, place: &Place) {
        let speed = self.dice.range(1.2, 1.4);
        self.track.walk(&place.walk, speed);
    }

    fn walk_out(&mut self, place: &Place) {
        let back: Vec<LatLon> = place.walk.iter().rev().copied().collect();
        let speed = self.dice.range(1.2, 1.4);
        self.track.walk(&back, speed);
        self.car = place.node;
    }

    fn visit(&mut self, place: &Place, secs: i64, kind: StopKind, basement: bool) {
        self.visit_inner(place, secs, 0, kind, basement);
    }

    /// Leave the car where it is and walk 200–700 m through the streets to
    /// a nearby shop and back: the walking segments of a dense city.
    fn visit_on_foot(&mut self, place: &Place, secs: i64, until_ms: i64) {
        let city = self.city;
        let mut path: Vec<LatLon> = city
            .route(self.car, place.node, &mut self.dice)
            .iter()
            .map(|&n| city.node(n))
            .collect();
        path.extend_from_slice(&place.walk[1..]);
        let speed = self.dice.range(1.2, 1.4);
        self.track.walk(&path, speed);
        let arrived = self.track.now_ms();
        let env = indoor(&mut self.dice, self.knobs);
        self.track.dwell(secs.max((until_ms - arrived) / 1000), env);
        self.stop_since(arrived, place.pos, StopKind::Visit);
        path.reverse();
        self.track.walk(&path, speed);
    }

    fn visit_inner(
        &mut self,
        place: &Place,
        secs: i64,
        until_ms: i64,
        kind: StopKind,
        basement: bool,
    ) {
        self.drive_to(place.node);
        let parked = self.track.samples.len();
        self.walk_in(place);
        let arrived = self.track.now_ms();
        let secs = secs.max((until_ms - arrived) / 1000);
        let env = indoor(&mut self.dice, self.knobs);
        self.track.dwell(secs, env);
        self.stop_since(arrived, place.pos, kind);
        let left = self.track.samples.len() - 1;
        if basement {
            // Underground car park or basement shop: signal lost from just
            // before parking for 2–20 min, back before the rep walks out.
            let from = parked.saturating_sub(self.dice.int(0, 20) as usize);
            let len = self.dice.int(120, 1200) as usize;
            let to = (from + len).min(left.saturating_sub(60));
            if to > from + 60 {
                self.gaps.push((from, to));
            }
        }
        self.walk_out(place);
    }

    fn drive_to(&mut self, to: Node) {
        if to == self.car {
            return;
        }
        let city = self.city;
        let nodes = city.route(self.car, to, &mut self.dice);
        let art_cap = self.dice.range(11.1, 16.7);
        let street_cap = self.dice.range(5.6, 9.7);
        let mut pieces = Vec::with_capacity(nodes.len());
        for (k, w) in nodes.windows(2).enumerate() {
            let arterial = city.edge_is_arterial(w[0], w[1]);
            let interior = k + 2 < nodes.len();
            let signalised = city.is_arterial_col(w[1].i) || city.is_arterial_row(w[1].j);
            let p_red = if signalised { 0.45 } else { 0.1 };
            let red_s = if interior && self.dice.chance(p_red) {
                self.dice.int(30, 119) as u32
            } else {
                0
            };
            let jiggle = self.dice.range(0.9, 1.1);
            pieces.push(Piece {
                to: city.node(w[1]),
                cap_mps: if arterial { art_cap } else { street_cap } * jiggle,
                env: if arterial { Env::OpenSky } else { Env::Urban },
                red_s,
            });
        }
        let total: f64 =
            crate::geo::path_length(&nodes.iter().map(|&n| city.node(n)).collect::<Vec<_>>());
        let crawl = self.dice.chance(self.knobs.crawl_p).then(|| {
            let from = self.dice.range(0.0, total * 0.7);
            (
                from,
                from + self.dice.range(300.0, 1500.0),
                self.dice.range(1.0, 3.0),
            )
        });
        let first = self.track.samples.len();
        let odo0 = self.track.last().odo_m;
        self.track.drive(&pieces, crawl, &mut self.dice);
        self.car = to;
        if self.dice.chance(self.knobs.tunnel_p) {
            self.tunnel(&nodes, first, odo0);
        }
    }

    /// Signal lost for 2–5 min on a straight arterial run of the drive that
    /// just happened (tunnels and elevated-road undersides are straight, so a
    /// straight line across the gap is the true path).
    fn tunnel(&mut self, nodes: &[Node], first: usize, odo0: f64) {
        let city = self.city;
        let len = |k: usize| crate::geo::haversine_m(city.node(nodes[k]), city.node(nodes[k + 1]));
        let line = |k: usize| {
            let (a, b) = (nodes[k], nodes[k + 1]);
            if a.j == b.j { (0, a.j) } else { (1, a.i) }
        };
        let mut best: Option<(f64, f64)> = None;
        let (mut k, mut s) = (0, 0.0);
        while k + 1 < nodes.len() {
            if !city.edge_is_arterial(nodes[k], nodes[k + 1]) {
                s += len(k);
                k += 1;
                continue;
            }
            let (start, key) = (s, line(k));
            while k + 1 < nodes.len()
                && city.edge_is_arterial(nodes[k], nodes[k + 1])
                && line(k) == key
            {
                s += len(k);
                k += 1;
            }
            if best.is_none_or(|(x, y)| y - x < s - start) {
                best = Some((start, s));
            }
        }
        let Some((a, b)) = best else { return };
        let idx: Vec<usize> = (first..self.track.samples.len())
            .filter(|&i| {
                let d = self.track.samples[i].odo_m - odo0;
                d >= a && d <= b
            })
            .collect();
        let want = self.dice.int(120, 300) as usize;
        if idx.len() < want + 30 {
            return;
        }
        let from = idx[0] + 10 + self.dice.int(0, (idx.len() - want - 20) as i64) as usize;
        self.gaps.push((from, from + want));
    }

    /// The phone's OS kills the app mid-drive: 2–8 min without fixes while
    /// moving, along whatever turns the road takes.
    fn kill_app_while_driving(&mut self, from_ms: i64, to_ms: i64) {
        let (a, b) = (self.track.index_at(from_ms), self.track.index_at(to_ms));
        let moving: Vec<usize> = (a..b)
            .filter(|&i| self.track.samples[i].speed_mps > 3.0)
            .collect();
        if moving.is_empty() {
            return;
        }
        let start = moving[self.dice.int(0, moving.len() as i64 - 1) as usize];
        let len = self.dice.int(120, 480) as usize;
        self.gaps
            .push((start, (start + len).min(self.track.samples.len() - 1)));
    }
}
