//! The words a payout export writes for the claims' codes (day kinds, vehicles, anti-cheat
//! levels, reasons a day pays nothing, expense categories, statuses), in Chinese or
//! English: a finance clerk reads the sheet, not the API's vocabulary. The API itself keeps
//! the codes; the console and the app translate them on screen.

/// Which vocabulary a code belongs to (the same word can mean different things: `leave`
/// is a day kind and a reason a day pays nothing).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vocabulary {
    DayKind,
    Vehicle,
    AntiCheat,
    ZeroReason,
    ExpenseCategory,
    ClaimStatus,
}

/// `(code, English, Chinese)` per vocabulary.
fn table(v: Vocabulary) -> &'static [(&'static str, &'static str, &'static str)] {
    use Vocabulary::*;
    match v {
        DayKind => &[
            ("working_day", "Working day", "工作日"),
            ("leave", "Leave", "请假"),
            ("holiday", "Holiday", "节假日"),
            ("day_off", "Day off", "休息日"),
        ],
        Vehicle => &[
            ("private_car", "Private car", "私家车"),
            ("company_car", "Company car", "公司车"),
            ("motorbike", "Motorbike / e-bike", "摩托车/电动车"),
            ("none", "No vehicle", "无车辆"),
        ],
        AntiCheat => &[
            ("clean", "Clean", "正常"),
            ("review", "Review", "待核查"),
            ("likely_cheat", "Likely cheat", "疑似作弊"),
        ],
        ZeroReason => &[
            ("leave", "Leave", "请假"),
            ("holiday", "Holiday", "节假日"),
            ("day_off", "Day off", "休息日"),
            ("confirmed_cheat", "Cheating confirmed", "确认作弊"),
            ("company_car", "Company car", "公司车"),
            ("no_vehicle", "No vehicle", "无车辆"),
            ("no_rate", "No rate table", "无适用费率"),
        ],
        ExpenseCategory => &[
            ("toll", "Toll", "过路费"),
            ("parking", "Parking", "停车费"),
            ("fuel", "Fuel", "油费"),
            ("other", "Other", "其他"),
        ],
        ClaimStatus => &[
            ("draft", "Draft", "草稿"),
            ("submitted", "Submitted", "已提交"),
            ("approved", "Approved", "已批准"),
            ("rejected", "Rejected", "已驳回"),
            ("paid", "Paid", "已付款"),
        ],
    }
}

/// The word for `code`; an unknown code (a newer server's) is written as it is.
pub fn label(v: Vocabulary, code: &str, zh: bool) -> String {
    table(v)
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, en, cn)| if zh { *cn } else { *en })
        .unwrap_or(code)
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use claims::{DayKind, ExpenseCategory, VehicleKind, ZeroReason};

    fn word<T: serde::Serialize>(v: T) -> String {
        crate::services::claim_views::word(&v)
    }

    /// Every code the `claims` crate writes has a word in both languages, so no sheet
    /// shows a bare code.
    #[test]
    fn every_code_has_both_words() {
        let codes: Vec<(Vocabulary, String)> = [
            DayKind::WorkingDay,
            DayKind::Leave,
            DayKind::Holiday,
            DayKind::DayOff,
        ]
        .into_iter()
        .map(|k| (Vocabulary::DayKind, word(k)))
        .chain(
            [
                VehicleKind::PrivateCar,
                VehicleKind::CompanyCar,
                VehicleKind::Motorbike,
                VehicleKind::None,
            ]
            .into_iter()
            .map(|k| (Vocabulary::Vehicle, word(k))),
        )
        .chain(
            [
                ZeroReason::Leave,
                ZeroReason::Holiday,
                ZeroReason::DayOff,
                ZeroReason::ConfirmedCheat,
                ZeroReason::CompanyCar,
                ZeroReason::NoVehicle,
                ZeroReason::NoRate,
            ]
            .into_iter()
            .map(|k| (Vocabulary::ZeroReason, word(k))),
        )
        .chain(
            [
                ExpenseCategory::Toll,
                ExpenseCategory::Parking,
                ExpenseCategory::Fuel,
                ExpenseCategory::Other,
            ]
            .into_iter()
            .map(|k| (Vocabulary::ExpenseCategory, word(k))),
        )
        .chain(
            [
                integrity::Level::Clean,
                integrity::Level::Review,
                integrity::Level::LikelyCheat,
            ]
            .into_iter()
            .map(|l| (Vocabulary::AntiCheat, l.as_str().to_owned())),
        )
        .collect();
        for (v, code) in codes {
            assert!(!code.is_empty(), "{v:?} has a code");
            assert_ne!(label(v, &code, true), code, "{v:?} {code} in Chinese");
            assert_ne!(label(v, &code, false), code, "{v:?} {code} in English");
        }
        assert_eq!(label(Vocabulary::ClaimStatus, "paid", true), "已付款");
        assert_eq!(label(Vocabulary::Vehicle, "hovercraft", true), "hovercraft");
    }
}
