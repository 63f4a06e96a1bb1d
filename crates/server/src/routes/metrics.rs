//! `GET /metrics`: the Prometheus exposition text, outside `/api/v1` and its document.
//! With a metrics token configured a scrape must present it as a bearer token; without
//! one only loopback clients are answered (a Prometheus or agent on the same host).

use crate::error::ApiError;
use crate::state::AppState;
use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};
use std::net::{IpAddr, SocketAddr};

/// The secret a scraper presents (`OUTFIELD_METRICS_TOKEN`); never printed.
#[derive(Clone)]
pub struct MetricsToken(String);

impl MetricsToken {
    pub fn new(token: String) -> Self {
        Self(token)
    }

    /// Compared by digest, so the time taken says nothing about how much of it matched.
    fn matches(&self, presented: &str) -> bool {
        Sha256::digest(self.0.as_bytes()) == Sha256::digest(presented.as_bytes())
    }
}

impl std::fmt::Debug for MetricsToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MetricsToken(<redacted>)")
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/metrics", get(scrape))
}

async fn scrape(State(s): State<AppState>, req: Request) -> Result<Response, ApiError> {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    allowed(s.config.metrics_token.as_ref(), req.headers(), peer)?;
    crate::metrics::set_job_gauges(&s.store.job_counts_all().await?);
    crate::metrics::set_outbox_lag(s.store.outbox_lag_ms().await?);
    Ok((
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        crate::metrics::render(&s.store),
    )
        .into_response())
}

/// Whether this request may read the metrics; `peer` is the connection's address, never
/// a forwarded one, which any client can write.
fn allowed(
    token: Option<&MetricsToken>,
    headers: &HeaderMap,
    peer: Option<IpAddr>,
) -> Result<(), ApiError> {
    if let Some(token) = token {
        let presented = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        return match presented {
            Some(p) if token.matches(p.trim()) => Ok(()),
            Some(_) => Err(ApiError::unauthorized("wrong metrics token")),
            None => Err(ApiError::unauthorized(
                "send the metrics token as `Authorization: Bearer <token>`",
            )),
        };
    }
    // A reverse proxy on the same host connects from loopback on behalf of anyone; what
    // it forwarded says so, and is then not trusted as local.
    let proxied = headers.contains_key("x-forwarded-for") || headers.contains_key("forwarded");
    let local = peer.is_some_and(|ip| ip.to_canonical().is_loopback());
    if local && !proxied {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "metrics are answered to loopback clients only unless a metrics token is set",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn status(r: Result<(), ApiError>) -> u16 {
        r.map_or_else(|e| e.status.as_u16(), |()| 200)
    }

    #[test]
    fn without_a_token_only_direct_loopback_clients_are_answered() {
        let none = HeaderMap::new();
        let v4: IpAddr = "127.0.0.2".parse().unwrap();
        let v6: IpAddr = "::1".parse().unwrap();
        let mapped: IpAddr = "::ffff:127.0.0.1".parse().unwrap();
        let lan: IpAddr = "192.168.1.5".parse().unwrap();
        assert_eq!(status(allowed(None, &none, Some(v4))), 200);
        assert_eq!(status(allowed(None, &none, Some(v6))), 200);
        assert_eq!(status(allowed(None, &none, Some(mapped))), 200);
        assert_eq!(status(allowed(None, &none, Some(lan))), 403);
        assert_eq!(status(allowed(None, &none, None)), 403);
        let via_proxy = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(status(allowed(None, &via_proxy, Some(v4))), 403);
        // A forged header cannot make a remote client local either.
        let forged = headers(&[("x-forwarded-for", "127.0.0.1")]);
        assert_eq!(status(allowed(None, &forged, Some(lan))), 403);
    }

    #[test]
    fn a_token_is_required_from_everyone_once_set() {
        let token = MetricsToken::new("s3cret".into());
        let lan: IpAddr = "192.168.1.5".parse().unwrap();
        let local: IpAddr = "127.0.0.1".parse().unwrap();
        let good = headers(&[("authorization", "Bearer s3cret")]);
        let bad = headers(&[("authorization", "Bearer s3cre")]);
        assert_eq!(status(allowed(Some(&token), &good, Some(lan))), 200);
        assert_eq!(status(allowed(Some(&token), &bad, Some(lan))), 401);
        assert_eq!(
            status(allowed(Some(&token), &HeaderMap::new(), Some(local))),
            401
        );
        assert_eq!(format!("{token:?}"), "MetricsToken(<redacted>)");
    }
}
