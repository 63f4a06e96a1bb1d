//! Visit rules (拜访): how close a check-in must be to the customer (judged with the
//! fix's accuracy), how long a visit must last, how many photos it needs and which report
//! form applies to which customers.

use crate::customer::Level;
use crate::geofence::{Judgement, judge_circle};
use crate::ids::FormId;
use crate::{CheckinRadius, Invalid, Problem, Wgs84};
use serde::{Deserialize, Serialize};

/// Which form applies to customers of a level and/or carrying a tag (both must match
/// when both are given).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FormRule {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Level>))]
    pub level: Option<String>,
    #[serde(default)]
    pub tag: Option<String>,
    pub form_id: FormId,
}

/// What a rule does about a requirement a check-out has not met.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    /// The check-out is refused (422) until it is met; nothing is stored.
    Block,
    /// The check-out is stored and the visit flagged.
    #[default]
    Warn,
    /// Not checked at all.
    Off,
}

/// What must be done before a visit is checked out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CheckoutRequires {
    /// The rule's `required_photos` uploaded.
    #[serde(default)]
    pub photos: Requirement,
    /// The report submitted, when a form applies to the customer.
    #[serde(default)]
    pub report: Requirement,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VisitRule {
    /// Metres around the customer within which a check-in counts (a customer's own
    /// `checkin_radius_m` overrides it).
    #[serde(default = "default_radius_m")]
    #[cfg_attr(feature = "openapi", schema(minimum = 10.0, maximum = 5000.0))]
    pub checkin_radius_m: f64,
    /// A visit shorter than this is flagged `too_short`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 1440))]
    pub min_duration_min: u32,
    /// Photos a visit must carry.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 20))]
    pub required_photos: u32,
    /// Tried in order; the first match decides the report form.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 50))]
    pub forms: Vec<FormRule>,
    /// The form when no rule matches; `null` means no report is required.
    #[serde(default)]
    pub default_form_id: Option<FormId>,
    /// Whether missing photos or a missing report block the check-out (`block`), only
    /// flag the visit (`warn`, the default) or are not checked (`off`).
    #[serde(default)]
    pub checkout_requires: CheckoutRequires,
}

fn default_radius_m() -> f64 {
    200.0
}

impl Default for VisitRule {
    fn default() -> Self {
        Self {
            checkin_radius_m: default_radius_m(),
            min_duration_min: 0,
            required_photos: 0,
            forms: Vec::new(),
            default_form_id: None,
            checkout_requires: CheckoutRequires::default(),
        }
    }
}

pub const MAX_MIN_DURATION_MIN: u32 = 24 * 60;
pub const MAX_REQUIRED_PHOTOS: u32 = 20;
pub const MAX_FORM_RULES: usize = 50;

#[derive(Clone, Debug, PartialEq)]
pub struct FormMatch {
    pub level: Option<Level>,
    pub tag: Option<String>,
    pub form_id: FormId,
}

/// A validated visit rule.
#[derive(Clone, Debug, PartialEq)]
pub struct VisitPolicy {
    pub checkin_radius: CheckinRadius,
    pub min_duration_min: u32,
    pub required_photos: u32,
    pub forms: Vec<FormMatch>,
    pub default_form_id: Option<FormId>,
    pub checkout_requires: CheckoutRequires,
}

impl VisitRule {
    pub fn validate(&self) -> Result<VisitPolicy, Invalid> {
        let mut bad = Invalid::default();
        let radius = bad.check(
            "checkin_radius_m",
            CheckinRadius::parse(self.checkin_radius_m),
        );
        if self.min_duration_min > MAX_MIN_DURATION_MIN {
            bad.push(
                "min_duration_min",
                Problem::range(0.0, f64::from(MAX_MIN_DURATION_MIN), "min"),
            );
        }
        if self.required_photos > MAX_REQUIRED_PHOTOS {
            bad.push(
                "required_photos",
                Problem::range(0.0, f64::from(MAX_REQUIRED_PHOTOS), ""),
            );
        }
        if self.forms.len() > MAX_FORM_RULES {
            bad.push(
                "forms",
                Problem::TooMany {
                    max: MAX_FORM_RULES,
                },
            );
        }
        let mut forms = Vec::new();
        for (i, r) in self.forms.iter().enumerate() {
            let level = bad.check(
                &format!("forms[{i}].level"),
                r.level.as_deref().map(Level::parse).transpose(),
            );
            let tag = r.tag.as_deref().map(str::trim).filter(|t| !t.is_empty());
            if r.level.is_none() && tag.is_none() {
                bad.push(
                    format!("forms[{i}]"),
                    Problem::NeedsOneOf {
                        fields: vec!["level".into(), "tag".into()],
                    },
                );
            }
            if let Some(level) = level {
                forms.push(FormMatch {
                    level,
                    tag: tag.map(str::to_owned),
                    form_id: r.form_id,
                });
            }
        }
        bad.into_result(|| VisitPolicy {
            checkin_radius: radius
                .unwrap_or_else(|| CheckinRadius::parse(default_radius_m()).expect("in range")),
            min_duration_min: self.min_duration_min,
            required_photos: self.required_photos,
            forms,
            default_form_id: self.default_form_id,
            checkout_requires: self.checkout_requires,
        })
    }
}

/// Where a check-in is relative to the customer's radius.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CheckinStatus {
    /// The whole accuracy circle is within the radius.
    Within,
    /// The whole accuracy circle is outside the radius.
    Outside,
    /// The accuracy circle crosses the radius, or the accuracy is unknown.
    Uncertain,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckinJudgement {
    pub judgement: CheckinStatus,
    /// Metres from the fix to the customer.
    pub distance_m: f64,
    /// The radius that applied (the customer's own, else the rule's).
    pub radius_m: f64,
}

impl VisitPolicy {
    /// The customer's own radius wins over the rule's.
    pub fn radius_for(&self, customer_radius: Option<CheckinRadius>) -> CheckinRadius {
        customer_radius.unwrap_or(self.checkin_radius)
    }

    /// Judges a check-in fix (WGS-84, accuracy in metres) against the customer's location.
    pub fn judge_checkin(
        &self,
        customer: Wgs84,
        customer_radius: Option<CheckinRadius>,
        lat: f64,
        lon: f64,
        accuracy_m: f64,
    ) -> CheckinJudgement {
        let radius_m = self.radius_for(customer_radius).meters();
        let j = judge_circle(customer, radius_m, lat, lon, accuracy_m);
        CheckinJudgement {
            judgement: match j.judgement {
                Judgement::Inside => CheckinStatus::Within,
                Judgement::Outside => CheckinStatus::Outside,
                Judgement::Uncertain => CheckinStatus::Uncertain,
            },
            distance_m: j.boundary_distance_m + radius_m,
            radius_m,
        }
    }

    /// Judges a visit's duration. A check-out before its check-in is refused (the client
    /// sent them out of order or its clock jumped); the caller answers 4xx.
    pub fn judge_checkout(
        &self,
        checked_in_ms: i64,
        checked_out_ms: i64,
    ) -> Result<CheckoutJudgement, Invalid> {
        if checked_out_ms < checked_in_ms {
            return Err(Invalid::one(
                "at",
                Problem::BeforeOther {
                    other: "in_t".into(),
                },
            ));
        }
        let duration_s = (checked_out_ms - checked_in_ms) / 1000;
        let min_duration_s = self.min_duration_min as i64 * 60;
        Ok(CheckoutJudgement {
            status: if duration_s >= min_duration_s {
                CheckoutStatus::Ok
            } else {
                CheckoutStatus::TooShort
            },
            duration_s,
            min_duration_s,
        })
    }

    /// How many more photos the visit needs.
    pub fn photos_missing(&self, photos: usize) -> u32 {
        self.required_photos
            .saturating_sub(photos.try_into().unwrap_or(u32::MAX))
    }

    /// What a check-out would leave undone that the rule blocks on: photos short of the
    /// required count, and the report when one is required (a form applies) but absent.
    /// Empty means the check-out may be stored (warned-about gaps become flags).
    pub fn checkout_blockers(
        &self,
        photos: usize,
        report_required: bool,
        has_report: bool,
    ) -> Vec<Unmet> {
        let mut out = Vec::new();
        let have = u32::try_from(photos).unwrap_or(u32::MAX);
        if self.checkout_requires.photos == Requirement::Block && have < self.required_photos {
            out.push(Unmet::Photos {
                required: self.required_photos,
                have,
            });
        }
        if self.checkout_requires.report == Requirement::Block && report_required && !has_report {
            out.push(Unmet::Report);
        }
        out
    }

    /// The report form for a customer: the first matching rule, else the default.
    pub fn form_for(&self, level: Level, tags: &[String]) -> Option<FormId> {
        self.forms
            .iter()
            .find(|m| {
                m.level.is_none_or(|l| l == level)
                    && m.tag.as_ref().is_none_or(|t| tags.contains(t))
            })
            .map(|m| m.form_id)
            .or(self.default_form_id)
    }
}

/// A requirement a blocked check-out has not met.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unmet {
    Photos { required: u32, have: u32 },
    Report,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CheckoutStatus {
    Ok,
    TooShort,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckoutJudgement {
    pub status: CheckoutStatus,
    pub duration_s: i64,
    pub min_duration_s: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CoordSystem;

    const M_PER_DEG_LAT: f64 = 6_371_008.8 * std::f64::consts::PI / 180.0;

    fn shop() -> Wgs84 {
        Wgs84::parse(31.2, 121.4, CoordSystem::Wgs84).unwrap()
    }

    /// A fix `north` metres north of the shop.
    fn fix(p: &VisitPolicy, north: f64, acc: f64, own: Option<f64>) -> CheckinJudgement {
        let own = own.map(|r| CheckinRadius::parse(r).unwrap());
        p.judge_checkin(shop(), own, 31.2 + north / M_PER_DEG_LAT, 121.4, acc)
    }

    #[test]
    fn checkin_uses_accuracy_and_the_customer_radius() {
        let p = VisitRule::default().validate().unwrap();
        let j = fix(&p, 120.0, 30.0, None);
        assert_eq!((j.judgement, j.radius_m), (CheckinStatus::Within, 200.0));
        assert!((j.distance_m - 120.0).abs() < 0.01);
        assert_eq!(
            fix(&p, 120.0, 100.0, None).judgement,
            CheckinStatus::Uncertain,
            "a ±100 m fix"
        );
        assert_eq!(fix(&p, 300.0, 50.0, None).judgement, CheckinStatus::Outside);
        assert_eq!(
            fix(&p, 300.0, 150.0, None).judgement,
            CheckinStatus::Uncertain
        );
        assert_eq!(
            fix(&p, 120.0, f64::NAN, None).judgement,
            CheckinStatus::Uncertain,
            "unknown accuracy"
        );
        let own = fix(&p, 120.0, 10.0, Some(50.0));
        assert_eq!(
            (own.judgement, own.radius_m),
            (CheckinStatus::Outside, 50.0)
        );
    }

    #[test]
    fn checkout_against_minimum_duration() {
        let p = VisitRule {
            min_duration_min: 10,
            ..Default::default()
        }
        .validate()
        .unwrap();
        let t0 = 1_800_000_000_000;
        assert_eq!(
            p.judge_checkout(t0, t0 + 600_000).unwrap().status,
            CheckoutStatus::Ok
        );
        let short = p.judge_checkout(t0, t0 + 599_000).unwrap();
        assert_eq!(
            (short.status, short.duration_s),
            (CheckoutStatus::TooShort, 599)
        );
        assert_eq!(
            p.judge_checkout(t0, t0 - 1).unwrap_err().problems[0].field,
            "at"
        );
        let none = VisitRule::default().validate().unwrap();
        assert_eq!(
            none.judge_checkout(t0, t0).unwrap().status,
            CheckoutStatus::Ok
        );
    }

    #[test]
    fn first_matching_form_wins() {
        let (a_form, promo, a_promo, fallback) =
            (FormId::new(), FormId::new(), FormId::new(), FormId::new());
        let p = VisitRule {
            forms: vec![
                FormRule {
                    level: Some("A".into()),
                    tag: Some("促销".into()),
                    form_id: a_promo,
                },
                FormRule {
                    level: Some("a".into()),
                    tag: None,
                    form_id: a_form,
                },
                FormRule {
                    level: None,
                    tag: Some("促销".into()),
                    form_id: promo,
                },
            ],
            default_form_id: Some(fallback),
            ..Default::default()
        }
        .validate()
        .unwrap();
        let tags = |t: &[&str]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(p.form_for(Level::A, &tags(&["促销"])), Some(a_promo));
        assert_eq!(p.form_for(Level::A, &tags(&["超市"])), Some(a_form));
        assert_eq!(p.form_for(Level::C, &tags(&["超市", "促销"])), Some(promo));
        assert_eq!(p.form_for(Level::B, &[]), Some(fallback));
        assert_eq!(
            VisitRule::default()
                .validate()
                .unwrap()
                .form_for(Level::A, &[]),
            None
        );
    }

    #[test]
    fn photos_missing_counts_down() {
        let p = VisitRule {
            required_photos: 2,
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert_eq!(
            (
                p.photos_missing(0),
                p.photos_missing(1),
                p.photos_missing(5)
            ),
            (2, 1, 0)
        );
    }

    #[test]
    fn only_blocking_requirements_stop_a_check_out() {
        let rule = |photos, report| {
            VisitRule {
                required_photos: 2,
                checkout_requires: CheckoutRequires { photos, report },
                ..Default::default()
            }
            .validate()
            .unwrap()
        };
        let block = rule(Requirement::Block, Requirement::Block);
        assert_eq!(
            block.checkout_blockers(1, true, false),
            [
                Unmet::Photos {
                    required: 2,
                    have: 1
                },
                Unmet::Report
            ]
        );
        assert_eq!(block.checkout_blockers(2, true, true), []);
        assert_eq!(
            block.checkout_blockers(3, false, false),
            [],
            "no form applies"
        );
        let warn = rule(Requirement::Warn, Requirement::Warn);
        assert_eq!(warn.checkout_blockers(0, true, false), []);
        let mixed = rule(Requirement::Off, Requirement::Block);
        assert_eq!(mixed.checkout_blockers(0, true, false), [Unmet::Report]);
        // Defaults warn; unknown words are refused by the parser.
        let parsed: VisitRule =
            serde_json::from_value(serde_json::json!({"checkout_requires": {"photos": "block"}}))
                .unwrap();
        assert_eq!(
            parsed.checkout_requires,
            CheckoutRequires {
                photos: Requirement::Block,
                report: Requirement::Warn
            }
        );
        assert!(
            serde_json::from_value::<VisitRule>(
                serde_json::json!({"checkout_requires": {"photos": "sometimes"}})
            )
            .is_err()
        );
    }

    #[test]
    fn validation_names_fields() {
        let e = VisitRule {
            checkin_radius_m: 5.0,
            required_photos: 99,
            forms: vec![
                FormRule {
                    level: Some("D".into()),
                    tag: None,
                    form_id: FormId::new(),
                },
                FormRule {
                    level: None,
                    tag: Some(" ".into()),
                    form_id: FormId::new(),
                },
            ],
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        let fields: Vec<_> = e.problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "checkin_radius_m",
                "required_photos",
                "forms[0].level",
                "forms[1]"
            ]
        );
        let json = serde_json::json!({"checkin_radius_m": 100, "radius": 1});
        assert!(serde_json::from_value::<VisitRule>(json).is_err());
        let defaults: VisitRule = serde_json::from_value(serde_json::json!({})).unwrap();
        assert_eq!(defaults, VisitRule::default());
    }
}
