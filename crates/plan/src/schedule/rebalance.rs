//! Evening out reps after each is planned: the territories balance an estimate, and what a
//! rep really works (travel included) only shows in its plan. The busiest rep hands one
//! customer at its border to a less busy neighbour; both are re-planned from their current
//! plans with a short search, and the hand-over is kept when the busier of the two ends
//! up less busy than before and no due visit is lost.

use std::time::Instant;

use super::search::{Planned, Start, plan_rep};
use super::{Options, Problem, Weights};
use crate::travel::Travel;

/// Border customers tried per busiest rep before it is left as it is.
const TRIES: usize = 6;
/// Hand-overs tried in all, per rep: beyond this the gains are small.
const TRIES_PER_REP: usize = 3;
/// Search rounds for each re-plan.
const ROUNDS: u64 = 40;

pub(crate) fn load(p: &Planned) -> f64 {
    p.days.iter().map(|d| d.end_min - d.start_min).sum()
}

fn unplaced(p: &Planned) -> usize {
    p.due
        .iter()
        .map(|(_, d)| d.iter().filter(|v| v.placed.is_none()).count())
        .sum()
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn rebalance(
    problem: &Problem,
    travel: &dyn Travel,
    assignment: &mut [Option<usize>],
    plans: &mut [Planned],
    seed: u64,
    deadline: Instant,
    opts: &Options,
    weights: &Weights,
) -> u64 {
    let reps = plans.len();
    let active: Vec<bool> = (0..reps)
        .map(|r| (0..problem.days).any(|d| problem.works(r, d)))
        .collect();
    let mut loads: Vec<f64> = plans.iter().map(load).collect();
    let mut done = vec![false; reps];
    let mut dirty = vec![false; reps];
    let mut moves = 0;
    let rounds = opts.max_iterations.map_or(ROUNDS, |m| m.min(ROUNDS));
    let touch_up = Options {
        max_iterations: Some(rounds),
        ..opts.clone()
    };
    let mut tries = 0;
    for _ in 0..4 * reps {
        if Instant::now() >= deadline || tries >= TRIES_PER_REP * reps {
            break;
        }
        let Some(a) = (0..reps)
            .filter(|&r| active[r] && !done[r])
            .max_by(|&x, &y| loads[x].total_cmp(&loads[y]))
        else {
            break;
        };
        // Customers of `a` by how close they are to a customer of a rep with room for
        // their visits; of the reps nearby, the least busy takes them.
        let mut border: Vec<(f64, usize, usize)> = Vec::new();
        for c in (0..problem.customers.len()).filter(|&c| assignment[c] == Some(a)) {
            let cust = &problem.customers[c];
            if cust.owner.is_some() {
                continue;
            }
            let need = plans[a]
                .due
                .iter()
                .find(|(x, _)| *x == c)
                .map_or(0.0, |(_, d)| d.len() as f64 * cust.service_min);
            let mut near: Vec<(f64, usize)> = (0..problem.customers.len())
                .filter_map(|o| {
                    let b = assignment[o]?;
                    (b != a && active[b] && loads[b] + need < loads[a]).then(|| {
                        (
                            travel.minutes(cust.location, problem.customers[o].location),
                            b,
                        )
                    })
                })
                .collect();
            near.sort_by(|x, y| x.0.total_cmp(&y.0));
            if let Some(&(t, _)) = near.first()
                && let Some(&(_, b)) = near
                    .iter()
                    .take(5)
                    .min_by(|x, y| loads[x.1].total_cmp(&loads[y.1]))
            {
                border.push((t, c, b));
            }
        }
        border.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
        let mut moved = false;
        for &(_, c, b) in border.iter().take(TRIES) {
            if Instant::now() >= deadline {
                break;
            }
            tries += 1;
            let mine = |r: usize, with: Option<usize>| -> Vec<usize> {
                (0..problem.customers.len())
                    .filter(|&x| (assignment[x] == Some(r) && x != c) || with == Some(x))
                    .collect()
            };
            let (mine_a, mine_b) = (mine(a, None), mine(b, Some(c)));
            let share = deadline.saturating_duration_since(Instant::now()) / 2;
            let s = seed.wrapping_add(moves + 1);
            let trial = |r: usize, mine: &[usize]| {
                let start = Start {
                    days: Some(&plans[r].days),
                    rough: true,
                };
                plan_rep(
                    problem,
                    travel,
                    r,
                    mine,
                    s,
                    Instant::now() + share,
                    &touch_up,
                    weights,
                    start,
                )
            };
            let (new_a, new_b) = (trial(a, &mine_a), trial(b, &mine_b));
            let (la, lb) = (load(&new_a), load(&new_b));
            let lost =
                unplaced(&new_a) + unplaced(&new_b) > unplaced(&plans[a]) + unplaced(&plans[b]);
            if !lost && la.max(lb) < loads[a] - 1.0 {
                assignment[c] = Some(b);
                plans[a] = new_a;
                plans[b] = new_b;
                loads[a] = la;
                loads[b] = lb;
                moves += 1;
                moved = true;
                dirty[a] = true;
                dirty[b] = true;
                break;
            }
        }
        if !moved {
            done[a] = true;
        }
    }
    // The trial plans skipped the exact ordering of days; give it to the reps that changed.
    let polish = Options {
        max_iterations: Some(0),
        ..opts.clone()
    };
    for r in (0..reps).filter(|&r| dirty[r]) {
        let mine: Vec<usize> = (0..problem.customers.len())
            .filter(|&c| assignment[c] == Some(r))
            .collect();
        let start = Start {
            days: Some(&plans[r].days),
            rough: false,
        };
        let far = Instant::now() + std::time::Duration::from_secs(60);
        plans[r] = plan_rep(
            problem, travel, r, &mine, seed, far, &polish, weights, start,
        );
    }
    moves
}
