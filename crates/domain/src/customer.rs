//! Customers (shops, sites, accounts): what a valid one looks like.

use crate::location::{CheckinRadius, Wgs84};
use crate::tenant::{clean_name, clean_optional};
use crate::{CoordSystem, CustomerId, EmployeeId, Invalid, Problem};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Commercial importance, which later drives visit frequency (A most often).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Level {
    A,
    B,
    C,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::A => "A",
            Level::B => "B",
            Level::C => "C",
        }
    }

    pub fn parse(s: &str) -> Result<Level, Problem> {
        match s.trim().to_ascii_uppercase().as_str() {
            "A" => Ok(Level::A),
            "B" => Ok(Level::B),
            "C" => Ok(Level::C),
            _ => Err(Problem::unknown_value(&["A", "B", "C"])),
        }
    }
}

/// A coordinate pair as a client sends it, in the system its map uses.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PointInput {
    /// Degrees; `lat` = `lon` = 0 ("null island", what broken GPS stacks report for
    /// "unknown") is refused (`null_island`).
    #[cfg_attr(feature = "openapi", schema(minimum = -90.0, maximum = 90.0))]
    pub lat: f64,
    #[cfg_attr(feature = "openapi", schema(minimum = -180.0, maximum = 180.0))]
    pub lon: f64,
    /// `wgs84` (default), `gcj02` (Amap, Tencent) or `bd09` (Baidu).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "gcj02"))]
    pub coord_system: Option<String>,
}

/// A coordinate pair as we answer it, saying which system it is in.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PointOutput {
    pub lat: f64,
    pub lon: f64,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "wgs84"))]
    pub coord_system: &'static str,
}

impl PointOutput {
    pub fn new(p: Wgs84, system: CoordSystem) -> Self {
        let q = p.to_system(system);
        Self {
            lat: q.lat,
            lon: q.lon,
            coord_system: system.as_str(),
        }
    }
}

/// The one answer to an unknown `coord_system`.
pub fn coord_system_problem() -> Problem {
    Problem::unknown_value(&["wgs84", "gcj02", "bd09"])
}

pub fn parse_point(p: &PointInput) -> Result<Wgs84, Invalid> {
    let system = match p.coord_system.as_deref() {
        None => CoordSystem::Wgs84,
        Some(s) => CoordSystem::parse(s)
            .ok_or_else(|| Invalid::one("coord_system", coord_system_problem()))?,
    };
    Wgs84::parse(p.lat, p.lon, system).map_err(|e| Invalid::one(e.field(), e.problem()))
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Contact {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 32))]
    pub phone: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub title: Option<String>,
}

/// What a client (or an import row) gives to create or replace a customer.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CustomerInput {
    /// Client-generated id: a retried create with the same id returns the first result.
    #[serde(default)]
    pub id: Option<CustomerId>,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 64))]
    pub code: Option<String>,
    /// The id in the tenant's ERP/CRM; unique per tenant, used for upserts.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 128))]
    pub external_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 300))]
    pub address: Option<String>,
    #[serde(default)]
    pub location: Option<PointInput>,
    /// `A`, `B` or `C`; `C` when absent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Level>))]
    pub level: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub tags: Vec<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub contacts: Vec<Contact>,
    #[serde(default)]
    pub owner_id: Option<EmployeeId>,
    /// Overrides the tenant's visit check-in radius for this customer.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 10.0, maximum = 5000.0))]
    pub checkin_radius_m: Option<f64>,
}

/// A validated customer, ready to store. The owner's existence is checked by storage.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomerDraft {
    pub name: String,
    pub code: Option<String>,
    pub external_id: Option<String>,
    pub address: Option<String>,
    pub location: Option<Wgs84>,
    pub level: Level,
    pub tags: Vec<String>,
    pub contacts: Vec<Contact>,
    pub owner_id: Option<EmployeeId>,
    pub checkin_radius: Option<CheckinRadius>,
}

pub const MAX_TAGS: usize = 20;
pub const MAX_CONTACTS: usize = 20;

/// Identifiers: no spaces or control characters, because ERPs compare them byte for byte.
pub fn parse_key(raw: Option<&str>, max: usize) -> Result<Option<String>, Problem> {
    match clean_optional(raw, max)? {
        Some(s) if s.chars().any(char::is_whitespace) => Err(Problem::HasSpaces),
        other => Ok(other),
    }
}

/// Tags are trimmed, de-duplicated and kept in the order given.
pub fn parse_tags(raw: &[String]) -> Result<Vec<String>, Problem> {
    let mut out: Vec<String> = Vec::new();
    for t in raw {
        let t = clean_name(t, 30)?;
        if !out.contains(&t) {
            out.push(t);
        }
    }
    if out.len() > MAX_TAGS {
        return Err(Problem::TooMany { max: MAX_TAGS });
    }
    Ok(out)
}

impl CustomerInput {
    pub fn validate(&self) -> Result<CustomerDraft, Invalid> {
        let mut bad = Invalid::default();
        let name = bad.check("name", clean_name(&self.name, 200));
        let code = bad.check("code", parse_key(self.code.as_deref(), 64));
        let external_id = bad.check("external_id", parse_key(self.external_id.as_deref(), 128));
        let address = bad.check("address", clean_optional(self.address.as_deref(), 300));
        let location = match &self.location {
            None => None,
            Some(p) => match parse_point(p) {
                Ok(w) => Some(w),
                Err(e) => {
                    bad.problems.extend(e.nest("location.").problems);
                    None
                }
            },
        };
        let level = bad.check(
            "level",
            self.level
                .as_deref()
                .map(Level::parse)
                .unwrap_or(Ok(Level::C)),
        );
        let tags = bad.check("tags", parse_tags(&self.tags));
        let mut contacts = Vec::new();
        if self.contacts.len() > MAX_CONTACTS {
            bad.push("contacts", Problem::TooMany { max: MAX_CONTACTS });
        }
        for (i, c) in self.contacts.iter().enumerate() {
            let prefix = format!("contacts[{i}].");
            let n = clean_name(&c.name, 100);
            let ph = crate::employee::parse_phone(c.phone.as_deref());
            let ti = clean_optional(c.title.as_deref(), 100);
            match (n, ph, ti) {
                (Ok(name), Ok(phone), Ok(title)) => contacts.push(Contact { name, phone, title }),
                (n, ph, ti) => {
                    let mut sub = Invalid::default();
                    sub.check("name", n);
                    sub.check("phone", ph);
                    sub.check("title", ti);
                    bad.problems.extend(sub.nest(&prefix).problems);
                }
            }
        }
        let radius = bad.check(
            "checkin_radius_m",
            self.checkin_radius_m.map(CheckinRadius::parse).transpose(),
        );
        bad.into_result(|| CustomerDraft {
            name: name.unwrap_or_default(),
            code: code.flatten(),
            external_id: external_id.flatten(),
            address: address.flatten(),
            location,
            level: level.unwrap_or(Level::C),
            tags: tags.unwrap_or_default(),
            contacts,
            owner_id: self.owner_id,
            checkin_radius: radius.flatten(),
        })
    }
}

/// Whether a customer is in use, or a prospect a rep created on the spot that waits for a
/// manager's approval.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CustomerStatus {
    #[default]
    Active,
    Pending,
}

impl CustomerStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CustomerStatus::Active => "active",
            CustomerStatus::Pending => "pending",
        }
    }

    pub fn parse(s: &str) -> Result<CustomerStatus, Problem> {
        match s {
            "active" => Ok(CustomerStatus::Active),
            "pending" => Ok(CustomerStatus::Pending),
            _ => Err(Problem::unknown_value(&["active", "pending"])),
        }
    }
}

/// A customer as stored and shown.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Customer {
    pub id: CustomerId,
    pub name: String,
    pub code: Option<String>,
    pub external_id: Option<String>,
    pub address: Option<String>,
    pub location: Option<PointOutput>,
    pub level: Level,
    pub tags: Vec<String>,
    pub contacts: Vec<Contact>,
    pub owner_id: Option<EmployeeId>,
    pub checkin_radius_m: Option<f64>,
    pub status: CustomerStatus,
    /// Present in `near` searches: metres from the search centre.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_m: Option<f64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Raised by every write; the answer's `ETag`, never in the body.
    #[serde(skip)]
    pub version: i64,
}

impl Customer {
    /// Re-expresses the stored WGS-84 location for a map that uses `system`.
    pub fn express_in(&mut self, system: CoordSystem) {
        if let Some(p) = &mut self.location {
            let w = Wgs84::from_stored(p.lat, p.lon);
            *p = PointOutput::new(w, system);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> CustomerInput {
        CustomerInput {
            name: "联华超市(漕溪北路店)".into(),
            code: Some("C00001".into()),
            location: Some(PointInput {
                lat: 31.19,
                lon: 121.43,
                coord_system: Some("gcj02".into()),
            }),
            level: Some("a".into()),
            tags: vec![" 超市 ".into(), "超市".into(), "连锁".into()],
            contacts: vec![Contact {
                name: "李婷".into(),
                phone: Some("13800138000".into()),
                title: None,
            }],
            ..Default::default()
        }
    }

    #[test]
    fn valid_input_is_normalised_and_converted() {
        let d = input().validate().unwrap();
        assert_eq!(d.level, Level::A);
        assert_eq!(d.tags, ["超市", "连锁"]);
        let loc = d.location.unwrap();
        // Stored as WGS-84: the GCJ-02 input moved by a few hundred metres.
        let raw = Wgs84::parse(31.19, 121.43, CoordSystem::Wgs84).unwrap();
        assert!(loc.distance_to(&raw).0 > 100.0);
    }

    #[test]
    fn nested_problems_carry_their_path() {
        let mut i = input();
        i.location = Some(PointInput {
            lat: 95.0,
            lon: 121.0,
            coord_system: None,
        });
        i.contacts[0].phone = Some("n/a".into());
        i.code = Some("C 1".into());
        i.checkin_radius_m = Some(1.0);
        let fields: Vec<String> = i
            .validate()
            .unwrap_err()
            .problems
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(
            fields,
            [
                "code",
                "location.lat",
                "contacts[0].phone",
                "checkin_radius_m"
            ]
        );
    }

    #[test]
    fn unknown_coord_system_is_named() {
        let mut i = input();
        i.location = Some(PointInput {
            lat: 31.0,
            lon: 121.0,
            coord_system: Some("mars".into()),
        });
        let e = i.validate().unwrap_err();
        assert_eq!(e.problems[0].field, "location.coord_system");
    }

    #[test]
    fn express_in_gcj02_moves_the_point() {
        let w = Wgs84::parse(31.2304, 121.4737, CoordSystem::Wgs84).unwrap();
        let mut c = Customer {
            id: CustomerId::new(),
            name: "x".into(),
            code: None,
            external_id: None,
            address: None,
            location: Some(PointOutput::new(w, CoordSystem::Wgs84)),
            level: Level::B,
            tags: vec![],
            contacts: vec![],
            owner_id: None,
            checkin_radius_m: None,
            status: CustomerStatus::Active,
            distance_m: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
            version: 1,
        };
        c.express_in(CoordSystem::Gcj02);
        let p = c.location.unwrap();
        assert_eq!(p.coord_system, "gcj02");
        assert!(p.lon > 121.4737);
    }
}
