//! Visit report forms: stored versions read back as typed definitions.

use crate::actions::from_json;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use domain::TenantId;
use domain::forms::{Form, FormInput};
use domain::ids::FormId;

/// A stored form version, validated again into its typed definition.
pub(crate) async fn load_form(
    s: &AppState,
    tenant: TenantId,
    id: FormId,
    version: Option<i32>,
) -> ApiResult<Form> {
    let stored = s.store.form(tenant, id, version).await?;
    let input = FormInput {
        id: Some(id),
        name: stored.name,
        fields: from_json(&stored.fields)?,
    };
    Ok(input
        .validate()
        .map_err(ApiError::internal)?
        .into_form(id, stored.version as u32))
}

/// A form version as stored (1 to 2^31-1), else 422 naming `field`: a number beyond that
/// must not wrap around to "the latest version".
pub(crate) fn form_version(field: &str, v: Option<u32>) -> ApiResult<Option<i32>> {
    match v {
        None => Ok(None),
        Some(n) => match i32::try_from(n) {
            Ok(n) if n >= 1 => Ok(Some(n)),
            _ => Err(ApiError::invalid_one(
                field,
                domain::Problem::range(1.0, f64::from(i32::MAX), ""),
            )),
        },
    }
}
