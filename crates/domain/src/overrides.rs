//! Rules set per tenant and overridden per department: the department's own rule, else
//! its nearest ancestor's, else the tenant's (stored under `None`).

use crate::DepartmentId;
use crate::department::DepartmentLink;
use std::collections::HashMap;

/// The rule that applies to `dept`: its own, else the nearest ancestor's, else the
/// tenant default. `dept = None` (a person in no department) gets the tenant default.
/// `None` when nothing is stored at all, so the caller picks the built-in default.
pub fn nearest<'a, T>(
    rules: &'a HashMap<Option<DepartmentId>, T>,
    links: &[DepartmentLink],
    dept: Option<DepartmentId>,
) -> Option<&'a T> {
    let parent: HashMap<DepartmentId, Option<DepartmentId>> =
        links.iter().map(|l| (l.id, l.parent)).collect();
    let mut at = dept;
    // Bounded by the number of departments, so a corrupted cyclic tree cannot loop forever.
    for _ in 0..=links.len() {
        let Some(d) = at else { break };
        if let Some(r) = rules.get(&Some(d)) {
            return Some(r);
        }
        at = parent.get(&d).copied().flatten();
    }
    rules.get(&None)
}

/// [`nearest`], falling back to `T::default()` (the built-in rule).
pub fn resolve<T: Clone + Default>(
    rules: &HashMap<Option<DepartmentId>, T>,
    links: &[DepartmentLink],
    dept: Option<DepartmentId>,
) -> T {
    nearest(rules, links, dept).cloned().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> (Vec<DepartmentLink>, [DepartmentId; 4]) {
        let ids = [(); 4].map(|_| DepartmentId::new());
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
    fn own_then_ancestor_then_tenant() {
        let (links, [root, mid, leaf, other]) = tree();
        let mut rules = HashMap::from([(None, "tenant"), (Some(root), "root")]);
        assert_eq!(nearest(&rules, &links, Some(leaf)), Some(&"root"));
        rules.insert(Some(mid), "mid");
        assert_eq!(nearest(&rules, &links, Some(leaf)), Some(&"mid"));
        assert_eq!(nearest(&rules, &links, Some(root)), Some(&"root"));
        assert_eq!(nearest(&rules, &links, Some(other)), Some(&"tenant"));
        assert_eq!(nearest(&rules, &links, None), Some(&"tenant"));
    }

    #[test]
    fn nothing_stored_falls_back_to_default() {
        let (links, [_, _, leaf, _]) = tree();
        let rules: HashMap<Option<DepartmentId>, u32> = HashMap::new();
        assert_eq!(nearest(&rules, &links, Some(leaf)), None);
        assert_eq!(resolve(&rules, &links, Some(leaf)), 0);
    }

    #[test]
    fn a_cyclic_tree_terminates() {
        let (a, b) = (DepartmentId::new(), DepartmentId::new());
        let links = [
            DepartmentLink {
                id: a,
                parent: Some(b),
            },
            DepartmentLink {
                id: b,
                parent: Some(a),
            },
        ];
        let rules = HashMap::from([(None, 1)]);
        assert_eq!(nearest(&rules, &links, Some(a)), Some(&1));
    }
}
