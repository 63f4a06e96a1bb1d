//! Reports for managers and finance: the standard report pack built from the stored
//! facts (`GET /api/v1/reports/{name}`, as JSON with column metadata, a formatted XLSX or
//! CSV), and the older team attendance (people × days with totals) and monthly mileage
//! from the stored day summaries, as JSON or an XLSX download.
//! Managers see their department subtree, finance and admins everyone; field reps and
//! integration keys are refused.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Json, Query};
use crate::services::report_pack::{self, ReportPage, ReportQuery};
use crate::services::reports::{self, MAX_LIMIT, MileageRow, TeamRow, Who};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use domain::attendance::DayStatus;
use domain::{DepartmentId, EmployeeId, Format, Problem};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(team_attendance))
        .routes(routes!(monthly_mileage))
        .routes(routes!(standard_report))
}

/// At most this many days in one attendance report (a quarter).
const MAX_DAYS: i64 = 92;
const DEFAULT_LIMIT: u32 = 50;

fn parse_date(field: &str, v: &str) -> ApiResult<NaiveDate> {
    v.parse()
        .map_err(|_| ApiError::bad_request(field, Problem::format(Format::Date)))
}

fn limit_of(limit: Option<u32>) -> ApiResult<u32> {
    match limit {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::invalid_one(
            "limit",
            Problem::range(1.0, f64::from(MAX_LIMIT), ""),
        )),
    }
}

/// Whether the answer is a spreadsheet, and in which language its headings are.
fn wants_xlsx(format: Option<&str>) -> ApiResult<bool> {
    match format {
        None | Some("json") => Ok(false),
        Some("xlsx") => Ok(true),
        Some(_) => Err(ApiError::bad_request(
            "format",
            Problem::unknown_value(&["json", "xlsx"]),
        )),
    }
}

fn chinese(lang: Option<&str>) -> ApiResult<bool> {
    match lang {
        None | Some("en") => Ok(false),
        Some("zh-CN") | Some("zh") => Ok(true),
        Some(_) => Err(ApiError::bad_request(
            "lang",
            Problem::unknown_value(&["zh-CN", "en"]),
        )),
    }
}

fn xlsx_response(
    name: &str,
    sheet: &str,
    headers: &[&str],
    rows: &[Vec<String>],
) -> ApiResult<Response> {
    let bytes = tabular::write_xlsx(sheet, headers, rows).map_err(ApiError::internal)?;
    Ok((
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

// ---- attendance ----

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TeamQuery {
    /// Only this department and those below it; default everyone the caller reaches.
    pub department_id: Option<DepartmentId>,
    /// First local date, `YYYY-MM-DD`.
    #[param(format = Date)]
    pub from: String,
    /// Last local date (inclusive), at most 92 days after `from`.
    #[param(format = Date)]
    pub to: String,
    /// `json` (default) or `xlsx` (every person, one row per person and day).
    #[param(value_type = Option<crate::openapi::values::ReportFormat>)]
    pub format: Option<String>,
    /// Spreadsheet headings: `zh-CN` or `en` (default).
    #[param(value_type = Option<crate::openapi::values::ReportLang>)]
    pub lang: Option<String>,
    /// People per page (1–200, default 50); ignored for `xlsx`.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TeamPage {
    pub items: Vec<TeamRow>,
    pub next_cursor: Option<String>,
}

/// The team's attendance: per person, every day of the range with its status, first
/// clock-in, last clock-out, late and early minutes, and the totals of each status. Days
/// before a person started are `not_started`, never `absent`.
#[utoipa::path(get, path = "/api/v1/attendance/team", tag = "reports", params(TeamQuery),
    responses((status = 200, description = "JSON, or with `format=xlsx` the spreadsheet", content(
            (TeamPage = "application/json"), (crate::openapi::bodies::Binary = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn team_attendance(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<TeamQuery>,
) -> ApiResult<Response> {
    let (from, to) = (parse_date("from", &q.from)?, parse_date("to", &q.to)?);
    if to < from || (to - from).num_days() > MAX_DAYS {
        return Err(ApiError::bad_request(
            "to",
            Problem::BadRange {
                other: "from".into(),
                max_days: MAX_DAYS as u32,
            },
        ));
    }
    let xlsx = wants_xlsx(q.format.as_deref())?;
    let zh = chinese(q.lang.as_deref())?;
    let limit = if xlsx { 0 } else { limit_of(q.limit)? };
    let who = Who {
        department_id: q.department_id,
        cursor: q.cursor,
        limit,
    };
    let report = reports::team_attendance(&s, &caller.principal, who, (from, to)).await?;
    let (items, next_cursor, tz) = (report.page.items, report.page.next_cursor, report.tz);
    if !xlsx {
        return Ok(Json(TeamPage { items, next_cursor }).into_response());
    }
    let local = |t: Option<DateTime<Utc>>| {
        t.map(|t| t.with_timezone(&tz).format("%H:%M").to_string())
            .unwrap_or_default()
    };
    let rows: Vec<Vec<String>> = items
        .iter()
        .flat_map(|r| {
            r.days.iter().map(move |d| {
                vec![
                    r.employee.name.clone(),
                    r.employee.department_name.clone(),
                    d.date.to_string(),
                    status_word(d.status, zh).to_owned(),
                    local(d.clock_in_t),
                    local(d.clock_out_t),
                    d.late_min.to_string(),
                    d.early_min.to_string(),
                ]
            })
        })
        .collect();
    let headers: [&str; 8] = if zh {
        [
            "姓名",
            "部门",
            "日期",
            "状态",
            "签到",
            "签退",
            "迟到(分钟)",
            "早退(分钟)",
        ]
    } else {
        [
            "Name",
            "Department",
            "Date",
            "Status",
            "Clock-in",
            "Clock-out",
            "Late (min)",
            "Early leave (min)",
        ]
    };
    let sheet = if zh { "考勤" } else { "Attendance" };
    xlsx_response(
        &format!("attendance-{from}-{to}.xlsx"),
        sheet,
        &headers,
        &rows,
    )
}

fn status_word(s: DayStatus, zh: bool) -> &'static str {
    match (s, zh) {
        (DayStatus::Present, false) => "Present",
        (DayStatus::Late, false) => "Late",
        (DayStatus::EarlyLeave, false) => "Early leave",
        (DayStatus::Absent, false) => "Absent",
        (DayStatus::OnLeave, false) => "On leave",
        (DayStatus::DayOff, false) => "Day off",
        (DayStatus::Pending, false) => "Pending",
        (DayStatus::NotStarted, false) => "Not started",
        (DayStatus::Present, true) => "正常",
        (DayStatus::Late, true) => "迟到",
        (DayStatus::EarlyLeave, true) => "早退",
        (DayStatus::Absent, true) => "缺勤",
        (DayStatus::OnLeave, true) => "请假",
        (DayStatus::DayOff, true) => "休息日",
        (DayStatus::Pending, true) => "待定",
        (DayStatus::NotStarted, true) => "未入职",
    }
}

// ---- mileage ----

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MileageQuery {
    /// The month, `YYYY-MM` (local days of the tenant).
    #[param(pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$", example = "2026-11")]
    pub month: String,
    /// Only this department and those below it.
    pub department_id: Option<DepartmentId>,
    /// `json` (default) or `xlsx`.
    #[param(value_type = Option<crate::openapi::values::ReportFormat>)]
    pub format: Option<String>,
    /// Spreadsheet headings: `zh-CN` or `en` (default).
    #[param(value_type = Option<crate::openapi::values::ReportLang>)]
    pub lang: Option<String>,
    /// People per page (1–200, default 50); ignored for `xlsx`.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MileagePage {
    pub items: Vec<MileageRow>,
    pub next_cursor: Option<String>,
}

fn parse_month(v: &str) -> ApiResult<(NaiveDate, NaiveDate)> {
    let bad = || ApiError::bad_request("month", Problem::format(Format::Month));
    let first =
        NaiveDate::parse_from_str(&format!("{}-01", v.trim()), "%Y-%m-%d").map_err(|_| bad())?;
    if v.trim().len() != 7 {
        return Err(bad());
    }
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    }
    .ok_or_else(bad)?;
    Ok((first, next.pred_opt().ok_or_else(bad)?))
}

/// Monthly mileage per person from the stored day summaries: days tracked, kilometres
/// inside working windows, in all, and outside working hours.
#[utoipa::path(get, path = "/api/v1/mileage/monthly", tag = "reports", params(MileageQuery),
    responses((status = 200, description = "JSON, or with `format=xlsx` the spreadsheet", content(
            (MileagePage = "application/json"), (crate::openapi::bodies::Binary = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn monthly_mileage(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<MileageQuery>,
) -> ApiResult<Response> {
    let (first, last) = parse_month(&q.month)?;
    let xlsx = wants_xlsx(q.format.as_deref())?;
    let zh = chinese(q.lang.as_deref())?;
    let limit = if xlsx { 0 } else { limit_of(q.limit)? };
    let who = Who {
        department_id: q.department_id,
        cursor: q.cursor,
        limit,
    };
    let page = reports::monthly_mileage(&s, &caller.principal, who, (first, last)).await?;
    let (items, next_cursor) = (page.items, page.next_cursor);
    if !xlsx {
        return Ok(Json(MileagePage { items, next_cursor }).into_response());
    }
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|r| {
            vec![
                r.employee.name.clone(),
                r.employee.department_name.clone(),
                r.days_tracked.to_string(),
                r.working_km.to_string(),
                r.total_km.to_string(),
                r.outside_km.to_string(),
            ]
        })
        .collect();
    let headers: [&str; 6] = if zh {
        [
            "姓名",
            "部门",
            "有轨迹天数",
            "工作时间里程(公里)",
            "总里程(公里)",
            "非工作时间里程(公里)",
        ]
    } else {
        [
            "Name",
            "Department",
            "Days tracked",
            "Working km",
            "Total km",
            "Outside working hours km",
        ]
    };
    let sheet = if zh { "里程" } else { "Mileage" };
    xlsx_response(
        &format!("mileage-{}.xlsx", q.month.trim()),
        sheet,
        &headers,
        &rows,
    )
}

// ---- the standard report pack ----

/// Rows per page of a report as JSON (default; at most `MAX_REPORT_ROWS`).
const DEFAULT_REPORT_ROWS: usize = 1000;
const MAX_REPORT_ROWS: u32 = 5000;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StandardReportQuery {
    /// First local date (tenant's zone), `YYYY-MM-DD`.
    #[param(format = Date)]
    pub from: String,
    /// Last local date, inclusive; at most 92 days after `from`.
    #[param(format = Date)]
    pub to: String,
    /// Only days spent in this department and those below it (a manager: within their
    /// own subtree, which is also the default).
    pub department_id: Option<DepartmentId>,
    /// Only this person.
    pub employee_id: Option<EmployeeId>,
    /// Only customers of this level (visit detail, coverage, new prospects).
    #[param(value_type = Option<crate::openapi::values::CustomerLevel>)]
    pub customer_level: Option<String>,
    /// Only customers with this tag (visit detail, coverage, new prospects).
    pub customer_tag: Option<String>,
    /// `json` (default), `xlsx` (formatted, every row and the totals) or `csv` (UTF-8
    /// with BOM).
    #[param(value_type = Option<crate::openapi::values::ReportExport>)]
    pub format: Option<String>,
    /// Spreadsheet headings and words: `zh-CN` or `en` (default).
    #[param(value_type = Option<crate::openapi::values::ReportLang>)]
    pub lang: Option<String>,
    /// Rows per page of JSON (1–5000, default 1000).
    #[param(minimum = 1, maximum = 5000)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// A standard report over the caller's reach (a manager: days spent in their department
/// subtree; finance and admins: everyone; field reps: 403), from the stored facts: its
/// columns with type, unit and zh/en labels, one page of rows, the totals row. Customer
/// figures (coverage) count the whole calendar months the period overlaps.
#[utoipa::path(get, path = "/api/v1/reports/{name}", tag = "reports",
    params(("name" = crate::openapi::values::ReportName, Path), StandardReportQuery),
    responses((status = 200, description = "JSON, or with `format=xlsx`/`csv` the file", content(
            (ReportPage = "application/json"),
            (crate::openapi::bodies::Binary = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (crate::openapi::bodies::Binary = "text/csv"))),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn standard_report(
    State(s): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    Query(q): Query<StandardReportQuery>,
) -> ApiResult<Response> {
    let name = ::reports::report::ReportName::parse(&name).ok_or_else(ApiError::not_found)?;
    let query = ReportQuery::parse(
        (&q.from, &q.to),
        q.department_id,
        q.employee_id,
        q.customer_level.as_deref(),
        q.customer_tag.as_deref(),
    )?;
    let format = match q.format.as_deref() {
        None | Some("json") => "json",
        Some("xlsx") => "xlsx",
        Some("csv") => "csv",
        Some(_) => {
            return Err(ApiError::bad_request(
                "format",
                Problem::unknown_value(&["json", "xlsx", "csv"]),
            ));
        }
    };
    let zh = chinese(q.lang.as_deref())?;
    let limit = match q.limit {
        None => DEFAULT_REPORT_ROWS,
        Some(n) if (1..=MAX_REPORT_ROWS).contains(&n) => n as usize,
        Some(_) => {
            return Err(ApiError::invalid_one(
                "limit",
                Problem::range(1.0, f64::from(MAX_REPORT_ROWS), ""),
            ));
        }
    };
    if !matches!(format, "xlsx" | "csv") {
        let page = report_pack::report_page(
            &s,
            &caller.principal,
            name,
            &query,
            q.cursor.as_deref(),
            limit,
        )
        .await?;
        return Ok(Json(page).into_response());
    }
    let built = report_pack::report(&s, &caller.principal, name, &query).await?;
    let file = format!("{}-{}-{}", name_of(&built.report), query.from, query.to);
    match format {
        "xlsx" => {
            let sheet = report_pack::sheet(&built.report, zh, built.tz);
            let bytes = tabular::write_workbook(&[sheet]).map_err(ApiError::internal)?;
            Ok(file_response(
                &format!("{file}.xlsx"),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                bytes,
            ))
        }
        _ => Ok(file_response(
            &format!("{file}.csv"),
            "text/csv; charset=utf-8",
            report_pack::csv(&built.report, zh, built.tz),
        )),
    }
}

fn name_of(r: &::reports::report::Report) -> &'static str {
    r.name.as_str()
}

fn file_response(name: &str, content_type: &str, bytes: Vec<u8>) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}
