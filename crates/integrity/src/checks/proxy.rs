//! Proxy punching: one device used by two people. The finding goes on the day of the
//! person who borrowed a device that is someone else's (the one who uses it on more
//! days), because that is the day whose punches someone else may have made; the owner's
//! day on which it was lent gets a light `device_shared`, and the owner's other days get
//! nothing. A device named in the tenant's shared devices is never either. A handed-down
//! phone (the old user stopped using it before the new one started) is not shared.

use std::collections::{BTreeMap, BTreeSet};

use uuid::Uuid;

use crate::checks::{Finding, figure};
use crate::day::Day;
use crate::input::History;
use crate::settings::Settings;
use crate::verdict::{Evidence, ReasonCode};

/// Another person's use this close to one of the day's uses shares the device that day.
const SAME_DAY_MS: i64 = 12 * 3_600_000;
/// Two people's punches from one device this close together.
const MINUTES_MS: i64 = 15 * 60_000;
const DAY_MS: i64 = 86_400_000;

pub(crate) fn check(day: &Day, history: &History, settings: &Settings, out: &mut Vec<Finding>) {
    let me = day.input.employee;
    let mut mine: BTreeMap<String, Vec<&crate::Action>> = BTreeMap::new();
    for a in &day.actions {
        if let Some(key) = a
            .device
            .id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            && !settings.shared_devices.iter().any(|s| s.trim() == key)
        {
            mine.entry(key.to_string()).or_default().push(a);
        }
    }
    let mut borrowed = Evidence::default();
    let mut lent = Evidence::default();
    for (device, acts) in &mine {
        let uses: Vec<&crate::DeviceUse> = history
            .device_uses
            .iter()
            .filter(|u| u.device.trim() == device)
            .collect();
        let near = |t: i64| {
            acts.iter()
                .map(|a| (a.t_ms - t).abs())
                .min()
                .unwrap_or(i64::MAX)
        };
        let others_today: Vec<&&crate::DeviceUse> = uses
            .iter()
            .filter(|u| u.employee != me && near(u.t_ms) <= SAME_DAY_MS)
            .collect();
        let Some(first_other) = others_today.first() else {
            continue;
        };
        // Days each person used the device on, today's own uses included.
        let mut days: BTreeMap<Uuid, BTreeSet<i64>> = BTreeMap::new();
        for u in &uses {
            days.entry(u.employee)
                .or_default()
                .insert(u.t_ms.div_euclid(DAY_MS));
        }
        let my_days = days.entry(me).or_default();
        for a in acts {
            my_days.insert(a.t_ms.div_euclid(DAY_MS));
        }
        let my_days = my_days.len();
        let (top, top_days) = days
            .iter()
            .filter(|(e, _)| **e != me)
            .map(|(e, d)| (*e, d.len()))
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
            .unwrap_or((first_other.employee, 0));
        let my_today = acts.len();
        let their_today = others_today.iter().filter(|u| u.employee == top).count();
        let borrower = top_days > my_days || (top_days == my_days && their_today > my_today);
        let e = if borrower { &mut borrowed } else { &mut lent };
        e.actions.extend(acts.iter().map(|a| a.id));
        e.other_employee.get_or_insert(top);
        let gap = others_today
            .iter()
            .map(|u| near(u.t_ms))
            .min()
            .unwrap_or(i64::MAX);
        let prev = e.figures.get("min_gap_s").copied().unwrap_or(f64::INFINITY);
        figure(e, "min_gap_s", prev.min((gap / 1000) as f64));
        figure(e, "other_uses", others_today.len() as f64);
    }
    if !borrowed.actions.is_empty() {
        let close = borrowed
            .figures
            .get("min_gap_s")
            .is_some_and(|&g| g * 1000.0 <= MINUTES_MS as f64);
        let strength = if close { 1.5 } else { 1.0 };
        out.push(Finding::new(ReasonCode::ProxyPunch, strength, borrowed));
    }
    if !lent.actions.is_empty() {
        out.push(Finding::new(ReasonCode::DeviceShared, 1.0, lent));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::*;
    use crate::input::DeviceUse;

    const DAY: i64 = 86_400_000;

    fn run(d: &crate::RepDay, h: &History, s: &Settings) -> Vec<Finding> {
        let day = Day::new(d);
        let mut out = Vec::new();
        check(&day, h, s, &mut out);
        out
    }

    fn uses(device: &str, employee: u128, times: &[i64]) -> Vec<DeviceUse> {
        times
            .iter()
            .map(|&t| DeviceUse {
                device: device.into(),
                employee: Uuid::from_u128(employee),
                t_ms: t,
                action: None,
            })
            .collect()
    }

    /// The colleague (2) uses "phone-1" every day; today rep 1's punches come from it.
    fn colleague_phone() -> History {
        let mut u = Vec::new();
        for d in -4..=1 {
            u.extend(uses(
                "phone-1",
                2,
                &[T0 + d * DAY + 3_600_000, T0 + d * DAY + 7_200_000],
            ));
        }
        History {
            device_uses: u,
            ..History::default()
        }
    }

    #[test]
    fn punches_from_a_colleagues_phone_are_proxy_punching() {
        let d = honest_day();
        let f = run(&d, &colleague_phone(), &Settings::default());
        assert_eq!(codes(&f), vec![ReasonCode::ProxyPunch]);
        assert_eq!(f[0].evidence.other_employee, Some(Uuid::from_u128(2)));
        assert_eq!(f[0].evidence.actions.len(), d.actions.len());
    }

    #[test]
    fn the_lenders_days_are_not_the_borrowers() {
        // Rep 1 owns phone-1 (four days of use); colleague 2 punched with it once today.
        let d = honest_day();
        let mut u = Vec::new();
        for k in -4..0 {
            u.extend(uses("phone-1", 1, &[T0 + k * DAY + 3_600_000]));
        }
        u.extend(uses("phone-1", 2, &[T0 + 2 * 3_600_000]));
        let h = History {
            device_uses: u.clone(),
            ..History::default()
        };
        let f = run(&d, &h, &Settings::default());
        assert_eq!(codes(&f), vec![ReasonCode::DeviceShared]);
        // The lender's day before: the colleague's use is a day away, nothing.
        let mut before = honest_day();
        for a in &mut before.actions {
            a.t_ms -= 2 * DAY;
        }
        assert!(run(&before, &h, &Settings::default()).is_empty());
    }

    #[test]
    fn a_shared_tablet_by_policy_is_nobodys_proxy() {
        let d = honest_day();
        let s = Settings {
            shared_devices: vec!["phone-1".into()],
            ..Settings::default()
        };
        assert!(run(&d, &colleague_phone(), &s).is_empty());
    }

    #[test]
    fn a_handed_down_phone_is_not_shared() {
        let d = honest_day();
        let h = History {
            device_uses: uses("phone-1", 2, &[T0 - 5 * DAY, T0 - 4 * DAY, T0 - 3 * DAY]),
            ..History::default()
        };
        assert!(run(&d, &h, &Settings::default()).is_empty());
    }
}
