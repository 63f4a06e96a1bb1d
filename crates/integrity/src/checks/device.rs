//! What the device says about itself: mock location (the OS flag, on an action or a fix),
//! root, emulator, developer mode. Only the mock flag is close to proof; the others make a
//! cheat possible, not likely, and weigh accordingly.

use crate::checks::{Finding, figure};
use crate::day::Day;
use crate::verdict::{Evidence, ReasonCode};

type Claim = fn(&crate::DeviceClaims) -> Option<bool>;

pub(crate) fn check(day: &Day, out: &mut Vec<Finding>) {
    let claims: [(ReasonCode, Claim); 4] = [
        (ReasonCode::MockLocation, |d| d.mock_location),
        (ReasonCode::Rooted, |d| d.rooted),
        (ReasonCode::Emulator, |d| d.emulator),
        (ReasonCode::DeveloperMode, |d| d.developer_mode),
    ];
    for (code, claim) in claims {
        let mut e = Evidence::default();
        for a in &day.actions {
            if claim(&a.device) == Some(true) {
                e.actions.push(a.id);
            }
        }
        if code == ReasonCode::MockLocation {
            let mocked: Vec<usize> = (0..day.fixes.len())
                .filter(|&i| day.fixes[i].mock)
                .collect();
            if !mocked.is_empty() {
                figure(&mut e, "mock_fixes", mocked.len() as f64);
                e.points = mocked.iter().take(20).map(|&i| day.point(i)).collect();
            }
        }
        if !e.actions.is_empty() || !e.points.is_empty() {
            out.push(Finding::new(code, 1.0, e));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::*;

    #[test]
    fn each_claim_is_its_own_finding_with_its_actions() {
        let mut d = honest_day();
        d.actions[0].device.developer_mode = Some(true);
        d.actions[1].device.mock_location = Some(true);
        d.fixes[5].fix.mock = true;
        let f = findings(&d, check);
        assert_eq!(
            codes(&f),
            vec![ReasonCode::MockLocation, ReasonCode::DeveloperMode]
        );
        assert_eq!(f[0].evidence.actions, vec![d.actions[1].id]);
        assert_eq!(f[0].evidence.points.len(), 1);
        assert_eq!(f[1].evidence.actions, vec![d.actions[0].id]);
    }

    #[test]
    fn claims_reported_false_or_absent_raise_nothing() {
        let mut d = honest_day();
        d.actions[0].device.rooted = Some(false);
        assert!(findings(&d, check).is_empty());
    }
}
