//! Solomon's original text format: a name line, a `VEHICLE` section with the fleet size and
//! capacity, and a `CUSTOMER` table `CUST NO. XCOORD. YCOORD. DEMAND READY DUE SERVICE`
//! whose first row (customer 0) is the depot.

use super::{ParseError, numbers};
use crate::instance::{Instance, Node};

pub fn parse_solomon(text: &str) -> Result<Instance, ParseError> {
    let mut name = String::new();
    let mut fleet: Option<(usize, f64)> = None;
    let mut nodes: Vec<Node> = Vec::new();
    let mut section = "";
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let lineno = i + 1;
        if line.is_empty() {
            continue;
        }
        let upper = line.to_ascii_uppercase();
        if upper.starts_with("VEHICLE") {
            section = "vehicle";
            continue;
        }
        if upper.starts_with("CUSTOMER") {
            section = "customer";
            continue;
        }
        let Some(v) = numbers(line) else {
            if name.is_empty() && section.is_empty() {
                name = line.to_string();
            }
            // Column headings.
            continue;
        };
        match section {
            "vehicle" => {
                if v.len() != 2 || v[0] < 1.0 || v[0].fract() != 0.0 {
                    return Err(ParseError::new(lineno, "expected `NUMBER CAPACITY`"));
                }
                fleet = Some((v[0] as usize, v[1]));
            }
            "customer" => {
                if v.len() != 7 {
                    return Err(ParseError::new(
                        lineno,
                        format!("expected 7 columns, found {}", v.len()),
                    ));
                }
                if v[0] != nodes.len() as f64 {
                    return Err(ParseError::new(
                        lineno,
                        format!("expected customer {}, found {}", nodes.len(), v[0]),
                    ));
                }
                if v[4] > v[5] {
                    return Err(ParseError::new(lineno, "ready time after due date"));
                }
                nodes.push(Node {
                    coords: Some((v[1], v[2])),
                    demand: v[3],
                    ready: v[4],
                    due: v[5],
                    service: v[6],
                });
            }
            _ => return Err(ParseError::new(lineno, "numbers before any section")),
        }
    }
    let (vehicles, capacity) =
        fleet.ok_or_else(|| ParseError::new(0, "no VEHICLE section with NUMBER and CAPACITY"))?;
    if nodes.len() < 2 {
        return Err(ParseError::new(0, "need a depot and at least one customer"));
    }
    Ok(Instance::euclidean(&name, nodes, vehicles, capacity))
}
