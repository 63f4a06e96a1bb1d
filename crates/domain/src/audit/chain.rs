//! The hash chain. Each entry's hash is SHA-256 over the previous entry's hash (its 64
//! lowercase hex characters) followed by the entry's canonical bytes; the first entry of a
//! tenant follows [`GENESIS`]. Editing any covered fact changes the entry's hash; deleting
//! an entry leaves a gap in the sequence; rewriting one hash breaks the next entry's link.
//!
//! What it cannot show: someone able to rewrite every row from the edit onwards (and the
//! head) can forge a consistent chain. Keeping the head hash elsewhere (the verifier prints
//! it) turns that into a detectable difference too.

use super::Facts;
use sha2::{Digest, Sha256};
use std::fmt;

/// The previous hash of a tenant's first entry: 32 zero bytes, in hex.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Unambiguous bytes of an entry: a version tag, then each fact length-prefixed (absent
/// text has its own marker), so no two different entries share an encoding.
pub fn canonical(f: &Facts<'_>) -> Vec<u8> {
    let mut out = Vec::with_capacity(256 + f.diff.len());
    out.extend_from_slice(b"outfield-audit-v1");
    let text = |out: &mut Vec<u8>, s: Option<&str>| match s {
        Some(s) => {
            out.extend_from_slice(&(s.len() as u64).to_be_bytes());
            out.extend_from_slice(s.as_bytes());
        }
        None => out.extend_from_slice(&u64::MAX.to_be_bytes()),
    };
    out.extend_from_slice(f.tenant.0.as_bytes());
    out.extend_from_slice(&f.seq.to_be_bytes());
    out.extend_from_slice(f.id.as_bytes());
    out.extend_from_slice(&f.at_ms.to_be_bytes());
    text(&mut out, Some(f.actor_kind.as_str()));
    out.extend_from_slice(f.actor_id.as_bytes());
    text(&mut out, Some(f.actor_role));
    text(&mut out, Some(f.resource));
    text(&mut out, f.resource_id);
    text(&mut out, Some(f.action));
    text(&mut out, Some(f.diff));
    text(&mut out, f.address);
    text(&mut out, f.request_id);
    out
}

/// The hash of an entry that follows `prev_hash`, in lowercase hex.
pub fn hash(prev_hash: &str, f: &Facts<'_>) -> String {
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(canonical(f));
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The first place a tenant's chain is broken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Break {
    /// No entry with this sequence number, though a later one (or the head) exists.
    Missing { seq: i64 },
    /// The entry's facts do not hash to its stored hash: it was edited.
    Edited { seq: i64 },
    /// The entry's previous hash is not the hash of the entry before it.
    Unlinked { seq: i64 },
    /// The head (the newest hash, kept apart) does not match the newest entry.
    Head { seq: i64 },
}

impl Break {
    pub fn seq(&self) -> i64 {
        match *self {
            Break::Missing { seq }
            | Break::Edited { seq }
            | Break::Unlinked { seq }
            | Break::Head { seq } => seq,
        }
    }
}

impl fmt::Display for Break {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Break::Missing { seq } => write!(f, "broken at seq {seq}: the entry is missing"),
            Break::Edited { seq } => write!(
                f,
                "broken at seq {seq}: the entry does not match its hash (edited)"
            ),
            Break::Unlinked { seq } => write!(
                f,
                "broken at seq {seq}: its previous hash is not the hash of seq {}",
                seq - 1
            ),
            Break::Head { seq } => write!(
                f,
                "broken at seq {seq}: the newest entry does not match the recorded head"
            ),
        }
    }
}

/// One stored entry as the verifier reads it.
pub struct Link<'a> {
    pub facts: Facts<'a>,
    pub prev_hash: &'a str,
    pub hash: &'a str,
}

/// Walks a tenant's entries in sequence order. It starts at the oldest kept entry
/// (`first_seq`, where retention last cut) and trusts that entry's previous hash, unless
/// it is the very first entry, whose previous hash must be [`GENESIS`].
pub struct Verifier {
    next_seq: i64,
    prev: Option<String>,
    count: u64,
}

impl Verifier {
    pub fn new(first_seq: i64) -> Self {
        Verifier {
            next_seq: first_seq,
            prev: (first_seq <= 1).then(|| GENESIS.to_owned()),
            count: 0,
        }
    }

    pub fn check(&mut self, link: &Link<'_>) -> Result<(), Break> {
        let seq = link.facts.seq;
        if seq != self.next_seq {
            return Err(Break::Missing { seq: self.next_seq });
        }
        if self.prev.as_deref().is_some_and(|p| p != link.prev_hash) {
            return Err(Break::Unlinked { seq });
        }
        if hash(link.prev_hash, &link.facts) != link.hash {
            return Err(Break::Edited { seq });
        }
        self.prev = Some(link.hash.to_owned());
        self.next_seq = seq + 1;
        self.count += 1;
        Ok(())
    }

    /// After the last entry: the head (`head_seq`, `head_hash`) must be that entry, so
    /// deleting the newest entries shows too. Answers how many entries were checked.
    pub fn finish(self, head_seq: i64, head_hash: &str) -> Result<u64, Break> {
        if head_seq >= self.next_seq {
            return Err(Break::Missing { seq: self.next_seq });
        }
        if self.count > 0 && self.prev.as_deref() != Some(head_hash) {
            return Err(Break::Head {
                seq: self.next_seq - 1,
            });
        }
        Ok(self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TenantId;
    use crate::audit::ActorKind;
    use uuid::Uuid;

    struct Row {
        seq: i64,
        id: Uuid,
        diff: String,
        prev: String,
        hash: String,
    }

    fn facts(t: TenantId, r: &Row) -> Facts<'_> {
        Facts {
            tenant: t,
            seq: r.seq,
            id: r.id,
            at_ms: 1_000 * r.seq,
            actor_kind: ActorKind::User,
            actor_id: Uuid::nil(),
            actor_role: "admin",
            resource: "customers",
            resource_id: Some("c1"),
            action: "update",
            diff: &r.diff,
            address: Some("10.0.0.1"),
            request_id: None,
        }
    }

    fn chain(t: TenantId, n: i64) -> Vec<Row> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|seq| {
                let mut r = Row {
                    seq,
                    id: Uuid::from_u128(seq as u128),
                    diff: format!(r#"{{"name":{{"old":"a{seq}","new":"b{seq}"}}}}"#),
                    prev: prev.clone(),
                    hash: String::new(),
                };
                r.hash = hash(&r.prev, &facts(t, &r));
                prev = r.hash.clone();
                r
            })
            .collect()
    }

    fn verify(t: TenantId, rows: &[Row], first: i64, head: (i64, &str)) -> Result<u64, Break> {
        let mut v = Verifier::new(first);
        for r in rows {
            v.check(&Link {
                facts: facts(t, r),
                prev_hash: &r.prev,
                hash: &r.hash,
            })?;
        }
        v.finish(head.0, head.1)
    }

    #[test]
    fn an_intact_chain_verifies_and_hashes_are_hex() {
        let t = TenantId::new();
        let rows = chain(t, 5);
        assert_eq!(rows[0].hash.len(), 64);
        assert!(rows[0].hash.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(verify(t, &rows, 1, (5, &rows[4].hash)), Ok(5));
        assert_eq!(verify(t, &[], 1, (0, GENESIS)), Ok(0));
    }

    #[test]
    fn every_fact_is_covered() {
        let t = TenantId::new();
        let rows = chain(t, 1);
        let base = facts(t, &rows[0]);
        let h = hash(GENESIS, &base);
        let variants = [
            Facts {
                tenant: TenantId::new(),
                ..base.clone()
            },
            Facts {
                at_ms: 1,
                ..base.clone()
            },
            Facts {
                actor_kind: ActorKind::ApiKey,
                ..base.clone()
            },
            Facts {
                resource_id: None,
                ..base.clone()
            },
            Facts {
                address: None,
                ..base.clone()
            },
            Facts {
                request_id: Some(""),
                ..base.clone()
            },
            // Moving bytes between neighbouring fields changes the encoding too.
            Facts {
                resource: "customersc1",
                resource_id: Some(""),
                ..base.clone()
            },
        ];
        for v in variants {
            assert_ne!(hash(GENESIS, &v), h, "{v:?}");
        }
        assert_ne!(hash(&h, &base), h, "the previous hash is covered");
    }

    #[test]
    fn an_edit_is_found_at_its_seq() {
        let t = TenantId::new();
        let mut rows = chain(t, 5);
        rows[2].diff = r#"{"name":{"old":"a3","new":"forged"}}"#.into();
        assert_eq!(
            verify(t, &rows, 1, (5, &rows[4].hash.clone())),
            Err(Break::Edited { seq: 3 })
        );
    }

    #[test]
    fn a_recomputed_hash_breaks_the_next_link() {
        let t = TenantId::new();
        let mut rows = chain(t, 5);
        rows[2].diff = "{}".into();
        rows[2].hash = hash(&rows[2].prev, &facts(t, &rows[2]));
        let head = rows[4].hash.clone();
        assert_eq!(
            verify(t, &rows, 1, (5, &head)),
            Err(Break::Unlinked { seq: 4 })
        );
    }

    #[test]
    fn deletions_are_found_in_the_middle_at_the_start_and_at_the_end() {
        let t = TenantId::new();
        let rows = chain(t, 5);
        let head = rows[4].hash.clone();
        let mut gap = chain(t, 5);
        gap.remove(2);
        assert_eq!(
            verify(t, &gap, 1, (5, &head)),
            Err(Break::Missing { seq: 3 })
        );
        assert_eq!(
            verify(t, &rows[1..], 1, (5, &head)),
            Err(Break::Missing { seq: 1 })
        );
        assert_eq!(
            verify(t, &rows[..4], 1, (5, &head)),
            Err(Break::Missing { seq: 5 })
        );
        assert_eq!(
            verify(t, &[], 1, (5, &head)),
            Err(Break::Missing { seq: 1 })
        );
    }

    #[test]
    fn after_retention_the_oldest_kept_entry_is_trusted() {
        let t = TenantId::new();
        let rows = chain(t, 5);
        let head = rows[4].hash.clone();
        assert_eq!(verify(t, &rows[2..], 3, (5, &head)), Ok(3));
        // Everything pruned: nothing left to check, and the head is past the cut.
        assert_eq!(verify(t, &[], 6, (5, &head)), Ok(0));
        assert_eq!(
            verify(t, &rows[..], 1, (5, &rows[3].hash)),
            Err(Break::Head { seq: 5 })
        );
    }

    #[test]
    fn breaks_read_as_sentences() {
        assert_eq!(
            Break::Unlinked { seq: 4 }.to_string(),
            "broken at seq 4: its previous hash is not the hash of seq 3"
        );
    }
}
