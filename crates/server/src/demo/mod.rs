//! Loading the demo company (`outfield demo`, `outfield serve --demo`): the company
//! ([`company`]), its last 30 days played through the API ([`history`]), reps moving
//! on the live map while the server runs ([`live`]) and the list of demo accounts the
//! login screens show ([`accounts`]).

pub mod accounts;
mod claims;
mod client;
mod company;
mod history;
pub mod live;

use crate::auth::passwords;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use ::demo::DemoCompany;
use domain::TenantId;

pub use history::HistoryCounts;

/// Whether the server runs with `--demo`, and the password to show on login screens.
#[derive(Clone, Debug, Default)]
pub struct DemoInfo {
    /// Shown only when the demo password was chosen (`OUTFIELD_DEMO_PASSWORD`), never a
    /// generated one.
    pub password_hint: Option<String>,
}

/// How much past to create.
#[derive(Clone, Debug)]
pub struct DemoOptions {
    /// Calendar days of history, ending yesterday (tenant-local); 0 for none.
    pub history_days: u32,
    /// How many field reps get a past (the first ones).
    pub history_reps: usize,
    /// Size of the drawn visit photos.
    pub photo_size: (u32, u32),
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self {
            history_days: 30,
            history_reps: usize::MAX,
            photo_size: (240, 180),
        }
    }
}

pub struct DemoLoad {
    pub tenant: TenantId,
    /// False when the demo tenant already existed (or another server created it at the
    /// same moment) and nothing was written.
    pub created: bool,
    pub summary: String,
    pub history: Option<HistoryCounts>,
}

/// Loads the demo company unless a tenant with its slug exists. Every demo person can
/// log in with `password`; it is hashed once and the hash shared, which is fine for
/// throwaway demo accounts and keeps loading fast.
pub async fn load_demo(
    state: &AppState,
    password: &str,
    opts: &DemoOptions,
) -> ApiResult<DemoLoad> {
    let store = &state.store;
    let company: DemoCompany = ::demo::demo_company(::demo::DEFAULT_SEED);
    let summary = ::demo::summary(&company);
    let existing = |tenant| DemoLoad {
        tenant,
        created: false,
        summary: summary.clone(),
        history: None,
    };
    if let Some(t) = store.tenant_by_slug(company.tenant_slug).await? {
        return Ok(existing(t.id));
    }
    domain::employee::check_password(password)
        .map_err(|p| ApiError::invalid(domain::Invalid::one("password", p)))?;
    let hash = passwords::hash(password.to_owned()).await?;
    let Some(made) = company::create(store, &company, &hash).await? else {
        let t = store
            .tenant_by_slug(company.tenant_slug)
            .await?
            .ok_or_else(|| ApiError::internal("demo slug taken but no tenant"))?;
        return Ok(existing(t.id));
    };
    claims::setup(store, &company, &made).await?;
    let history = if opts.history_days > 0 {
        Some(history::load(state, &company, &made, opts).await?)
    } else {
        None
    };
    Ok(DemoLoad {
        tenant: made.tenant,
        created: true,
        summary,
        history,
    })
}
