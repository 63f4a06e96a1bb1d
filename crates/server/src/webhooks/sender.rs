//! The HTTP side of webhooks: the client deliveries go out through, and the guard that
//! keeps them off loopback, private and link-local addresses (SSRF). The guard runs when
//! an endpoint is saved and again in the client's own name resolution at every delivery,
//! so a name that later resolves inward (DNS rebinding) is refused too; redirects are
//! never followed (a 3xx is a failed attempt).

use crate::state::Config;
use domain::webhooks::forbidden_ip;
use domain::{Format, Problem};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

pub struct Sender {
    pub client: reqwest::Client,
    pub allow_private: bool,
    pub timeout: Duration,
}

/// Why an address was refused, for the delivery log.
#[derive(Debug)]
struct PrivateAddress;

/// Whether a failed request was refused by the guard (somewhere in its causes).
pub fn refused_private(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(e);
    while let Some(c) = cause {
        if c.downcast_ref::<PrivateAddress>().is_some() {
            return true;
        }
        cause = c.source();
    }
    false
}

impl std::fmt::Display for PrivateAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the name resolves only to private or special addresses")
    }
}

impl std::error::Error for PrivateAddress {}

/// Resolves names with the system resolver and keeps only the addresses a delivery may
/// reach.
struct GuardedResolver {
    allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((name.as_str(), 0))
                .await?
                .filter(|a| allow_private || !forbidden_ip(a.ip()))
                .collect();
            if found.is_empty() {
                return Err(Box::new(PrivateAddress) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(found.into_iter()) as Addrs)
        })
    }
}

/// Installs ring as the process's TLS crypto provider. reqwest is built without a provider
/// of its own (`rustls-no-provider`), so every HTTP client in the process — webhook
/// deliveries, the benchmarks', the tests' — needs this to have run before it is built, or
/// building it panics. Idempotent. ring's provider is deprecated only for lacking
/// post-quantum key exchange, which aws-lc-rs (a far larger C build) would bring.
pub fn install_tls() {
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// An HTTP client for outbound calls to addresses an admin typed (webhook receivers, an
/// OpenID provider): names resolve through the guard, redirects are not followed, no proxy.
/// Addresses written in a URL never reach the resolver: check them with
/// [`Sender::literal_allowed`].
pub fn guarded_client(allow_private: bool, timeout: Duration, user_agent: &str) -> reqwest::Client {
    install_tls();
    reqwest::Client::builder()
        .dns_resolver(Arc::new(GuardedResolver { allow_private }))
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(timeout)
        .connect_timeout(timeout)
        .user_agent(user_agent)
        .build()
        .unwrap_or_default()
}

impl Sender {
    pub fn new(config: &Config) -> Sender {
        let client = guarded_client(
            config.webhooks_allow_private,
            config.webhook_timeout,
            concat!("Outfield-Webhooks/", env!("CARGO_PKG_VERSION")),
        );
        Sender {
            client,
            allow_private: config.webhooks_allow_private,
            timeout: config.webhook_timeout,
        }
    }

    /// Checks an endpoint URL as an admin saves it: http or https, a host, and (unless
    /// the operator allows private targets) every address the host resolves to public.
    /// The problem names what is wrong for a 422 on `url`.
    pub async fn check_url(&self, raw: &str) -> Result<reqwest::Url, Problem> {
        let url = reqwest::Url::parse(raw.trim()).map_err(|_| Problem::format(Format::Url))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Problem::unknown_value(&["http", "https"]));
        }
        let Some(host) = url.host_str().filter(|h| !h.is_empty()) else {
            return Err(Problem::format(Format::Url));
        };
        if raw.len() > 2000 {
            return Err(Problem::TooLong { max: 2000 });
        }
        if self.allow_private {
            return Ok(url);
        }
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let addrs: Vec<IpAddr> = match host.parse::<IpAddr>() {
            Ok(ip) => vec![ip],
            Err(_) => tokio::net::lookup_host((host, 0))
                .await
                .map(|a| a.map(|a| a.ip()).collect())
                .unwrap_or_default(),
        };
        if addrs.is_empty() {
            return Err(Problem::NotFound);
        }
        if addrs.into_iter().any(forbidden_ip) {
            return Err(Problem::PrivateAddress);
        }
        Ok(url)
    }

    /// Whether a delivery may go to `url` now. Names are checked by the resolver as the
    /// request connects; an address written in the URL never reaches the resolver, so
    /// it is checked here.
    pub fn literal_allowed(&self, url: &reqwest::Url) -> bool {
        if self.allow_private {
            return true;
        }
        let Some(host) = url.host_str() else {
            return false;
        };
        match host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
        {
            Ok(ip) => !forbidden_ip(ip),
            Err(_) => true,
        }
    }
}
