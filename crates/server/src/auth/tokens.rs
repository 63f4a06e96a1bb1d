//! Bearer tokens: `ofs_<tenant>_<secret>` for login sessions, `ofk_<tenant>_<secret>` for
//! integration keys. The tenant part lets a lookup go straight to the tenant's rows (and,
//! on a distributed database, to the tenant's shard); only the SHA-256 of the whole token
//! is stored, so a database leak does not leak usable tokens.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use domain::TenantId;
use sha2::{Digest, Sha256};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Session,
    ApiKey,
}

impl TokenKind {
    fn prefix(self) -> &'static str {
        match self {
            TokenKind::Session => "ofs",
            TokenKind::ApiKey => "ofk",
        }
    }
}

/// 32 random bytes from the operating system.
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the OS random source works");
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn new_token(kind: TokenKind, tenant: TenantId) -> String {
    format!(
        "{}_{}_{}",
        kind.prefix(),
        tenant.0.simple(),
        random_secret()
    )
}

pub fn parse(token: &str) -> Option<(TokenKind, TenantId)> {
    let mut parts = token.splitn(3, '_');
    let kind = match parts.next()? {
        "ofs" => TokenKind::Session,
        "ofk" => TokenKind::ApiKey,
        _ => return None,
    };
    let tenant = Uuid::try_parse(parts.next()?).ok()?;
    let secret = parts.next()?;
    (secret.len() >= 40).then_some((kind, TenantId(tenant)))
}

pub fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_parse_back_and_differ() {
        let t = TenantId::new();
        let a = new_token(TokenKind::Session, t);
        let b = new_token(TokenKind::Session, t);
        assert_ne!(a, b);
        assert_eq!(parse(&a), Some((TokenKind::Session, t)));
        assert_eq!(
            parse(&new_token(TokenKind::ApiKey, t)),
            Some((TokenKind::ApiKey, t))
        );
        assert_eq!(parse("ofs_nothex_secret"), None);
        assert_eq!(parse("Bearer"), None);
        assert_eq!(hash(&a).len(), 32);
    }
}
