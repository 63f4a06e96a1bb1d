//! Tracking rules per tenant and per department, stored as the rule's JSON.

use crate::pool::{on_pool, write_on_pool};
use crate::time::now_ms;
use crate::{Store, StoreError};
use domain::tracking::TrackingRule;
use domain::{DepartmentId, TenantId};
use std::collections::HashMap;

fn scope(dept: Option<DepartmentId>) -> String {
    dept.map(|d| d.to_string())
        .unwrap_or_else(|| "tenant".into())
}

impl Store {
    /// Sets the rule of a department (or the tenant's default with `None`).
    pub async fn put_tracking_rule(
        &self,
        tenant: TenantId,
        dept: Option<DepartmentId>,
        rule: &TrackingRule,
    ) -> Result<(), StoreError> {
        let json = serde_json::to_string(rule).unwrap_or_default();
        write_on_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO tracking_rules (tenant_id, scope, rule, updated_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (tenant_id, scope) DO UPDATE SET rule = excluded.rule, updated_at = excluded.updated_at",
            )
            .bind(tenant.0)
            .bind(scope(dept))
            .bind(json)
            .bind(now_ms())
            .execute(p)
            .await?;
        });
        Ok(())
    }

    pub async fn delete_tracking_rule(
        &self,
        tenant: TenantId,
        dept: Option<DepartmentId>,
    ) -> Result<bool, StoreError> {
        Ok(write_on_pool!(self, |p| {
            sqlx::query("DELETE FROM tracking_rules WHERE tenant_id = $1 AND scope = $2")
                .bind(tenant.0)
                .bind(scope(dept))
                .execute(p)
                .await?
                .rows_affected()
        }) > 0)
    }

    /// Every stored rule of the tenant by scope (`None` = tenant default).
    pub async fn tracking_rules(
        &self,
        tenant: TenantId,
    ) -> Result<HashMap<Option<DepartmentId>, TrackingRule>, StoreError> {
        let rows: Vec<(String, String)> = on_pool!(self, |p| {
            sqlx::query_as("SELECT scope, rule FROM tracking_rules WHERE tenant_id = $1")
                .bind(tenant.0)
                .fetch_all(p)
                .await?
        });
        Ok(rows
            .into_iter()
            .filter_map(|(s, r)| {
                let dept = if s == "tenant" {
                    None
                } else {
                    Some(s.parse().ok()?)
                };
                Some((dept, serde_json::from_str(&r).ok()?))
            })
            .collect())
    }

    /// The rule that applies to a department: its own, else its nearest ancestor's, else
    /// the tenant default, else the built-in default (weekdays 09:00–18:00).
    pub async fn effective_tracking_rule(
        &self,
        tenant: TenantId,
        dept: DepartmentId,
    ) -> Result<TrackingRule, StoreError> {
        let rules = self.tracking_rules(tenant).await?;
        let links = self.department_links(tenant).await?;
        Ok(domain::overrides::resolve(&rules, &links, Some(dept)))
    }
}
