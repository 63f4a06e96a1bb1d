//! Reading customers: one by id, and filtered, sorted, keyset-paginated lists.

use crate::cursor::{self, MAX_LIMIT, Page};
use crate::pool::on_pool;
use crate::reach;
use crate::sql::{Arg, Sql, bind_all};
use crate::time::from_ms;
use crate::{Store, StoreError};
use domain::access::Reach;
use domain::customer::{Contact, Customer, CustomerStatus, Level, PointOutput};
use domain::{CoordSystem, CustomerId, EmployeeId, Format, Problem, TenantId, Wgs84};
use serde_json::Value;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
pub(crate) struct Row {
    pub id: Uuid,
    pub name: String,
    pub code: Option<String>,
    pub external_id: Option<String>,
    pub address: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub level: String,
    pub tags: String,
    pub contacts: String,
    pub owner_id: Option<Uuid>,
    pub checkin_radius_m: Option<f64>,
    pub status: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub row_version: i64,
}

impl From<Row> for Customer {
    fn from(r: Row) -> Self {
        let location = match (r.lat, r.lon) {
            (Some(lat), Some(lon)) => Some(PointOutput::new(
                Wgs84::from_stored(lat, lon),
                CoordSystem::Wgs84,
            )),
            _ => None,
        };
        Customer {
            id: CustomerId(r.id),
            name: r.name,
            code: r.code,
            external_id: r.external_id,
            address: r.address,
            location,
            level: Level::parse(&r.level).unwrap_or(Level::C),
            tags: serde_json::from_str(&r.tags).unwrap_or_default(),
            contacts: serde_json::from_str::<Vec<Contact>>(&r.contacts).unwrap_or_default(),
            owner_id: r.owner_id.map(EmployeeId),
            checkin_radius_m: r.checkin_radius_m,
            status: CustomerStatus::parse(&r.status).unwrap_or_default(),
            distance_m: None,
            created_at: from_ms(r.created_at),
            updated_at: from_ms(r.updated_at),
            version: r.row_version,
        }
    }
}

pub(crate) const COLUMNS: &str = "c.id, c.name, c.code, c.external_id, c.address, c.lat, c.lon, c.level, c.tags, \
                                  c.contacts, c.owner_id, c.checkin_radius_m, c.status, c.created_at, c.updated_at, c.row_version";

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CustomerSort {
    #[default]
    NameAsc,
    NameDesc,
    CreatedAsc,
    CreatedDesc,
    /// Oldest change first: what an incremental sync (`updated_since`) walks.
    UpdatedAsc,
    /// Nearest first; needs a `near` filter.
    Distance,
}

impl CustomerSort {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "name" => Self::NameAsc,
            "-name" => Self::NameDesc,
            "created_at" => Self::CreatedAsc,
            "-created_at" => Self::CreatedDesc,
            "updated_at" => Self::UpdatedAsc,
            "distance" => Self::Distance,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug, Default)]
pub struct CustomerFilter {
    pub owner_id: Option<EmployeeId>,
    pub level: Option<Level>,
    pub tag: Option<String>,
    pub status: Option<CustomerStatus>,
    /// Matches name, code, external id or address (substring, case-insensitive).
    pub q: Option<String>,
    /// Centre and radius in metres.
    pub near: Option<(Wgs84, f64)>,
    /// Only customers changed at or after this instant (epoch ms).
    pub updated_since: Option<i64>,
    pub sort: CustomerSort,
    pub cursor: Option<String>,
    pub limit: u32,
}

/// Metres per degree of latitude on the mean-radius sphere.
const M_PER_DEG: f64 = 6_371_008.8 * std::f64::consts::PI / 180.0;

/// Squared distance in degrees² on a local equirectangular projection. Pure arithmetic,
/// so both engines compute it identically without math extensions; within 50 km its
/// error against the great circle is far below GPS error.
fn push_distance_expr(sql: &mut Sql, centre: &Wgs84) {
    let k = centre.lat().to_radians().cos();
    sql.push("((c.lat - ")
        .bind(Arg::F64(centre.lat()))
        .push(") * (c.lat - ")
        .bind(Arg::F64(centre.lat()))
        .push(") + (c.lon - ")
        .bind(Arg::F64(centre.lon()))
        .push(") * (c.lon - ")
        .bind(Arg::F64(centre.lon()))
        .push(") * ")
        .bind(Arg::F64(k * k))
        .push(")");
}

impl Store {
    pub async fn customer(
        &self,
        tenant: TenantId,
        id: CustomerId,
        reach: &Reach,
    ) -> Result<Customer, StoreError> {
        let mut sql = Sql::new(&format!(
            "SELECT {COLUMNS} FROM customers c WHERE c.tenant_id = "
        ));
        sql.bind(Arg::Uuid(tenant.0))
            .push(" AND c.id = ")
            .bind(Arg::Uuid(id.0))
            .push(" AND c.deleted_at IS NULL");
        reach::customers(&mut sql, tenant, reach);
        let Sql { text, args } = sql;
        let row: Option<Row> = on_pool!(self, |p| {
            bind_all(sqlx::query_as(sqlx::AssertSqlSafe(text.as_str())), args)
                .fetch_optional(p)
                .await?
        });
        row.map(Customer::from).ok_or(StoreError::NotFound)
    }

    pub async fn list_customers(
        &self,
        tenant: TenantId,
        reach: &Reach,
        f: &CustomerFilter,
    ) -> Result<Page<Customer>, StoreError> {
        if f.sort == CustomerSort::Distance && f.near.is_none() {
            return Err(StoreError::invalid(
                "sort",
                Problem::NeedsOther {
                    other: "near".into(),
                },
            ));
        }
        let mut sql = Sql::new(&format!("SELECT {COLUMNS}, "));
        match &f.near {
            Some((centre, _)) => push_distance_expr(&mut sql, centre),
            None => {
                sql.push("CAST(0 AS DOUBLE PRECISION)");
            }
        };
        sql.push(" AS d2 FROM customers c WHERE c.tenant_id = ")
            .bind(Arg::Uuid(tenant.0))
            .push(" AND c.deleted_at IS NULL");
        reach::customers(&mut sql, tenant, reach);
        if let Some(o) = f.owner_id {
            sql.push(" AND c.owner_id = ").bind(Arg::Uuid(o.0));
        }
        if let Some(l) = f.level {
            sql.push(" AND c.level = ")
                .bind(Arg::Text(l.as_str().into()));
        }
        if let Some(since) = f.updated_since {
            sql.push(" AND c.updated_at >= ").bind(Arg::I64(since));
        }
        if let Some(st) = f.status {
            sql.push(" AND c.status = ")
                .bind(Arg::Text(st.as_str().into()));
        }
        if let Some(t) = &f.tag {
            sql.push(" AND EXISTS (SELECT 1 FROM customer_tags t WHERE t.tenant_id = c.tenant_id AND t.customer_id = c.id AND t.tag = ")
                .bind(Arg::Text(t.clone()))
                .push(")");
        }
        if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            let pattern = crate::employees::like_pattern(q);
            sql.push(" AND (");
            for (i, col) in ["c.name", "c.code", "c.external_id", "c.address"]
                .iter()
                .enumerate()
            {
                if i > 0 {
                    sql.push(" OR ");
                }
                sql.push(&format!("lower({col}) LIKE "))
                    .bind(Arg::Text(pattern.clone()))
                    .push(" ESCAPE '\\'");
            }
            sql.push(")");
        }
        if let Some((centre, radius_m)) = &f.near {
            // A bounding box first, which the (tenant_id, lat) index can serve.
            let dlat = radius_m / M_PER_DEG;
            let k = centre.lat().to_radians().cos().max(1e-6);
            let dlon = dlat / k;
            sql.push(" AND c.lat BETWEEN ")
                .bind(Arg::F64(centre.lat() - dlat))
                .push(" AND ")
                .bind(Arg::F64(centre.lat() + dlat))
                .push(" AND c.lon BETWEEN ")
                .bind(Arg::F64(centre.lon() - dlon))
                .push(" AND ")
                .bind(Arg::F64(centre.lon() + dlon))
                .push(" AND ");
            push_distance_expr(&mut sql, centre);
            sql.push(" <= ").bind(Arg::F64(dlat * dlat));
        }

        let (key, desc) = match f.sort {
            CustomerSort::NameAsc => ("c.name", false),
            CustomerSort::NameDesc => ("c.name", true),
            CustomerSort::CreatedAsc => ("c.created_at", false),
            CustomerSort::CreatedDesc => ("c.created_at", true),
            CustomerSort::UpdatedAsc => ("c.updated_at", false),
            CustomerSort::Distance => ("d2", false),
        };
        if let Some(c) = &f.cursor {
            let (v, id) = cursor::decode(c)?;
            let bad = || StoreError::invalid("cursor", Problem::format(Format::Cursor));
            let arg = match f.sort {
                CustomerSort::NameAsc | CustomerSort::NameDesc => {
                    Arg::Text(v.as_str().ok_or_else(bad)?.into())
                }
                CustomerSort::CreatedAsc | CustomerSort::CreatedDesc | CustomerSort::UpdatedAsc => {
                    Arg::I64(v.as_i64().ok_or_else(bad)?)
                }
                CustomerSort::Distance => Arg::F64(v.as_f64().ok_or_else(bad)?),
            };
            let op = if desc { "<" } else { ">" };
            // The distance key is an expression; repeat it rather than rely on a SELECT alias
            // in WHERE, which PostgreSQL does not allow.
            let key_sql = |sql: &mut Sql| match (&f.near, f.sort) {
                (Some((centre, _)), CustomerSort::Distance) => push_distance_expr(sql, centre),
                _ => {
                    sql.push(key);
                }
            };
            sql.push(" AND (");
            key_sql(&mut sql);
            sql.push(&format!(" {op} ")).bind(arg.clone()).push(" OR (");
            key_sql(&mut sql);
            sql.push(" = ")
                .bind(arg)
                .push(&format!(" AND c.id {op} "))
                .bind(Arg::Uuid(id))
                .push("))");
        }
        let dir = if desc { "DESC" } else { "ASC" };
        let limit = f.limit.clamp(1, MAX_LIMIT);
        sql.push(&format!(
            " ORDER BY {key} {dir}, c.id {dir} LIMIT {}",
            limit + 1
        ));

        let Sql { text, args } = sql;
        let mut rows: Vec<RowWithKey> = on_pool!(self, |p| {
            bind_all(sqlx::query_as(sqlx::AssertSqlSafe(text.as_str())), args)
                .fetch_all(p)
                .await?
        });
        let next_cursor = if rows.len() > limit as usize {
            rows.truncate(limit as usize);
            rows.last().map(|r| {
                let v = match f.sort {
                    CustomerSort::NameAsc | CustomerSort::NameDesc => {
                        Value::String(r.row.name.clone())
                    }
                    CustomerSort::CreatedAsc | CustomerSort::CreatedDesc => {
                        Value::from(r.row.created_at)
                    }
                    CustomerSort::UpdatedAsc => Value::from(r.row.updated_at),
                    CustomerSort::Distance => Value::from(r.d2),
                };
                cursor::encode(v, r.row.id)
            })
        } else {
            None
        };
        let items = rows
            .into_iter()
            .map(|r| {
                let mut c = Customer::from(r.row);
                if let (Some((centre, _)), Some(p)) = (&f.near, &c.location) {
                    c.distance_m = Some(centre.distance_to(&Wgs84::from_stored(p.lat, p.lon)).0);
                }
                c
            })
            .collect();
        Ok(Page { items, next_cursor })
    }

    /// Every customer the caller reaches, in name order, for export.
    pub async fn all_customers(
        &self,
        tenant: TenantId,
        reach: &Reach,
    ) -> Result<Vec<Customer>, StoreError> {
        let mut out = Vec::new();
        let mut f = CustomerFilter {
            limit: MAX_LIMIT,
            ..Default::default()
        };
        loop {
            let page = self.list_customers(tenant, reach, &f).await?;
            out.extend(page.items);
            match page.next_cursor {
                Some(c) => f.cursor = Some(c),
                None => return Ok(out),
            }
        }
    }
}

#[derive(sqlx::FromRow)]
struct RowWithKey {
    #[sqlx(flatten)]
    row: Row,
    d2: f64,
}
