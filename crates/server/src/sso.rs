//! OpenID Connect, the protocol side of single sign-on: discovery, the authorization
//! request (code flow with PKCE S256, state and nonce), and the code exchange with the ID
//! token's checks (signature against the provider's JWKS, issuer, audience, expiry, nonce),
//! all by the `openidconnect` crate. Its requests go out through our own reqwest client
//! with the webhook SSRF guard: an issuer is an address an admin typed, like a webhook URL.
//! What the tenant's settings mean and who signs in is `services::sso`'s.

use crate::state::Config;
use domain::webhooks::forbidden_ip;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AsyncHttpClient, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet,
    EndpointNotSet, EndpointSet, HttpRequest, HttpResponse, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::time::Duration;

/// The outbound HTTP client of single sign-on.
pub struct Http {
    client: reqwest::Client,
    allow_private: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{0} is a private or special address")]
    Refused(String),
    #[error(transparent)]
    Http(#[from] reqwest::Error),
}

impl Http {
    pub fn new(config: &Config) -> Http {
        Http {
            client: crate::webhooks::guarded_client(
                config.webhooks_allow_private,
                Duration::from_secs(10),
                concat!("Outfield-SSO/", env!("CARGO_PKG_VERSION")),
            ),
            allow_private: config.webhooks_allow_private,
        }
    }

    async fn fetch(&self, req: HttpRequest) -> Result<HttpResponse, FetchError> {
        let host = req.uri().host().unwrap_or_default();
        if let Ok(ip) = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            && !self.allow_private
            && forbidden_ip(ip)
        {
            return Err(FetchError::Refused(host.to_owned()));
        }
        let resp = self
            .client
            .execute(reqwest::Request::try_from(req)?)
            .await?;
        let mut out = axum::http::Response::builder().status(resp.status());
        if let Some(h) = out.headers_mut() {
            *h = resp.headers().clone();
        }
        let body = resp.bytes().await?.to_vec();
        Ok(out.body(body).unwrap_or_default())
    }
}

impl<'c> AsyncHttpClient<'c> for Http {
    type Error = FetchError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, FetchError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.fetch(request))
    }
}

/// Why a sign-in with the provider failed; the English is for the log.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// Discovery or the JWKS could not be read.
    #[error("OpenID discovery failed: {0}")]
    Discovery(String),
    /// The token endpoint refused the code or could not be reached.
    #[error("the code exchange failed: {0}")]
    Exchange(String),
    /// The ID token is missing or fails a check.
    #[error("the ID token is not valid: {0}")]
    IdToken(String),
}

/// A client of one tenant's provider.
type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// The provider as discovery describes it, with the tenant's client registration.
pub struct Provider {
    client: Client,
}

/// Where to send the browser, and what the callback needs to finish.
pub struct Authorization {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// The verified ID token's claims as JSON, for the claim a tenant maps to usernames.
pub struct Identity {
    pub claims: serde_json::Map<String, serde_json::Value>,
}

impl Provider {
    /// Reads `{issuer}/.well-known/openid-configuration` and the JWKS it names.
    pub async fn discover(
        http: &Http,
        issuer: &str,
        client_id: &str,
        client_secret: &str,
        redirect_uri: &str,
    ) -> Result<Provider, OidcError> {
        let issuer =
            IssuerUrl::new(issuer.to_owned()).map_err(|e| OidcError::Discovery(e.to_string()))?;
        let meta = CoreProviderMetadata::discover_async(issuer, http)
            .await
            .map_err(|e| OidcError::Discovery(chain(&e)))?;
        let redirect = RedirectUrl::new(redirect_uri.to_owned())
            .map_err(|e| OidcError::Discovery(e.to_string()))?;
        let client = CoreClient::from_provider_metadata(
            meta,
            ClientId::new(client_id.to_owned()),
            Some(ClientSecret::new(client_secret.to_owned())),
        )
        .set_redirect_uri(redirect);
        Ok(Provider { client })
    }

    /// A fresh authorization request: random state and nonce, a PKCE S256 challenge; asks
    /// for the `openid`, `profile` and `email` scopes.
    pub fn authorize(&self) -> Authorization {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = self
            .client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("profile".into()))
            .add_scope(Scope::new("email".into()))
            .set_pkce_challenge(challenge)
            .url();
        Authorization {
            url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        }
    }

    /// Swaps the code for tokens and checks the ID token (signature, issuer, audience,
    /// expiry, nonce).
    pub async fn finish(
        &self,
        http: &Http,
        code: &str,
        pkce_verifier: &str,
        nonce: &str,
    ) -> Result<Identity, OidcError> {
        let tokens = self
            .client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| OidcError::Exchange(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()))
            .request_async(http)
            .await
            .map_err(|e| OidcError::Exchange(chain(&e)))?;
        let id_token = tokens
            .id_token()
            .ok_or_else(|| OidcError::IdToken("the provider sent no ID token".into()))?;
        id_token
            .claims(
                &self.client.id_token_verifier(),
                &Nonce::new(nonce.to_owned()),
            )
            .map_err(|e| OidcError::IdToken(e.to_string()))?;
        // The checks above verified the signature over exactly this payload; reading it as
        // JSON gives every claim, including ones the crate has no field for (`upn`, …).
        let claims = payload(&id_token.to_string())
            .ok_or_else(|| OidcError::IdToken("the payload is not a JSON object".into()))?;
        Ok(Identity { claims })
    }
}

fn payload(jwt: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    use base64::Engine;
    let part = jwt.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// An error and its causes on one line, for the log.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}

impl Identity {
    /// The claim's value as a string (a number is written out), if the token has it.
    pub fn text(&self, claim: &str) -> Option<String> {
        match self.claims.get(claim)? {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }
}
