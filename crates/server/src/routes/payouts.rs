//! Finance: payout batches of approved claims and their exports.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Json, Path, Query};
use crate::routes::{created_or_ok, default_limit, page_limit};
use crate::services::payouts::{self, NewPayout, PayoutView};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::Problem;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_payouts, create_payout))
        .routes(routes!(get_payout))
        .routes(routes!(export_payout))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PayoutListQuery {
    /// Only this period's batches: `2026-11` (or `2026-11-H1`, `2026-W47`).
    pub period: Option<String>,
    pub cursor: Option<String>,
    #[serde(default = "default_limit")]
    #[param(minimum = 1, maximum = 500)]
    pub limit: u32,
}

#[derive(Serialize, ToSchema)]
pub struct PayoutPage {
    pub items: Vec<PayoutView>,
    pub next_cursor: Option<String>,
}

/// The tenant's payout batches, oldest first (finance and admins).
#[utoipa::path(get, path = "/api/v1/payouts", tag = "claims", params(PayoutListQuery),
    responses((status = 200, body = PayoutPage), (status = 400, body = ErrorBody)))]
async fn list_payouts(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<PayoutListQuery>,
) -> ApiResult<Json<PayoutPage>> {
    let page = payouts::list(
        &s,
        &caller.principal,
        q.period.as_deref(),
        q.cursor.as_deref(),
        page_limit(q.limit)?,
    )
    .await?;
    Ok(Json(PayoutPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// Marks approved claims of one period paid under a reference, all or none. Idempotent
/// by the client id; a claim not approved answers 409 naming it.
#[utoipa::path(post, path = "/api/v1/payouts", tag = "claims", request_body = NewPayout,
    responses((status = 201, body = PayoutView), (status = 200, body = PayoutView),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_payout(
    State(s): State<AppState>,
    caller: Caller,
    Json(input): Json<NewPayout>,
) -> ApiResult<(StatusCode, Json<PayoutView>)> {
    payouts::create(&s, &caller.principal, input)
        .await
        .map(created_or_ok)
}

/// One payout batch.
#[utoipa::path(get, path = "/api/v1/payouts/{id}", tag = "claims",
    params(("id" = Uuid, Path, description = "the batch")),
    responses((status = 200, body = PayoutView), (status = 404, body = ErrorBody)))]
async fn get_payout(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<PayoutView>> {
    Ok(Json(payouts::get(&s, &caller.principal, id).await?))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `xlsx` (default; a summary sheet, the day lines and the expenses), `csv` (the
    /// summary) or `json` (everything, for an ERP).
    #[param(value_type = Option<crate::openapi::values::PayoutFormat>)]
    pub format: Option<String>,
    /// The language of the headings and of the codes in the cells (status, day kind,
    /// vehicle, anti-cheat level, expense category): `zh-CN` or `en`; when left out, the
    /// caller's `Accept-Language` (Chinese when it prefers `zh`), else English.
    pub lang: Option<String>,
}

/// The batch's export; its totals equal the claims' totals to the fen.
#[utoipa::path(get, path = "/api/v1/payouts/{id}/export", tag = "claims", params(ExportQuery,
    ("id" = Uuid, Path, description = "the batch")),
    responses((status = 200, description = "the export", content(
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("text/csv"), ("application/json"))),
        (status = 404, body = ErrorBody)))]
async fn export_payout(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
    Query(q): Query<ExportQuery>,
) -> ApiResult<Response> {
    let zh = match q.lang.as_deref() {
        None => prefers_chinese(&headers),
        Some("en") => false,
        Some("zh-CN" | "zh") => true,
        Some(_) => {
            return Err(ApiError::bad_request(
                "lang",
                Problem::unknown_value(&["zh-CN", "en"]),
            ));
        }
    };
    let format = q.format.as_deref().unwrap_or("xlsx");
    if !["xlsx", "csv", "json"].contains(&format) {
        return Err(ApiError::bad_request(
            "format",
            Problem::unknown_value(&["xlsx", "csv", "json"]),
        ));
    }
    let x = payouts::export(&s, &caller.principal, id).await?;
    let name = format!("payout-{}", x.export.period);
    let (content_type, file, bytes) = match format {
        "json" => (
            "application/json",
            format!("{name}.json"),
            serde_json::to_vec(&x.export).map_err(ApiError::internal)?,
        ),
        "csv" => {
            let (headers, rows) = payouts::csv_rows(&x, zh);
            (
                "text/csv; charset=utf-8",
                format!("{name}.csv"),
                tabular::write_csv(&headers, &rows),
            )
        }
        _ => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            format!("{name}.xlsx"),
            tabular::write_workbook(&payouts::workbook(&x, zh)).map_err(ApiError::internal)?,
        ),
    };
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Whether the caller's `Accept-Language` puts Chinese before English (or has no
/// English at all).
fn prefers_chinese(headers: &HeaderMap) -> bool {
    let Some(v) = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    for tag in v.split(',') {
        let lang = tag
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if lang.starts_with("zh") {
            return true;
        }
        if lang.starts_with("en") {
            return false;
        }
    }
    false
}
