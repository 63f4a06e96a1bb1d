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
            let plan_u = Plan::new(ru).push(ru, 0, pu).push(rv, pv, pv + m).push(ru, pu + n, lu);
            let plan_v = if m == 0 {
                Plan::new(rv).push(rv, 0, pv + 1).push(ru, pu, pu + n).push(rv, pv + 1, lv)
            } else {
                Plan::new(rv).push(rv, 0, pv).push(ru, pu, pu + n).push(rv, pv + m, lv)
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
                Plan::new(r).push(r, 0, pv + 1).push(r, pu, pu + n).push(r, pv + 1, pu).push(r, pu + n, l)
            } else if pv >= pu + n {
                Plan::new(r).push(r, 0, pu).push(r, pu + n, pv + 1).push(r, pu, pu + n).push(r, pv + 1, l)
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
