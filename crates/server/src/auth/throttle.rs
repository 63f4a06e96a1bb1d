//! Applying the login throttling policy to an account and a client address.

use crate::error::ApiError;
use axum::http::StatusCode;
use domain::throttle::ThrottlePolicy;
use storage::Store;

pub fn account_key(tenant_slug: &str, username: &str) -> String {
    format!("acct:{tenant_slug}:{}", username.trim().to_lowercase())
}

pub fn address_key(addr: &str) -> String {
    format!("addr:{addr}")
}

/// 429 with `Retry-After` when either key is locked out.
pub async fn check(
    store: &Store,
    keys: &[(&str, ThrottlePolicy)],
    now_ms: i64,
) -> Result<(), ApiError> {
    for (key, policy) in keys {
        let w = store.failure_window(key).await?;
        if let Some(wait_ms) = policy.blocked_for(&w, now_ms) {
            let mut e = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_attempts",
                "too many failed logins; try again later",
            );
            e.retry_after_s = Some((wait_ms as u64).div_ceil(1000));
            return Err(e);
        }
    }
    Ok(())
}

pub async fn record_failure(
    store: &Store,
    keys: &[(&str, ThrottlePolicy)],
    now_ms: i64,
) -> Result<(), ApiError> {
    for (key, policy) in keys {
        let w = store.failure_window(key).await?;
        store
            .save_failure_window(key, &policy.record_failure(&w, now_ms))
            .await?;
    }
    Ok(())
}
