//! Clock tampering. A phone's clock is set by the network and agrees with the server's
//! within seconds; a rep who sets it back to clock in "on time" leaves one of three
//! marks: the device clock differs from the server's when it sends (set back and sent
//! at once); the action arrives long after it claims to have happened although fixes
//! recorded after that claimed time came in promptly (set back offline, restored before
//! syncing: the phone was online in between, so why was the action late? An honest
//! offline phone queues its fixes too); or the phone's own actions, sent in order, carry
//! times that run backwards.

use std::collections::BTreeMap;

use crate::checks::{Finding, figure};
use crate::day::Day;
use crate::verdict::{Evidence, ReasonCode};

/// Device clock off the server's by more than this when it sent (network delay is
/// seconds; phones on network time are within a second or two).
const CLOCK_OFFSET_MS: i64 = 5 * 60_000;
/// An action this late ...
const LATE_MS: i64 = 30 * 60_000;
/// ... while fixes recorded between its claimed time and its sending reached the server
/// within this of being recorded ...
const PROMPT_MS: i64 = 5 * 60_000;
/// ... at least this many of them, spread over at least this long.
const PROMPT_FIXES: usize = 3;
const ONLINE_SPAN_MS: i64 = 10 * 60_000;
/// An action sent after another from the same device but claiming to be this much
/// earlier runs backwards.
const BACKWARDS_MS: i64 = 2 * 60_000;
/// Fixes stamped this far after they were received come from a clock that runs ahead.
const FUTURE_FIX_MS: i64 = 10 * 60_000;

pub(crate) fn check(day: &Day, out: &mut Vec<Finding>) {
    let mut e = Evidence::default();
    let mut worst_offset: i64 = 0;
    let mut late_online = 0;
    let mut backwards = 0;

    for a in &day.actions {
        if let Some(clock) = a.device.clock_ms {
            let offset = clock - a.received_ms;
            if offset.abs() > CLOCK_OFFSET_MS {
                e.actions.push(a.id);
                if offset.abs() > worst_offset.abs() {
                    worst_offset = offset;
                }
                continue;
            }
        }
        let delay = a.received_ms - a.t_ms;
        if delay > LATE_MS {
            // Online in between: prompt fixes recorded after the claimed time and well
            // before the action was sent.
            let online: Vec<i64> = day
                .fixes
                .iter()
                .zip(&day.received)
                .filter(|(f, r)| {
                    f.t_ms > a.t_ms
                        && f.t_ms < a.received_ms - PROMPT_MS
                        && **r - f.t_ms <= PROMPT_MS
                })
                .map(|(f, _)| f.t_ms)
                .collect();
            let spread = online.last().zip(online.first()).map_or(0, |(l, f)| l - f);
            if online.len() >= PROMPT_FIXES && spread >= ONLINE_SPAN_MS {
                e.actions.push(a.id);
                late_online += 1;
                figure(&mut e, "delay_s", (delay / 1000) as f64);
            }
        }
    }

    // Per device, in the order the server received them.
    let mut by_device: BTreeMap<&str, Vec<&crate::Action>> = BTreeMap::new();
    for a in &day.actions {
        if let Some(id) = a.device.id.as_deref() {
            by_device.entry(id).or_default().push(a);
        }
    }
    for acts in by_device.values_mut() {
        acts.sort_by(|a, b| a.received_ms.cmp(&b.received_ms).then(a.t_ms.cmp(&b.t_ms)));
        let mut latest = i64::MIN;
        for a in acts.iter() {
            if a.t_ms < latest.saturating_sub(BACKWARDS_MS) && !e.actions.contains(&a.id) {
                e.actions.push(a.id);
                backwards += 1;
            }
            latest = latest.max(a.t_ms);
        }
    }

    let future: Vec<usize> = (0..day.fixes.len())
        .filter(|&i| day.fixes[i].t_ms - day.received[i] > FUTURE_FIX_MS)
        .collect();

    if e.actions.is_empty() && future.is_empty() {
        return;
    }
    if worst_offset != 0 {
        figure(&mut e, "offset_s", (worst_offset / 1000) as f64);
    }
    figure(&mut e, "late_while_online", late_online as f64);
    figure(&mut e, "backwards", backwards as f64);
    figure(&mut e, "future_fixes", future.len() as f64);
    e.points = future.iter().take(20).map(|&i| day.point(i)).collect();
    e.actions.sort();
    let strength = if e.actions.len() >= 2 || (!e.actions.is_empty() && !future.is_empty()) {
        1.5
    } else {
        1.0
    };
    out.push(Finding::new(ReasonCode::ClockTampered, strength, e));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::*;

    #[test]
    fn honest_day_keeps_time() {
        assert!(findings(&honest_day(), check).is_empty());
    }

    #[test]
    fn a_clock_set_back_when_sending() {
        let mut d = honest_day();
        let a = &mut d.actions[0];
        a.t_ms -= 90 * 60_000;
        a.device.clock_ms = Some(a.t_ms + 1_000);
        let f = findings(&d, check);
        assert_eq!(codes(&f), vec![ReasonCode::ClockTampered]);
        assert_eq!(f[0].evidence.figures["offset_s"], -5401.0);
    }

    #[test]
    fn set_back_offline_and_restored_before_syncing() {
        let mut d = honest_day();
        let a = &mut d.actions[0];
        // Claims 35 minutes earlier, when the track (sent promptly) was at home.
        a.t_ms -= 35 * 60_000;
        a.fix_t_ms = Some(a.t_ms);
        let f = findings(&d, check);
        assert_eq!(codes(&f), vec![ReasonCode::ClockTampered]);
        assert_eq!(f[0].evidence.figures["late_while_online"], 1.0);
    }

    #[test]
    fn an_offline_morning_synced_hours_later_is_honest() {
        let mut d = honest_day();
        // Offline from the start; back online late in the afternoon, the queue sent in order.
        let back_online = d.actions[4].t_ms + 3 * 3_600_000;
        for (k, a) in d.actions.iter_mut().enumerate() {
            if a.t_ms <= back_online {
                a.received_ms = back_online + k as i64 * 300;
                a.device.clock_ms = Some(a.received_ms - 200);
            }
        }
        for f in d.fixes.iter_mut().filter(|f| f.fix.t_ms <= back_online) {
            f.received_ms = back_online.max(f.fix.t_ms + 20_000);
        }
        assert!(findings(&d, check).is_empty());
    }

    #[test]
    fn actions_running_backwards() {
        let mut d = honest_day();
        // The third action claims to come before the first, yet was sent after it.
        d.actions[2].t_ms = d.actions[0].t_ms - 20 * 60_000;
        d.actions[2].received_ms = d.actions[1].received_ms + 1_000;
        d.actions[2].device.clock_ms = Some(d.actions[2].received_ms);
        let f = findings(&d, check);
        assert_eq!(codes(&f), vec![ReasonCode::ClockTampered]);
        assert_eq!(f[0].evidence.figures["backwards"], 1.0);
    }
}
