//! The live feed: every committed batch publishes its newest fix on a broadcast channel;
//! each `GET /api/v1/live` subscriber filters it to the people it may see. Positions
//! stored through other servers on the same PostgreSQL arrive through `relay`.

use domain::{EmployeeId, TenantId};
use tokio::sync::broadcast;

#[derive(Clone, Debug)]
pub struct Position {
    pub tenant: TenantId,
    pub employee: EmployeeId,
    pub t_ms: i64,
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: Option<f32>,
    pub speed_mps: Option<f32>,
}

#[derive(Clone)]
pub struct LiveHub {
    tx: broadcast::Sender<Position>,
}

impl Default for LiveHub {
    fn default() -> Self {
        // A slow subscriber that falls this far behind skips ahead (and is told so).
        let (tx, _) = broadcast::channel(4096);
        Self { tx }
    }
}

impl LiveHub {
    pub fn publish(&self, p: Position) {
        // No subscribers is normal: nobody is watching the map.
        let _ = self.tx.send(p);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Position> {
        self.tx.subscribe()
    }
}
