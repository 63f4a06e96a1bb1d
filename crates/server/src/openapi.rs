//! The OpenAPI document's frame: title, security scheme and shared schemas. Paths are
//! collected from the handlers' `#[utoipa::path]` annotations.

pub mod bodies;
mod errors;
pub mod query_params;
#[cfg(test)]
mod tests;
pub mod values;

use crate::error::ErrorBody;
use axum::http::Method;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Outfield API",
        description = "Field-force management: people, customers, and (as they land) attendance, visits, \
                       tracking and planning. Authenticate with `POST /api/v1/auth/login` and send \
                       `Authorization: Bearer <token>`, or use an integration API key the same way. \
                       Every error answers `{\"error\":{\"code\",\"message\",\"fields\"}}`.",
        license(name = "Apache-2.0")
    ),
    modifiers(&Bearer),
    security(("bearer" = [])),
    // The closed sets are listed here because query parameters refer to them and utoipa
    // collects only the schemas that bodies refer to.
    components(schemas(
        ErrorBody,
        values::PunchKind,
        values::DecisionStatus,
        values::RequestStatus,
        values::Judgement,
        values::SheetFormat,
        values::ReportFormat,
        values::ReportLang,
        values::TrackFormat,
        values::PhotoVariant,
        values::CustomerSort,
        values::TravelMode,
        values::WatermarkLang,
        values::PhotoUploadPurpose,
        values::NotificationKind,
        values::FixProvider,
        values::IntegrityLevelFilter,
        values::PayoutFormat,
        values::RequestScope,
        values::ApprovalStatus,
        values::ReportName,
        values::ReportExport,
        values::CustomerLevel,
        CoordSystemName,
        // Posted to webhook endpoints, never answered by a path.
        crate::services::report_schedules::ReportDeliveredEvent
    ))
)]
struct ApiDoc;

struct Bearer;

/// The name of the security scheme an operation open to integration keys lists, with the
/// one scope it requires (`security: [{"bearer": []}, {"api_key": ["visits:read"]}]`).
pub const API_KEY_SCHEME: &str = "api_key";

impl Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A session token from `POST /api/v1/auth/login` (`ofs_…`): the signed-in \
                         person's role decides what it reaches.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            API_KEY_SCHEME,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("ofk_<tenant>_<secret>")
                    .description(Some(
                        "An integration key (`ofk_…`, `Authorization: Bearer <key>`). An \
                         operation open to keys lists this scheme with the one scope it \
                         requires (OpenAPI 3.1 role names); a key without it answers 403 \
                         `missing_scope`. A `:write` scope also passes its family's reads. \
                         Operations that do not list this scheme answer 403 `forbidden` to \
                         every key. Each key is rate-limited (`RateLimit-Limit`, \
                         `RateLimit-Remaining`, `RateLimit-Reset` on every answer; 429 \
                         `rate_limited` with `Retry-After` over the limit).",
                    ))
                    .build(),
            ),
        );
    }
}

pub fn base() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// Passes over the assembled document (all paths present): each operation lists the error
/// statuses its extractors and the auth layer can answer, so they are not repeated (and
/// forgotten) in every annotation; see `errors`.
pub fn finish(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    errors::register(doc.components.get_or_insert_with(Default::default));
    for (path, item) in doc.paths.paths.iter_mut() {
        key_scopes(path, item);
    }
    for item in doc.paths.paths.values_mut() {
        for op in errors::operations_mut(item) {
            errors::complete(op);
        }
    }
    doc
}

/// States the scope each operation requires of an integration key (`auth::scopes`, the
/// table the server enforces) and the 429 a key over its rate limit gets.
fn key_scopes(path: &str, item: &mut utoipa::openapi::path::PathItem) {
    use utoipa::openapi::security::SecurityRequirement;
    let ops = [
        (Method::GET, item.get.as_mut()),
        (Method::PUT, item.put.as_mut()),
        (Method::POST, item.post.as_mut()),
        (Method::DELETE, item.delete.as_mut()),
        (Method::PATCH, item.patch.as_mut()),
    ];
    for (method, op) in ops {
        let Some(op) = op else { continue };
        let Some(scope) = crate::auth::scopes::required(&method, path) else {
            continue;
        };
        op.security = Some(vec![
            SecurityRequirement::new("bearer", Vec::<String>::new()),
            SecurityRequirement::new(API_KEY_SCHEME, [scope.as_str()]),
        ]);
        op.responses
            .responses
            .entry("429".to_owned())
            .or_insert_with(|| {
                utoipa::openapi::RefOr::Ref(utoipa::openapi::Ref::new(
                    "#/components/responses/RateLimited",
                ))
            });
    }
}

// Documentation only: fields keep the string so that a wrong name is answered with the
// field named, and `wgs-84` style spellings still parse.
/// A coordinate system: `wgs84` (GPS), `gcj02` (Amap, Tencent) or `bd09` (Baidu).
#[derive(utoipa::ToSchema)]
#[schema(as = CoordSystem)]
#[allow(dead_code)]
#[allow(clippy::enum_variant_names)]
pub enum CoordSystemName {
    #[schema(rename = "wgs84")]
    Wgs84,
    #[schema(rename = "gcj02")]
    Gcj02,
    #[schema(rename = "bd09")]
    Bd09,
}

/// Every operation of `doc` with its method and path template, for the layers that take
/// their behaviour from the document (query parameters, time-outs).
pub fn operations(
    doc: &utoipa::openapi::OpenApi,
) -> impl Iterator<Item = (Method, &String, &Operation)> {
    doc.paths.paths.iter().flat_map(|(path, item)| {
        [
            (Method::GET, &item.get),
            (Method::PUT, &item.put),
            (Method::POST, &item.post),
            (Method::DELETE, &item.delete),
            (Method::PATCH, &item.patch),
        ]
        .into_iter()
        .filter_map(move |(method, op)| op.as_ref().map(|op| (method, path, op)))
    })
}
