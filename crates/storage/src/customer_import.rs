//! Bulk upsert of customers from an import: every row is matched and checked first, then
//! all valid rows are written in one transaction, so an import is never half-applied.

use crate::customer_write::{customer_event, json, replace_tags};
use crate::events::record_event;
use crate::pool::{on_pool, write_tx};
use crate::time::now_ms;
use crate::{Store, StoreError};
use domain::access::Reach;
use domain::customer::CustomerDraft;
use domain::customer_import::Column;
use domain::{CustomerId, TenantId};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

pub struct ImportItem {
    pub row: usize,
    pub draft: CustomerDraft,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpsertAction {
    Created,
    Updated,
}

#[derive(Debug, Default)]
pub struct ImportOutcome {
    /// Per accepted row: its number, what happened (or would, in a dry run), and the id.
    pub applied: Vec<(usize, UpsertAction, CustomerId)>,
    /// Rows refused because of what is already stored: (row, field, problem).
    pub refused: Vec<(usize, &'static str, domain::Problem)>,
}

struct Plan {
    row: usize,
    id: Uuid,
    action: UpsertAction,
}

impl Store {
    /// Matches each item to an existing customer by external id (when given) or code,
    /// refuses rows whose keys collide with another customer or whose match lies outside
    /// the caller's reach, and — unless `dry_run` — writes the rest. On update only the
    /// fields whose column the file has (`present`) change.
    pub async fn import_customers(
        &self,
        tenant: TenantId,
        reach: &Reach,
        items: &[ImportItem],
        present: &HashSet<Column>,
        dry_run: bool,
    ) -> Result<ImportOutcome, StoreError> {
        let keys: Vec<(Uuid, Option<String>, Option<String>)> = on_pool!(self, |p| {
            sqlx::query_as("SELECT id, code, external_id FROM customers WHERE tenant_id = $1")
                .bind(tenant.0)
                .fetch_all(p)
                .await?
        });
        let mut by_code: HashMap<String, Uuid> = HashMap::new();
        let mut by_ext: HashMap<String, Uuid> = HashMap::new();
        for (id, code, ext) in &keys {
            if let Some(c) = code {
                by_code.insert(c.clone(), *id);
            }
            if let Some(e) = ext {
                by_ext.insert(e.clone(), *id);
            }
        }
        let reachable: Option<HashSet<Uuid>> = match reach {
            Reach::Tenant => None,
            _ => Some(self.reachable_customer_ids(tenant, reach).await?),
        };

        let mut out = ImportOutcome::default();
        let mut plans = Vec::new();
        for item in items {
            let d = &item.draft;
            let by_e = d.external_id.as_ref().and_then(|e| by_ext.get(e).copied());
            let by_c = d.code.as_ref().and_then(|c| by_code.get(c).copied());
            let target = if d.external_id.is_some() { by_e } else { by_c };
            if by_c.is_some() && by_c != target {
                out.refused
                    .push((item.row, "code", domain::Problem::AlreadyUsed));
                continue;
            }
            if let (Some(t), Some(r)) = (target, &reachable)
                && !r.contains(&t)
            {
                out.refused
                    .push((item.row, "code", domain::Problem::NotAllowed));
                continue;
            }
            let (id, action) = match target {
                Some(t) => (t, UpsertAction::Updated),
                None => (Uuid::now_v7(), UpsertAction::Created),
            };
            // Later rows must see this row's keys, as if it were already stored.
            if let Some(c) = &d.code {
                by_code.insert(c.clone(), id);
            }
            if let Some(e) = &d.external_id {
                by_ext.insert(e.clone(), id);
            }
            out.applied.push((item.row, action, CustomerId(id)));
            plans.push(Plan {
                row: item.row,
                id,
                action,
            });
        }
        if dry_run || plans.is_empty() {
            return Ok(out);
        }

        let drafts: HashMap<usize, &CustomerDraft> =
            items.iter().map(|i| (i.row, &i.draft)).collect();
        let update_sql = update_statement(present);
        let now = now_ms();
        write_tx!(self, |tx| {
            for plan in &plans {
                let d = drafts[&plan.row];
                let (lat, lon) = (d.location.map(|l| l.lat()), d.location.map(|l| l.lon()));
                let changed = match plan.action {
                    UpsertAction::Created => {
                        sqlx::query(
                            "INSERT INTO customers (tenant_id, id, name, code, external_id, address, lat, lon, level,
                                tags, contacts, owner_id, checkin_radius_m, created_at, updated_at)
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)",
                        )
                        .bind(tenant.0)
                        .bind(plan.id)
                        .bind(&d.name)
                        .bind(&d.code)
                        .bind(&d.external_id)
                        .bind(&d.address)
                        .bind(lat)
                        .bind(lon)
                        .bind(d.level.as_str())
                        .bind(json(&d.tags))
                        .bind(json(&d.contacts))
                        .bind(d.owner_id.map(|o| o.0))
                        .bind(d.checkin_radius.map(|r| r.meters()))
                        .bind(now)
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| crate::error::conflict_or(e, &["code", "external_id"]))?
                        .rows_affected()
                    }
                    UpsertAction::Updated => {
                        sqlx::query(sqlx::AssertSqlSafe(update_sql.as_str()))
                            .bind(tenant.0)
                            .bind(plan.id)
                            .bind(now)
                            .bind(&d.name)
                            .bind(&d.code)
                            .bind(&d.external_id)
                            .bind(&d.address)
                            .bind(lat)
                            .bind(lon)
                            .bind(d.level.as_str())
                            .bind(json(&d.tags))
                            .bind(json(&d.contacts))
                            .bind(d.owner_id.map(|o| o.0))
                            .bind(d.checkin_radius.map(|r| r.meters()))
                            .execute(&mut *tx)
                            .await
                            .map_err(|e| crate::error::conflict_or(e, &["code", "external_id"]))?
                            .rows_affected()
                    }
                } > 0;
                let id = CustomerId(plan.id);
                if changed
                    && (plan.action == UpsertAction::Created || present.contains(&Column::Tags))
                {
                    replace_tags!(tx, tenant, id, &d.tags);
                }
                if changed {
                    let kind = match plan.action {
                        UpsertAction::Created => "customer.created",
                        UpsertAction::Updated => "customer.updated",
                    };
                    record_event!(tx, &customer_event(tenant, kind, id));
                }
            }
        });
        Ok(out)
    }

    async fn reachable_customer_ids(
        &self,
        tenant: TenantId,
        reach: &Reach,
    ) -> Result<HashSet<Uuid>, StoreError> {
        let mut sql = crate::sql::Sql::new("SELECT c.id FROM customers c WHERE c.tenant_id = ");
        sql.bind(crate::sql::Arg::Uuid(tenant.0));
        crate::reach::customers(&mut sql, tenant, reach);
        let crate::sql::Sql { text, args } = sql;
        let ids: Vec<(Uuid,)> = on_pool!(self, |p| {
            crate::sql::bind_all(sqlx::query_as(sqlx::AssertSqlSafe(text.as_str())), args)
                .fetch_all(p)
                .await?
        });
        Ok(ids.into_iter().map(|(id,)| id).collect())
    }
}

/// `UPDATE` that sets only the fields the file has columns for, and only on a row where
/// one of them differs (or that was deleted), so an unchanged row is not touched and
/// records no `customer.updated`. Every value is bound (at fixed positions $4…$14)
/// whether used or not, so one bind sequence fits any shape.
fn update_statement(present: &HashSet<Column>) -> String {
    let mut sets = vec!["name = $4"];
    let optional: [(&[Column], &[&str]); 9] = [
        (&[Column::Code], &["code = $5"]),
        (&[Column::ExternalId], &["external_id = $6"]),
        (&[Column::Address], &["address = $7"]),
        (&[Column::Lat, Column::Lon], &["lat = $8", "lon = $9"]),
        (&[Column::Level], &["level = $10"]),
        (&[Column::Tags], &["tags = $11"]),
        (&[Column::ContactName], &["contacts = $12"]),
        (&[Column::Owner], &["owner_id = $13"]),
        (&[Column::CheckinRadius], &["checkin_radius_m = $14"]),
    ];
    for (cols, assignments) in optional {
        if cols.iter().any(|c| present.contains(c)) {
            sets.extend_from_slice(assignments);
        }
    }
    let differs: Vec<String> = sets
        .iter()
        .map(|set| set.replacen(" = ", " IS DISTINCT FROM ", 1))
        .collect();
    format!(
        "UPDATE customers SET updated_at = $3, deleted_at = NULL, row_version = row_version + 1, {}
         WHERE tenant_id = $1 AND id = $2 AND (deleted_at IS NOT NULL OR {})",
        sets.join(", "),
        differs.join(" OR ")
    )
}
