//! One rep's horizon: construction, repair by ejection, relocation between days, and
//! ruin-and-recreate rounds until the deadline or the iteration cap.

use std::time::Instant;

use super::day::{DayCost, DayCtx};
use super::due::{self, Window};
use super::{DueVisit, Problem, RepDay, Unplaced, order};
use crate::rng::Rng;
use crate::travel::{Matrix, Travel};

/// Minutes of travel one day away from the due date is worth.
const DRIFT: f64 = 0.5;
/// An unplaced visit outweighs any amount of travel.
const UNPLACED: f64 = 1e6;

/// Where a rep's search starts and how it ends.
#[derive(Clone, Copy, Default)]
pub(crate) struct Start<'a> {
    /// An earlier plan of this rep to keep what still fits.
    pub days: Option<&'a [RepDay]>,
    /// Skip the exact ordering of each day (for trial plans).
    pub rough: bool,
}

pub(crate) struct Planned {
    pub days: Vec<RepDay>,
    pub due: Vec<(usize, Vec<DueVisit>)>,
    pub iterations: u64,
}

struct Visit {
    node: usize,
    w: Window,
    gap: i32,
    /// Visits of the same customer (this one included).
    siblings: std::ops::Range<usize>,
    /// Set when no day can ever take the visit.
    impossible: Option<Unplaced>,
    /// Working days in the window: fewer means place it first.
    tightness: usize,
}

#[derive(Clone)]
struct State {
    routes: Vec<Vec<usize>>,
    cost: Vec<DayCost>,
    day_of: Vec<Option<i32>>,
}

struct Planner {
    ctx: DayCtx,
    visits: Vec<Visit>,
    working: Vec<bool>,
    /// The rep's mean day length in minutes, fixed after construction.
    mean_day: f64,
    /// Weight of a day's squared deviation from the mean day, per minute of mean day.
    balance: f64,
    /// Nodes by travel time from each node.
    near: Vec<Vec<usize>>,
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn plan_rep(
    problem: &Problem,
    travel: &dyn Travel,
    r: usize,
    mine: &[usize],
    seed: u64,
    deadline: Instant,
    opts: &super::Options,
    weights: &super::Weights,
    start: Start,
) -> Planned {
    let rep = &problem.reps[r];
    let places: Vec<usize> = std::iter::once(rep.home)
        .chain(mine.iter().map(|&c| problem.customers[c].location))
        .collect();
    let cust = |n: usize| &problem.customers[mine[n - 1]];
    let n = places.len();
    let mut ctx = DayCtx {
        m: Matrix::sub(travel, &places),
        service: vec![0.0; n],
        open: vec![f64::NEG_INFINITY; n],
        latest: vec![f64::INFINITY; n],
        shift_start: rep.shift.0,
        day_end: rep.day_end(),
        max_visits: rep.max_visits.unwrap_or(usize::MAX),
    };
    for node in 1..n {
        let c = cust(node);
        ctx.service[node] = c.service_min;
        if let Some((open, close)) = c.hours {
            ctx.open[node] = open;
            ctx.latest[node] = close - c.service_min;
        }
    }
    let working: Vec<bool> = (0..problem.days).map(|d| problem.works(r, d)).collect();
    let mut visits = Vec::new();
    for node in 1..n {
        let c = cust(node);
        let alone = ctx.eval(&[node]).is_some();
        let ws = due::windows(problem, c, Some(r));
        let first = visits.len();
        let siblings = first..first + ws.len();
        for w in ws {
            let tightness = (w.lo..=w.hi).filter(|&d| working[d as usize]).count();
            let impossible = if tightness == 0 {
                Some(Unplaced::NoWorkingDay)
            } else if !alone {
                Some(Unplaced::DoesNotFitDay)
            } else {
                None
            };
            visits.push(Visit {
                node,
                w,
                gap: due::min_gap(c.interval_days),
                siblings: siblings.clone(),
                impossible,
                tightness,
            });
        }
    }
    let near = (0..n)
        .map(|a| {
            let mut v: Vec<usize> = (1..n).collect();
            v.sort_by(|&x, &y| ctx.m.minutes(a, x).total_cmp(&ctx.m.minutes(a, y)));
            v
        })
        .collect();
    let mut p = Planner {
        ctx,
        visits,
        working,
        mean_day: 1.0,
        balance: weights.day_balance,
        near,
    };
    let mut rng = Rng::new(seed);
    let mut s = State {
        routes: vec![Vec::new(); problem.days as usize],
        cost: vec![p.ctx.measure(&[]); problem.days as usize],
        day_of: vec![None; p.visits.len()],
    };
    if let Some(days) = start.days {
        p.seed_from(&mut s, problem, mine, days);
    }
    let mut order: Vec<usize> = (0..p.visits.len()).collect();
    p.sort_by_tightness(&mut order);
    p.recreate(&mut s, &order);
    let busy: f64 = s.cost.iter().map(|c| c.end - p.ctx.shift_start).sum();
    let workdays = p.working.iter().filter(|&&w| w).count().max(1);
    p.mean_day = (busy / workdays as f64).max(1.0);
    p.local_search(&mut s, &mut rng, deadline);
    let mut best = p.objective(&s);
    let mut iterations = 0;
    while Instant::now() < deadline && opts.max_iterations.is_none_or(|m| iterations < m) {
        if s.day_of.iter().all(Option::is_none) {
            break;
        }
        iterations += 1;
        let mut trial = s.clone();
        let removed = p.ruin(&mut trial, &mut rng);
        let mut todo: Vec<usize> = removed
            .into_iter()
            .chain(
                (0..p.visits.len())
                    .filter(|&v| trial.day_of[v].is_none() && p.visits[v].impossible.is_none()),
            )
            .collect();
        rng.shuffle(&mut todo);
        p.sort_by_tightness(&mut todo);
        p.recreate(&mut trial, &todo);
        p.local_search(&mut trial, &mut rng, deadline);
        let obj = p.objective(&trial);
        if obj < best - 1e-9 {
            best = obj;
            s = trial;
        }
    }
    let days = order::finish(
        problem,
        r,
        mine,
        &p.ctx,
        &s.routes,
        &p.working,
        deadline,
        start.rough,
    );
    let mut due = Vec::new();
    let mut v = 0;
    while v < p.visits.len() {
        let sib = p.visits[v].siblings.clone();
        let list = sib
            .clone()
            .map(|u| {
                let x = &p.visits[u];
                let unplaced = match s.day_of[u] {
                    Some(_) => None,
                    None => Some(x.impossible.unwrap_or(Unplaced::NoRoom)),
                };
                x.w.report(problem.start, s.day_of[u], unplaced)
            })
            .collect();
        due.push((mine[p.visits[v].node - 1], list));
        v = sib.end;
    }
    // Customers with no visit due in the horizon still appear, with an empty list.
    for (i, &c) in mine.iter().enumerate() {
        if !p.visits.iter().any(|x| x.node == i + 1) {
            due.push((c, Vec::new()));
        }
    }
    Planned {
        days,
        due,
        iterations,
    }
}

impl Planner {
    /// Starts from an earlier plan's days (customers it no longer has are skipped), so a
    /// rep who gains or loses a customer keeps the rest of its plan.
    fn seed_from(&self, s: &mut State, problem: &Problem, mine: &[usize], days: &[RepDay]) {
        for day in days {
            let d = day.date.0 - problem.start.0;
            if d < 0 || d as usize >= s.routes.len() {
                continue;
            }
            for stop in &day.stops {
                let Some(node) = mine.iter().position(|&c| c == stop.customer).map(|i| i + 1)
                else {
                    continue;
                };
                let v = (0..self.visits.len()).find(|&v| {
                    self.visits[v].node == node
                        && s.day_of[v].is_none()
                        && self.visits[v].impossible.is_none()
                        && self.allowed(s, v, d)
                });
                if let Some(v) = v {
                    s.routes[d as usize].push(node);
                    s.day_of[v] = Some(d);
                }
            }
            let du = d as usize;
            if self.ctx.eval(&s.routes[du]).is_none() {
                // Not expected (a plan that lost a stop stays feasible), but never keep a
                // day that breaks the rules.
                for v in 0..self.visits.len() {
                    if s.day_of[v] == Some(d) {
                        s.day_of[v] = None;
                    }
                }
                s.routes[du].clear();
            }
            s.cost[du] = self.ctx.measure(&s.routes[du]);
        }
    }

    fn sort_by_tightness(&self, order: &mut [usize]) {
        order.sort_by_key(|&v| (self.visits[v].tightness, -(self.visits[v].gap)));
    }

    /// What a day contributes to the objective.
    fn day_term(&self, c: DayCost) -> f64 {
        let dev = c.end - self.ctx.shift_start - self.mean_day;
        c.travel + self.balance * dev * dev / self.mean_day
    }

    fn objective(&self, s: &State) -> f64 {
        let days: f64 = s.cost.iter().map(|&c| self.day_term(c)).sum();
        let visits: f64 = self
            .visits
            .iter()
            .zip(&s.day_of)
            .map(|(v, d)| match d {
                Some(d) => DRIFT * (d - v.w.target).abs() as f64,
                None if v.impossible.is_some() => 0.0,
                None => UNPLACED,
            })
            .sum();
        days + visits
    }

    /// Whether visit `v` may go on day `d` given where its siblings are.
    fn allowed(&self, s: &State, v: usize, d: i32) -> bool {
        let x = &self.visits[v];
        d >= x.w.lo
            && d <= x.w.hi
            && self.working[d as usize]
            && x.siblings
                .clone()
                .all(|u| u == v || s.day_of[u].is_none_or(|e| (d - e).abs() >= x.gap))
    }

    fn remove(&self, s: &mut State, v: usize) {
        if let Some(d) = s.day_of[v].take() {
            let route = &mut s.routes[d as usize];
            route.retain(|&n| n != self.visits[v].node);
            s.cost[d as usize] = self.ctx.measure(route);
        }
    }

    /// The best day and position for `v` (not `skip`), with the objective change.
    fn best_day(
        &self,
        s: &State,
        v: usize,
        skip: Option<i32>,
    ) -> Option<(i32, usize, DayCost, f64)> {
        let x = &self.visits[v];
        let mut best: Option<(i32, usize, DayCost, f64)> = None;
        for d in x.w.lo..=x.w.hi {
            if Some(d) == skip || !self.allowed(s, v, d) {
                continue;
            }
            let du = d as usize;
            if let Some((pos, cost)) = self.ctx.best_insert(&s.routes[du], x.node) {
                let delta = self.day_term(cost) - self.day_term(s.cost[du])
                    + DRIFT * (d - x.w.target).abs() as f64;
                if best.is_none_or(|b| delta < b.3) {
                    best = Some((d, pos, cost, delta));
                }
            }
        }
        best
    }

    fn put(&self, s: &mut State, v: usize, d: i32, pos: usize, cost: DayCost) {
        s.routes[d as usize].insert(pos, self.visits[v].node);
        s.cost[d as usize] = cost;
        s.day_of[v] = Some(d);
    }

    /// Inserts each visit of `order` where it costs least, making room by moving one
    /// visit to another day when every day of its window is full.
    fn recreate(&self, s: &mut State, order: &[usize]) {
        for &v in order {
            if self.visits[v].impossible.is_some() || s.day_of[v].is_some() {
                continue;
            }
            if let Some((d, pos, cost, _)) = self.best_day(s, v, None) {
                self.put(s, v, d, pos, cost);
            } else {
                self.eject(s, v);
            }
        }
    }

    /// Places `v` on a day of its window by moving one visit of that day elsewhere.
    fn eject(&self, s: &mut State, v: usize) -> bool {
        let x = &self.visits[v];
        for d in x.w.lo..=x.w.hi {
            if !self.allowed(s, v, d) {
                continue;
            }
            let on_day: Vec<usize> = (0..self.visits.len())
                .filter(|&u| s.day_of[u] == Some(d))
                .collect();
            for u in on_day {
                let saved = s.clone();
                self.remove(s, u);
                if let Some((pos, cost)) = self.ctx.best_insert(&s.routes[d as usize], x.node) {
                    self.put(s, v, d, pos, cost);
                    if let Some((d2, p2, c2, _)) = self.best_day(s, u, Some(d)) {
                        self.put(s, u, d2, p2, c2);
                        return true;
                    }
                }
                *s = saved;
            }
        }
        false
    }

    /// Moves single visits to better days until none improves, then tidies each day.
    fn local_search(&self, s: &mut State, rng: &mut Rng, deadline: Instant) {
        let mut order: Vec<usize> = (0..self.visits.len()).collect();
        let mut improved = true;
        while improved && Instant::now() < deadline {
            improved = false;
            rng.shuffle(&mut order);
            for &v in &order {
                let Some(d) = s.day_of[v] else { continue };
                let x = &self.visits[v];
                let du = d as usize;
                let mut without = s.routes[du].clone();
                without.retain(|&n| n != x.node);
                let freed = self.ctx.measure(&without);
                let gain = self.day_term(s.cost[du]) - self.day_term(freed)
                    + DRIFT * (d - x.w.target).abs() as f64;
                if let Some((d2, pos, cost, delta)) = self.best_day(s, v, Some(d))
                    && delta < gain - 1e-7
                {
                    s.routes[du] = without;
                    s.cost[du] = freed;
                    s.day_of[v] = None;
                    self.put(s, v, d2, pos, cost);
                    improved = true;
                }
            }
            for d in 0..s.routes.len() {
                self.ctx.improve(&mut s.routes[d]);
                s.cost[d] = self.ctx.measure(&s.routes[d]);
            }
        }
    }

    /// Removes a few neighbouring customers' visits, or a whole day; returns them.
    fn ruin(&self, s: &mut State, rng: &mut Rng) -> Vec<usize> {
        let placed: Vec<usize> = (0..self.visits.len())
            .filter(|&v| s.day_of[v].is_some())
            .collect();
        let seed = placed[rng.below(placed.len())];
        let removed: Vec<usize> = if rng.below(3) == 0 {
            let d = s.day_of[seed];
            placed.into_iter().filter(|&v| s.day_of[v] == d).collect()
        } else {
            let k = 3 + rng.below(6);
            let nodes: Vec<usize> = std::iter::once(self.visits[seed].node)
                .chain(self.near[self.visits[seed].node].iter().copied())
                .take(k)
                .collect();
            placed
                .into_iter()
                .filter(|&v| nodes.contains(&self.visits[v].node))
                .collect()
        };
        for &v in &removed {
            self.remove(s, v);
        }
        removed
    }
}
