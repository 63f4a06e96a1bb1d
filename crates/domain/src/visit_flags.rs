//! The one place that decides which flags a visit shows. A visit's parts (check-in,
//! check-out, photos, report) each raise their own evidence; a manager sees one set per
//! visit, each code once — a phone in developer mode at check-in and at check-out is one
//! fact about the visit, not two. The visit list, the visit detail and the `flag` filter
//! all read the set this function returns (the server stores it on the visit row
//! whenever a part changes), so they agree by construction.

use crate::evidence::{Flag, FlagCode};
use crate::visit_rule::Requirement;
use serde_json::json;

/// Everything a visit's flags follow from.
#[derive(Clone, Copy, Debug)]
pub struct VisitFacts<'a> {
    pub check_in: &'a [Flag],
    /// `None` while the visit is open.
    pub check_out: Option<&'a [Flag]>,
    /// Each photo's own flags, in the order they were taken.
    pub photos: &'a [Vec<Flag>],
    pub required_photos: u32,
    pub photos_rule: Requirement,
    /// A report form applies to the visited customer.
    pub report_required: bool,
    pub report_rule: Requirement,
    pub has_report: bool,
}

/// The visit's flags: every part's flags deduplicated by code (the first occurrence's
/// evidence is kept: check-in before check-out before photos), then, once the visit is
/// checked out, `photos_missing` and `report_missing` unless the rule turns them off.
pub fn visit_flags(v: &VisitFacts<'_>) -> Vec<Flag> {
    let mut out: Vec<Flag> = Vec::new();
    let parts = v
        .check_in
        .iter()
        .chain(v.check_out.unwrap_or_default())
        .chain(v.photos.iter().flatten());
    for f in parts {
        if !out.iter().any(|o| o.code == f.code) {
            out.push(f.clone());
        }
    }
    if v.check_out.is_some() {
        let have = u32::try_from(v.photos.len()).unwrap_or(u32::MAX);
        if v.photos_rule != Requirement::Off && have < v.required_photos {
            push_once(
                &mut out,
                Flag::new(
                    FlagCode::PhotosMissing,
                    json!({"required": v.required_photos, "have": have,
                           "missing": v.required_photos - have}),
                ),
            );
        }
        if v.report_rule != Requirement::Off && v.report_required && !v.has_report {
            push_once(&mut out, Flag::new(FlagCode::ReportMissing, json!({})));
        }
    }
    out
}

fn push_once(out: &mut Vec<Flag>, f: Flag) {
    if !out.iter().any(|o| o.code == f.code) {
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flag(code: FlagCode, n: i64) -> Flag {
        Flag::new(code, json!({"n": n}))
    }

    fn codes(flags: &[Flag]) -> Vec<FlagCode> {
        flags.iter().map(|f| f.code).collect()
    }

    fn facts<'a>(
        check_in: &'a [Flag],
        check_out: Option<&'a [Flag]>,
        photos: &'a [Vec<Flag>],
    ) -> VisitFacts<'a> {
        VisitFacts {
            check_in,
            check_out,
            photos,
            required_photos: 2,
            photos_rule: Requirement::Warn,
            report_required: true,
            report_rule: Requirement::Warn,
            has_report: false,
        }
    }

    #[test]
    fn device_flags_of_every_part_appear_once() {
        let check_in = [flag(FlagCode::DeveloperMode, 1), flag(FlagCode::Rooted, 1)];
        let check_out = [
            flag(FlagCode::DeveloperMode, 2),
            flag(FlagCode::MockLocation, 2),
            flag(FlagCode::Rooted, 2),
        ];
        let photos = [vec![
            flag(FlagCode::PhotoReused, 3),
            flag(FlagCode::MockLocation, 3),
        ]];
        let got = visit_flags(&facts(&check_in, Some(&check_out), &photos));
        assert_eq!(
            codes(&got),
            [
                FlagCode::DeveloperMode,
                FlagCode::Rooted,
                FlagCode::MockLocation,
                FlagCode::PhotoReused,
                FlagCode::PhotosMissing,
                FlagCode::ReportMissing,
            ]
        );
        // The first occurrence's evidence is kept.
        assert_eq!(got[0].evidence["n"], 1);
        assert_eq!(got[2].evidence["n"], 2);
        assert_eq!(
            got[4].evidence,
            json!({"required": 2, "have": 1, "missing": 1})
        );
    }

    #[test]
    fn requirements_are_judged_only_once_checked_out() {
        let open = visit_flags(&facts(&[], None, &[]));
        assert!(
            open.is_empty(),
            "an open visit may still get its photos: {open:?}"
        );
        let two = [vec![], vec![]];
        let done = VisitFacts {
            has_report: true,
            ..facts(&[], Some(&[]), &two)
        };
        assert!(visit_flags(&done).is_empty());
        let off = VisitFacts {
            photos_rule: Requirement::Off,
            report_rule: Requirement::Off,
            ..facts(&[], Some(&[]), &[])
        };
        assert!(visit_flags(&off).is_empty());
        let no_form = VisitFacts {
            report_required: false,
            ..facts(&[], Some(&[]), &two)
        };
        assert!(visit_flags(&no_form).is_empty());
        // A rule that blocks but was met differently later (rule changed): still shown.
        let block = VisitFacts {
            photos_rule: Requirement::Block,
            ..facts(&[], Some(&[]), &[])
        };
        assert_eq!(
            codes(&visit_flags(&block)),
            [FlagCode::PhotosMissing, FlagCode::ReportMissing]
        );
    }
}
