//! Payout batches: approved claims of one period marked paid under one reference, in one
//! transaction (all of them or none).

use crate::cursor::{self, MAX_LIMIT, Page};
use crate::events::{NewEvent, record_event};
use crate::pool::{on_pool, write_tx};
use crate::sql::{Arg, Sql, bind_all};
use crate::time::now_ms;
use crate::{Store, StoreError, StoredClaim};
use domain::TenantId;
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct StoredPayout {
    pub id: Uuid,
    pub reference: String,
    pub period: String,
    pub currency: String,
    pub total_minor: i64,
    /// JSON list of claim ids.
    pub claim_ids: String,
    pub digest: String,
    pub paid_by: Option<Uuid>,
    pub paid_ms: i64,
}

const COLUMNS: &str =
    "id, reference, period, currency, total_minor, claim_ids, digest, paid_by, paid_ms";

/// Why a payout was not stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PayoutRefused {
    /// Some of the claims are not (or no longer) approved.
    NotApproved,
    /// Another batch already uses the reference.
    ReferenceTaken,
}

impl Store {
    /// Stores the batch under its client id and marks its claims paid, unless the id
    /// exists (then the stored batch answers, `false`). Every claim must still be
    /// `approved`: otherwise nothing is written.
    pub async fn create_payout(
        &self,
        tenant: TenantId,
        p: &StoredPayout,
        claims: &[Uuid],
    ) -> Result<Result<(StoredPayout, bool), PayoutRefused>, StoreError> {
        if let Some(existing) = self.payout(tenant, p.id).await? {
            return Ok(Ok((existing, false)));
        }
        let outcome = write_tx!(self, |tx| {
            let now = now_ms();
            let inserted = sqlx::query(
                "INSERT INTO payouts (tenant_id, id, reference, period, currency, total_minor, claim_ids, digest,
                    paid_by, paid_ms)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING",
            )
            .bind(tenant.0)
            .bind(p.id)
            .bind(&p.reference)
            .bind(&p.period)
            .bind(&p.currency)
            .bind(p.total_minor)
            .bind(&p.claim_ids)
            .bind(&p.digest)
            .bind(p.paid_by)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                > 0;
            if !inserted {
                // The id (a concurrent copy) or the reference is taken: decided below,
                // after this transaction wrote nothing.
                None
            } else {
                let mut paid = 0u64;
                for c in claims {
                    paid += sqlx::query(
                        "UPDATE claims SET status = 'paid', paid_ms = $3, paid_by = $4, payout_id = $5
                         WHERE tenant_id = $1 AND id = $2 AND status = 'approved'",
                    )
                    .bind(tenant.0)
                    .bind(c)
                    .bind(now)
                    .bind(p.paid_by)
                    .bind(p.id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                }
                if paid != claims.len() as u64 {
                    // Dropping the transaction rolls the batch back.
                    return Ok(Err(PayoutRefused::NotApproved));
                }
                let payload = serde_json::json!({
                    "payout_id": p.id, "reference": p.reference, "claim_ids": claims,
                    "total_minor": p.total_minor, "currency": p.currency,
                });
                record_event!(tx, &NewEvent::new(tenant, "payout.created", p.id, payload));
                crate::notifications::enqueue_notifications!(tx, tenant);
                Some(())
            }
        });
        match (outcome, self.payout(tenant, p.id).await?) {
            (Some(()), Some(stored)) => Ok(Ok((stored, true))),
            (None, Some(stored)) => Ok(Ok((stored, false))),
            (_, None) => Ok(Err(PayoutRefused::ReferenceTaken)),
        }
    }

    pub async fn payout(
        &self,
        tenant: TenantId,
        id: Uuid,
    ) -> Result<Option<StoredPayout>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM payouts WHERE tenant_id = $1 AND id = $2");
        Ok(on_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(id)
                .fetch_optional(p)
                .await?
        }))
    }

    /// The claims a batch paid, by id.
    pub async fn payout_claims(
        &self,
        tenant: TenantId,
        payout: Uuid,
    ) -> Result<Vec<StoredClaim>, StoreError> {
        let sql = format!(
            "SELECT {} FROM claims c WHERE c.tenant_id = $1 AND c.payout_id = $2 ORDER BY c.id",
            crate::claims::COLUMNS
        );
        Ok(on_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(payout)
                .fetch_all(p)
                .await?
        }))
    }

    /// The tenant's batches, oldest first (ids are time-ordered), a page at a time;
    /// `period` keeps one period's.
    pub async fn list_payouts(
        &self,
        tenant: TenantId,
        period: Option<&str>,
        cursor_text: Option<&str>,
        limit: u32,
    ) -> Result<Page<StoredPayout>, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {COLUMNS} FROM payouts WHERE tenant_id = "));
        sql.bind(Arg::Uuid(tenant.0));
        if let Some(p) = period {
            sql.push(" AND period = ").bind(Arg::Text(p.to_owned()));
        }
        if let Some(c) = cursor_text {
            let (_, id) = cursor::decode(c)?;
            sql.push(" AND id > ").bind(Arg::Uuid(id));
        }
        let limit = limit.clamp(1, MAX_LIMIT);
        sql.push(&format!(" ORDER BY id LIMIT {}", limit + 1));
        let Sql { text, args } = sql;
        let mut rows: Vec<StoredPayout> = on_pool!(self, |p| {
            bind_all(sqlx::query_as(sqlx::AssertSqlSafe(text.as_str())), args)
                .fetch_all(p)
                .await?
        });
        let next_cursor = if rows.len() > limit as usize {
            rows.truncate(limit as usize);
            rows.last()
                .map(|r| cursor::encode(serde_json::Value::Null, r.id))
        } else {
            None
        };
        Ok(Page {
            items: rows,
            next_cursor,
        })
    }
}
