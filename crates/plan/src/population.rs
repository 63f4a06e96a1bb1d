//! The population of HGS (Vidal et al. 2012): two sub-populations, feasible and
//! infeasible, each ranked by a biased fitness that mixes cost rank and contribution to
//! diversity, so that good but redundant solutions are the first to go.

use crate::eval::Penalties;
use crate::individual::Individual;
use crate::rng::Rng;

#[derive(Clone, Copy, Debug)]
pub struct PopParams {
    /// Survivors after a purge.
    pub min_size: usize,
    /// Offspring added before a purge.
    pub generation: usize,
    /// Best solutions protected from diversity pressure.
    pub elite: usize,
    /// Closest members averaged for the diversity contribution.
    pub close: usize,
}

struct Member {
    ind: Individual,
    id: u64,
    /// (broken-pairs distance, id) to the other members, nearest first.
    prox: Vec<(f64, u64)>,
}

#[derive(Default)]
pub struct SubPop {
    members: Vec<Member>,
    fitness: Vec<f64>,
}

impl SubPop {
    pub fn len(&self) -> usize {
        self.members.len()
    }

    fn add(&mut self, ind: Individual, id: u64) {
        let mut prox = Vec::with_capacity(self.members.len());
        for m in &mut self.members {
            let d = ind.broken_pairs(&m.ind);
            let at = m.prox.partition_point(|p| p.0 < d);
            m.prox.insert(at, (d, id));
            prox.push((d, m.id));
        }
        prox.sort_by(|a, b| a.0.total_cmp(&b.0));
        self.members.push(Member { ind, id, prox });
    }

    fn remove(&mut self, k: usize) {
        let gone = self.members.swap_remove(k).id;
        for m in &mut self.members {
            if let Some(at) = m.prox.iter().position(|p| p.1 == gone) {
                m.prox.remove(at);
            }
        }
    }

    fn diversity(&self, k: usize, close: usize) -> f64 {
        let p = &self.members[k].prox;
        let take = close.min(p.len());
        if take == 0 {
            return 0.0;
        }
        p[..take].iter().map(|x| x.0).sum::<f64>() / take as f64
    }

    /// Recomputes the biased fitness of all members (lower is better).
    fn update_fitness(&mut self, pen: &Penalties, params: &PopParams) {
        let len = self.members.len();
        self.fitness.clear();
        self.fitness.resize(len, 0.0);
        if len <= 1 {
            return;
        }
        let mut by_cost: Vec<usize> = (0..len).collect();
        let costs: Vec<f64> = self.members.iter().map(|m| m.ind.cost(pen)).collect();
        by_cost.sort_by(|&a, &b| costs[a].total_cmp(&costs[b]));
        let mut by_div: Vec<(f64, usize)> = (0..len)
            .map(|k| (-self.diversity(k, params.close), k))
            .collect();
        by_div.sort_by(|a, b| a.0.total_cmp(&b.0));
        let scale = (len - 1) as f64;
        let weight = 1.0 - params.elite.min(len) as f64 / len as f64;
        for (rank, &k) in by_cost.iter().enumerate() {
            self.fitness[k] += rank as f64 / scale;
        }
        for (rank, &(_, k)) in by_div.iter().enumerate() {
            self.fitness[k] += weight * rank as f64 / scale;
        }
    }

    /// Removes members until `min_size` remain: clones first, then the worst fitness.
    fn purge(&mut self, pen: &Penalties, params: &PopParams) {
        while self.members.len() > params.min_size {
            if let Some(k) = self
                .members
                .iter()
                .position(|m| m.prox.first().is_some_and(|p| p.0 < 1e-12))
            {
                self.remove(k);
                continue;
            }
            self.update_fitness(pen, params);
            let worst = (0..self.members.len())
                .max_by(|&a, &b| self.fitness[a].total_cmp(&self.fitness[b]))
                .expect("non-empty");
            self.remove(worst);
        }
    }
}

pub struct Population {
    pub feasible: SubPop,
    pub infeasible: SubPop,
    params: PopParams,
    next_id: u64,
}

impl Population {
    pub fn new(params: PopParams) -> Self {
        Population {
            feasible: SubPop::default(),
            infeasible: SubPop::default(),
            params,
            next_id: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.feasible.len() + self.infeasible.len()
    }

    pub fn clear(&mut self) {
        self.feasible = SubPop::default();
        self.infeasible = SubPop::default();
    }

    pub fn add(&mut self, ind: Individual, pen: &Penalties) {
        self.next_id += 1;
        let sub = if ind.feasible() {
            &mut self.feasible
        } else {
            &mut self.infeasible
        };
        sub.add(ind, self.next_id);
        if sub.len() > self.params.min_size + self.params.generation {
            sub.purge(pen, &self.params);
        }
    }

    /// Binary tournament on biased fitness over both sub-populations.
    fn tournament(&self, rng: &mut Rng) -> &Individual {
        let pick = |rng: &mut Rng| {
            let k = rng.below(self.len());
            if k < self.feasible.len() {
                (&self.feasible, k)
            } else {
                (&self.infeasible, k - self.feasible.len())
            }
        };
        let (sa, a) = pick(rng);
        let (sb, b) = pick(rng);
        if sa.fitness[a] <= sb.fitness[b] {
            &sa.members[a].ind
        } else {
            &sb.members[b].ind
        }
    }

    /// Two parents, the second re-drawn a few times if too close to or too far from the
    /// first (PyVRP's diversity window).
    pub fn select(&mut self, pen: &Penalties, rng: &mut Rng) -> (Individual, Individual) {
        self.feasible.update_fitness(pen, &self.params);
        self.infeasible.update_fitness(pen, &self.params);
        let first = self.tournament(rng);
        let mut second = self.tournament(rng);
        for _ in 0..10 {
            let d = first.broken_pairs(second);
            if (0.1..=0.5).contains(&d) {
                break;
            }
            second = self.tournament(rng);
        }
        (first.clone(), second.clone())
    }
}
