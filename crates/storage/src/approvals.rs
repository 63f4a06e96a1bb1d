//! Approval flows and the requests that go through them (migration 0018). The engine is
//! the pure `approvals` crate; this module stores what it answers: versioned flow
//! definitions, the tenant's settings, each request as its instance snapshot with the
//! append-only event log beside it, and the inbox index of who can act now.
//!
//! A command is a compare-and-set on the request's `seq` (the number of events stored):
//! of two concurrent deciders one writes, the other finds `seq` moved and tries again
//! from the new state. What the request decides (a claim, a leave or correction row) is
//! written in the same transaction ([`SubjectWrite`]), so a claim is never approved
//! without its request saying so, nor the other way round.

use crate::claims::ClaimFigures;
use crate::cursor::{self, MAX_LIMIT, Page};
use crate::events::{NewEvent, record_event};
use crate::jobs::{NewJob, enqueue_job};
use crate::pool::{on_pool, write_on_pool, write_tx};
use crate::reach;
use crate::requests::StoredRequest;
use crate::sql::{Arg, Sql, bind_all};
use crate::time::now_ms;
use crate::{Store, StoreError};
use domain::TenantId;
use domain::access::Reach;
use uuid::Uuid;

/// The job that sweeps a tenant's open requests: reminders due, deactivated approvers.
pub const APPROVALS_SWEEP_JOB: &str = "approvals_sweep";
/// Applies an approved plan change to the rep's plan (keyed by the request's id).
pub const PLAN_CHANGE_JOB: &str = "plan_change";

/// One version of a tenant's flow for a request type.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct StoredFlow {
    pub request_type: String,
    pub version: i64,
    /// An `approvals::FlowDefinition` (JSON).
    pub body: String,
    pub created_by: Option<Uuid>,
    pub created_ms: i64,
}

/// The tenant's exception rules (JSON) and reminder delay.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct StoredApprovalSettings {
    pub rules: String,
    pub remind_after_hours: i64,
    pub updated_ms: i64,
}

/// A request as stored, with its submitter's name for lists.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct StoredApproval {
    pub id: Uuid,
    pub request_type: String,
    pub submitter_id: Uuid,
    pub submitter_name: String,
    pub subject_id: Option<Uuid>,
    pub payload: String,
    pub summary: String,
    /// `in_progress`, `approved`, `rejected` or `withdrawn`.
    pub status: String,
    pub flow_version: i64,
    pub round: i64,
    /// The `approvals::Instance` after `seq` events (JSON).
    pub state: String,
    pub seq: i64,
    pub digest: String,
    pub created_ms: i64,
    pub updated_ms: i64,
}

const COLUMNS: &str = "r.id, r.request_type, r.submitter_id, e.name AS submitter_name, r.subject_id, r.payload, \
     r.summary, r.status, r.flow_version, r.round, r.state, r.seq, r.digest, r.created_ms, r.updated_ms";

/// One stored event of a request's log.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct StoredApprovalEvent {
    pub seq: i64,
    pub round: i64,
    pub at_ms: i64,
    pub actor_id: Option<Uuid>,
    pub kind: String,
    /// An `approvals::Event` (JSON).
    pub body: String,
    /// A submission or resubmission: what it asked (the request's payload and figures as
    /// they were then; `None` on other events and on events stored before migration 0025).
    pub payload: Option<String>,
    pub summary: Option<String>,
}

/// An event to append.
#[derive(Clone, Debug)]
pub struct NewApprovalEvent {
    pub round: i64,
    pub at_ms: i64,
    pub actor_id: Option<Uuid>,
    pub kind: String,
    pub body: String,
    /// What a submission or resubmission asked: the payload and the list's figures.
    pub asked: Option<(String, String)>,
}

/// A new request's fixed parts.
#[derive(Clone, Debug)]
pub struct NewApproval<'a> {
    pub id: Uuid,
    pub request_type: &'a str,
    pub submitter_id: Uuid,
    pub subject_id: Option<Uuid>,
    pub digest: &'a str,
}

/// The state a command leaves a request in.
#[derive(Clone, Debug)]
pub struct ApprovalWrite<'a> {
    pub id: Uuid,
    /// The events already stored, which the command started from (0 for a new request).
    pub expected_seq: i64,
    pub status: &'a str,
    pub flow_version: i64,
    pub round: i64,
    pub state: &'a str,
    pub payload: &'a str,
    pub summary: &'a str,
    pub events: &'a [NewApprovalEvent],
    /// Who can act now and since when (the inbox rows).
    pub waiting: &'a [(Uuid, i64)],
    /// Outbox events recorded with the change.
    pub outbox: &'a [NewEvent],
    pub subject: SubjectWrite<'a>,
}

/// What the request decides, written in the request's transaction.
#[derive(Clone, Debug)]
pub enum SubjectWrite<'a> {
    None,
    /// A new leave or correction row (same id as the request).
    NewAttendanceRequest(&'a StoredRequest),
    /// The leave or correction row's status follows the request.
    AttendanceStatus {
        id: Uuid,
        status: &'a str,
    },
    /// A rejected or withdrawn leave or correction sent again with what it asks edited:
    /// the row takes the new days and body and the request's status (pending, or approved
    /// by a flow that approves at once).
    AttendanceEdit {
        row: &'a StoredRequest,
        status: &'a str,
    },
    /// Freezes an editable claim as submitted and links it to the request.
    ClaimSubmit {
        id: Uuid,
        by: Option<Uuid>,
        figures: &'a ClaimFigures,
        snapshot: &'a str,
    },
    /// A submitted claim decided (`approved`, `rejected`) or taken back (`draft`).
    ClaimStatus {
        id: Uuid,
        status: &'a str,
        by: Option<Uuid>,
        comment: Option<&'a str>,
    },
    /// A job the decision starts (an approved plan change applied to the plan), queued
    /// in the decision's transaction: it exists exactly when the decision does.
    Job(NewJob),
}

/// How a write went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    Done,
    /// Someone else wrote first: the id was taken, or `seq` moved. Nothing was written.
    Raced,
    /// The subject was not in the state the command needs (a claim no longer editable or
    /// submitted). Nothing was written.
    SubjectMoved,
}

/// Which requests to list.
#[derive(Clone, Debug, Default)]
pub struct ApprovalFilter {
    /// Only this submitter's.
    pub submitter: Option<Uuid>,
    pub request_type: Option<String>,
    pub status: Option<String>,
    pub cursor: Option<String>,
    pub limit: u32,
}

/// One row of an inbox: the request and since when it waits for the person.
#[derive(Clone, Debug, PartialEq)]
pub struct InboxRow {
    pub request: StoredApproval,
    pub since_ms: i64,
}

/// Writes the subject's part inside the transaction; `false` when it was not in the
/// state the command needs.
macro_rules! write_subject {
    ($store:expr, $tx:ident, $tenant:expr, $request:expr, $subject:expr) => {{
        let tenant: TenantId = $tenant;
        match $subject {
            SubjectWrite::None => true,
            SubjectWrite::Job(job) => {
                enqueue_job!($tx, job);
                true
            }
            SubjectWrite::NewAttendanceRequest(r) => {
                let created = sqlx::query(
                    "INSERT INTO attendance_requests (tenant_id, id, employee_id, kind, status, from_date, to_date,
                        body, digest, created_ms)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (tenant_id, id) DO NOTHING",
                )
                .bind(tenant.0)
                .bind(r.id)
                .bind(r.employee_id)
                .bind(&r.kind)
                .bind(&r.status)
                .bind(&r.from_date)
                .bind(&r.to_date)
                .bind(&r.body)
                .bind(&r.digest)
                .bind(now_ms())
                .execute(&mut *$tx)
                .await?
                .rows_affected()
                    > 0;
                if created {
                    let payload = serde_json::json!({
                        "request_id": r.id, "employee_id": r.employee_id, "kind": r.kind,
                    });
                    record_event!($tx, &NewEvent::new(tenant, "request.created", r.id, payload));
                    // A leave approved as it is made (a flow without a step) is on leave
                    // from the start.
                    if r.kind == "leave" && r.status == "approved" {
                        for day in crate::requests::leave_days(&r.from_date, &r.to_date) {
                            crate::report_facts::enqueue_facts!(
                            $store,
                                $tx,
                                tenant,
                                domain::EmployeeId(r.employee_id),
                                &day
                            );
                        }
                    }
                }
                created
            }
            SubjectWrite::AttendanceStatus { id, status } => {
                let decided = matches!(*status, "approved" | "rejected");
                let changed: Option<(Uuid, String, String, String)> = sqlx::query_as(
                    "UPDATE attendance_requests SET status = $3,
                        decided_ms = CASE WHEN $4 THEN $5 ELSE decided_ms END
                     WHERE tenant_id = $1 AND id = $2 AND status <> $3
                     RETURNING employee_id, kind, from_date, to_date",
                )
                .bind(tenant.0)
                .bind(*id)
                .bind(*status)
                .bind(decided)
                .bind(now_ms())
                .fetch_optional(&mut *$tx)
                .await?;
                if changed.is_some() && decided {
                    let payload = serde_json::json!({ "request_id": id, "status": status });
                    record_event!($tx, &NewEvent::new(tenant, "request.decided", *id, payload));
                }
                // A leave's days change with its status (their attendance is on leave
                // only while it is approved).
                if let Some((employee, kind, from, to)) = &changed
                    && kind == "leave"
                {
                    for day in crate::requests::leave_days(from, to) {
                        crate::report_facts::enqueue_facts!(
                            $store,
                            $tx,
                            tenant,
                            domain::EmployeeId(*employee),
                            &day
                        );
                    }
                }
                true
            }
            SubjectWrite::AttendanceEdit { row: r, status } => {
                let decided = matches!(*status, "approved" | "rejected");
                let done = sqlx::query(
                    "UPDATE attendance_requests SET status = $3, from_date = $4, to_date = $5, body = $6,
                        decided_ms = CASE WHEN $7 THEN $8 ELSE NULL END
                     WHERE tenant_id = $1 AND id = $2 AND kind = $9 AND status IN ('rejected', 'withdrawn')",
                )
                .bind(tenant.0)
                .bind(r.id)
                .bind(*status)
                .bind(&r.from_date)
                .bind(&r.to_date)
                .bind(&r.body)
                .bind(decided)
                .bind(now_ms())
                .bind(&r.kind)
                .execute(&mut *$tx)
                .await?
                .rows_affected()
                    > 0;
                if done && decided {
                    let payload = serde_json::json!({ "request_id": r.id, "status": status });
                    record_event!($tx, &NewEvent::new(tenant, "request.decided", r.id, payload));
                }
                // Leave approved at once: its (new) days are on leave.
                if done && r.kind == "leave" && *status == "approved" {
                    for day in crate::requests::leave_days(&r.from_date, &r.to_date) {
                        crate::report_facts::enqueue_facts!(
                            $store,
                            $tx,
                            tenant,
                            domain::EmployeeId(r.employee_id),
                            &day
                        );
                    }
                }
                done
            }
            SubjectWrite::ClaimSubmit {
                id,
                by,
                figures,
                snapshot,
            } => {
                let now = now_ms();
                let done = sqlx::query(
                    "UPDATE claims SET status = 'submitted', currency = $3, mileage_minor = $4, expenses_minor = $5,
                        total_minor = $6, paid_m = $7, rate_refs = $8, claim = $9, snapshot = $10, computed_ms = $11,
                        submitted_ms = $11, submitted_by = $12, decided_ms = NULL, decided_by = NULL,
                        decision_comment = NULL, approval_id = $13
                     WHERE tenant_id = $1 AND id = $2 AND status IN ('draft', 'rejected')",
                )
                .bind(tenant.0)
                .bind(*id)
                .bind(&figures.currency)
                .bind(figures.mileage_minor)
                .bind(figures.expenses_minor)
                .bind(figures.total_minor)
                .bind(figures.paid_m)
                .bind(&figures.rate_refs)
                .bind(&figures.claim)
                .bind(*snapshot)
                .bind(now)
                .bind(*by)
                .bind($request)
                .execute(&mut *$tx)
                .await?
                .rows_affected()
                    > 0;
                if done {
                    let payload = serde_json::json!({
                        "claim_id": id, "total_minor": figures.total_minor, "currency": figures.currency,
                    });
                    record_event!($tx, &NewEvent::new(tenant, "claim.submitted", *id, payload));
                }
                done
            }
            SubjectWrite::ClaimStatus {
                id,
                status,
                by,
                comment,
            } => {
                let done = sqlx::query(
                    "UPDATE claims SET status = $3, decided_ms = CASE WHEN $3 = 'draft' THEN NULL ELSE $4 END,
                        decided_by = CASE WHEN $3 = 'draft' THEN NULL ELSE $5 END, decision_comment = $6
                     WHERE tenant_id = $1 AND id = $2 AND status = 'submitted'",
                )
                .bind(tenant.0)
                .bind(*id)
                .bind(*status)
                .bind(now_ms())
                .bind(*by)
                .bind(*comment)
                .execute(&mut *$tx)
                .await?
                .rows_affected()
                    > 0;
                if done && *status != "draft" {
                    let payload = serde_json::json!({ "claim_id": id, "status": status });
                    record_event!($tx, &NewEvent::new(tenant, "claim.decided", *id, payload));
                }
                done
            }
        }
    }};
}

/// Appends the events (numbered after `$from`), the inbox rows and the outbox events.
macro_rules! write_rest {
    ($tx:ident, $tenant:expr, $w:expr, $from:expr) => {{
        let tenant: TenantId = $tenant;
        let w: &ApprovalWrite = $w;
        for (i, e) in w.events.iter().enumerate() {
            sqlx::query(
                "INSERT INTO approval_events (tenant_id, request_id, seq, round, at_ms, actor_id, kind, body,
                    payload, summary)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(tenant.0)
            .bind(w.id)
            .bind($from + i as i64 + 1)
            .bind(e.round)
            .bind(e.at_ms)
            .bind(e.actor_id)
            .bind(&e.kind)
            .bind(&e.body)
            .bind(e.asked.as_ref().map(|a| a.0.as_str()))
            .bind(e.asked.as_ref().map(|a| a.1.as_str()))
            .execute(&mut *$tx)
            .await?;
        }
        for (employee, since) in w.waiting {
            sqlx::query(
                "INSERT INTO approval_waiting (tenant_id, employee_id, request_id, since_ms) VALUES ($1, $2, $3, $4)",
            )
            .bind(tenant.0)
            .bind(*employee)
            .bind(w.id)
            .bind(*since)
            .execute(&mut *$tx)
            .await?;
        }
        for e in w.outbox {
            record_event!($tx, e);
        }
        // Someone may be waiting, decided or reminded: the notifications follow.
        if !w.outbox.is_empty() {
            crate::notifications::enqueue_notifications!($tx, tenant);
        }
    }};
}

impl Store {
    /// The newest version of the tenant's flow for `request_type`.
    pub async fn latest_flow(
        &self,
        tenant: TenantId,
        request_type: &str,
    ) -> Result<Option<StoredFlow>, StoreError> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT request_type, version, body, created_by, created_ms FROM approval_flows
                 WHERE tenant_id = $1 AND request_type = $2 ORDER BY version DESC LIMIT 1",
            )
            .bind(tenant.0)
            .bind(request_type)
            .fetch_optional(p)
            .await?
        }))
    }

    /// One version of the tenant's flow for `request_type`.
    pub async fn flow_version(
        &self,
        tenant: TenantId,
        request_type: &str,
        version: i64,
    ) -> Result<Option<StoredFlow>, StoreError> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT request_type, version, body, created_by, created_ms FROM approval_flows
                 WHERE tenant_id = $1 AND request_type = $2 AND version = $3",
            )
            .bind(tenant.0)
            .bind(request_type)
            .bind(version)
            .fetch_optional(p)
            .await?
        }))
    }

    /// Stores `body(version)` as the next version of the flow (1 for the first), or
    /// `None` when a concurrent PUT took that version first.
    pub async fn put_flow(
        &self,
        tenant: TenantId,
        request_type: &str,
        by: Option<Uuid>,
        body: impl Fn(i64) -> String,
    ) -> Result<Option<StoredFlow>, StoreError> {
        let now = now_ms();
        let stored = write_tx!(self, |tx| {
            let (last,): (Option<i64>,) = sqlx::query_as(
                "SELECT MAX(version) FROM approval_flows WHERE tenant_id = $1 AND request_type = $2",
            )
            .bind(tenant.0)
            .bind(request_type)
            .fetch_one(&mut *tx)
            .await?;
            let version = last.unwrap_or(0) + 1;
            let text = body(version);
            let inserted = sqlx::query(
                "INSERT INTO approval_flows (tenant_id, request_type, version, body, created_by, created_ms)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, request_type, version) DO NOTHING",
            )
            .bind(tenant.0)
            .bind(request_type)
            .bind(version)
            .bind(&text)
            .bind(by)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                > 0;
            inserted.then(|| StoredFlow {
                request_type: request_type.to_owned(),
                version,
                body: text,
                created_by: by,
                created_ms: now,
            })
        });
        Ok(stored)
    }

    pub async fn approval_settings(
        &self,
        tenant: TenantId,
    ) -> Result<Option<StoredApprovalSettings>, StoreError> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT rules, remind_after_hours, updated_ms FROM approval_settings WHERE tenant_id = $1",
            )
            .bind(tenant.0)
            .fetch_optional(p)
            .await?
        }))
    }

    pub async fn put_approval_settings(
        &self,
        tenant: TenantId,
        rules: &str,
        remind_after_hours: i64,
        by: Option<Uuid>,
    ) -> Result<(), StoreError> {
        write_on_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO approval_settings (tenant_id, rules, remind_after_hours, updated_by, updated_ms)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (tenant_id) DO UPDATE SET rules = $2, remind_after_hours = $3, updated_by = $4,
                    updated_ms = $5",
            )
            .bind(tenant.0)
            .bind(rules)
            .bind(remind_after_hours)
            .bind(by)
            .bind(now_ms())
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// Stores a new request with its first state and events; [`Applied::Raced`] when the
    /// id (or the subject) is taken.
    pub async fn create_approval(
        &self,
        tenant: TenantId,
        new: &NewApproval<'_>,
        w: &ApprovalWrite<'_>,
    ) -> Result<Applied, StoreError> {
        let now = now_ms();
        Ok(write_tx!(self, |tx| {
            let inserted = sqlx::query(
                "INSERT INTO approval_requests (tenant_id, id, request_type, submitter_id, subject_id, payload, summary,
                    status, flow_version, round, state, seq, digest, created_ms, updated_ms)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)
                 ON CONFLICT DO NOTHING",
            )
            .bind(tenant.0)
            .bind(new.id)
            .bind(new.request_type)
            .bind(new.submitter_id)
            .bind(new.subject_id)
            .bind(w.payload)
            .bind(w.summary)
            .bind(w.status)
            .bind(w.flow_version)
            .bind(w.round)
            .bind(w.state)
            .bind(w.events.len() as i64)
            .bind(new.digest)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                > 0;
            if !inserted {
                return Ok(Applied::Raced);
            }
            if !write_subject!(self, tx, tenant, new.id, &w.subject) {
                return Ok(Applied::SubjectMoved);
            }
            write_rest!(tx, tenant, w, 0);
            Applied::Done
        }))
    }

    /// Moves a request on from the state after `w.expected_seq` events.
    pub async fn update_approval(
        &self,
        tenant: TenantId,
        w: &ApprovalWrite<'_>,
    ) -> Result<Applied, StoreError> {
        if w.events.is_empty() {
            return Ok(Applied::Done);
        }
        Ok(write_tx!(self, |tx| {
            let moved = sqlx::query(
                "UPDATE approval_requests SET payload = $4, summary = $5, status = $6, flow_version = $7,
                    round = $8, state = $9, seq = $10, updated_ms = $11
                 WHERE tenant_id = $1 AND id = $2 AND seq = $3",
            )
            .bind(tenant.0)
            .bind(w.id)
            .bind(w.expected_seq)
            .bind(w.payload)
            .bind(w.summary)
            .bind(w.status)
            .bind(w.flow_version)
            .bind(w.round)
            .bind(w.state)
            .bind(w.expected_seq + w.events.len() as i64)
            .bind(now_ms())
            .execute(&mut *tx)
            .await?
            .rows_affected()
                > 0;
            if !moved {
                return Ok(Applied::Raced);
            }
            if !write_subject!(self, tx, tenant, w.id, &w.subject) {
                return Ok(Applied::SubjectMoved);
            }
            sqlx::query("DELETE FROM approval_waiting WHERE tenant_id = $1 AND request_id = $2")
                .bind(tenant.0)
                .bind(w.id)
                .execute(&mut *tx)
                .await?;
            write_rest!(tx, tenant, w, w.expected_seq);
            Applied::Done
        }))
    }

    /// One request (any submitter; the caller checks who may see it).
    pub async fn approval(&self, tenant: TenantId, id: Uuid) -> Result<StoredApproval, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM approval_requests r
             JOIN employees e ON e.tenant_id = r.tenant_id AND e.id = r.submitter_id
             WHERE r.tenant_id = $1 AND r.id = $2"
        );
        let row: Option<StoredApproval> = on_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(id)
                .fetch_optional(p)
                .await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// The request deciding a subject (a claim), if any.
    pub async fn approval_of_subject(
        &self,
        tenant: TenantId,
        subject: Uuid,
    ) -> Result<Option<StoredApproval>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM approval_requests r
             JOIN employees e ON e.tenant_id = r.tenant_id AND e.id = r.submitter_id
             WHERE r.tenant_id = $1 AND r.subject_id = $2"
        );
        Ok(on_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(subject)
                .fetch_optional(p)
                .await?
        }))
    }

    /// A request's log, oldest first.
    pub async fn approval_events(
        &self,
        tenant: TenantId,
        id: Uuid,
    ) -> Result<Vec<StoredApprovalEvent>, StoreError> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT seq, round, at_ms, actor_id, kind, body, payload, summary FROM approval_events
                 WHERE tenant_id = $1 AND request_id = $2 ORDER BY seq",
            )
            .bind(tenant.0)
            .bind(id)
            .fetch_all(p)
            .await?
        }))
    }

    /// Requests whose submitter the reach covers (newest first), with filters.
    pub async fn list_approvals(
        &self,
        tenant: TenantId,
        reach: &Reach,
        f: &ApprovalFilter,
    ) -> Result<Page<StoredApproval>, StoreError> {
        let mut sql = Sql::new(&format!(
            "SELECT {COLUMNS} FROM approval_requests r
             JOIN employees e ON e.tenant_id = r.tenant_id AND e.id = r.submitter_id
             WHERE r.tenant_id = "
        ));
        sql.bind(Arg::Uuid(tenant.0));
        reach::employees(&mut sql, tenant, reach);
        if let Some(s) = f.submitter {
            sql.push(" AND r.submitter_id = ").bind(Arg::Uuid(s));
        }
        if let Some(t) = &f.request_type {
            sql.push(" AND r.request_type = ")
                .bind(Arg::Text(t.clone()));
        }
        if let Some(s) = &f.status {
            sql.push(" AND r.status = ").bind(Arg::Text(s.clone()));
        }
        if let Some(c) = &f.cursor {
            let (_, id) = cursor::decode(c)?;
            sql.push(" AND r.id < ").bind(Arg::Uuid(id));
        }
        let limit = f.limit.clamp(1, MAX_LIMIT);
        sql.push(&format!(" ORDER BY r.id DESC LIMIT {}", limit + 1));
        let Sql { text, args } = sql;
        let mut rows: Vec<StoredApproval> = on_pool!(self, |p| {
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

    /// What waits for `employee`, longest waiting first.
    pub async fn inbox(
        &self,
        tenant: TenantId,
        employee: Uuid,
        request_type: Option<&str>,
        cursor_text: Option<&str>,
        limit: u32,
    ) -> Result<Page<InboxRow>, StoreError> {
        let mut sql = Sql::new(&format!(
            "SELECT {COLUMNS}, w.since_ms FROM approval_waiting w
             JOIN approval_requests r ON r.tenant_id = w.tenant_id AND r.id = w.request_id
             JOIN employees e ON e.tenant_id = r.tenant_id AND e.id = r.submitter_id
             WHERE w.tenant_id = "
        ));
        sql.bind(Arg::Uuid(tenant.0))
            .push(" AND w.employee_id = ")
            .bind(Arg::Uuid(employee));
        if let Some(t) = request_type {
            sql.push(" AND r.request_type = ").bind(Arg::Text(t.into()));
        }
        if let Some(c) = cursor_text {
            let (since, id) = cursor::decode(c)?;
            let since = since
                .as_i64()
                .ok_or_else(|| StoreError::invalid("cursor", cursor_problem()))?;
            sql.push(" AND (w.since_ms > ")
                .bind(Arg::I64(since))
                .push(" OR (w.since_ms = ")
                .bind(Arg::I64(since))
                .push(" AND w.request_id > ")
                .bind(Arg::Uuid(id))
                .push("))");
        }
        let limit = limit.clamp(1, MAX_LIMIT);
        sql.push(&format!(
            " ORDER BY w.since_ms, w.request_id LIMIT {}",
            limit + 1
        ));
        let Sql { text, args } = sql;
        let rows: Vec<InboxSqlRow> = on_pool!(self, |p| {
            bind_all(sqlx::query_as(sqlx::AssertSqlSafe(text.as_str())), args)
                .fetch_all(p)
                .await?
        });
        let mut items: Vec<InboxRow> = rows.into_iter().map(InboxSqlRow::into_row).collect();
        let next_cursor = if items.len() > limit as usize {
            items.truncate(limit as usize);
            items
                .last()
                .map(|r| cursor::encode(serde_json::json!(r.since_ms), r.request.id))
        } else {
            None
        };
        Ok(Page { items, next_cursor })
    }

    /// The ids of the tenant's requests in progress, oldest first, after `after`.
    pub async fn open_approvals(
        &self,
        tenant: TenantId,
        after: Option<Uuid>,
        limit: i64,
    ) -> Result<Vec<Uuid>, StoreError> {
        let rows: Vec<(Uuid,)> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT id FROM approval_requests
                 WHERE tenant_id = $1 AND status = 'in_progress' AND ($2 IS NULL OR id > $2)
                 ORDER BY id LIMIT $3",
            )
            .bind(tenant.0)
            .bind(after)
            .bind(limit)
            .fetch_all(p)
            .await?
        });
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// Queues a sweep of the tenant's open requests (one waits at a time).
    pub async fn enqueue_approvals_sweep(&self, tenant: TenantId) -> Result<(), StoreError> {
        write_tx!(self, |tx| {
            let job = NewJob::new(tenant, APPROVALS_SWEEP_JOB, "{}".into()).keyed("sweep");
            enqueue_job!(tx, &job);
        });
        Ok(())
    }
}

fn cursor_problem() -> domain::Problem {
    domain::Problem::format(domain::Format::Cursor)
}

#[derive(sqlx::FromRow)]
struct InboxSqlRow {
    #[sqlx(flatten)]
    request: StoredApproval,
    since_ms: i64,
}

impl InboxSqlRow {
    fn into_row(self) -> InboxRow {
        InboxRow {
            request: self.request,
            since_ms: self.since_ms,
        }
    }
}

/// One person as the approval engine's org chart needs them.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct OrgPerson {
    pub id: Uuid,
    pub department_id: Uuid,
    pub role: String,
    pub active: bool,
    pub name: String,
}

impl Store {
    /// Every person of the tenant, deactivated ones included (their open seats escalate).
    pub async fn org_people(&self, tenant: TenantId) -> Result<Vec<OrgPerson>, StoreError> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT id, department_id, role, active, name FROM employees WHERE tenant_id = $1 ORDER BY id",
            )
            .bind(tenant.0)
            .fetch_all(p)
            .await?
        }))
    }

    /// The names of these people (unknown ids are left out).
    pub async fn employee_names(
        &self,
        tenant: TenantId,
        ids: &[Uuid],
    ) -> Result<Vec<(Uuid, String)>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = Sql::new("SELECT id, name FROM employees WHERE tenant_id = ");
        sql.bind(Arg::Uuid(tenant.0))
            .push(" AND id IN ")
            .bind_ids(ids);
        let Sql { text, args } = sql;
        Ok(on_pool!(self, |p| {
            bind_all(sqlx::query_as(sqlx::AssertSqlSafe(text.as_str())), args)
                .fetch_all(p)
                .await?
        }))
    }
}
