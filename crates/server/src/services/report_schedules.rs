//! Scheduled reports (定时报表): schedules an admin, finance or a manager keeps (a manager
//! reaches the schedules owned by people in their subtree), the worker's step that queues
//! each due run, and the `report_delivery` job that builds the report for the period that
//! just ended with the owner's reach and mails it over SMTP (`crate::mail`) and/or posts it
//! to one of the tenant's webhook endpoints as a signed `report.delivered` event
//! (`crate::webhooks::send`). A failed send is retried by the job system with back-off
//! (only the channel that has not gone yet) and stays visible on the run; a run that
//! cannot succeed by retrying (no SMTP configured, the owner deactivated, the report
//! refused for the owner, the endpoint deleted, disabled or gone) fails at once with a
//! stable code.

use crate::error::{ApiError, ApiResult};
use crate::mail;
use crate::services::report_pack::{self, ReportQuery};
use crate::state::AppState;
use crate::tracking::schedule_cache::parse_tz;
use chrono::{DateTime, Utc};
use domain::access::{Action, Principal, Reach, Resource, UserPrincipal};
use domain::employee::Role;
use domain::{DepartmentId, EmployeeId, Invalid, Problem, ReportScheduleId, TenantId};
use reports::schedule::{self, Cadence, FileFormat, RawSettings, Settings};
use serde::{Deserialize, Serialize};
use storage::{
    ClaimedJob, NewJob, QueuedRun, REPORT_DELIVERY_JOB, RunOutcome, ScheduleWrite, Store,
    StoreError, StoredRun, StoredSchedule,
};
use utoipa::ToSchema;

/// The codes a failed run carries (`error_code`), stable for the console to translate.
pub const SMTP_NOT_CONFIGURED: &str = "smtp_not_configured";
pub const SMTP_FAILED: &str = "smtp_failed";
pub const OWNER_INACTIVE: &str = "owner_inactive";
pub const REPORT_REFUSED: &str = "report_refused";
pub const WEBHOOK_FAILED: &str = "webhook_failed";
pub const WEBHOOK_NOT_FOUND: &str = "webhook_not_found";
pub const WEBHOOK_DISABLED: &str = "webhook_disabled";

/// The longest customer tag a filter may name (a customer's tag is at most 30).
const MAX_TAG_CHARS: usize = 30;

/// Attempts of one run's delivery before its job is dead (back-off from 2 s, doubling).
const DELIVERY_ATTEMPTS: i32 = 6;

/// The report's filters, as `GET /reports/{name}` takes them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ScheduleFilters {
    /// Only days spent in this department and below (within the owner's reach).
    pub department_id: Option<DepartmentId>,
    /// Only this person.
    pub employee_id: Option<EmployeeId>,
    /// Only customers of this level (`A`, `B`, `C`).
    pub customer_level: Option<String>,
    /// Only customers with this tag.
    pub customer_tag: Option<String>,
}

/// A schedule as a client writes it.
#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct ScheduleInput {
    /// A client-generated id makes the create safe to retry.
    pub id: Option<ReportScheduleId>,
    /// One of the standard reports (`GET /reports/{name}`).
    #[schema(value_type = crate::openapi::values::ReportName)]
    pub report: String,
    #[serde(default)]
    pub filters: ScheduleFilters,
    /// `daily` (covers yesterday), `weekly` (last Monday–Sunday) or `monthly` (last month).
    #[schema(value_type = crate::openapi::values::Cadence)]
    pub cadence: String,
    /// Weekly: the day it is sent, 1 Monday … 7 Sunday.
    #[schema(minimum = 1, maximum = 7)]
    pub weekday: Option<i64>,
    /// Monthly: the day of the month it is sent, 1–28.
    #[schema(minimum = 1, maximum = 28)]
    pub month_day: Option<i64>,
    /// The hour it is sent, 0–23 on the tenant's clock (default 7).
    #[schema(minimum = 0, maximum = 23)]
    pub hour: Option<i64>,
    /// The attachment: `xlsx` (default) or `csv`.
    #[schema(value_type = Option<crate::openapi::values::ScheduleFormat>)]
    pub format: Option<String>,
    /// The e-mail's and file's language: `zh-CN` (default) or `en`.
    #[schema(value_type = Option<crate::openapi::values::ReportLang>)]
    pub language: Option<String>,
    /// 1–50 e-mail addresses; none when `webhook_id` is given and the report should go
    /// only there.
    #[serde(default)]
    pub recipients: Vec<String>,
    /// One of the tenant's webhook endpoints: each run is also posted there as a signed
    /// `report.delivered` event (see `ReportDeliveredEvent`). Setting or changing it needs
    /// `webhooks:read` (admins).
    pub webhook_id: Option<uuid::Uuid>,
    /// Default true.
    pub enabled: Option<bool>,
    /// Whose reach the report is built with: an active admin, finance or manager the
    /// caller reaches. Default: the caller on create, unchanged on update.
    pub owner_id: Option<EmployeeId>,
}

/// A schedule as the API shows it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ScheduleView {
    pub id: ReportScheduleId,
    pub owner_id: EmployeeId,
    #[schema(value_type = crate::openapi::values::ReportName)]
    pub report: String,
    pub filters: ScheduleFilters,
    #[schema(value_type = crate::openapi::values::Cadence)]
    pub cadence: String,
    pub weekday: Option<i32>,
    pub month_day: Option<i32>,
    pub hour: i32,
    #[schema(value_type = crate::openapi::values::ScheduleFormat)]
    pub format: String,
    #[schema(value_type = crate::openapi::values::ReportLang)]
    pub language: String,
    pub recipients: Vec<String>,
    /// The webhook endpoint each run is posted to, if any.
    pub webhook_id: Option<uuid::Uuid>,
    pub enabled: bool,
    /// When it next runs; `null` while disabled.
    pub next_run_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One run of a schedule.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RunView {
    pub id: uuid::Uuid,
    /// When it was due.
    pub due_at: DateTime<Utc>,
    /// The period its report covers (local dates, inclusive).
    #[schema(format = Date)]
    pub period_from: String,
    #[schema(format = Date)]
    pub period_to: String,
    /// `queued`, `sent` or `failed` (a failed send is retried while attempts remain).
    #[schema(value_type = crate::openapi::values::RunStatus)]
    pub status: String,
    pub attempts: i32,
    /// Why the last attempt failed: `smtp_not_configured`, `smtp_failed`,
    /// `owner_inactive`, `report_refused`, `webhook_failed`, `webhook_not_found` or
    /// `webhook_disabled`.
    #[schema(value_type = Option<crate::openapi::values::RunError>)]
    pub error_code: Option<String>,
    /// The failure's detail (the mail server's or the receiver's answer), in English.
    pub error: Option<String>,
    pub recipients: Vec<String>,
    /// The webhook endpoint the run was queued for, if any.
    pub webhook_id: Option<uuid::Uuid>,
    /// The endpoint's HTTP status on the last attempt (`null`: no answer, or not tried).
    pub webhook_status: Option<i32>,
    /// When the e-mail went out; when the endpoint took the report (a 2xx answer). A
    /// retry after one of the two failed sends only the other.
    pub mailed_at: Option<DateTime<Utc>>,
    pub posted_at: Option<DateTime<Utc>>,
    /// Rows in the attached report.
    pub rows: Option<i32>,
    pub sent_at: Option<DateTime<Utc>>,
}

fn instant(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

fn view(s: StoredSchedule) -> ApiResult<ScheduleView> {
    Ok(ScheduleView {
        id: ReportScheduleId(s.id),
        owner_id: EmployeeId(s.owner_id),
        report: s.report,
        filters: serde_json::from_str(&s.filters).map_err(ApiError::internal)?,
        cadence: s.cadence,
        weekday: s.weekday,
        month_day: s.month_day,
        hour: s.hour,
        format: s.format,
        language: s.language,
        recipients: serde_json::from_str(&s.recipients).map_err(ApiError::internal)?,
        webhook_id: s.webhook_id,
        enabled: s.enabled,
        next_run_at: s.next_run_ms.map(instant),
        created_at: instant(s.created_ms),
        updated_at: instant(s.updated_ms),
    })
}

fn run_view(r: StoredRun) -> ApiResult<RunView> {
    Ok(RunView {
        id: r.id,
        due_at: instant(r.due_ms),
        period_from: r.period_from,
        period_to: r.period_to,
        status: r.status,
        attempts: r.attempts,
        error_code: r.error_code,
        error: r.error,
        recipients: serde_json::from_str(&r.recipients).map_err(ApiError::internal)?,
        webhook_id: r.webhook_id,
        webhook_status: r.webhook_status,
        mailed_at: r.mailed_ms.map(instant),
        posted_at: r.posted_ms.map(instant),
        rows: r.rows,
        sent_at: r.sent_ms.map(instant),
    })
}

/// The schedules a principal reaches: everyone's for admins and finance, those owned by
/// people in their subtree for managers, every one for a key with `reports:read|write`;
/// 403 for field reps.
fn schedule_reach(principal: &Principal) -> ApiResult<Reach> {
    match super::reach(principal, Resource::Tracks, Action::Read)? {
        Reach::Own(_) => Err(ApiError::forbidden()),
        r => Ok(r),
    }
}

/// The principal a schedule's report is built as: its owner, as they are today.
fn owner_principal(tenant: TenantId, owner: &domain::employee::Employee) -> Principal {
    Principal::User(UserPrincipal {
        tenant,
        employee: owner.id,
        role: owner.role,
        department: owner.department_id,
    })
}

/// What an update starts from: the stored owner and webhook endpoint.
#[derive(Clone, Copy, Default)]
struct Current {
    owner: Option<EmployeeId>,
    webhook: Option<uuid::Uuid>,
}

/// Checks the input against the rules and the caller's and owner's reach; answers what
/// to store. `current` is what is stored, on update.
async fn checked(
    s: &AppState,
    principal: &Principal,
    reach: &Reach,
    input: &ScheduleInput,
    current: Current,
) -> ApiResult<ScheduleWrite> {
    let tenant = principal.tenant();
    let raw = RawSettings {
        report: &input.report,
        cadence: &input.cadence,
        weekday: input.weekday,
        month_day: input.month_day,
        hour: input.hour,
        format: input.format.as_deref(),
        language: input.language.as_deref(),
        recipients: &input.recipients,
        webhook: input.webhook_id.is_some(),
    };
    let (settings, mut bad) = match schedule::validate(&raw) {
        Ok(v) => (Some(v), Invalid::default()),
        Err(bad) => (None, bad),
    };
    let level = input
        .filters
        .customer_level
        .as_deref()
        .map(domain::customer::Level::parse)
        .transpose();
    if let Err(p) = level {
        bad.push("filters.customer_level", p);
    }
    if let Some(tag) = &input.filters.customer_tag
        && tag.chars().count() > MAX_TAG_CHARS
    {
        bad.push(
            "filters.customer_tag",
            Problem::TooLong { max: MAX_TAG_CHARS },
        );
    }
    // The owner: someone the caller reaches, active, who may read reports beyond their own.
    // A key is nobody: it names the owner.
    let me = match principal {
        Principal::User(u) => Some(u.employee),
        Principal::ApiKey(_) => None,
    };
    // The endpoint is resolved within the caller's reach: the tenant's, and only for
    // someone who may see the tenant's endpoints (for anyone else no endpoint exists) —
    // unless it is the one already there.
    if let Some(hook) = input.webhook_id
        && current.webhook != Some(hook)
    {
        let found = if super::reach(principal, Resource::Webhooks, Action::Read).is_err() {
            false
        } else {
            match s.store.webhook(tenant, hook).await {
                Ok(_) => true,
                Err(StoreError::NotFound) => false,
                Err(e) => return Err(e.into()),
            }
        };
        if !found {
            bad.push("webhook_id", Problem::NotFound);
        }
    }
    let Some(owner_id) = input.owner_id.or(current.owner).or(me) else {
        bad.push("owner_id", Problem::Required);
        return Err(ApiError::invalid(bad));
    };
    let owner = match s.store.employee(tenant, owner_id, reach).await {
        Ok(o) if !o.active => {
            bad.push("owner_id", Problem::Deactivated);
            None
        }
        Ok(o) if o.role == Role::Field => {
            bad.push("owner_id", Problem::NotAllowed);
            None
        }
        Ok(o) => Some(o),
        Err(StoreError::NotFound) => {
            bad.push("owner_id", Problem::NotFound);
            None
        }
        Err(e) => return Err(e.into()),
    };
    // The filters must be within the owner's reach, as they will be when it runs.
    if let Some(owner) = &owner {
        let as_owner = owner_principal(tenant, owner);
        let tracks = super::reach(&as_owner, Resource::Tracks, Action::Read)?;
        if let Some(d) = input.filters.department_id {
            let depts = super::reach(&as_owner, Resource::Departments, Action::Read)?;
            match s.store.department(tenant, d, &depts).await {
                Ok(_) => {}
                Err(StoreError::NotFound) => bad.push("filters.department_id", Problem::NotFound),
                Err(e) => return Err(e.into()),
            }
        }
        if let Some(e) = input.filters.employee_id {
            match s.store.employee(tenant, e, &tracks).await {
                Ok(_) => {}
                Err(StoreError::NotFound) => bad.push("filters.employee_id", Problem::NotFound),
                Err(e) => return Err(e.into()),
            }
        }
    }
    let (Some(settings), Some(owner)) = (settings, owner) else {
        return Err(ApiError::invalid(bad));
    };
    if !bad.is_empty() {
        return Err(ApiError::invalid(bad));
    }
    let enabled = input.enabled.unwrap_or(true);
    let tz = parse_tz(&s.store.tenant(tenant).await?.timezone);
    let next_run_ms =
        enabled.then(|| schedule::next_run(crate::now_ms(), tz, settings.cadence, settings.hour));
    let filters = ScheduleFilters {
        customer_tag: input
            .filters
            .customer_tag
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned),
        ..input.filters.clone()
    };
    Ok(write_of(
        &settings,
        owner.id,
        &filters,
        (enabled, next_run_ms),
        input.webhook_id,
    ))
}

fn write_of(
    settings: &Settings,
    owner: EmployeeId,
    filters: &ScheduleFilters,
    (enabled, next_run_ms): (bool, Option<i64>),
    webhook_id: Option<uuid::Uuid>,
) -> ScheduleWrite {
    let small = |n: Option<u32>| n.and_then(|n| i32::try_from(n).ok());
    ScheduleWrite {
        owner_id: owner.0,
        report: settings.report.as_str().to_owned(),
        filters: serde_json::to_string(filters).unwrap_or_else(|_| "{}".into()),
        cadence: settings.cadence.name().to_owned(),
        weekday: small(settings.cadence.weekday()),
        month_day: small(settings.cadence.month_day()),
        hour: i32::try_from(settings.hour).unwrap_or(0),
        format: settings.format.name().to_owned(),
        language: settings.language.name().to_owned(),
        recipients: serde_json::to_string(&settings.recipients).unwrap_or_else(|_| "[]".into()),
        enabled,
        next_run_ms,
        webhook_id,
    }
}

/// Creates a schedule; `None` when its client id was already taken (the caller replays).
pub async fn create(
    s: &AppState,
    principal: &Principal,
    input: &ScheduleInput,
    digest: &str,
) -> ApiResult<Option<ScheduleView>> {
    let reach = schedule_reach(principal)?;
    let w = checked(s, principal, &reach, input, Current::default()).await?;
    let id = input.id.unwrap_or_default();
    match s
        .store
        .create_report_schedule(principal.tenant(), id, Some(digest), &w)
        .await?
    {
        Some(row) => Ok(Some(view(row)?)),
        None => Ok(None),
    }
}

pub async fn get(
    s: &AppState,
    principal: &Principal,
    id: ReportScheduleId,
) -> ApiResult<ScheduleView> {
    let reach = schedule_reach(principal)?;
    view(
        s.store
            .report_schedule(principal.tenant(), id, &reach)
            .await?,
    )
}

pub async fn list(
    s: &AppState,
    principal: &Principal,
    cursor: Option<&str>,
    limit: u32,
) -> ApiResult<(Vec<ScheduleView>, Option<String>)> {
    let reach = schedule_reach(principal)?;
    let page = s
        .store
        .list_report_schedules(principal.tenant(), &reach, cursor, limit)
        .await?;
    let items = page.items.into_iter().map(view).collect::<ApiResult<_>>()?;
    Ok((items, page.next_cursor))
}

/// Replaces a schedule's settings; its next run is computed afresh from now.
pub async fn update(
    s: &AppState,
    principal: &Principal,
    id: ReportScheduleId,
    input: &ScheduleInput,
) -> ApiResult<ScheduleView> {
    let reach = schedule_reach(principal)?;
    let tenant = principal.tenant();
    let current = s.store.report_schedule(tenant, id, &reach).await?;
    let w = checked(
        s,
        principal,
        &reach,
        input,
        Current {
            owner: Some(EmployeeId(current.owner_id)),
            webhook: current.webhook_id,
        },
    )
    .await?;
    s.store.update_report_schedule(tenant, id, &w).await?;
    view(s.store.report_schedule(tenant, id, &reach).await?)
}

pub async fn delete(s: &AppState, principal: &Principal, id: ReportScheduleId) -> ApiResult<()> {
    let reach = schedule_reach(principal)?;
    let tenant = principal.tenant();
    s.store.report_schedule(tenant, id, &reach).await?;
    s.store.delete_report_schedule(tenant, id).await?;
    Ok(())
}

pub async fn runs(
    s: &AppState,
    principal: &Principal,
    id: ReportScheduleId,
    cursor: Option<&str>,
    limit: u32,
) -> ApiResult<(Vec<RunView>, Option<String>)> {
    let reach = schedule_reach(principal)?;
    let tenant = principal.tenant();
    s.store.report_schedule(tenant, id, &reach).await?;
    let page = s.store.list_report_runs(tenant, id, cursor, limit).await?;
    let items = page
        .items
        .into_iter()
        .map(run_view)
        .collect::<ApiResult<_>>()?;
    Ok((items, page.next_cursor))
}

#[derive(Serialize, Deserialize)]
struct Payload {
    schedule_id: ReportScheduleId,
    due_ms: i64,
}

fn cadence_of(s: &StoredSchedule) -> Option<Cadence> {
    Cadence::from_stored(
        &s.cadence,
        s.weekday.map(i64::from),
        s.month_day.map(i64::from),
    )
}

/// Queues a run of every enabled schedule due by `now` (once across servers: the
/// schedule is moved on with a compare-and-set in the run's transaction). The worker
/// calls this with the clock; tests with the instant they choose.
pub async fn queue_due(store: &Store, now: i64) -> Result<usize, StoreError> {
    let mut queued = 0;
    for due in store.due_report_schedules(now).await? {
        let tenant = TenantId(due.tenant_id);
        let sched = &due.schedule;
        let (Some(cadence), Some(due_ms)) = (cadence_of(sched), sched.next_run_ms) else {
            continue;
        };
        let tz = parse_tz(&due.timezone);
        let hour = u32::try_from(sched.hour).unwrap_or(0);
        let next = schedule::next_run(now.max(due_ms), tz, cadence, hour);
        let (from, to) = schedule::period_of_run(due_ms, tz, cadence);
        let id = ReportScheduleId(sched.id);
        let payload = serde_json::to_string(&Payload {
            schedule_id: id,
            due_ms,
        })
        .unwrap_or_default();
        let mut job =
            NewJob::new(tenant, REPORT_DELIVERY_JOB, payload).keyed(format!("{id}/{due_ms}"));
        job.max_attempts = DELIVERY_ATTEMPTS;
        let run = QueuedRun {
            due_ms,
            period: (from.to_string(), to.to_string()),
            recipients: sched.recipients.clone(),
            webhook_id: sched.webhook_id,
        };
        if store.queue_report_run(tenant, id, &run, next, &job).await? {
            queued += 1;
        }
    }
    Ok(queued)
}

/// Why a run failed, and whether trying again could help.
struct Failure {
    code: &'static str,
    detail: String,
    retry: bool,
}

/// What has gone out for a run, this attempt or an earlier one.
#[derive(Default)]
struct Progress {
    mailed_ms: Option<i64>,
    posted_ms: Option<i64>,
    webhook_status: Option<i32>,
}

/// The `report_delivery` job: builds the run's report as its owner, posts it to the
/// schedule's webhook endpoint and mails it, each once. A failed send returns the error
/// (the job system retries it, sending only what has not gone yet); every attempt's
/// outcome is written on the run.
pub async fn run_job(s: &AppState, job: &ClaimedJob) -> Result<(), String> {
    let tenant = TenantId(job.tenant);
    let p: Payload = serde_json::from_str(&job.payload).map_err(|e| e.to_string())?;
    let schedule = match s
        .store
        .report_schedule(tenant, p.schedule_id, &Reach::Tenant)
        .await
    {
        Ok(v) => v,
        // Deleted since it was queued: nothing to send.
        Err(StoreError::NotFound) => return Ok(()),
        Err(e) => return Err(e.to_string()),
    };
    let run = match s.store.report_run(tenant, p.schedule_id, p.due_ms).await {
        Ok(r) => r,
        Err(StoreError::NotFound) => return Ok(()),
        Err(e) => return Err(e.to_string()),
    };
    // A job taken over after its server died once the mail was out is not sent twice.
    if run.status == "sent" {
        return Ok(());
    }
    let mut progress = Progress::default();
    let outcome = deliver(s, tenant, &schedule, &run, job.attempts, &mut progress).await;
    let (status, code, detail, rows, sent_ms) = match &outcome {
        Ok(rows) => ("sent", None, None, Some(*rows), Some(crate::now_ms())),
        Err(f) => ("failed", Some(f.code), Some(f.detail.as_str()), None, None),
    };
    s.store
        .finish_report_run(
            tenant,
            p.schedule_id,
            p.due_ms,
            &RunOutcome {
                status,
                attempts: job.attempts,
                error_code: code,
                error: detail,
                rows: rows.and_then(|r| i32::try_from(r).ok()),
                sent_ms,
                mailed_ms: progress.mailed_ms,
                posted_ms: progress.posted_ms,
                webhook_status: progress.webhook_status,
            },
        )
        .await
        .map_err(|e| e.to_string())?;
    match outcome {
        Err(f) if f.retry => Err(format!("{}: {}", f.code, f.detail)),
        Err(f) => {
            tracing::warn!(tenant = %tenant.0, schedule = %p.schedule_id, code = f.code,
                detail = %f.detail, "scheduled report not sent");
            Ok(())
        }
        Ok(_) => Ok(()),
    }
}

fn internal(e: &dyn std::fmt::Display) -> Failure {
    Failure {
        code: REPORT_REFUSED,
        detail: e.to_string(),
        retry: true,
    }
}

fn smtp_not_configured() -> Failure {
    Failure {
        code: SMTP_NOT_CONFIGURED,
        detail: "the server has no --smtp-url".into(),
        retry: false,
    }
}

async fn deliver(
    s: &AppState,
    tenant: TenantId,
    sched: &StoredSchedule,
    run: &StoredRun,
    attempt: i32,
    progress: &mut Progress,
) -> Result<usize, Failure> {
    // The run goes to whom it was queued for (its record says so), each channel once.
    let recipients: Vec<String> =
        serde_json::from_str(&run.recipients).map_err(|e| internal(&e))?;
    let to_mail = !recipients.is_empty() && run.mailed_ms.is_none();
    let to_post = run.webhook_id.filter(|_| run.posted_ms.is_none());
    if to_mail && to_post.is_none() && s.config.smtp.is_none() {
        return Err(smtp_not_configured());
    }
    let owner = s
        .store
        .employee(tenant, EmployeeId(sched.owner_id), &Reach::Tenant)
        .await
        .map_err(|e| internal(&e))?;
    if !owner.active {
        return Err(Failure {
            code: OWNER_INACTIVE,
            detail: "the schedule's owner is deactivated".into(),
            retry: false,
        });
    }
    let settings = schedule::validate(&RawSettings {
        report: &sched.report,
        cadence: &sched.cadence,
        weekday: sched.weekday.map(i64::from),
        month_day: sched.month_day.map(i64::from),
        hour: Some(i64::from(sched.hour)),
        format: Some(&sched.format),
        language: Some(&sched.language),
        recipients: &recipients,
        webhook: run.webhook_id.is_some(),
    })
    .map_err(|e| internal(&format!("{:?}", e.codes())))?;
    let filters: ScheduleFilters =
        serde_json::from_str(&sched.filters).map_err(|e| internal(&e))?;
    let query = ReportQuery::parse(
        (&run.period_from, &run.period_to),
        filters.department_id,
        filters.employee_id,
        filters.customer_level.as_deref(),
        filters.customer_tag.as_deref(),
    )
    .map_err(|e| refused(&e))?;
    let principal = owner_principal(tenant, &owner);
    let built = report_pack::report(s, &principal, settings.report, &query)
        .await
        .map_err(|e| refused(&e))?;
    let rows = built.report.rows.len();
    // Each channel not yet done is tried, whatever the other does; the run fails with the
    // first failure, and is retried if any failure may pass.
    let mailed = if to_mail {
        mail_report(s, &settings, &query, &built).await
    } else {
        Ok(())
    };
    if mailed.is_ok() && to_mail {
        progress.mailed_ms = Some(crate::now_ms());
    }
    let posted = match to_post {
        Some(hook) => {
            let data = report_delivered(sched, run, &filters, &settings, &built);
            post(s, tenant, hook, run.id, data, attempt, progress).await
        }
        None => Ok(()),
    };
    match (mailed, posted) {
        (Ok(()), Ok(())) => Ok(rows),
        (Err(f), Ok(())) | (Ok(()), Err(f)) => Err(f),
        (Err(m), Err(p)) => Err(Failure {
            code: m.code,
            detail: format!("{}; webhook: {}", m.detail, p.detail),
            retry: m.retry || p.retry,
        }),
    }
}

/// Mails the report as the schedule's file to its recipients.
async fn mail_report(
    s: &AppState,
    settings: &Settings,
    query: &ReportQuery,
    built: &report_pack::Built,
) -> Result<(), Failure> {
    let Some(smtp) = s.config.smtp.as_ref() else {
        return Err(smtp_not_configured());
    };
    let zh = settings.language == schedule::Language::Zh;
    let base = format!("{}-{}-{}", settings.report.as_str(), query.from, query.to);
    let file = match settings.format {
        FileFormat::Xlsx => mail::File {
            name: format!("{base}.xlsx"),
            content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            bytes: tabular::write_workbook(&[report_pack::sheet(&built.report, zh, built.tz)])
                .map_err(|e| internal(&e))?,
        },
        FileFormat::Csv => mail::File {
            name: format!("{base}.csv"),
            content_type: "text/csv; charset=utf-8",
            bytes: report_pack::csv(&built.report, zh, built.tz),
        },
    };
    let period = (query.from, query.to);
    let rows = built.report.rows.len();
    let subject = schedule::subject(settings.report, period, settings.language);
    let body = schedule::body(settings.report, period, rows, settings.language);
    mail::send(smtp, &settings.recipients, &subject, &body, file)
        .await
        .map_err(|detail| Failure {
            code: SMTP_FAILED,
            detail,
            retry: true,
        })
}

/// The type of the event a scheduled report is posted to a webhook endpoint as.
pub const REPORT_EVENT: &str = "report.delivered";

/// The most rows a `report.delivered` event carries; a longer report is cut there and
/// says so (`truncated`), and the e-mail attachment or `GET /reports/{name}` has the rest.
pub const MAX_EVENT_ROWS: usize = 5000;

/// The `data` of a `report.delivered` event: which schedule and run, the period and
/// filters, and the report as `GET /api/v1/reports/{name}` answers it (columns with type,
/// unit and zh/en labels, rows, totals, code labels), built with the schedule owner's
/// reach. The delivery's `webhook-id` is the run's id, the same on every retry.
#[derive(Serialize, ToSchema)]
pub struct ReportDelivered {
    pub schedule_id: ReportScheduleId,
    pub run_id: uuid::Uuid,
    #[schema(value_type = crate::openapi::values::ReportName)]
    pub report: String,
    /// The period the report covers (local dates, inclusive).
    #[schema(format = Date)]
    pub period_from: String,
    #[schema(format = Date)]
    pub period_to: String,
    pub filters: ScheduleFilters,
    /// The schedule's language (the e-mail's and file's; `table` has both labels).
    #[schema(value_type = crate::openapi::values::ReportLang)]
    pub language: String,
    /// Rows in the whole report.
    pub rows_total: usize,
    /// Whether `table.items` stops at 5,000 rows short of `rows_total`.
    pub truncated: bool,
    /// The report; `next_cursor` is always null.
    pub table: report_pack::ReportPage,
}

/// A `report.delivered` event as the endpoint receives it (the Standard Webhooks envelope
/// every delivery has).
#[derive(Serialize, ToSchema)]
pub struct ReportDeliveredEvent {
    /// The run's id (also the `webhook-id` header).
    pub id: uuid::Uuid,
    /// Always `report.delivered`.
    #[serde(rename = "type")]
    pub kind: String,
    /// When this attempt built the report.
    pub timestamp: DateTime<Utc>,
    pub data: ReportDelivered,
}

fn report_delivered(
    sched: &StoredSchedule,
    run: &StoredRun,
    filters: &ScheduleFilters,
    settings: &Settings,
    built: &report_pack::Built,
) -> serde_json::Value {
    let mut report = built.report.clone();
    let all = report.rows.len();
    report.rows.truncate(MAX_EVENT_ROWS);
    let mut table = report_pack::page_view(report, 0, MAX_EVENT_ROWS, all);
    table.next_cursor = None;
    let data = ReportDelivered {
        schedule_id: ReportScheduleId(sched.id),
        run_id: run.id,
        report: settings.report.as_str().to_owned(),
        period_from: run.period_from.clone(),
        period_to: run.period_to.clone(),
        filters: filters.clone(),
        language: settings.language.name().to_owned(),
        rows_total: all,
        truncated: all > MAX_EVENT_ROWS,
        table,
    };
    serde_json::to_value(&data).unwrap_or_default()
}

/// Posts the report to the endpoint through the webhooks' signed sender (the SSRF guard,
/// the endpoint's secrets, the timeout) and logs the attempt in its delivery log. A
/// non-2xx answer or none is retried by the run's job; a 410, a deleted or a disabled
/// endpoint fail the run at once.
async fn post(
    s: &AppState,
    tenant: TenantId,
    hook: uuid::Uuid,
    event: uuid::Uuid,
    data: serde_json::Value,
    attempt: i32,
    progress: &mut Progress,
) -> Result<(), Failure> {
    use domain::webhooks::{Verdict, verdict};
    let endpoint = match s.store.webhook(tenant, hook).await {
        Ok(e) if e.enabled => e,
        Ok(_) => {
            return Err(Failure {
                code: WEBHOOK_DISABLED,
                detail: "the webhook endpoint is disabled".into(),
                retry: false,
            });
        }
        Err(StoreError::NotFound) => {
            return Err(Failure {
                code: WEBHOOK_NOT_FOUND,
                detail: "the webhook endpoint was deleted".into(),
                retry: false,
            });
        }
        Err(e) => return Err(internal(&e)),
    };
    let requested_ms = crate::now_ms();
    let body = crate::webhooks::body(event, REPORT_EVENT, requested_ms, data);
    let sent = crate::webhooks::send(s, &endpoint, event, body).await;
    progress.webhook_status = sent.status.map(i32::from);
    s.store
        .log_delivery(
            tenant,
            &storage::DeliveryRecord {
                id: uuid::Uuid::now_v7(),
                endpoint_id: endpoint.id,
                event_id: event,
                event_type: REPORT_EVENT.into(),
                attempt,
                requested_ms,
                status: sent.status.map(i32::from),
                latency_ms: sent.latency_ms,
                error: sent.error.map(str::to_owned),
                next_attempt_ms: None,
            },
        )
        .await
        .map_err(|e| internal(&e))?;
    match sent.status.map(verdict) {
        Some(Verdict::Delivered) => {
            progress.posted_ms = Some(crate::now_ms());
            Ok(())
        }
        Some(v) => Err(Failure {
            code: WEBHOOK_FAILED,
            detail: format!("the endpoint answered HTTP {}", sent.status.unwrap_or(0)),
            retry: v == Verdict::Retry,
        }),
        None => Err(Failure {
            code: WEBHOOK_FAILED,
            detail: format!(
                "no answer from the endpoint ({})",
                sent.error.unwrap_or("connection")
            ),
            retry: true,
        }),
    }
}

/// A report the owner may not (or no longer) build: a 4xx is final, anything else is
/// retried.
fn refused(e: &ApiError) -> Failure {
    Failure {
        code: REPORT_REFUSED,
        detail: format!("{} ({})", e.message, e.code),
        retry: e.status.is_server_error(),
    }
}
