//! ERP/CRM sync (issue 16, item 2): customers, people and departments written by their
//! external id — one at a time (PUT replaces, PATCH merges by RFC 7396) or up to
//! [`MAX_BULK`] per request — with the validation and reach rules of the create and
//! update routes, conditional on the version the client read (`If-Match`).
//!
//! Every write goes the same way: validate the body, match the external id to a stored
//! row the caller reaches (one outside their reach answers like none, 404), resolve every
//! referenced id within the reach, then write through `storage`'s row writers, which
//! compare versions under the row's lock and say whether the row was created, updated or
//! unchanged. The resources' own rules live in `sync_rows`.

use crate::error::{ApiError, ApiResult, ErrorDetail, FieldProblemBody};
use crate::services::sync_rows::{self, Writer};
use crate::state::AppState;
use domain::customer::{Customer, CustomerInput};
use domain::department::{Department, DepartmentInput};
use domain::employee::{Employee, EmployeeInput};
use domain::{CustomerId, DepartmentId, EmployeeId, Invalid, Problem};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use std::future::Future;
use storage::{RowResults, RowWrite, StoreError, Written};
use utoipa::ToSchema;
use uuid::Uuid;

/// The most rows one bulk request takes.
pub const MAX_BULK: usize = 1000;

/// An object written by external id, and what the write did.
pub struct Synced<T> {
    pub item: T,
    pub written: Written,
}

/// How a bulk request treats bad rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SyncBulkMode {
    /// Every good row is written, each in its own transaction; bad rows are reported.
    #[default]
    PerRow,
    /// One bad row and nothing is written (422 with every row's result).
    AllOrNothing,
}

/// A bulk upsert of customers: up to 1,000 rows, each the body `PUT
/// /customers/by-external-id/{external_id}` takes with its `external_id` (required).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SyncBulkCustomers {
    #[serde(default)]
    pub mode: SyncBulkMode,
    #[schema(value_type = Vec<CustomerInput>, min_items = 1, max_items = 1000)]
    pub items: Vec<Value>,
}

/// A bulk upsert of people: up to 1,000 rows, each the body `PUT
/// /employees/by-external-id/{external_id}` takes with its `external_id` (required).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SyncBulkEmployees {
    #[serde(default)]
    pub mode: SyncBulkMode,
    #[schema(value_type = Vec<EmployeeInput>, min_items = 1, max_items = 1000)]
    pub items: Vec<Value>,
}

/// A bulk upsert of departments: up to 1,000 rows, each the body `PUT
/// /departments/by-external-id/{external_id}` takes with its `external_id` (required).
/// A row may name as parent a department created by an earlier row.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SyncBulkDepartments {
    #[serde(default)]
    pub mode: SyncBulkMode,
    #[schema(value_type = Vec<DepartmentInput>, min_items = 1, max_items = 1000)]
    pub items: Vec<Value>,
}

/// What happened to one row of a bulk request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SyncBulkStatus {
    Created,
    Updated,
    /// Equal to the stored row: nothing written (a retried batch answers this).
    Unchanged,
    Error,
    /// A good row of an all-or-nothing batch that failed: not written.
    Skipped,
}

#[derive(Serialize, ToSchema)]
pub struct SyncBulkResult {
    /// The row's position in `items`, from 0.
    pub index: usize,
    pub external_id: Option<String>,
    pub status: SyncBulkStatus,
    /// The stored row's id (absent on errors and skipped new rows).
    pub id: Option<Uuid>,
    /// The row's `ETag` after the write, as a single GET would answer it.
    pub etag: Option<String>,
    /// For `error`: the problem in the API's error shape (`fields` name the row's fields).
    pub error: Option<ErrorDetail>,
}

#[derive(Serialize, ToSchema)]
pub struct SyncBulkAnswer {
    /// Only when an all-or-nothing batch was refused (422): the problems of every bad row,
    /// each field named `items[<index>].<field>`, so the answer also has the API's error
    /// shape.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorDetail>,
    pub mode: SyncBulkMode,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub errors: usize,
    pub results: Vec<SyncBulkResult>,
}

impl SyncBulkAnswer {
    /// Whether nothing was written because of bad rows (an all-or-nothing batch).
    pub fn refused(&self) -> bool {
        self.mode == SyncBulkMode::AllOrNothing && self.errors > 0
    }
}

/// The strong `ETag` of a stored row's version: every write that changes the row
/// raises the version, so the tag changes with it.
pub fn etag(version: i64) -> String {
    format!("\"v{version}\"")
}

/// The version an `If-Match` value names: `None` for `*` (any version), 412 for a tag
/// that is not one of ours (a weak or foreign tag never matches a strong comparison).
pub fn if_match_version(raw: &str) -> ApiResult<Option<i64>> {
    let raw = raw.trim();
    if raw == "*" {
        return Ok(None);
    }
    raw.strip_prefix("\"v")
        .and_then(|r| r.strip_suffix('"'))
        .and_then(|v| v.parse::<i64>().ok())
        .map(Some)
        .ok_or_else(ApiError::precondition_failed)
}

/// The problems of row `index` named from the batch's root (`items[3].name`); a row
/// refused without a field (out of reach) names its external id.
fn row_fields(index: usize, e: &ApiError) -> Vec<FieldProblemBody> {
    if e.fields.is_empty() {
        let problem = if e.code == "not_found" {
            Problem::NotFound
        } else {
            Problem::Unreadable {
                detail: e.message.clone(),
            }
        };
        return vec![FieldProblemBody::from_problem(
            format!("items[{index}].external_id"),
            &problem,
        )];
    }
    e.fields
        .iter()
        .map(|p| FieldProblemBody::from_problem(format!("items[{index}].{}", p.field), &p.problem))
        .collect()
}

/// The error of one row in the API's error shape.
fn detail(e: ApiError) -> ErrorDetail {
    ErrorDetail {
        code: e.code.to_owned(),
        message: e.message,
        fields: e
            .fields
            .into_iter()
            .map(|p| FieldProblemBody::from_problem(p.field, &p.problem))
            .collect(),
    }
}

/// A body parsed as `T`, with serde's complaint in the API's shape (fields named as in
/// the row).
fn parse<T: DeserializeOwned>(v: &Value) -> ApiResult<T> {
    crate::extract::parse_json(&serde_json::to_vec(v).unwrap_or_default()).map_err(|mut e| {
        // A missing top-level member is reported at the root; name the member instead
        // ("missing field `name`"), as a row's other problems are named.
        let missing = e
            .message
            .split("missing field `")
            .nth(1)
            .and_then(|rest| rest.split('`').next())
            .map(str::to_owned);
        if let (Some(name), Some(f)) = (missing, e.fields.first_mut())
            && f.field == "body"
        {
            f.field = name;
        }
        e
    })
}

/// The external id a row is written under: the path's (or, in a bulk row, the body's),
/// a valid key; a body that names another is refused.
fn key_of(path: Option<&str>, body: Option<&str>) -> ApiResult<String> {
    let raw = match (path, body) {
        (Some(p), Some(b)) if p != b => {
            return Err(ApiError::invalid_one(
                "external_id",
                Problem::DiffersFromPath,
            ));
        }
        (Some(p), _) => Some(p),
        (None, b) => b,
    };
    match domain::customer::parse_key(raw, 128) {
        Ok(Some(k)) => Ok(k),
        Ok(None) => Err(ApiError::invalid_one("external_id", Problem::Required)),
        Err(p) => Err(ApiError::invalid_one("external_id", p)),
    }
}

// ---- customers ----------------------------------------------------------------------

/// The customer with this external id, and its version.
pub async fn customer(s: &AppState, w: Writer<'_>, ext: &str) -> ApiResult<Customer> {
    match s
        .store
        .customer_by_external_id(w.tenant, w.reach, ext)
        .await?
    {
        Some((id, false)) => Ok(s.store.customer(w.tenant, id, w.reach).await?),
        _ => Err(ApiError::not_found()),
    }
}

/// Creates or replaces the customer with external id `ext` (a deleted one comes back).
pub async fn put_customer(
    s: &AppState,
    w: Writer<'_>,
    ext: &str,
    expected: Option<i64>,
    input: &CustomerInput,
) -> ApiResult<Synced<Customer>> {
    let ext = key_of(Some(ext), input.external_id.as_deref())?;
    // Two first writes of one new external id race on its unique key; the loser finds
    // the winner's row and replaces it.
    for _ in 0..2 {
        let row = sync_rows::customer(s, w, &ext, expected, input).await?;
        let written = one(s.store.upsert_customers(w.tenant, &[row], true).await?);
        match written {
            Err(StoreError::Conflict {
                field: "external_id",
            }) => continue,
            other => {
                let r = other?;
                let item = s
                    .store
                    .customer(w.tenant, CustomerId(r.id), w.reach)
                    .await?;
                return Ok(Synced {
                    item,
                    written: r.written,
                });
            }
        }
    }
    Err(StoreError::Conflict {
        field: "external_id",
    }
    .into())
}

/// Merges `patch` (RFC 7396) into the customer with external id `ext`.
pub async fn patch_customer(
    s: &AppState,
    w: Writer<'_>,
    ext: &str,
    expected: Option<i64>,
    patch: &Value,
) -> ApiResult<Synced<Customer>> {
    merge_loop(
        expected,
        || async {
            let current = customer(s, w, ext).await?;
            let version = current.version;
            let input: CustomerInput = merged(sync_rows::customer_as_input(&current), patch)?;
            if input.id.is_some_and(|i| i != current.id) {
                return Err(ApiError::invalid_one("id", Problem::DiffersFromPath));
            }
            Ok((version, input))
        },
        |version, input| async move { put_customer(s, w, ext, Some(version), &input).await },
    )
    .await
}

/// Upserts up to [`MAX_BULK`] customers by their external ids.
pub async fn bulk_customers(
    s: &AppState,
    w: Writer<'_>,
    mode: SyncBulkMode,
    items: &[Value],
) -> ApiResult<SyncBulkAnswer> {
    bulk(
        mode,
        items,
        |v: CustomerInput| async move {
            let ext = key_of(None, v.external_id.as_deref())?;
            sync_rows::customer(s, w, &ext, None, &v).await
        },
        |rows, atomic| async move { s.store.upsert_customers(w.tenant, &rows, atomic).await },
    )
    .await
}

// ---- employees ----------------------------------------------------------------------

pub async fn employee(s: &AppState, w: Writer<'_>, ext: &str) -> ApiResult<Employee> {
    s.store
        .employee_by_external_id(w.tenant, w.reach, ext)
        .await?
        .ok_or_else(ApiError::not_found)
}

/// Creates or replaces the person with external id `ext`.
pub async fn put_employee(
    s: &AppState,
    w: Writer<'_>,
    ext: &str,
    expected: Option<i64>,
    input: &EmployeeInput,
) -> ApiResult<Synced<Employee>> {
    let ext = key_of(Some(ext), input.external_id.as_deref())?;
    for _ in 0..2 {
        let row = sync_rows::employee(s, w, &ext, expected, input).await?;
        let written = one(s.store.upsert_employees(w.tenant, &[row], true).await?);
        match written {
            Err(StoreError::Conflict {
                field: "external_id",
            }) => continue,
            other => {
                let r = other?;
                s.sessions.forget_tenant(w.tenant);
                let item = s
                    .store
                    .employee(w.tenant, EmployeeId(r.id), w.reach)
                    .await?;
                return Ok(Synced {
                    item,
                    written: r.written,
                });
            }
        }
    }
    Err(StoreError::Conflict {
        field: "external_id",
    }
    .into())
}

/// Merges `patch` (RFC 7396) into the person with external id `ext`; a `password` in
/// the patch resets it.
pub async fn patch_employee(
    s: &AppState,
    w: Writer<'_>,
    ext: &str,
    expected: Option<i64>,
    patch: &Value,
) -> ApiResult<Synced<Employee>> {
    merge_loop(
        expected,
        || async {
            let current = employee(s, w, ext).await?;
            let input: EmployeeInput = merged(sync_rows::employee_as_input(&current), patch)?;
            if input.id.is_some_and(|i| i != current.id) {
                return Err(ApiError::invalid_one("id", Problem::DiffersFromPath));
            }
            Ok((current.version, input))
        },
        |version, input| async move { put_employee(s, w, ext, Some(version), &input).await },
    )
    .await
}

pub async fn bulk_employees(
    s: &AppState,
    w: Writer<'_>,
    mode: SyncBulkMode,
    items: &[Value],
) -> ApiResult<SyncBulkAnswer> {
    let answer = bulk(
        mode,
        items,
        |v: EmployeeInput| async move {
            let ext = key_of(None, v.external_id.as_deref())?;
            sync_rows::employee(s, w, &ext, None, &v).await
        },
        |rows, atomic| async move { s.store.upsert_employees(w.tenant, &rows, atomic).await },
    )
    .await?;
    if answer.created + answer.updated > 0 {
        s.sessions.forget_tenant(w.tenant);
    }
    Ok(answer)
}

// ---- departments --------------------------------------------------------------------

pub async fn department(s: &AppState, w: Writer<'_>, ext: &str) -> ApiResult<Department> {
    s.store
        .department_by_external_id(w.tenant, w.reach, ext)
        .await?
        .ok_or_else(ApiError::not_found)
}

/// Creates or replaces (renames, moves) the department with external id `ext`.
pub async fn put_department(
    s: &AppState,
    w: Writer<'_>,
    ext: &str,
    expected: Option<i64>,
    input: &DepartmentInput,
) -> ApiResult<Synced<Department>> {
    let ext = key_of(Some(ext), input.external_id.as_deref())?;
    for _ in 0..2 {
        let row = sync_rows::department(s, w, &ext, expected, input).await?;
        let written = one(s.store.upsert_departments(w.tenant, &[row], true).await?);
        match written {
            Err(StoreError::Conflict {
                field: "external_id",
            }) => continue,
            other => {
                let r = other?;
                let item = s
                    .store
                    .department(w.tenant, DepartmentId(r.id), w.reach)
                    .await?;
                return Ok(Synced {
                    item,
                    written: r.written,
                });
            }
        }
    }
    Err(StoreError::Conflict {
        field: "external_id",
    }
    .into())
}

pub async fn patch_department(
    s: &AppState,
    w: Writer<'_>,
    ext: &str,
    expected: Option<i64>,
    patch: &Value,
) -> ApiResult<Synced<Department>> {
    merge_loop(
        expected,
        || async {
            let current = department(s, w, ext).await?;
            let input: DepartmentInput = merged(sync_rows::department_as_input(&current), patch)?;
            if input.id.is_some_and(|i| i != current.id) {
                return Err(ApiError::invalid_one("id", Problem::DiffersFromPath));
            }
            Ok((current.version, input))
        },
        |version, input| async move { put_department(s, w, ext, Some(version), &input).await },
    )
    .await
}

pub async fn bulk_departments(
    s: &AppState,
    w: Writer<'_>,
    mode: SyncBulkMode,
    items: &[Value],
) -> ApiResult<SyncBulkAnswer> {
    bulk(
        mode,
        items,
        |v: DepartmentInput| async move {
            let ext = key_of(None, v.external_id.as_deref())?;
            sync_rows::department(s, w, &ext, None, &v).await
        },
        |rows, atomic| async move { s.store.upsert_departments(w.tenant, &rows, atomic).await },
    )
    .await
}

// ---- deletions ----------------------------------------------------------------------

/// Removals of `of` at or after `since_ms` that `reach` covers (see `storage::tombstones`).
pub async fn tombstones(
    s: &AppState,
    tenant: domain::TenantId,
    reach: &domain::access::Reach,
    of: storage::TombstoneOf,
    since_ms: i64,
    cursor: Option<&str>,
    limit: u32,
) -> ApiResult<storage::Page<storage::Tombstone>> {
    Ok(s.store
        .tombstones(tenant, reach, of, since_ms, cursor, limit)
        .await?)
}

// ---- shared -------------------------------------------------------------------------

/// The only row of a one-row batch.
fn one(mut out: RowResults) -> Result<RowWrite, StoreError> {
    out.pop().flatten().unwrap_or(Err(StoreError::NotFound))
}

/// The stored object (as the input it would take) with `patch` merged in, read as `T`.
fn merged<T: DeserializeOwned>(current: Value, patch: &Value) -> ApiResult<T> {
    if !patch.is_object() {
        return Err(ApiError::invalid_one(
            "body",
            Problem::format(domain::Format::Object),
        ));
    }
    let mut doc = current;
    domain::merge_patch::apply(&mut doc, patch);
    parse(&doc)
}

/// Reads the stored object, merges, and writes on condition that it is still at the
/// version read, so a concurrent writer's change is never lost: with `If-Match`, a
/// version other than the client's is 412; without, a lost race reads again (3 tries).
async fn merge_loop<T, I, R, RF, W, WF>(expected: Option<i64>, read: R, write: W) -> ApiResult<T>
where
    R: Fn() -> RF,
    RF: Future<Output = ApiResult<(i64, I)>>,
    W: Fn(i64, I) -> WF,
    WF: Future<Output = ApiResult<T>>,
{
    let mut tries = 0;
    loop {
        let (version, input) = read().await?;
        if expected.is_some_and(|e| e != version) {
            return Err(ApiError::precondition_failed());
        }
        match write(version, input).await {
            Err(e) if e.code == "precondition_failed" && expected.is_none() && tries < 2 => {
                tries += 1;
            }
            other => return other,
        }
    }
}

/// A bulk request: every row parsed and prepared (validated, matched, references
/// resolved) first; then, all-or-nothing, nothing is written when any row is bad and the
/// good rows go in one transaction; per row, each good row in its own.
async fn bulk<I, Row, P, PF, Wr, WF>(
    mode: SyncBulkMode,
    items: &[Value],
    prepare: P,
    write: Wr,
) -> ApiResult<SyncBulkAnswer>
where
    I: DeserializeOwned,
    P: Fn(I) -> PF,
    PF: Future<Output = ApiResult<Row>>,
    Wr: FnOnce(Vec<Row>, bool) -> WF,
    WF: Future<Output = Result<RowResults, StoreError>>,
{
    if items.is_empty() || items.len() > MAX_BULK {
        return Err(ApiError::invalid_one(
            "items",
            Problem::CountOutOfRange {
                min: 1,
                max: MAX_BULK,
            },
        ));
    }
    let mut results: Vec<SyncBulkResult> = Vec::with_capacity(items.len());
    let mut rows: Vec<Row> = Vec::new();
    // Which result each prepared row belongs to.
    let mut slots: Vec<usize> = Vec::new();
    let mut first_of: HashMap<String, usize> = HashMap::new();
    let mut refusal: Vec<FieldProblemBody> = Vec::new();
    for (index, v) in items.iter().enumerate() {
        let external_id = v
            .get("external_id")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let mut result = SyncBulkResult {
            index,
            external_id: external_id.clone(),
            status: SyncBulkStatus::Error,
            id: None,
            etag: None,
            error: None,
        };
        let prepared = match &external_id {
            Some(e) if first_of.contains_key(e) => Err(ApiError::invalid(Invalid::one(
                "external_id",
                Problem::DuplicateOfRow { row: first_of[e] },
            ))),
            _ => match parse::<I>(v) {
                Ok(input) => prepare(input).await,
                Err(e) => Err(e),
            },
        };
        if let Some(e) = external_id {
            first_of.entry(e).or_insert(index);
        }
        match prepared {
            Ok(row) => {
                result.status = SyncBulkStatus::Skipped;
                slots.push(index);
                rows.push(row);
            }
            Err(e) => {
                refusal.extend(row_fields(index, &e));
                result.error = Some(detail(e));
            }
        }
        results.push(result);
    }
    let atomic = mode == SyncBulkMode::AllOrNothing;
    let bad_input = results.iter().any(|r| r.status == SyncBulkStatus::Error);
    let refused_before_writing = atomic && bad_input;
    if !refused_before_writing && !rows.is_empty() {
        let written = write(rows, atomic).await?;
        for (slot, outcome) in slots.into_iter().zip(written) {
            let r = &mut results[slot];
            match outcome {
                None => {}
                Some(Ok(w)) => {
                    r.status = match w.written {
                        Written::Created => SyncBulkStatus::Created,
                        Written::Updated => SyncBulkStatus::Updated,
                        Written::Unchanged => SyncBulkStatus::Unchanged,
                    };
                    r.id = Some(w.id);
                    r.etag = Some(etag(w.version));
                }
                Some(Err(e)) => {
                    let e: ApiError = e.into();
                    refusal.extend(row_fields(slot, &e));
                    r.status = SyncBulkStatus::Error;
                    r.error = Some(detail(e));
                }
            }
        }
        if atomic && results.iter().any(|r| r.status == SyncBulkStatus::Error) {
            // The transaction was rolled back: nothing the batch wrote stays.
            for r in &mut results {
                if r.status != SyncBulkStatus::Error {
                    r.status = SyncBulkStatus::Skipped;
                    r.id = None;
                    r.etag = None;
                }
            }
        }
    }
    let count = |s: SyncBulkStatus| results.iter().filter(|r| r.status == s).count();
    let errors = count(SyncBulkStatus::Error);
    let error = (atomic && errors > 0).then(|| ErrorDetail {
        code: "validation_failed".into(),
        message: format!(
            "{errors} of {} rows are bad; nothing was written",
            results.len()
        ),
        fields: refusal,
    });
    Ok(SyncBulkAnswer {
        error,
        mode,
        created: count(SyncBulkStatus::Created),
        updated: count(SyncBulkStatus::Updated),
        unchanged: count(SyncBulkStatus::Unchanged),
        errors,
        results,
    })
}
