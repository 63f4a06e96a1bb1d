//! The day as the checks read it: fixes in time order with the tracking engine's verdict
//! on each, projected to metres once, the engine's stops, and the actions in time order.

use track::{Analysis, Config, Fix, Projection, Rejection};

use crate::input::{Action, ActionKind, Position, RepDay};
use crate::verdict::Point;

/// Accuracy assumed for a fix or an action position that states none.
pub(crate) const UNKNOWN_ACCURACY_M: f64 = 25.0;

pub(crate) struct Day<'a> {
    pub input: &'a RepDay,
    /// One fix per instant, in time order.
    pub fixes: Vec<Fix>,
    /// When each of `fixes` reached the server.
    pub received: Vec<i64>,
    pub verdicts: Vec<Option<Rejection>>,
    pub proj: Projection,
    pub xy: Vec<(f64, f64)>,
    /// Indices of the fixes the engine kept, in time order.
    pub kept: Vec<usize>,
    pub analysis: Analysis,
    /// The actions in time order (ties by id).
    pub actions: Vec<&'a Action>,
}

impl<'a> Day<'a> {
    pub fn new(input: &'a RepDay) -> Day<'a> {
        let mut order: Vec<usize> = (0..input.fixes.len()).collect();
        // A total order over the fields that matter, so the one fix kept per instant never
        // depends on the order the store handed them over.
        order.sort_by(|&a, &b| {
            let (fa, fb) = (&input.fixes[a], &input.fixes[b]);
            fa.fix
                .t_ms
                .cmp(&fb.fix.t_ms)
                .then(acc_key(fa.fix.accuracy_m).total_cmp(&acc_key(fb.fix.accuracy_m)))
                .then(fa.fix.lat.total_cmp(&fb.fix.lat))
                .then(fa.fix.lon.total_cmp(&fb.fix.lon))
                .then(fa.received_ms.cmp(&fb.received_ms))
        });
        order.dedup_by(|later, kept| input.fixes[*later].fix.t_ms == input.fixes[*kept].fix.t_ms);
        let fixes: Vec<Fix> = order.iter().map(|&i| input.fixes[i].fix).collect();
        let received = order.iter().map(|&i| input.fixes[i].received_ms).collect();

        let cfg = Config::default();
        let verdicts = track::clean(&fixes, input.now_ms, &cfg);
        let origin = fixes
            .iter()
            .map(|f| (f.lat, f.lon))
            .chain(
                input
                    .actions
                    .iter()
                    .filter_map(|a| a.position.map(|p| (p.lat, p.lon))),
            )
            .find(|&(lat, lon)| valid(lat, lon))
            .unwrap_or((0.0, 0.0));
        let proj = Projection::new(origin.0, origin.1);
        let xy = fixes.iter().map(|f| proj.xy(f.lat, f.lon)).collect();
        let kept = (0..fixes.len())
            .filter(|&i| verdicts[i].is_none())
            .collect();
        let analysis = track::analyze(&fixes, input.now_ms, &cfg);
        let mut actions: Vec<&Action> = input.actions.iter().collect();
        actions.sort_by(|a, b| a.t_ms.cmp(&b.t_ms).then(a.id.cmp(&b.id)));
        Day {
            input,
            fixes,
            received,
            verdicts,
            proj,
            xy,
            kept,
            analysis,
            actions,
        }
    }

    pub fn dist(&self, a: (f64, f64), b: (f64, f64)) -> f64 {
        self.proj.dist(a, b)
    }

    pub fn accuracy(&self, i: usize) -> f64 {
        accuracy(self.fixes[i].accuracy_m)
    }

    /// A fix that says where the phone was: valid, not a duplicate, not from the future,
    /// not coarse; possibly one the engine dropped as a spike or teleport (those are what
    /// the physics checks look at).
    pub fn credible(&self, i: usize) -> bool {
        matches!(
            self.verdicts[i],
            None | Some(Rejection::Spike) | Some(Rejection::Teleport)
        )
    }

    pub fn point(&self, i: usize) -> Point {
        let f = &self.fixes[i];
        Point {
            t_ms: f.t_ms,
            lat: f.lat,
            lon: f.lon,
            accuracy_m: (f.accuracy_m > 0.0).then_some(f.accuracy_m),
        }
    }

    /// The last kept fix at or before `t` and the first after it.
    pub fn kept_around(&self, t: i64) -> (Option<usize>, Option<usize>) {
        let k = self.kept.partition_point(|&i| self.fixes[i].t_ms <= t);
        (
            k.checked_sub(1).map(|k| self.kept[k]),
            self.kept.get(k).copied(),
        )
    }

    /// The instant an action's position describes: its fix's time when known.
    pub fn position_time(a: &Action) -> i64 {
        a.fix_t_ms.unwrap_or(a.t_ms)
    }

    pub fn action_xy(&self, p: &Position) -> (f64, f64) {
        self.proj.xy(p.lat, p.lon)
    }

    pub fn visits(&self) -> impl Iterator<Item = &'a Action> + '_ {
        self.actions
            .iter()
            .copied()
            .filter(|a| matches!(a.kind, ActionKind::CheckIn | ActionKind::CheckOut))
    }
}

pub(crate) fn action_point(a: &Action) -> Option<Point> {
    a.position.map(|p| Point {
        t_ms: Day::position_time(a),
        lat: p.lat,
        lon: p.lon,
        accuracy_m: p.accuracy_m,
    })
}

pub(crate) fn accuracy(acc: f32) -> f64 {
    if acc > 0.0 {
        f64::from(acc)
    } else {
        UNKNOWN_ACCURACY_M
    }
}

pub(crate) fn position_accuracy(p: &Position) -> f64 {
    p.accuracy_m.map_or(UNKNOWN_ACCURACY_M, accuracy)
}

pub(crate) fn valid(lat: f64, lon: f64) -> bool {
    lat.is_finite()
        && lon.is_finite()
        && lat.abs() <= 90.0
        && lon.abs() <= 180.0
        && !(lat == 0.0 && lon == 0.0)
}

fn acc_key(acc: f32) -> f32 {
    if acc > 0.0 { acc } else { f32::INFINITY }
}
