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
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
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
}

impl DepartmentInput {
    /// The cleaned name; the parent's existence and the absence of cycles are checked
    /// against the stored tree.
    pub fn validate(&self) -> Result<String, Invalid> {
        clean_name(&self.name, 100).map_err(|p| Invalid::one("name", p))
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
