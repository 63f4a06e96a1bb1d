//! Bulk customer import from a CSV (UTF-8 or GBK) or XLSX upload.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Json, Query};
use crate::import::{self, ImportReport};
use crate::state::AppState;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use domain::access::{Action, Resource};
use domain::{Format, Problem};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router(max_upload_bytes: usize) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(import_customers))
        .layer(DefaultBodyLimit::max(max_upload_bytes))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Check and report without writing anything.
    #[serde(default)]
    pub dry_run: bool,
}

/// The multipart form: one file field named `file`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ImportForm {
    #[schema(format = Binary, content_media_type = "application/octet-stream")]
    file: String,
}

/// Upserts customers from a spreadsheet: rows match stored customers by `external_id`,
/// else `code`. Headings may be English (as exported) or Chinese (名称, 编码, 地址, 纬度,
/// 经度, 级别, 标签, 负责人, 联系人, 联系电话 …). Valid rows are written in one transaction;
/// each invalid row is reported with its row number, column and problem.
#[utoipa::path(post, path = "/api/v1/customers/import", tag = "customers", params(ImportQuery),
    request_body(content = ImportForm, content_type = "multipart/form-data"),
    responses((status = 200, body = ImportReport), (status = 413, body = ErrorBody),
              (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn import_customers(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<ImportQuery>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Json<ImportReport>> {
    let reach = caller.reach(Resource::Customers, Action::Write)?;
    let mut multipart = multipart.map_err(|e| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            e.body_text(),
        )
        .field("body", Problem::format(Format::Multipart))
    })?;
    let limit = s.config.max_upload_bytes;
    let mut file: Option<(Option<String>, Vec<u8>)> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(ApiError::too_large(limit));
            }
            Err(e) => {
                return Err(ApiError::bad_request(
                    "file",
                    Problem::Unreadable {
                        detail: e.body_text(),
                    },
                ));
            }
        };
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().map(str::to_owned);
        let bytes = field.bytes().await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::too_large(limit)
            } else {
                ApiError::bad_request(
                    "file",
                    Problem::Unreadable {
                        detail: e.body_text(),
                    },
                )
            }
        })?;
        file = Some((name, bytes.to_vec()));
    }
    let (name, bytes) = file.ok_or_else(|| ApiError::bad_request("file", Problem::Required))?;
    let report = import::import_customers(
        &s.store,
        caller.tenant(),
        &reach,
        &bytes,
        name.as_deref(),
        q.dry_run,
    )
    .await?;
    Ok(Json(report))
}
