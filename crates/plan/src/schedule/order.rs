//! The last step of a rep's plan: each day's visits put in the shortest order that keeps
//! every opening hour (exactly, by the TSPTW dynamic programme, for small days), then
//! timed from the moment the rep leaves home.

use std::time::{Duration, Instant};

use super::day::DayCtx;
use super::{Problem, RepDay, Stop};
use crate::instance::{Instance, Node};
use crate::travel::Travel;
use crate::{SolveOptions, solve_single_route};

/// Days up to this many stops are ordered exactly (a few milliseconds each); larger ones
/// keep the local search's order, since the exact state space doubles per stop.
const EXACT_STOPS: usize = 11;

#[allow(clippy::too_many_arguments)]
pub(crate) fn finish(
    problem: &Problem,
    r: usize,
    mine: &[usize],
    ctx: &DayCtx,
    routes: &[Vec<usize>],
    working: &[bool],
    deadline: Instant,
    rough: bool,
) -> Vec<RepDay> {
    let mut out = Vec::new();
    for (d, route) in routes.iter().enumerate() {
        if !working[d] {
            continue;
        }
        let mut route = route.clone();
        // Past the deadline only the smallest days still get the exact order.
        let limit = if Instant::now() < deadline {
            EXACT_STOPS
        } else {
            8
        };
        if !rough && route.len() >= 3 && route.len() <= limit {
            exact_order(ctx, &mut route);
        }
        out.push(timed(problem, r, mine, ctx, d as u32, &route));
    }
    out
}

/// Replaces `route` by the optimal order when the exact method finds a shorter one.
fn exact_order(ctx: &DayCtx, route: &mut [usize]) {
    let Some(current) = ctx.eval(route) else {
        return;
    };
    let nodes: Vec<usize> = std::iter::once(0).chain(route.iter().copied()).collect();
    let k = nodes.len();
    let mut minutes = Vec::with_capacity(k * k);
    for &a in &nodes {
        for &b in &nodes {
            minutes.push(ctx.m.minutes(a, b));
        }
    }
    let sub_nodes: Vec<Node> = nodes
        .iter()
        .map(|&n| Node {
            coords: None,
            demand: 0.0,
            ready: if n == 0 {
                ctx.shift_start
            } else {
                ctx.open[n].max(ctx.shift_start)
            },
            due: if n == 0 {
                ctx.day_end
            } else {
                ctx.latest[n].min(ctx.day_end)
            },
            service: ctx.service[n],
        })
        .collect();
    let inst = Instance::with_matrices("day", sub_nodes, 1, f64::INFINITY, minutes, None);
    let opts = SolveOptions {
        time_limit: Duration::from_millis(20),
        max_iterations: Some(200),
        ..SolveOptions::default()
    };
    let stops: Vec<usize> = (1..k).collect();
    let best = solve_single_route(&inst, &stops, &opts);
    if !best.feasible || best.distance >= current.travel - 1e-7 {
        return;
    }
    let candidate: Vec<usize> = best.order.iter().map(|&i| nodes[i]).collect();
    // Accept only what the rep's own timing confirms.
    if ctx.eval(&candidate).is_some() {
        route.copy_from_slice(&candidate);
    }
}

fn timed(
    problem: &Problem,
    r: usize,
    mine: &[usize],
    ctx: &DayCtx,
    day: u32,
    route: &[usize],
) -> RepDay {
    let mut time = ctx.shift_start;
    let (mut km, mut travel) = (0.0, 0.0);
    let mut prev = 0;
    let mut stops = Vec::with_capacity(route.len());
    for &n in route {
        let t = ctx.m.minutes(prev, n);
        km += ctx.m.km(prev, n);
        travel += t;
        let arrival = time + t;
        let start = arrival.max(ctx.open[n]);
        time = start + ctx.service[n];
        stops.push(Stop {
            customer: mine[n - 1],
            arrival_min: arrival,
            start_min: start,
            departure_min: time,
        });
        prev = n;
    }
    km += ctx.m.km(prev, 0);
    travel += ctx.m.minutes(prev, 0);
    let end = time + ctx.m.minutes(prev, 0);
    RepDay {
        rep: r,
        date: problem.start.plus(day as i32),
        stops,
        km,
        travel_min: travel,
        start_min: ctx.shift_start,
        end_min: end,
    }
}
