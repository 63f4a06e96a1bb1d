//! VRPLIB (TSPLIB-style) instances: `KEY : value` specifications followed by sections
//! (`NODE_COORD_SECTION`, `DEMAND_SECTION`, `DEPOT_SECTION`, `TIME_WINDOW_SECTION`,
//! `SERVICE_TIME_SECTION`, `EDGE_WEIGHT_SECTION` for `EXPLICIT` `FULL_MATRIX`).
//!
//! The depot must be node 1 (as in CVRPLIB and the Solomon/Homberger conversions); it
//! becomes index 0 and node `k` becomes client `k - 1`, which is how VRPLIB `.sol`
//! files number clients. `EUC_2D` distances are kept unrounded (the convention of the
//! VRPTW literature); a time window section is optional (CVRP).

use super::{ParseError, numbers};
use crate::instance::{Instance, Node};

pub fn parse_vrplib(text: &str) -> Result<Instance, ParseError> {
    let mut name = String::new();
    let mut dimension: Option<usize> = None;
    let mut capacity: Option<f64> = None;
    let mut vehicles: Option<usize> = None;
    let mut weight_type = String::from("EUC_2D");
    let mut weight_format = String::new();
    let mut coords: Vec<Option<(f64, f64)>> = Vec::new();
    let mut demand: Vec<f64> = Vec::new();
    let mut tw: Vec<Option<(f64, f64)>> = Vec::new();
    let mut service: Vec<f64> = Vec::new();
    let mut weights: Vec<f64> = Vec::new();
    let mut depots: Vec<i64> = Vec::new();
    let mut section = String::new();

    let dim = |d: Option<usize>, line: usize| {
        d.ok_or_else(|| ParseError::new(line, "section before DIMENSION"))
    };
    for (i, raw) in text.lines().enumerate() {
        let lineno = i + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if line == "EOF" {
            break;
        }
        let upper = line.to_ascii_uppercase();
        if upper.ends_with("_SECTION") {
            section = upper;
            let n = dim(dimension, lineno)?;
            match section.as_str() {
                "NODE_COORD_SECTION" => coords = vec![None; n],
                "DEMAND_SECTION" => demand = vec![0.0; n],
                "TIME_WINDOW_SECTION" => tw = vec![None; n],
                "SERVICE_TIME_SECTION" => service = vec![0.0; n],
                _ => {}
            }
            continue;
        }
        if let Some((key, value)) = line.split_once(':')
            && numbers(line).is_none()
        {
            let key = key.trim().to_ascii_uppercase();
            let value = value.trim();
            let num = |v: &str| {
                v.parse::<f64>()
                    .map_err(|_| ParseError::new(lineno, format!("{key}: not a number")))
            };
            match key.as_str() {
                "NAME" => name = value.to_string(),
                "DIMENSION" => dimension = Some(num(value)? as usize),
                "CAPACITY" => capacity = Some(num(value)?),
                "VEHICLES" => vehicles = Some(num(value)? as usize),
                "EDGE_WEIGHT_TYPE" => weight_type = value.to_ascii_uppercase(),
                "EDGE_WEIGHT_FORMAT" => weight_format = value.to_ascii_uppercase(),
                _ => {}
            }
            section.clear();
            continue;
        }
        let v = numbers(line)
            .ok_or_else(|| ParseError::new(lineno, format!("cannot read `{line}`")))?;
        let n = dim(dimension, lineno)?;
        let index = |id: f64| -> Result<usize, ParseError> {
            if id.fract() == 0.0 && id >= 1.0 && (id as usize) <= n {
                Ok(id as usize - 1)
            } else {
                Err(ParseError::new(
                    lineno,
                    format!("node {id} outside 1..={n}"),
                ))
            }
        };
        let want = |k: usize| -> Result<(), ParseError> {
            if v.len() == k {
                Ok(())
            } else {
                Err(ParseError::new(
                    lineno,
                    format!("expected {k} numbers, found {}", v.len()),
                ))
            }
        };
        match section.as_str() {
            "NODE_COORD_SECTION" => {
                want(3)?;
                coords[index(v[0])?] = Some((v[1], v[2]));
            }
            "DEMAND_SECTION" => {
                want(2)?;
                demand[index(v[0])?] = v[1];
            }
            "TIME_WINDOW_SECTION" => {
                want(3)?;
                if v[1] > v[2] {
                    return Err(ParseError::new(lineno, "window opens after it closes"));
                }
                tw[index(v[0])?] = Some((v[1], v[2]));
            }
            "SERVICE_TIME_SECTION" => {
                want(2)?;
                service[index(v[0])?] = v[1];
            }
            "DEPOT_SECTION" => depots.extend(v.iter().map(|&x| x as i64)),
            "EDGE_WEIGHT_SECTION" => weights.extend(v),
            _ => return Err(ParseError::new(lineno, "numbers outside a known section")),
        }
    }

    let n = dimension.ok_or_else(|| ParseError::new(0, "no DIMENSION"))?;
    if n < 2 {
        return Err(ParseError::new(0, "need a depot and at least one client"));
    }
    let capacity = capacity.ok_or_else(|| ParseError::new(0, "no CAPACITY"))?;
    let depots: Vec<i64> = depots.into_iter().filter(|&d| d >= 0).collect();
    if !(depots.is_empty() || depots == [1]) {
        return Err(ParseError::new(
            0,
            "only a single depot, node 1, is supported",
        ));
    }
    if demand.is_empty() {
        demand = vec![0.0; n];
    }
    if service.is_empty() {
        service = vec![0.0; n];
    }
    let horizon = f64::INFINITY;
    let mut nodes = Vec::with_capacity(n);
    for i in 0..n {
        let (ready, due) = match tw.get(i) {
            Some(Some(w)) => *w,
            Some(None) => {
                return Err(ParseError::new(
                    0,
                    format!("node {} has no time window", i + 1),
                ));
            }
            None => (0.0, horizon),
        };
        nodes.push(Node {
            coords: coords.get(i).copied().flatten(),
            demand: demand[i],
            ready,
            due,
            service: service[i],
        });
    }
    let vehicles = vehicles.unwrap_or(n - 1);
    match weight_type.as_str() {
        "EUC_2D" | "FLOOR_2D" | "EXACT_2D" => {
            if let Some(i) = nodes.iter().position(|nd| nd.coords.is_none()) {
                return Err(ParseError::new(
                    0,
                    format!("node {} has no coordinates", i + 1),
                ));
            }
            Ok(Instance::euclidean(&name, nodes, vehicles, capacity))
        }
        "EXPLICIT" => {
            if !(weight_format.is_empty() || weight_format == "FULL_MATRIX") {
                return Err(ParseError::new(
                    0,
                    format!("EDGE_WEIGHT_FORMAT {weight_format} is not supported"),
                ));
            }
            if weights.len() != n * n {
                return Err(ParseError::new(
                    0,
                    format!(
                        "EDGE_WEIGHT_SECTION has {} of {} entries",
                        weights.len(),
                        n * n
                    ),
                ));
            }
            Ok(Instance::with_matrices(
                &name, nodes, vehicles, capacity, weights, None,
            ))
        }
        other => Err(ParseError::new(
            0,
            format!("EDGE_WEIGHT_TYPE {other} is not supported"),
        )),
    }
}
