//! Customers: list with filters and cursor pagination, create, read, replace, delete, export.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{IfMatch, Json, Path, Query};
use crate::idem::{self, CreateJson};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::access::{Action, Reach, Resource};
use domain::customer::{Customer, CustomerDraft, CustomerInput, CustomerStatus, Level};
use domain::{CoordSystem, CustomerId, Invalid, Wgs84};
use domain::{Format, Problem};
use serde::{Deserialize, Serialize};
use storage::{CreateKind, CustomerFilter, CustomerSort};
use tabular::SheetFormat;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_customers, create_customer))
        .routes(routes!(export_customers))
        .routes(routes!(get_customer, update_customer, delete_customer))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CustomerQuery {
    pub owner_id: Option<domain::EmployeeId>,
    #[param(value_type = Option<Level>)]
    pub level: Option<String>,
    pub tag: Option<String>,
    /// `active` or `pending` (prospects waiting for approval).
    #[param(value_type = Option<domain::customer::CustomerStatus>)]
    pub status: Option<String>,
    /// Substring of name, code, external id or address.
    pub q: Option<String>,
    /// `lat,lon,radius_m` (WGS-84 unless `coord_system` says otherwise), e.g. `31.23,121.47,2000`.
    pub near: Option<String>,
    /// Only customers created, changed or brought back at or after this instant
    /// (RFC 3339), for incremental sync; the order is then `updated_at` unless `sort`
    /// says otherwise. Deleted customers are listed by `GET /tombstones`.
    #[param(value_type = Option<chrono::DateTime<chrono::Utc>>)]
    pub updated_since: Option<String>,
    /// `name` (default), `-name`, `created_at`, `-created_at`, `updated_at` (the default
    /// with `updated_since`), or `distance` (with `near`).
    #[param(value_type = Option<crate::openapi::values::CustomerSort>)]
    pub sort: Option<String>,
    /// Coordinate system of `near` and of the answer's locations: wgs84 (default), gcj02, bd09.
    #[param(value_type = Option<crate::openapi::CoordSystemName>)]
    pub coord_system: Option<String>,
    pub cursor: Option<String>,
    /// 1–500, default 50.
    #[serde(default = "super::default_limit")]
    #[param(minimum = 1, maximum = 500)]
    pub limit: u32,
}

#[derive(Serialize, ToSchema)]
pub struct CustomerPage {
    pub items: Vec<Customer>,
    pub next_cursor: Option<String>,
}

fn parse_near(raw: &str, system: CoordSystem) -> ApiResult<(Wgs84, f64)> {
    let bad = || ApiError::bad_request("near", Problem::format(Format::NearQuery));
    let parts: Vec<f64> = raw
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad())?;
    let [lat, lon, r] = parts[..] else {
        return Err(bad());
    };
    if !(1.0..=100_000.0).contains(&r) {
        return Err(bad());
    }
    let centre =
        Wgs84::parse(lat, lon, system).map_err(|e| ApiError::bad_request("near", e.problem()))?;
    Ok((centre, r))
}

/// Customers the caller reaches: admins all, managers those owned by people in their
/// subtree, field reps their own.
#[utoipa::path(get, path = "/api/v1/customers", tag = "customers", params(CustomerQuery),
    responses((status = 200, body = CustomerPage), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn list_customers(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<CustomerQuery>,
) -> ApiResult<Json<CustomerPage>> {
    let reach = caller.reach(Resource::Customers, Action::Read)?;
    let system = super::output_system(q.coord_system.as_deref())?;
    let filter = CustomerFilter {
        owner_id: q.owner_id,
        level: q
            .level
            .as_deref()
            .map(Level::parse)
            .transpose()
            .map_err(|p| ApiError::bad_request("level", p))?,
        tag: q.tag,
        status: q
            .status
            .as_deref()
            .map(CustomerStatus::parse)
            .transpose()
            .map_err(|p| ApiError::bad_request("status", p))?,
        q: q.q,
        near: q
            .near
            .as_deref()
            .map(|n| parse_near(n, system))
            .transpose()?,
        updated_since: super::instant_ms("updated_since", q.updated_since.as_deref())?,
        sort: match q.sort.as_deref() {
            None if q.updated_since.is_some() => CustomerSort::UpdatedAsc,
            None => CustomerSort::default(),
            Some(v) => CustomerSort::parse(v).ok_or_else(|| {
                ApiError::bad_request(
                    "sort",
                    Problem::unknown_value(&[
                        "name",
                        "-name",
                        "created_at",
                        "-created_at",
                        "updated_at",
                        "distance",
                    ]),
                )
            })?,
        },
        cursor: q.cursor,
        limit: super::page_limit(q.limit)?,
    };
    let mut page = s
        .store
        .list_customers(caller.tenant(), &reach, &filter)
        .await?;
    page.items.iter_mut().for_each(|c| c.express_in(system));
    Ok(Json(CustomerPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OutputQuery {
    /// Coordinate system of the answer's location: wgs84 (default), gcj02, bd09.
    #[param(value_type = Option<crate::openapi::CoordSystemName>)]
    pub coord_system: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/customers/{id}", tag = "customers",
    params(("id" = CustomerId, Path), OutputQuery),
    responses((status = 200, body = Customer, headers(("ETag" = String, description = "The row's version; send it back in If-Match"))), (status = 404, body = ErrorBody)))]
async fn get_customer(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<CustomerId>,
    Query(q): Query<OutputQuery>,
) -> ApiResult<Response> {
    let reach = caller.reach(Resource::Customers, Action::Read)?;
    let system = super::output_system(q.coord_system.as_deref())?;
    let mut c = s.store.customer(caller.tenant(), id, &reach).await?;
    c.express_in(system);
    Ok(super::tagged(StatusCode::OK, c.version, c))
}

/// Applies the ownership rules a role implies: a field rep's customers are their own; a
/// manager's must be owned by someone in their subtree (or they could not see them).
pub(crate) async fn settle_owner(
    s: &AppState,
    caller: &Caller,
    reach: &Reach,
    d: &mut CustomerDraft,
) -> ApiResult<()> {
    match (reach, d.owner_id) {
        (Reach::Own(me), None) => d.owner_id = Some(*me),
        (Reach::Own(me), Some(o)) if o != *me => {
            return Err(ApiError::invalid(Invalid::one(
                "owner_id",
                Problem::NotAllowed,
            )));
        }
        (Reach::Subtree(_), None) => {
            return Err(ApiError::invalid(Invalid::one(
                "owner_id",
                Problem::Required,
            )));
        }
        _ => {}
    }
    if let Some(o) = d.owner_id {
        s.store.check_owner(caller.tenant(), reach, o).await?;
    }
    Ok(())
}

/// Creates a customer. Coordinates may be sent in GCJ-02 or BD-09 (`location.coord_system`)
/// and are stored as WGS-84. A client-generated `id` makes retries safe (200 on repeat).
#[utoipa::path(post, path = "/api/v1/customers", tag = "customers", request_body = CustomerInput,
    responses((status = 201, body = Customer), (status = 200, body = Customer),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_customer(
    State(s): State<AppState>,
    caller: Caller,
    CreateJson {
        body: input,
        digest,
    }: CreateJson<CustomerInput>,
) -> ApiResult<(StatusCode, Json<Customer>)> {
    let reach = caller.reach(Resource::Customers, Action::Write)?;
    let mut draft = input.validate()?;
    let tenant = caller.tenant();
    let insert = async {
        settle_owner(&s, &caller, &reach, &mut draft).await?;
        idem::stored(
            s.store
                .create_customer(tenant, input.id, Some(&digest), &draft)
                .await,
        )
    };
    let read = |id| {
        let (s, reach) = (&s, &reach);
        async move { Ok(s.store.customer(tenant, CustomerId(id), reach).await?) }
    };
    let id = input.id.map(|i| i.0);
    idem::create_once(
        &s.store,
        tenant,
        CreateKind::Customer,
        id,
        &digest,
        insert,
        read,
    )
    .await
}

/// Replaces every field of a customer; `If-Match` makes it conditional (412 when stale).
#[utoipa::path(put, path = "/api/v1/customers/{id}", tag = "customers", request_body = CustomerInput,
    params(("id" = CustomerId, Path), ("If-Match" = Option<String>, Header, description = "An ETag read earlier: write only if the row is still at it")),
    responses((status = 200, body = Customer, headers(("ETag" = String, description = "The row's version; send it back in If-Match"))), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_customer(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<CustomerId>,
    IfMatch(expected): IfMatch,
    Json(input): Json<CustomerInput>,
) -> ApiResult<Response> {
    let reach = caller.reach(Resource::Customers, Action::Write)?;
    s.store.customer(caller.tenant(), id, &reach).await?;
    let mut draft = input.validate()?;
    settle_owner(&s, &caller, &reach, &mut draft).await?;
    let c = s
        .store
        .update_customer(caller.tenant(), &reach, id, expected, &draft)
        .await?;
    Ok(super::tagged(StatusCode::OK, c.version, c))
}

/// Removes a customer from lists; its history stays, and re-importing its code restores it.
#[utoipa::path(delete, path = "/api/v1/customers/{id}", tag = "customers", params(("id" = CustomerId, Path), ("If-Match" = Option<String>, Header, description = "An ETag read earlier: write only if the row is still at it")),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 412, body = ErrorBody)))]
async fn delete_customer(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<CustomerId>,
    IfMatch(expected): IfMatch,
) -> ApiResult<StatusCode> {
    let reach = caller.reach(Resource::Customers, Action::Write)?;
    s.store
        .delete_customer(caller.tenant(), &reach, id, expected)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `csv` (UTF-8 with BOM, opens in Excel) or `xlsx`.
    #[param(value_type = Option<crate::openapi::values::SheetFormat>)]
    pub format: Option<String>,
    /// Coordinate system of the exported lat/lon: wgs84 (default), gcj02, bd09.
    #[param(value_type = Option<crate::openapi::CoordSystemName>)]
    pub coord_system: Option<String>,
}

/// Every customer the caller reaches as a spreadsheet that `POST /customers/import` takes back.
#[utoipa::path(get, path = "/api/v1/customers/export", tag = "customers", params(ExportQuery),
    responses((status = 200, description = "the file", content(
            (crate::openapi::bodies::Binary = "text/csv"), (crate::openapi::bodies::Binary = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, body = ErrorBody)))]
async fn export_customers(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<ExportQuery>,
) -> ApiResult<Response> {
    let reach = caller.reach(Resource::Customers, Action::Read)?;
    let format = match q.format.as_deref() {
        None => SheetFormat::Csv,
        Some(f) => SheetFormat::parse(f).ok_or_else(|| {
            ApiError::bad_request("format", Problem::unknown_value(&["csv", "xlsx"]))
        })?,
    };
    let system = super::output_system(q.coord_system.as_deref())?;
    let bytes =
        crate::import::export_customers(&s.store, caller.tenant(), &reach, format, system).await?;
    let name = format!("customers.{}", format.extension());
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
