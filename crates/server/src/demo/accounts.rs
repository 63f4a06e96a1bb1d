//! `GET /api/v1/demo/accounts`: the demo's accounts for the login screens to offer, only
//! when the server runs with `--demo` (404 otherwise, so a real deployment shows none).

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::Json;
use crate::state::AppState;
use ::demo::DemoRole;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_accounts))
}

#[derive(Serialize, ToSchema)]
pub struct DemoAccount {
    /// `admin`, `manager`, `field` or `finance`.
    pub role: String,
    pub username: String,
    pub name: String,
    /// The tenant slug to log in to: `demo`.
    pub tenant: String,
}

#[derive(Serialize, ToSchema)]
pub struct DemoAccounts {
    pub items: Vec<DemoAccount>,
    /// The demo password when it was chosen at start (`OUTFIELD_DEMO_PASSWORD`); null
    /// when it was generated (then it was printed once, at loading).
    pub password_hint: Option<String>,
    /// Always null: the whole list fits one page.
    pub next_cursor: Option<String>,
}

/// The demo accounts: the admin, a manager, two field reps (who are moving on the live
/// map) and the finance clerk. No authentication; 404 unless serving with `--demo`.
#[utoipa::path(get, path = "/api/v1/demo/accounts", tag = "demo", security(()),
    responses((status = 200, body = DemoAccounts), (status = 404, body = ErrorBody)))]
async fn list_accounts(State(s): State<AppState>) -> ApiResult<Json<DemoAccounts>> {
    let Some(info) = &s.config.demo else {
        return Err(ApiError::not_found());
    };
    let company = ::demo::demo_company(::demo::DEFAULT_SEED);
    let pick = |role: DemoRole, n: usize| {
        company
            .employees
            .iter()
            .filter(move |e| e.role == role)
            .take(n)
            .map(move |e| DemoAccount {
                role: match role {
                    DemoRole::Admin => "admin",
                    DemoRole::Manager => "manager",
                    DemoRole::Field => "field",
                    DemoRole::Finance => "finance",
                }
                .into(),
                username: e.username.clone(),
                name: e.name.clone(),
                tenant: company.tenant_slug.into(),
            })
    };
    let items = pick(DemoRole::Admin, 1)
        .chain(pick(DemoRole::Manager, 1))
        .chain(pick(DemoRole::Field, 2))
        .chain(pick(DemoRole::Finance, 1))
        .collect();
    Ok(Json(DemoAccounts {
        items,
        password_hint: info.password_hint.clone(),
        next_cursor: None,
    }))
}
