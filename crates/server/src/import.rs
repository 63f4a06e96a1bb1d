//! Customer spreadsheets in and out, shared by the API and the CLI.

use crate::error::{ApiError, ApiResult};
use axum::http::StatusCode;
use domain::access::Reach;
use domain::customer_import::{self, Column, EXPORT_HEADERS};
use domain::employee::Employee;
use domain::{CoordSystem, EmployeeId, Format, Problem, TenantId};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use storage::{EmployeeFilter, ImportItem, Store, UpsertAction};
use tabular::{ReadOptions, SheetError, SheetFormat, TextEncoding};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReport {
    pub dry_run: bool,
    /// `csv` or `xlsx`.
    pub format: String,
    /// What a CSV was decoded from: `utf-8`, `utf-8-bom` or `gbk`.
    pub encoding: String,
    /// Data rows read (blank rows are skipped).
    pub rows: usize,
    /// Rows that created a customer (or would, in a dry run).
    pub created: usize,
    /// Rows that updated an existing customer matched by external_id or code.
    pub updated: usize,
    /// Every refused row, with the column (as headed in the file) and the problem.
    pub errors: Vec<RowError>,
    /// Columns in the file that Outfield does not read.
    pub ignored_columns: Vec<String>,
}

/// One refused row: where, and the problem with a stable `code` and `params` as in
/// every field problem, plus the English `problem`.
#[derive(Debug, Serialize, ToSchema)]
pub struct RowError {
    pub row: usize,
    pub column: String,
    pub code: String,
    pub problem: String,
    #[schema(value_type = Object)]
    pub params: std::collections::BTreeMap<String, serde_json::Value>,
}

impl RowError {
    fn new(row: usize, column: String, p: &Problem) -> Self {
        Self {
            row,
            column,
            code: p.code().to_owned(),
            problem: p.english(),
            params: p.params().into_iter().collect(),
        }
    }
}

fn file_error(e: SheetError) -> ApiError {
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    match e {
        SheetError::Empty => ApiError::new(
            status,
            "empty_file",
            "the file has no header row or no data",
        )
        .field("file", Problem::Required),
        SheetError::NotASpreadsheet(why) => ApiError::new(
            status,
            "not_a_spreadsheet",
            format!("the file is not a CSV or XLSX spreadsheet: {why}"),
        )
        .field("file", Problem::format(Format::Spreadsheet)),
        SheetError::Malformed { row, message } => {
            ApiError::new(status, "malformed_file", format!("row {row}: {message}")).field(
                format!("row {row}"),
                Problem::Unreadable { detail: message },
            )
        }
        SheetError::TooManyRows { limit } => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_many_rows",
            format!("the file has more than {limit} rows; split it"),
        ),
    }
}

/// Every employee of the tenant within `reach`, for resolving owners by username or number.
async fn all_employees(store: &Store, tenant: TenantId, reach: &Reach) -> ApiResult<Vec<Employee>> {
    let mut out = Vec::new();
    let mut f = EmployeeFilter {
        limit: 500,
        ..Default::default()
    };
    loop {
        let page = store.list_employees(tenant, reach, &f).await?;
        out.extend(page.items);
        match page.next_cursor {
            Some(c) => f.cursor = Some(c),
            None => return Ok(out),
        }
    }
}

/// Reads a customer spreadsheet and upserts its valid rows (matched by external_id, else
/// code) in one transaction; invalid rows are reported, never half-written. `reach` is the
/// caller's reach for writing customers: it limits which stored customers rows may match
/// and whom they may name as owner. A field rep's rows are always their own; a manager's
/// must name an owner in their subtree, or the customer would drop out of their sight.
pub async fn import_customers(
    store: &Store,
    tenant: TenantId,
    reach: &Reach,
    bytes: &[u8],
    file_name: Option<&str>,
    dry_run: bool,
) -> ApiResult<ImportReport> {
    let format = SheetFormat::detect(bytes, file_name).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_file",
            "send a .csv or .xlsx file",
        )
        .field("file", Problem::format(Format::Spreadsheet))
    })?;
    let sheet = tabular::read_sheet(bytes, format, &ReadOptions::default()).map_err(file_error)?;
    let mapped = customer_import::map_rows(
        &sheet.headers,
        sheet.rows.iter().map(|r| (r.number, r.cells.as_slice())),
    )
    .map_err(|problems| {
        let mut e = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_header",
            "the header row is not usable",
        );
        for p in problems {
            e = e.field(p.column, p.problem);
        }
        e
    })?;

    let people = all_employees(store, tenant, reach).await?;
    let mut by_ref: HashMap<String, &Employee> = HashMap::new();
    for e in &people {
        if let Some(u) = &e.username {
            by_ref.insert(u.to_lowercase(), e);
        }
        if let Some(n) = &e.employee_no {
            by_ref.insert(n.to_lowercase(), e);
        }
    }
    let mut errors: Vec<RowError> = mapped
        .problems
        .iter()
        .map(|p| RowError::new(p.row, p.column.clone(), &p.problem))
        .collect();
    let mut items = Vec::new();
    for r in &mapped.rows {
        let mut draft = match r.input.validate() {
            Ok(d) => d,
            Err(_) => continue, // map_rows already reported it
        };
        let owner: Result<Option<EmployeeId>, Problem> = match (&r.owner_ref, reach) {
            (None, Reach::Own(me)) => Ok(Some(*me)),
            // A manager names someone in their department, or the row drops out of sight.
            (None, Reach::Subtree(_)) => Err(Problem::Required),
            (None, _) => Ok(None),
            (Some(name), _) => match by_ref.get(&name.to_lowercase()) {
                Some(e) if !e.active => Err(Problem::Deactivated),
                // Field reps can only own customers themselves.
                Some(e) if matches!(reach, Reach::Own(me) if *me != e.id) => {
                    Err(Problem::NotAllowed)
                }
                Some(e) => Ok(Some(e.id)),
                None => Err(Problem::NotFound),
            },
        };
        match owner {
            Ok(o) => {
                draft.owner_id = o;
                items.push(ImportItem { row: r.row, draft });
            }
            Err(problem) => {
                errors.push(RowError::new(r.row, mapped.header(Column::Owner), &problem))
            }
        }
    }
    let mut present: HashSet<Column> = mapped.headers.keys().copied().collect();
    if matches!(reach, Reach::Own(_) | Reach::Subtree(_)) {
        // Every row of a manager or rep names its owner (checked above), so it is applied
        // even when the file has no owner column.
        present.insert(Column::Owner);
    }
    let outcome = store
        .import_customers(tenant, reach, &items, &present, dry_run)
        .await?;
    for (row, field, problem) in outcome.refused {
        let column = mapped.header(if field == "external_id" {
            Column::ExternalId
        } else {
            Column::Code
        });
        errors.push(RowError::new(row, column, &problem));
    }
    errors.sort_by_key(|e| e.row);
    let count = |a: UpsertAction| outcome.applied.iter().filter(|(_, x, _)| *x == a).count();
    Ok(ImportReport {
        dry_run,
        format: format.extension().to_owned(),
        encoding: match sheet.encoding {
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Utf8Bom => "utf-8-bom",
            TextEncoding::Gbk => "gbk",
        }
        .to_owned(),
        rows: sheet.rows.len(),
        created: count(UpsertAction::Created),
        updated: count(UpsertAction::Updated),
        errors,
        ignored_columns: mapped.ignored_columns,
    })
}

/// Every customer within `reach` as CSV or XLSX, headed so that import takes it back.
pub async fn export_customers(
    store: &Store,
    tenant: TenantId,
    reach: &Reach,
    format: SheetFormat,
    system: CoordSystem,
) -> ApiResult<Vec<u8>> {
    let customers = store.all_customers(tenant, reach).await?;
    let people = all_employees(store, tenant, &Reach::Tenant).await?;
    let owner_ref: HashMap<EmployeeId, String> = people
        .into_iter()
        .filter_map(|e| Some((e.id, e.username.or(e.employee_no)?)))
        .collect();
    let rows: Vec<Vec<String>> = customers
        .into_iter()
        .map(|mut c| {
            c.express_in(system);
            let contact = c.contacts.first();
            let (lat, lon, cs) = match &c.location {
                Some(p) => (
                    p.lat.to_string(),
                    p.lon.to_string(),
                    p.coord_system.to_owned(),
                ),
                None => Default::default(),
            };
            vec![
                c.name,
                c.code.unwrap_or_default(),
                c.external_id.unwrap_or_default(),
                c.address.unwrap_or_default(),
                lat,
                lon,
                cs,
                c.level.as_str().to_owned(),
                c.tags.join(";"),
                c.owner_id
                    .and_then(|o| owner_ref.get(&o).cloned())
                    .unwrap_or_default(),
                c.checkin_radius_m
                    .map(|r| r.to_string())
                    .unwrap_or_default(),
                contact.map(|k| k.name.clone()).unwrap_or_default(),
                contact.and_then(|k| k.phone.clone()).unwrap_or_default(),
            ]
        })
        .collect();
    match format {
        SheetFormat::Csv => Ok(tabular::write_csv(&EXPORT_HEADERS, &rows)),
        SheetFormat::Xlsx => {
            tabular::write_xlsx("customers", &EXPORT_HEADERS, &rows).map_err(ApiError::internal)
        }
    }
}
