//! Douglas–Peucker line simplification with the tolerance in metres.
//!
//! Iterative (an explicit stack), so a 100 000-point track cannot overflow the call stack.
//! Distances are to the *segment* between the kept ends (not the infinite line), so a
//! point beyond an end is judged by its distance to that end.

use crate::project::Projection;

/// Douglas–Peucker in metres: indices of points kept (first and last always) and the max
/// perpendicular distance of any dropped point from the simplified line (≤ tolerance).
/// A non-finite or negative tolerance is treated as 0 (keep every point off the line).
pub fn simplify(
    points: &[(f64, f64)], /* (lat, lon) */
    tolerance_m: f64,
) -> (Vec<usize>, f64) {
    let n = points.len();
    if n <= 2 {
        return ((0..n).collect(), 0.0);
    }
    let tol = if tolerance_m.is_finite() {
        tolerance_m.max(0.0)
    } else {
        0.0
    };
    let proj = points
        .iter()
        .find(|p| p.0.is_finite() && p.1.is_finite())
        .map_or(Projection::new(0.0, 0.0), |p| Projection::new(p.0, p.1));
    let xy: Vec<(f64, f64)> = points.iter().map(|p| proj.xy(p.0, p.1)).collect();

    let mut keep = vec![false; n];
    keep[0] = true;
    keep[n - 1] = true;
    let mut max_dropped = 0.0_f64;
    let mut stack = vec![(0usize, n - 1)];
    while let Some((a, b)) = stack.pop() {
        let mut worst = 0.0_f64;
        let mut at = None;
        for (i, p) in xy.iter().enumerate().take(b).skip(a + 1) {
            let d = seg_dist(*p, xy[a], xy[b]);
            // A NaN distance wins too, so garbage points are kept, not hidden.
            if at.is_none() || d > worst || d.is_nan() {
                worst = d;
                at = Some(i);
            }
        }
        match at {
            Some(i) if worst > tol || worst.is_nan() => {
                keep[i] = true;
                stack.push((i, b));
                stack.push((a, i));
            }
            Some(_) => max_dropped = max_dropped.max(worst),
            None => {}
        }
    }
    ((0..n).filter(|&i| keep[i]).collect(), max_dropped)
}

/// Distance from `p` to the segment `a`–`b` in the plane.
fn seg_dist(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (ex, ey) = (p.0 - a.0 - t * dx, p.1 - a.1 - t * dy);
    (ex * ex + ey * ey).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn straight_line_collapses() {
        let pts: Vec<_> = (0..50).map(|i| (31.0, 121.0 + i as f64 * 1e-4)).collect();
        let (idx, err) = simplify(&pts, 1.0);
        assert_eq!(idx, vec![0, 49]);
        assert!(err < 1e-6);
    }

    #[test]
    fn corner_is_kept() {
        let pts = vec![(31.0, 121.0), (31.0, 121.01), (31.01, 121.01)];
        assert_eq!(simplify(&pts, 10.0).0, vec![0, 1, 2]);
        assert_eq!(simplify(&[], 10.0).0, Vec::<usize>::new());
        assert_eq!(simplify(&[(f64::NAN, 0.0); 4], 10.0).0, vec![0, 1, 2, 3]);
    }
}
