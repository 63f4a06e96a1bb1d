//! Node operators: exchange of a segment of `n` clients starting at `u` with a segment of
//! `m` clients starting at position `pv` (`m = 0`: insert after `pv`), in the same route
//! or between two routes; and 2-opt* (swap the tails after `u` and after `pv`).

use super::{LocalSearch, Plan};

impl LocalSearch<'_> {
    /// `(n, m)`-exchange; applies it and returns true when it improves.
    pub(crate) fn exchange(&mut self, u: usize, rv: usize, pv: usize, n: usize, m: usize) -> bool {
        let ru = self.route_of[u] as usize;
        let pu = self.pos_of[u] as usize;
        let (lu, lv) = (self.routes[ru].nodes.len(), self.routes[rv].nodes.len());
        // Both segments must hold clients only.
        if pu + n > lu - 1 || (m > 0 && (pv == 0 || pv + m > lv - 1)) || (m == 0 && pv >= lv - 1) {
            return false;
        }
        if ru != rv {
            if self.inter_bound(ru, pu, n, rv, pv, m) >= -super::EPS {
                return false;
            }
            let plan_u = Plan::new(ru)
                .push(ru, 0, pu)
                .push(rv, pv, pv + m)
                .push(ru, pu + n, lu);
            let plan_v = if m == 0 {
                Plan::new(rv)
                    .push(rv, 0, pv + 1)
                    .push(ru, pu, pu + n)
                    .push(rv, pv + 1, lv)
            } else {
                Plan::new(rv)
                    .push(rv, 0, pv)
                    .push(ru, pu, pu + n)
                    .push(rv, pv + m, lv)
            };
            let plans = [plan_u, plan_v];
            if self.gain(&plans).is_some() {
                self.apply(&plans);
                return true;
            }
            return false;
        }
        let r = ru;
        let l = lu;
        let plan = if m == 0 {
            if pv + 1 < pu {
                Plan::new(r)
                    .push(r, 0, pv + 1)
                    .push(r, pu, pu + n)
                    .push(r, pv + 1, pu)
                    .push(r, pu + n, l)
            } else if pv >= pu + n {
                Plan::new(r)
                    .push(r, 0, pu)
                    .push(r, pu + n, pv + 1)
                    .push(r, pu, pu + n)
                    .push(r, pv + 1, l)
            } else {
                return false;
            }
        } else if pu + n <= pv {
            Plan::new(r)
                .push(r, 0, pu)
                .push(r, pv, pv + m)
                .push(r, pu + n, pv)
                .push(r, pu, pu + n)
                .push(r, pv + m, l)
        } else if pv + m <= pu {
            Plan::new(r)
                .push(r, 0, pv)
                .push(r, pu, pu + n)
                .push(r, pv + m, pu)
                .push(r, pv, pv + m)
                .push(r, pu + n, l)
        } else {
            return false;
        };
        let plans = [plan];
        if self.gain(&plans).is_some() {
            self.apply(&plans);
            return true;
        }
        false
    }

    /// Lower bound on the gain of an inter-route exchange from distances and loads alone
    /// (time warp can only fall to zero), in O(1): most candidates stop here.
    #[inline]
    fn inter_bound(&self, ru: usize, pu: usize, n: usize, rv: usize, pv: usize, m: usize) -> f64 {
        let (a, b) = (&self.routes[ru], &self.routes[rv]);
        let d = |i: u32, j: u32| self.inst.dist(i as usize, j as usize);
        let (nu, nv) = (&a.nodes, &b.nodes);
        let (up, uf, ul, un) = (nu[pu - 1], nu[pu], nu[pu + n - 1], nu[pu + n]);
        let load_u = a.range_load(pu, pu + n);
        let (delta, load_v) = if m == 0 {
            let (v, vn) = (nv[pv], nv[pv + 1]);
            (
                d(up, un) - d(up, uf) - d(ul, un) + d(v, uf) + d(ul, vn) - d(v, vn),
                0.0,
            )
        } else {
            let (vp, vf, vl, vn) = (nv[pv - 1], nv[pv], nv[pv + m - 1], nv[pv + m]);
            (
                d(up, vf) + d(vl, un) - d(up, uf) - d(ul, un) + d(vp, uf) + d(ul, vn)
                    - d(vp, vf)
                    - d(vl, vn),
                b.range_load(pv, pv + m),
            )
        };
        let cap = self.inst.capacity;
        let over = |l: f64| self.pen.load * (l - cap).max(0.0);
        let (la, lb) = (a.full().load, b.full().load);
        let mut bound = delta + over(la - load_u + load_v) - over(la) + over(lb - load_v + load_u)
            - over(lb)
            - self.pen.tw * (a.full().tw + b.full().tw);
        if self.pen.route > 0.0 {
            if m == 0 && nu.len() - 2 == n {
                bound -= self.pen.route;
            }
            if b.is_empty() {
                bound += self.pen.route;
            }
        }
        bound
    }

    /// 2-opt*: route of `u` continues with what followed `pv` in route `rv`, and vice versa.
    pub(crate) fn swap_tails(&mut self, u: usize, rv: usize, pv: usize) -> bool {
        let ru = self.route_of[u] as usize;
        if ru == rv {
            return false;
        }
        let pu = self.pos_of[u] as usize;
        let (lu, lv) = (self.routes[ru].nodes.len(), self.routes[rv].nodes.len());
        if pv + 1 >= lv {
            return false;
        }
        {
            let (a, b) = (&self.routes[ru], &self.routes[rv]);
            let d = |i: u32, j: u32| self.inst.dist(i as usize, j as usize);
            let (u_, un) = (a.nodes[pu], a.nodes[pu + 1]);
            let (v_, vn) = (b.nodes[pv], b.nodes[pv + 1]);
            let delta = d(u_, vn) + d(v_, un) - d(u_, un) - d(v_, vn);
            let (la, lb) = (a.full().load, b.full().load);
            let (ha, hb) = (a.fwd[pu].load, b.fwd[pv].load);
            let cap = self.inst.capacity;
            let over = |l: f64| self.pen.load * (l - cap).max(0.0);
            let bound = delta + over(ha + lb - hb) + over(hb + la - ha)
                - over(la)
                - over(lb)
                - self.pen.tw * (a.full().tw + b.full().tw)
                - self.pen.route;
            if bound >= -super::EPS {
                return false;
            }
        }
        let plans = [
            Plan::new(ru).push(ru, 0, pu + 1).push(rv, pv + 1, lv),
            Plan::new(rv).push(rv, 0, pv + 1).push(ru, pu + 1, lu),
        ];
        if self.gain(&plans).is_some() {
            self.apply(&plans);
            return true;
        }
        false
    }
}
