//! Live photos (现场拍照) for visits and attendance: checked (real image, size, no
//! decompression bomb), fingerprinted (SHA-256, perceptual hash against the tenant's
//! earlier photos), compared with their EXIF, watermarked with time, place, person and
//! customer, and served only to callers who reach the person who took them.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Json, Path, Query, parse_json};
use crate::photo_files::Variant;
use crate::routes::created_or_ok;
use crate::services::photos::{self, PhotoMeta, PhotoView, Upload};
use crate::state::AppState;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::access::{Action, Resource};
use domain::{Format, Problem};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router(max_photo_bytes: usize) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload_attendance_photo))
        .routes(routes!(upload_visit_photo))
        .layer(DefaultBodyLimit::max(max_photo_bytes + 64 * 1024))
        .routes(routes!(photo_file))
}

/// The multipart form: a JSON `meta` part and the image as `file`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct PhotoForm {
    meta: PhotoMeta,
    #[schema(format = Binary, content_media_type = "application/octet-stream")]
    file: String,
}

/// Uploads an attendance photo (send its id as `photo_id` with the clock-in or -out) or,
/// with `meta.purpose` = `receipt`, an expense's receipt (its id goes with the expense).
#[utoipa::path(post, path = "/api/v1/photos", tag = "photos",
    request_body(content = PhotoForm, content_type = "multipart/form-data"),
    responses((status = 201, body = PhotoView), (status = 200, body = PhotoView), (status = 409, body = ErrorBody),
              (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn upload_attendance_photo(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<(StatusCode, Json<PhotoView>)> {
    upload(&s, &caller, &headers, multipart, None).await
}

/// Uploads a live photo of a visit (the visit must be the caller's own).
#[utoipa::path(post, path = "/api/v1/visits/{id}/photos", tag = "visits",
    params(("id" = Uuid, Path, description = "the visit")),
    request_body(content = PhotoForm, content_type = "multipart/form-data"),
    responses((status = 201, body = PhotoView), (status = 200, body = PhotoView), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn upload_visit_photo(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path(visit): Path<Uuid>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<(StatusCode, Json<PhotoView>)> {
    upload(&s, &caller, &headers, multipart, Some(visit)).await
}

/// Reads the `meta` and `file` parts.
async fn read_form(
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
    limit: usize,
) -> ApiResult<(PhotoMeta, Vec<u8>)> {
    let mut multipart = multipart.map_err(|e| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            e.body_text(),
        )
        .field("body", Problem::format(Format::Multipart))
    })?;
    let (mut meta, mut file) = (None, None);
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(ApiError::too_large(limit));
            }
            Err(e) => {
                return Err(ApiError::bad_request(
                    "body",
                    Problem::Unreadable {
                        detail: e.body_text(),
                    },
                ));
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        let bytes = field.bytes().await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::too_large(limit)
            } else {
                ApiError::bad_request(
                    &name,
                    Problem::Unreadable {
                        detail: e.body_text(),
                    },
                )
            }
        })?;
        match name.as_str() {
            "meta" => meta = Some(parse_json::<PhotoMeta>(&bytes)?),
            "file" => file = Some(bytes.to_vec()),
            _ => {}
        }
    }
    let meta = meta.ok_or_else(|| ApiError::bad_request("meta", Problem::Required))?;
    let file = file.ok_or_else(|| ApiError::bad_request("file", Problem::Required))?;
    if file.len() > limit {
        return Err(ApiError::too_large(limit));
    }
    Ok((meta, file))
}

/// The upload's parts handed to the use case; the signed-in person is checked before the
/// body is read.
async fn upload(
    s: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
    visit_id: Option<Uuid>,
) -> ApiResult<(StatusCode, Json<PhotoView>)> {
    let user = caller.user()?;
    let (meta, file) = read_form(multipart, s.config.max_photo_bytes).await?;
    let zh_by_default = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("zh"));
    let upload = Upload {
        meta,
        file,
        visit_id,
        zh_by_default,
    };
    photos::upload(s, user, upload).await.map(created_or_ok)
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FileQuery {
    /// `watermarked` (default), `original` or `thumbnail`.
    #[param(value_type = Option<crate::openapi::values::PhotoVariant>)]
    pub variant: Option<String>,
}

/// A photo's bytes, for callers who reach the person who took it.
#[utoipa::path(get, path = "/api/v1/photos/{id}", tag = "photos",
    params(("id" = Uuid, Path, description = "the photo"), FileQuery),
    responses((status = 200, description = "JPEG; an `original` is in the format it was uploaded in", content(
            (crate::openapi::bodies::Binary = "image/jpeg"), (crate::openapi::bodies::Binary = "image/png"),
            (crate::openapi::bodies::Binary = "image/webp"))),
        (status = 404, body = ErrorBody)))]
async fn photo_file(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Query(q): Query<FileQuery>,
) -> ApiResult<Response> {
    let reach = caller.reach(Resource::Tracks, Action::Read)?;
    let variant = match q.variant.as_deref() {
        None | Some("watermarked") => Variant::Watermarked,
        Some("original") => Variant::Original,
        Some("thumbnail") => Variant::Thumbnail,
        Some(_) => {
            return Err(ApiError::bad_request(
                "variant",
                Problem::unknown_value(&["watermarked", "original", "thumbnail"]),
            ));
        }
    };
    let (bytes, mime) = photos::photo_file(&s, caller.tenant(), &reach, id, variant).await?;
    Ok((
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, "private, max-age=86400"),
        ],
        bytes,
    )
        .into_response())
}
