//! The audit log: appending chained entries one at a time per tenant, listing them newest
//! first, walking the chain, and retention. Nothing here updates an entry; the only
//! deletion is [`Store::prune_audit`], which cuts the oldest entries and records the cut.

use crate::cursor::{self, MAX_LIMIT};
use crate::pool::{on_pool, write_on_pool, write_tx};
use crate::sql::{Arg, Sql, bind_all};
use crate::time::from_ms;
use crate::{Page, Store, StoreError};
use chrono::{DateTime, Utc};
use domain::audit::chain::{self, Break, GENESIS, Link, Verifier};
use domain::audit::{ActorKind, Facts};
use domain::{Format, Problem, TenantId};
use uuid::Uuid;

/// A change to record; the store numbers, chains and stamps it.
pub struct NewAuditEntry<'a> {
    pub at_ms: i64,
    pub actor_kind: ActorKind,
    pub actor_id: Uuid,
    pub actor_role: &'a str,
    pub resource: &'a str,
    pub resource_id: Option<&'a str>,
    pub action: &'a str,
    /// JSON text (see `domain::audit::diff`).
    pub diff: &'a str,
    pub address: Option<&'a str>,
    pub request_id: Option<&'a str>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AuditEntry {
    pub seq: i64,
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub actor_kind: ActorKind,
    pub actor_id: Uuid,
    /// The person's or the key's name now (`None` if it no longer exists).
    pub actor_name: Option<String>,
    pub actor_role: String,
    pub resource: String,
    pub resource_id: Option<String>,
    pub action: String,
    pub diff: String,
    pub address: Option<String>,
    pub request_id: Option<String>,
    pub hash: String,
}

#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub resource: Option<String>,
    /// An employee's or an API key's id.
    pub actor: Option<Uuid>,
    pub from_ms: Option<i64>,
    /// Exclusive.
    pub to_ms: Option<i64>,
    pub cursor: Option<String>,
    pub limit: u32,
}

/// The outcome of walking a tenant's chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuditVerdict {
    /// Every kept entry checked; `head` is the newest hash (worth keeping elsewhere).
    Intact {
        entries: u64,
        head: String,
    },
    Broken(Break),
}

#[derive(sqlx::FromRow)]
struct Row {
    seq: i64,
    id: Uuid,
    at_ms: i64,
    actor_kind: String,
    actor_id: Uuid,
    actor_name: Option<String>,
    actor_role: String,
    resource: String,
    resource_id: Option<String>,
    action: String,
    diff: String,
    address: Option<String>,
    request_id: Option<String>,
    prev_hash: String,
    hash: String,
}

impl Row {
    fn facts(&self, tenant: TenantId) -> Facts<'_> {
        Facts {
            tenant,
            seq: self.seq,
            id: self.id,
            at_ms: self.at_ms,
            // An unknown kind cannot hash to the stored hash under either reading.
            actor_kind: ActorKind::parse(&self.actor_kind).unwrap_or(ActorKind::User),
            actor_id: self.actor_id,
            actor_role: &self.actor_role,
            resource: &self.resource,
            resource_id: self.resource_id.as_deref(),
            action: &self.action,
            diff: &self.diff,
            address: self.address.as_deref(),
            request_id: self.request_id.as_deref(),
        }
    }
}

impl From<Row> for AuditEntry {
    fn from(r: Row) -> Self {
        AuditEntry {
            seq: r.seq,
            id: r.id,
            at: from_ms(r.at_ms),
            actor_kind: ActorKind::parse(&r.actor_kind).unwrap_or(ActorKind::User),
            actor_id: r.actor_id,
            actor_name: r.actor_name,
            actor_role: r.actor_role,
            resource: r.resource,
            resource_id: r.resource_id,
            action: r.action,
            diff: r.diff,
            address: r.address,
            request_id: r.request_id,
            hash: r.hash,
        }
    }
}

const COLUMNS: &str = "a.seq, a.id, a.at_ms, a.actor_kind, a.actor_id,
    COALESCE(e.name, k.name) AS actor_name, a.actor_role, a.resource, a.resource_id, a.action,
    a.diff, a.address, a.request_id, a.prev_hash, a.hash";

const FROM: &str = "audit_log a
    LEFT JOIN employees e ON a.actor_kind = 'user' AND e.tenant_id = a.tenant_id AND e.id = a.actor_id
    LEFT JOIN api_keys k ON a.actor_kind = 'api_key' AND k.tenant_id = a.tenant_id AND k.id = a.actor_id";

impl Store {
    /// Appends an entry after the tenant's newest one. The head row is created or locked
    /// first (an upsert that takes the row lock on PostgreSQL; SQLite's write transaction
    /// is exclusive), so concurrent appends are numbered and chained one after another.
    pub async fn append_audit(
        &self,
        tenant: TenantId,
        e: &NewAuditEntry<'_>,
    ) -> Result<i64, StoreError> {
        let id = Uuid::now_v7();
        write_tx!(self, |tx| {
            let (last, prev): (i64, String) = sqlx::query_as(
                "INSERT INTO audit_heads (tenant_id, seq, hash, first_seq) VALUES ($1, 0, $2, 1)
                 ON CONFLICT (tenant_id) DO UPDATE SET seq = audit_heads.seq
                 RETURNING seq, hash",
            )
            .bind(tenant.0)
            .bind(GENESIS)
            .fetch_one(&mut *tx)
            .await?;
            let seq = last + 1;
            let facts = Facts {
                tenant,
                seq,
                id,
                at_ms: e.at_ms,
                actor_kind: e.actor_kind,
                actor_id: e.actor_id,
                actor_role: e.actor_role,
                resource: e.resource,
                resource_id: e.resource_id,
                action: e.action,
                diff: e.diff,
                address: e.address,
                request_id: e.request_id,
            };
            let hash = chain::hash(&prev, &facts);
            sqlx::query(
                "INSERT INTO audit_log (tenant_id, seq, id, at_ms, actor_kind, actor_id, actor_role,
                    resource, resource_id, action, diff, address, request_id, prev_hash, hash)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
            )
            .bind(tenant.0)
            .bind(seq)
            .bind(id)
            .bind(e.at_ms)
            .bind(e.actor_kind.as_str())
            .bind(e.actor_id)
            .bind(e.actor_role)
            .bind(e.resource)
            .bind(e.resource_id)
            .bind(e.action)
            .bind(e.diff)
            .bind(e.address)
            .bind(e.request_id)
            .bind(&prev)
            .bind(&hash)
            .execute(&mut *tx)
            .await?;
            sqlx::query("UPDATE audit_heads SET seq = $2, hash = $3 WHERE tenant_id = $1")
                .bind(tenant.0)
                .bind(seq)
                .bind(&hash)
                .execute(&mut *tx)
                .await?;
            Ok::<_, StoreError>(seq)
        })
    }

    /// The tenant's entries, newest first.
    pub async fn list_audit(
        &self,
        tenant: TenantId,
        f: &AuditFilter,
    ) -> Result<Page<AuditEntry>, StoreError> {
        let mut sql = Sql::new(&format!(
            "SELECT {COLUMNS} FROM {FROM} WHERE a.tenant_id = "
        ));
        sql.bind(Arg::Uuid(tenant.0));
        if let Some(r) = &f.resource {
            sql.push(" AND a.resource = ").bind(Arg::Text(r.clone()));
        }
        if let Some(a) = f.actor {
            sql.push(" AND a.actor_id = ").bind(Arg::Uuid(a));
        }
        if let Some(t) = f.from_ms {
            sql.push(" AND a.at_ms >= ").bind(Arg::I64(t));
        }
        if let Some(t) = f.to_ms {
            sql.push(" AND a.at_ms < ").bind(Arg::I64(t));
        }
        if let Some(c) = &f.cursor {
            // The sequence alone orders entries; the id is carried only as a check.
            let (v, _) = cursor::decode(c)?;
            let seq = v
                .as_i64()
                .ok_or_else(|| StoreError::invalid("cursor", Problem::format(Format::Cursor)))?;
            sql.push(" AND a.seq < ").bind(Arg::I64(seq));
        }
        let limit = f.limit.clamp(1, MAX_LIMIT);
        sql.push(&format!(" ORDER BY a.seq DESC LIMIT {}", limit + 1));
        let Sql { text, args } = sql;
        let mut rows: Vec<Row> = on_pool!(self, |p| {
            bind_all(sqlx::query_as(sqlx::AssertSqlSafe(text.as_str())), args)
                .fetch_all(p)
                .await?
        });
        let next_cursor = if rows.len() > limit as usize {
            rows.truncate(limit as usize);
            rows.last()
                .map(|r| cursor::encode(serde_json::Value::from(r.seq), r.id))
        } else {
            None
        };
        Ok(Page {
            items: rows.into_iter().map(AuditEntry::from).collect(),
            next_cursor,
        })
    }

    /// Walks the tenant's chain from the oldest kept entry to the head, a batch at a time,
    /// and answers the first break (see `domain::audit::chain::Verifier`). Entries appended
    /// after the head was read are left for the next run.
    pub async fn verify_audit(&self, tenant: TenantId) -> Result<AuditVerdict, StoreError> {
        const BATCH: i64 = 1000;
        let head: Option<(i64, String, i64)> = on_pool!(self, |p| {
            sqlx::query_as("SELECT seq, hash, first_seq FROM audit_heads WHERE tenant_id = $1")
                .bind(tenant.0)
                .fetch_optional(p)
                .await?
        });
        let (head_seq, head_hash, first_seq) = head.unwrap_or((0, GENESIS.to_owned(), 1));
        let mut verifier = Verifier::new(first_seq);
        // Rows before the cut would be a retention that did not finish; they are not
        // part of the kept chain.
        let mut after = first_seq - 1;
        loop {
            let sql = format!(
                "SELECT {COLUMNS} FROM {FROM} WHERE a.tenant_id = $1 AND a.seq > $2 AND a.seq <= $3
                 ORDER BY a.seq LIMIT {BATCH}"
            );
            let rows: Vec<Row> = on_pool!(self, |p| {
                sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                    .bind(tenant.0)
                    .bind(after)
                    .bind(head_seq)
                    .fetch_all(p)
                    .await?
            });
            for r in &rows {
                let link = Link {
                    facts: r.facts(tenant),
                    prev_hash: &r.prev_hash,
                    hash: &r.hash,
                };
                if let Err(b) = verifier.check(&link) {
                    return Ok(AuditVerdict::Broken(b));
                }
            }
            match rows.last() {
                Some(r) if rows.len() as i64 == BATCH => after = r.seq,
                _ => break,
            }
        }
        Ok(match verifier.finish(head_seq, &head_hash) {
            Ok(entries) => AuditVerdict::Intact {
                entries,
                head: head_hash,
            },
            Err(b) => AuditVerdict::Broken(b),
        })
    }

    /// Retention: deletes the tenant's oldest entries up to the first one made at or after
    /// `before_ms`, and records the cut in the head, so the kept chain still verifies
    /// (from its first kept entry, whose previous hash is trusted). Only a prefix is ever
    /// deleted, even if a clock once went backwards. Answers how many were deleted.
    pub async fn prune_audit(&self, tenant: TenantId, before_ms: i64) -> Result<u64, StoreError> {
        write_tx!(self, |tx| {
            let head: Option<(i64,)> =
                sqlx::query_as("SELECT seq FROM audit_heads WHERE tenant_id = $1")
                    .bind(tenant.0)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some((head_seq,)) = head else {
                return Ok(0);
            };
            let kept: (Option<i64>,) = sqlx::query_as(
                "SELECT MIN(seq) FROM audit_log WHERE tenant_id = $1 AND at_ms >= $2",
            )
            .bind(tenant.0)
            .bind(before_ms)
            .fetch_one(&mut *tx)
            .await?;
            let cut = kept.0.unwrap_or(head_seq + 1);
            let n = sqlx::query("DELETE FROM audit_log WHERE tenant_id = $1 AND seq < $2")
                .bind(tenant.0)
                .bind(cut)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            sqlx::query(
                "UPDATE audit_heads SET first_seq = $2 WHERE tenant_id = $1 AND first_seq < $2",
            )
            .bind(tenant.0)
            .bind(cut)
            .execute(&mut *tx)
            .await?;
            Ok::<_, StoreError>(n)
        })
    }

    /// Days the tenant keeps audit entries; `None`: forever.
    pub async fn audit_retention(&self, tenant: TenantId) -> Result<Option<u32>, StoreError> {
        let row: Option<(Option<i64>,)> = on_pool!(self, |p| {
            sqlx::query_as("SELECT audit_retention_days FROM tenants WHERE id = $1")
                .bind(tenant.0)
                .fetch_optional(p)
                .await?
        });
        let (days,) = row.ok_or(StoreError::NotFound)?;
        Ok(days.and_then(|d| u32::try_from(d).ok()))
    }

    pub async fn set_audit_retention(
        &self,
        tenant: TenantId,
        days: Option<u32>,
    ) -> Result<(), StoreError> {
        write_on_pool!(self, |p| {
            sqlx::query("UPDATE tenants SET audit_retention_days = $2 WHERE id = $1")
                .bind(tenant.0)
                .bind(days.map(i64::from))
                .execute(p)
                .await?;
        });
        Ok(())
    }
}
