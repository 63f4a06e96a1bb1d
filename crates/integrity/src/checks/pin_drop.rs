//! Pin drop: check-ins sitting on the customer's stored coordinate. The stored point is
//! itself off the shop's door by metres (geocoding, or the first visit's own GPS), and a
//! phone inside the shop is off by ten metres or more, so an honest check-in lands
//! within a few metres of the pin only by chance; a mock location pasted from the map
//! lands on it every time.

use std::collections::BTreeMap;

use uuid::Uuid;

use crate::checks::{Finding, figure};
use crate::day::{Day, action_point};
use crate::input::CustomerPin;
use crate::verdict::{Evidence, ReasonCode};

/// A visit action this close to its customer's pin is "on the pin".
const ON_PIN_M: f64 = 3.0;
/// ... and the day needs this many of them, making up at least this share of the
/// visit actions that have a pin.
const MIN_ON_PIN: usize = 3;
const MIN_SHARE: f64 = 0.3;

pub(crate) fn check(day: &Day, out: &mut Vec<Finding>) {
    let pins: BTreeMap<Uuid, &CustomerPin> =
        day.input.customers.iter().map(|c| (c.id, c)).collect();
    let mut e = Evidence::default();
    let mut judged = 0;
    let mut customers = Vec::new();
    let mut closest = f64::INFINITY;
    for a in day.visits() {
        let (Some(p), Some(pin)) = (a.position, a.customer.and_then(|c| pins.get(&c))) else {
            continue;
        };
        judged += 1;
        let d = day.dist(day.action_xy(&p), day.proj.xy(pin.lat, pin.lon));
        if d <= ON_PIN_M {
            closest = closest.min(d);
            e.actions.push(a.id);
            e.points.extend(action_point(a));
            customers.push(pin.id);
        }
    }
    customers.sort();
    customers.dedup();
    let on = e.actions.len();
    if on < MIN_ON_PIN || (on as f64) < MIN_SHARE * judged as f64 || customers.len() < 2 {
        return;
    }
    figure(&mut e, "on_pin", on as f64);
    figure(&mut e, "share", on as f64 / judged as f64);
    figure(&mut e, "distance_m", closest);
    let strength = if on >= 6 { 1.5 } else { 1.0 };
    out.push(Finding::new(ReasonCode::PinDrop, strength, e));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::*;
    use crate::input::Position;

    fn drop_pins(d: &mut crate::RepDay, every: usize) {
        let pins = d.customers.clone();
        for (k, a) in d.actions.iter_mut().enumerate() {
            if let Some(pin) = a.customer.and_then(|c| pins.iter().find(|p| p.id == c))
                && k % every == 0
            {
                a.position = Some(Position {
                    lat: pin.lat + 5e-7,
                    lon: pin.lon,
                    accuracy_m: Some(5.0),
                });
            }
        }
    }

    #[test]
    fn check_ins_on_the_stored_pins() {
        let mut d = honest_day();
        drop_pins(&mut d, 1);
        let f = findings(&d, check);
        assert_eq!(codes(&f), vec![ReasonCode::PinDrop]);
        assert_eq!(f[0].evidence.figures["on_pin"], 8.0);
    }

    #[test]
    fn honest_check_ins_near_the_pin_are_not_on_it() {
        assert!(findings(&honest_day(), check).is_empty());
    }

    #[test]
    fn one_lucky_check_in_is_not_a_pattern() {
        let mut d = honest_day();
        drop_pins(&mut d, 5);
        assert!(findings(&d, check).is_empty());
    }
}
