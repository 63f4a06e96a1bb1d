//! The department tree: who sits under whom, which decides what a manager may see.

use crate::tenant::clean_name;
use crate::{DepartmentId, Invalid};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// A department as stored and shown.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Department {
    pub id: DepartmentId,
    /// `null` for a top-level department.
    pub parent_id: Option<DepartmentId>,
    pub name: String,
    /// The id in the tenant's ERP/HR system.
    pub external_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Raised by every write; the answer's `ETag`, never in the body.
    #[serde(skip)]
    pub version: i64,
}

/// What a client sends to create or replace a department.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DepartmentInput {
    /// Client-generated id: a retried create with the same id returns the first result.
    #[serde(default)]
    pub id: Option<DepartmentId>,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: String,
    #[serde(default)]
    pub parent_id: Option<DepartmentId>,
    /// The id in the tenant's ERP/HR system; unique per tenant, used for upserts.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 128))]
    pub external_id: Option<String>,
}

/// A validated department, ready to store; the parent's existence and the absence of
/// cycles are checked against the stored tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DepartmentDraft {
    pub name: String,
    pub parent_id: Option<DepartmentId>,
    pub external_id: Option<String>,
}

impl DepartmentInput {
    pub fn validate(&self) -> Result<DepartmentDraft, Invalid> {
        let mut bad = Invalid::default();
        let name = bad.check("name", clean_name(&self.name, 100));
        let external_id = bad.check(
            "external_id",
            crate::customer::parse_key(self.external_id.as_deref(), 128),
        );
        bad.into_result(|| DepartmentDraft {
            name: name.unwrap_or_default(),
            parent_id: self.parent_id,
            external_id: external_id.flatten(),
        })
    }
}

/// One edge of the tree as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DepartmentLink {
    pub id: DepartmentId,
    pub parent: Option<DepartmentId>,
}

/// `root` and every department below it, `root` first.
pub fn subtree(links: &[DepartmentLink], root: DepartmentId) -> Vec<DepartmentId> {
    let mut children: HashMap<DepartmentId, Vec<DepartmentId>> = HashMap::new();
    for l in links {
        if let Some(p) = l.parent {
            children.entry(p).or_default().push(l.id);
        }
    }
    let mut out = vec![root];
    let mut seen: HashSet<DepartmentId> = HashSet::from([root]);
    let mut i = 0;
    while i < out.len() {
        if let Some(kids) = children.get(&out[i]) {
            for k in kids {
                // `seen` guards against a corrupted cyclic store looping forever.
                if seen.insert(*k) {
                    out.push(*k);
                }
            }
        }
        i += 1;
    }
    out
}

/// Whether making `new_parent` the parent of `dept` would create a cycle
/// (a department cannot sit below itself).
pub fn would_cycle(links: &[DepartmentLink], dept: DepartmentId, new_parent: DepartmentId) -> bool {
    subtree(links, dept).contains(&new_parent)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> (Vec<DepartmentLink>, [DepartmentId; 4]) {
        let ids = [
            DepartmentId::new(),
            DepartmentId::new(),
            DepartmentId::new(),
            DepartmentId::new(),
        ];
        let links = vec![
            DepartmentLink {
                id: ids[0],
                parent: None,
            },
            DepartmentLink {
                id: ids[1],
                parent: Some(ids[0]),
            },
            DepartmentLink {
                id: ids[2],
                parent: Some(ids[1]),
            },
            DepartmentLink {
                id: ids[3],
                parent: None,
            },
        ];
        (links, ids)
    }

    #[test]
    fn subtree_includes_descendants_only() {
        let (links, ids) = tree();
        assert_eq!(subtree(&links, ids[0]), vec![ids[0], ids[1], ids[2]]);
        assert_eq!(subtree(&links, ids[1]), vec![ids[1], ids[2]]);
        assert_eq!(subtree(&links, ids[3]), vec![ids[3]]);
    }

    #[test]
    fn moving_under_own_descendant_is_a_cycle() {
        let (links, ids) = tree();
        assert!(would_cycle(&links, ids[0], ids[2]));
        assert!(would_cycle(&links, ids[1], ids[1]));
        assert!(!would_cycle(&links, ids[2], ids[3]));
    }
}
