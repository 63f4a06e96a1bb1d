//! The problem: one depot, clients with demand and time windows, a fleet of identical
//! vehicles, and the travel matrices.
//!
//! Index 0 is always the depot and clients are `1..=n`, which is also how routes are
//! reported. Travel time equals distance unless a separate time matrix is given.

/// A depot or client as read from a file.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Planar coordinates, when the source has them (needed only for route ordering
    /// heuristics; the solver works from the matrices).
    pub coords: Option<(f64, f64)>,
    pub demand: f64,
    /// Earliest start of service (a vehicle arriving earlier waits).
    pub ready: f64,
    /// Latest start of service; for the depot, the latest return.
    pub due: f64,
    pub service: f64,
}

/// A VRPTW instance with its precomputed matrices.
#[derive(Clone, Debug)]
pub struct Instance {
    pub name: String,
    /// `nodes[0]` is the depot.
    pub nodes: Vec<Node>,
    /// Fleet size: at most this many routes.
    pub vehicles: usize,
    pub capacity: f64,
    dist: Vec<f64>,
    time: Option<Vec<f64>>,
}

impl Instance {
    /// An instance with unrounded Euclidean distances, travel time equal to distance.
    /// Every node must have coordinates.
    pub fn euclidean(name: &str, nodes: Vec<Node>, vehicles: usize, capacity: f64) -> Self {
        let n = nodes.len();
        let mut dist = vec![0.0; n * n];
        for (i, a) in nodes.iter().enumerate() {
            let (ax, ay) = a.coords.expect("euclidean instance needs coordinates");
            for (j, b) in nodes.iter().enumerate() {
                let (bx, by) = b.coords.expect("euclidean instance needs coordinates");
                dist[i * n + j] = ((ax - bx).powi(2) + (ay - by).powi(2)).sqrt();
            }
        }
        Instance {
            name: name.to_string(),
            nodes,
            vehicles,
            capacity,
            dist,
            time: None,
        }
    }

    /// An instance from explicit row-major matrices (`nodes.len()²` entries each); `time`
    /// defaults to `dist`.
    pub fn with_matrices(
        name: &str,
        nodes: Vec<Node>,
        vehicles: usize,
        capacity: f64,
        dist: Vec<f64>,
        time: Option<Vec<f64>>,
    ) -> Self {
        let n = nodes.len();
        assert_eq!(dist.len(), n * n, "distance matrix is n×n");
        if let Some(t) = &time {
            assert_eq!(t.len(), n * n, "time matrix is n×n");
        }
        Instance {
            name: name.to_string(),
            nodes,
            vehicles,
            capacity,
            dist,
            time,
        }
    }

    /// Number of clients (the depot excluded).
    pub fn clients(&self) -> usize {
        self.nodes.len() - 1
    }

    #[inline]
    pub fn dist(&self, i: usize, j: usize) -> f64 {
        self.dist[i * self.nodes.len() + j]
    }

    #[inline]
    pub fn time(&self, i: usize, j: usize) -> f64 {
        match &self.time {
            Some(t) => t[i * self.nodes.len() + j],
            None => self.dist[i * self.nodes.len() + j],
        }
    }
}
