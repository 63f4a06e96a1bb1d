//! The audit log's rules: what an entry is made of, how entries chain by SHA-256 so an
//! edited or deleted row shows (`chain`), and how a change becomes a compact diff without
//! secrets (`diff`). Storage keeps the rows; the server decides what is recorded.

pub mod chain;
pub mod diff;

use crate::TenantId;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Who made a change: a signed-in person or an integration key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    User,
    ApiKey,
}

impl ActorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::User => "user",
            ActorKind::ApiKey => "api_key",
        }
    }

    pub fn parse(s: &str) -> Option<ActorKind> {
        [ActorKind::User, ActorKind::ApiKey]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// Every fact of an entry that its hash covers: all stored columns but the two hashes.
#[derive(Clone, Debug, PartialEq)]
pub struct Facts<'a> {
    pub tenant: TenantId,
    pub seq: i64,
    pub id: Uuid,
    pub at_ms: i64,
    pub actor_kind: ActorKind,
    pub actor_id: Uuid,
    /// The person's role when they acted (`admin`, …), or `api_key`.
    pub actor_role: &'a str,
    pub resource: &'a str,
    pub resource_id: Option<&'a str>,
    pub action: &'a str,
    /// The diff as stored (JSON text; see [`diff`]).
    pub diff: &'a str,
    pub address: Option<&'a str>,
    pub request_id: Option<&'a str>,
}
