//! PostgreSQL notifications, for what several servers on one database must hear from each
//! other at once (a position for the live map). SQLite serves one server and has none.

use crate::pool::Pool;
use crate::{Store, StoreError};
use domain::{EmployeeId, TenantId};
use sqlx::postgres::PgListener;
use uuid::Uuid;

/// The channel every newer position is announced on (by a trigger on `last_fixes`).
pub const LIVE_CHANNEL: &str = "outfield_live";

/// A dedicated connection listening on one channel.
pub struct Listener(PgListener);

impl Listener {
    /// The next notification's payload; `None` when the connection was lost (notifications
    /// sent meanwhile are gone: open a new listener, then catch up from the tables).
    pub async fn next(&mut self) -> Result<Option<String>, StoreError> {
        Ok(self.0.try_recv().await?.map(|n| n.payload().to_owned()))
    }
}

/// A newest position as announced, or as read back when catching up.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct AnnouncedPosition {
    pub tenant_id: Uuid,
    pub employee_id: Uuid,
    pub t_ms: i64,
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: Option<f32>,
    pub speed_mps: Option<f32>,
}

impl AnnouncedPosition {
    pub fn tenant(&self) -> TenantId {
        TenantId(self.tenant_id)
    }
    pub fn employee(&self) -> EmployeeId {
        EmployeeId(self.employee_id)
    }

    /// Reads a `LIVE_CHANNEL` payload.
    pub fn parse(payload: &str) -> Option<AnnouncedPosition> {
        #[derive(serde::Deserialize)]
        struct Wire {
            t: Uuid,
            e: Uuid,
            ms: i64,
            lat: f64,
            lon: f64,
            acc: Option<f32>,
            spd: Option<f32>,
        }
        let w: Wire = serde_json::from_str(payload).ok()?;
        Some(AnnouncedPosition {
            tenant_id: w.t,
            employee_id: w.e,
            t_ms: w.ms,
            lat: w.lat,
            lon: w.lon,
            accuracy_m: w.acc,
            speed_mps: w.spd,
        })
    }
}

impl Store {
    /// Listens on `channel`; `None` on SQLite.
    pub async fn listen(&self, channel: &str) -> Result<Option<Listener>, StoreError> {
        match &self.pool {
            Pool::Sqlite(_) => Ok(None),
            Pool::Postgres(p) => {
                let mut l = PgListener::connect_with(p).await?;
                l.listen(channel).await?;
                Ok(Some(Listener(l)))
            }
        }
    }

    /// Newest positions of every tenant received at or after `since_ms`: what a relay
    /// that lost its connection may have missed. Across tenants on purpose — each row
    /// goes on with its tenant, and the live feed filters by it.
    pub async fn positions_received_since(
        &self,
        since_ms: i64,
    ) -> Result<Vec<AnnouncedPosition>, StoreError> {
        Ok(crate::pool::on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT tenant_id, employee_id, t_ms, lat, lon, accuracy_m, speed_mps FROM last_fixes
                 WHERE received_ms >= $1",
            )
            .bind(since_ms)
            .fetch_all(p)
            .await?
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_the_trigger_sends() {
        let t = Uuid::now_v7();
        let e = Uuid::now_v7();
        let payload = format!(
            r#"{{"t" : "{t}", "e" : "{e}", "ms" : 1795568400000, "lat" : 31.2, "lon" : 121.4, "acc" : 8.5, "spd" : null}}"#
        );
        let p = AnnouncedPosition::parse(&payload).unwrap();
        assert_eq!((p.tenant(), p.employee()), (TenantId(t), EmployeeId(e)));
        assert_eq!(
            (p.t_ms, p.accuracy_m, p.speed_mps),
            (1_795_568_400_000, Some(8.5), None)
        );
        assert!(AnnouncedPosition::parse("{}").is_none());
    }
}
