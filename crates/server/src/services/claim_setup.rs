//! What claims are computed with: each person's vehicles over time and the tenant's
//! mileage rate tables. Both are validated by the `claims` crate before they are stored.

use super::claim_input::{rate_book, vehicle_history, vehicle_kind, vehicle_word};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::http::StatusCode;
use claims::{
    ClaimError, Period, PeriodKind, RateBook, RateScope, RateTable, RateTableId, RateVersion,
    VehicleAssignment, VehicleHistory,
};
use domain::access::{Action, Principal, Reach, Resource};
use domain::{DepartmentId, EmployeeId, Problem, TenantId};
use serde::{Deserialize, Serialize};
use storage::{RatesRefused, StoredRateTable, StoredRateVersion, StoredVehicle};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VehicleItem {
    /// From this local date on (until the next item).
    #[schema(format = Date)]
    pub from: String,
    #[schema(value_type = crate::openapi::values::VehicleKind)]
    pub kind: String,
    /// 车牌, as written; shown on claims.
    #[schema(max_length = 16)]
    pub plate: Option<String>,
}

/// A person's vehicles over time, oldest first.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Vehicles {
    #[schema(max_items = 100)]
    pub items: Vec<VehicleItem>,
}

fn vehicles_view(h: &VehicleHistory) -> Vehicles {
    Vehicles {
        items: h
            .assignments()
            .iter()
            .map(|a| VehicleItem {
                from: a.from.to_string(),
                kind: vehicle_word(a.kind),
                plate: a.plate.clone(),
            })
            .collect(),
    }
}

pub async fn vehicles(s: &AppState, principal: &Principal, id: EmployeeId) -> ApiResult<Vehicles> {
    let tenant = principal.tenant();
    let reach = super::reach(principal, Resource::Employees, Action::Read)?;
    s.store.employee(tenant, id, &reach).await?;
    Ok(vehicles_view(&vehicle_history(
        &s.store.vehicle_history(tenant, id).await?,
    )?))
}

/// Replaces a person's vehicle history (admins, and managers for their subtree).
pub async fn put_vehicles(
    s: &AppState,
    principal: &Principal,
    id: EmployeeId,
    body: Vehicles,
) -> ApiResult<Vehicles> {
    let tenant = principal.tenant();
    let reach = super::reach(principal, Resource::Employees, Action::Write)?;
    s.store.employee(tenant, id, &reach).await?;
    if body.items.len() > 100 {
        return Err(ApiError::invalid_one(
            "items",
            Problem::TooMany { max: 100 },
        ));
    }
    let mut items = Vec::with_capacity(body.items.len());
    for (i, v) in body.items.iter().enumerate() {
        items.push(VehicleAssignment {
            from: v.from.parse().map_err(|_| {
                ApiError::invalid_one(
                    format!("items[{i}].from"),
                    Problem::format(domain::Format::Date),
                )
            })?,
            kind: vehicle_kind(&v.kind).ok_or_else(|| {
                ApiError::invalid_one(
                    format!("items[{i}].kind"),
                    Problem::unknown_value(&["private_car", "company_car", "motorbike", "none"]),
                )
            })?,
            plate: v.plate.clone(),
        });
    }
    let history = VehicleHistory::new(items).map_err(|e| {
        ApiError::from(e)
            .renamed("vehicles.from", "items.from")
            .renamed("vehicles.plate", "items.plate")
    })?;
    let rows: Vec<StoredVehicle> = history
        .assignments()
        .iter()
        .map(|a| StoredVehicle {
            employee_id: id.0,
            from_date: a.from.to_string(),
            kind: vehicle_word(a.kind),
            plate: a.plate.clone(),
            set_by: None,
            set_ms: 0,
        })
        .collect();
    let by = match principal {
        Principal::User(u) => Some(u.employee.0),
        Principal::ApiKey(_) => None,
    };
    s.store
        .replace_vehicle_history(tenant, id, &rows, by)
        .await?;
    Ok(vehicles_view(&history))
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RateTableBody {
    /// Client-generated; names the table in every claim paid by it.
    pub id: Uuid,
    /// Only this department and those below it (the nearest department's table wins).
    pub department_id: Option<DepartmentId>,
    /// Only this vehicle kind.
    #[schema(value_type = Option<crate::openapi::values::VehicleKind>)]
    pub vehicle: Option<String>,
    /// ISO 4217; CNY when left out.
    pub currency: Option<String>,
    /// Immutable versions, increasing, each from its effective date: `{version,
    /// effective_from, tiers: [{up_to (metres in the period, none for the last), rate
    /// (minor units per km)}], daily_cap, period_cap ({minor, currency}), rounding: {to:
    /// fen|jiao|yuan, mode: half_up|floor}}`.
    #[schema(value_type = Vec<Object>)]
    pub versions: Vec<serde_json::Value>,
}

/// The tenant's rate book: one table per scope.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RateTables {
    #[schema(max_items = 200)]
    pub tables: Vec<RateTableBody>,
}

fn book_view(book: &RateBook) -> ApiResult<RateTables> {
    Ok(RateTables {
        tables: book
            .tables()
            .iter()
            .map(|t| {
                Ok(RateTableBody {
                    id: t.id.0,
                    department_id: t.scope.department,
                    vehicle: t.scope.vehicle.map(vehicle_word),
                    currency: Some(t.currency.to_string()),
                    versions: t
                        .versions
                        .iter()
                        .map(serde_json::to_value)
                        .collect::<Result<_, _>>()
                        .map_err(ApiError::internal)?,
                })
            })
            .collect::<ApiResult<_>>()?,
    })
}

pub async fn rates(s: &AppState, principal: &Principal) -> ApiResult<RateTables> {
    super::reach(principal, Resource::Payouts, Action::Read)?;
    book_view(&rate_book(&s.store.rate_tables(principal.tenant()).await?)?)
}

/// Stores the rate book: new tables and versions are added; stored versions must come
/// back unchanged (409 otherwise), because claims name them.
pub async fn put_rates(
    s: &AppState,
    principal: &Principal,
    body: RateTables,
) -> ApiResult<RateTables> {
    let tenant = principal.tenant();
    super::reach(principal, Resource::Payouts, Action::Write)?;
    if body.tables.len() > 200 {
        return Err(ApiError::invalid_one(
            "tables",
            Problem::TooMany { max: 200 },
        ));
    }
    let mut tables = Vec::with_capacity(body.tables.len());
    for (i, t) in body.tables.iter().enumerate() {
        if let Some(d) = t.department_id {
            crate::refs::department(
                s,
                tenant,
                &Reach::Tenant,
                format!("tables[{i}].department_id"),
                d,
            )
            .await?;
        }
        let vehicle = match &t.vehicle {
            None => None,
            Some(v) => Some(vehicle_kind(v).ok_or_else(|| {
                ApiError::invalid_one(
                    format!("tables[{i}].vehicle"),
                    Problem::unknown_value(&["private_car", "company_car", "motorbike", "none"]),
                )
            })?),
        };
        let currency = match &t.currency {
            None => claims::Currency::CNY,
            Some(c) => c.parse().map_err(|e| {
                ApiError::from(e).renamed("currency", &format!("tables[{i}].currency"))
            })?,
        };
        let mut versions = Vec::with_capacity(t.versions.len());
        for (j, v) in t.versions.iter().enumerate() {
            let field = format!("tables[{i}].versions[{j}]");
            let parsed: RateVersion = serde_path_to_error::deserialize(v).map_err(|e| {
                ApiError::invalid_one(
                    format!("{field}.{}", e.path()),
                    Problem::Unreadable {
                        detail: e.inner().to_string(),
                    },
                )
            })?;
            versions.push(parsed);
        }
        tables.push(RateTable {
            id: RateTableId(t.id),
            scope: RateScope {
                department: t.department_id,
                vehicle,
            },
            currency,
            versions,
        });
    }
    let book = RateBook::new(tables.clone()).map_err(|e| name_rate_field(e, &tables))?;
    let stored: Vec<StoredRateTable> = book
        .tables()
        .iter()
        .map(|t| {
            Ok(StoredRateTable {
                id: t.id.0,
                department_id: t.scope.department.map(|d| d.0),
                vehicle: t.scope.vehicle.map(vehicle_word),
                currency: t.currency.to_string(),
                versions: t
                    .versions
                    .iter()
                    .map(|v| {
                        Ok(StoredRateVersion {
                            version: i64::from(v.version),
                            effective_from: v.effective_from.to_string(),
                            body: serde_json::to_string(v).map_err(ApiError::internal)?,
                        })
                    })
                    .collect::<ApiResult<_>>()?,
            })
        })
        .collect::<ApiResult<_>>()?;
    let by = match principal {
        Principal::User(u) => Some(u.employee.0),
        Principal::ApiKey(_) => None,
    };
    match s.store.put_rate_tables(tenant, &stored, by).await? {
        Ok(_) => book_view(&book),
        Err(refused) => {
            let (table, version) = match refused {
                RatesRefused::VersionChanged { table, version } => (table, Some(version)),
                RatesRefused::TableChanged { table } => (table, None),
            };
            let i = tables.iter().position(|t| t.id.0 == table);
            let field = match (i, version) {
                (Some(i), Some(v)) => match tables[i]
                    .versions
                    .iter()
                    .position(|x| i64::from(x.version) == v)
                {
                    Some(j) => format!("tables[{i}].versions[{j}]"),
                    None => format!("tables[{i}].versions"),
                },
                (Some(i), None) => format!("tables[{i}]"),
                (None, _) => "tables".to_owned(),
            };
            Err(ApiError::new(
                StatusCode::CONFLICT,
                "rate_version_immutable",
                "stored rate tables and versions cannot change or go: claims name them; add a new version",
            )
            .field(field, Problem::NotAllowed))
        }
    }
}

/// A refused book names the table (and version) at fault by its place in the request.
fn name_rate_field(e: ClaimError, tables: &[RateTable]) -> ApiError {
    let field = match &e {
        ClaimError::BadRate {
            table: Some(id),
            version,
            ..
        } => tables.iter().position(|t| t.id == *id).map(|i| {
            match tables[i]
                .versions
                .iter()
                .position(|v| v.version == *version)
            {
                Some(j) => format!("tables[{i}].versions[{j}]"),
                None => format!("tables[{i}]"),
            }
        }),
        _ => None,
    };
    let err = ApiError::from(e);
    match field {
        Some(f) => err.renamed("rates", &f),
        None => err,
    }
}

/// The kind under which the tenant's claim settings are stored (tenant scope only).
pub(crate) const CLAIM_SETTINGS: &str = "claims";

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
struct StoredClaimSettings {
    #[serde(default)]
    period: PeriodKind,
}

/// How long the tenant's claim periods are: a month unless it chose half-months or weeks.
pub(crate) async fn period_kind(s: &AppState, tenant: TenantId) -> ApiResult<PeriodKind> {
    match s.store.rules(tenant, CLAIM_SETTINGS).await?.remove(&None) {
        Some(json) => Ok(crate::actions::from_json::<StoredClaimSettings>(&json)?.period),
        None => Ok(PeriodKind::Month),
    }
}

/// What a tenant changes about its claims.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimSettingsBody {
    /// How long a claim's period is: `month` (the default; `2026-11`), `half_month`
    /// (1st–15th and 16th–end; `2026-11-H1`, `2026-11-H2`) or `week` (ISO, Monday to
    /// Sunday; `2026-W48`). Claims that exist keep their period; new claims, the scheduled
    /// generation and the pickers use the new one from the next period on.
    #[schema(value_type = crate::openapi::values::ClaimPeriodKind)]
    pub period: String,
}

/// The tenant's claim settings, with the periods a picker starts from.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
pub struct ClaimSettings {
    #[schema(value_type = crate::openapi::values::ClaimPeriodKind)]
    pub period: String,
    /// The period today (the tenant's zone) falls in, e.g. `2026-W50`.
    pub current_period: String,
    /// The period that ended last: the one the scheduled generation made drafts for.
    pub previous_period: String,
}

async fn settings_view(
    s: &AppState,
    tenant: TenantId,
    kind: PeriodKind,
) -> ApiResult<ClaimSettings> {
    let tz = s.tenant_zone(tenant).await?;
    let today = chrono::Utc::now().with_timezone(&tz).date_naive();
    let current = Period::containing(kind, today);
    Ok(ClaimSettings {
        period: kind.word().to_owned(),
        current_period: current.to_string(),
        previous_period: current.previous().to_string(),
    })
}

/// Anyone who sees claims reads the settings (the field app's mileage screen asks which
/// period it is in).
pub async fn claim_settings(s: &AppState, principal: &Principal) -> ApiResult<ClaimSettings> {
    let tenant = principal.tenant();
    super::reach(principal, Resource::Claims, Action::Read)?;
    settings_view(s, tenant, period_kind(s, tenant).await?).await
}

/// Finance and admins set the claim period.
pub async fn put_claim_settings(
    s: &AppState,
    principal: &Principal,
    body: ClaimSettingsBody,
) -> ApiResult<ClaimSettings> {
    let tenant = principal.tenant();
    super::reach(principal, Resource::Payouts, Action::Write)?;
    let kind = PeriodKind::from_word(body.period.trim()).ok_or_else(|| {
        ApiError::invalid_one(
            "period",
            Problem::unknown_value(&PeriodKind::ALL.map(PeriodKind::word)),
        )
    })?;
    let json = crate::actions::to_json(&StoredClaimSettings { period: kind })?;
    s.store
        .put_rule(tenant, CLAIM_SETTINGS, None, &json)
        .await?;
    settings_view(s, tenant, kind).await
}
