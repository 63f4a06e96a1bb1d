//! Laps for the demo's live map: a rep leaves where they are, drives through a few of
//! their shops with short stops and comes back, from any start instant, with a phone
//! sampling every 5 seconds. The server drips the fixes out as their instants pass.

use tracksim::Knobs;
use tracksim::city::City;
use tracksim::fix::{Fix, Provider};
use tracksim::geo::LatLon;
use tracksim::phone::{Phone, Sampling};
use tracksim::plan::{Place, RouteDay, plan_route};

use super::RepRoutes;
use super::schedule::mix;
use crate::DemoCompany;
use crate::rng::Dice;

/// Lap `lap` of rep `employee` (an index) starting at `start_ms`: fixes in time order.
pub fn live_lap(
    company: &DemoCompany,
    employee: usize,
    routes: &RepRoutes,
    start_ms: i64,
    lap: u64,
) -> Vec<Fix> {
    let pos = |i: usize| LatLon::new(company.customers[i].lat, company.customers[i].lon);
    let all: Vec<usize> = routes.routes.iter().flatten().copied().collect();
    let n = all.len().max(1) as f64;
    let centre = all.iter().fold(LatLon::new(0.0, 0.0), |c, &i| {
        LatLon::new(c.lat + pos(i).lat / n, c.lon + pos(i).lon / n)
    });
    let city = City::centred(employee as u64 + 1, centre);
    let mut dice = Dice::new(mix(start_ms as u64, employee as u64, lap));
    let route = &routes.routes[(lap as usize) % routes.routes.len().max(1)];
    let start = Place::at(&city, pos(route[dice.below(route.len())]));
    let shops: Vec<(Place, i64)> = route
        .iter()
        .take(4)
        .map(|&i| (Place::at(&city, pos(i)), 120 + dice.below(240) as i64))
        .collect();
    let day = RouteDay {
        home: &start,
        shops: &shops,
        track_from_ms: start_ms,
        depart_ms: start_ms + 20_000,
        lunch_at_ms: None,
        last_until_ms: 0,
    };
    let knobs = Knobs {
        mock_day_p: 0.0,
        basement_p: 0.0,
        tunnel_p: 0.0,
        killed_p: 0.0,
        ..Knobs::default()
    };
    let plan = plan_route(
        &city,
        &day,
        &knobs,
        mix(start_ms as u64, employee as u64, 0x11FE),
    );
    let phone = Phone {
        device_id: format!("demo-{}", company.employees[employee].username),
        sampling: Sampling::Fixed(5),
        provider: Provider::Fused,
    };
    let mut rec = tracksim::rng::Dice::new(mix(start_ms as u64, lap, 0xF1));
    tracksim::phone::record(&plan.track, &phone, &knobs, &mut rec).0
}
