//! Scheduled reports (定时报表): when a schedule falls due on the tenant's wall clock, which
//! period its report then covers (the one that just ended), the checks on a schedule's
//! settings with each bad field named, and the words of the e-mail that carries it.

use crate::report::ReportName;
use chrono::{Datelike, Days, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use domain::{Format, Invalid, Problem};

/// At most this many addresses receive one schedule's report.
pub const MAX_RECIPIENTS: usize = 50;
/// The last day of the month a monthly schedule may name: every month has it.
pub const MAX_MONTH_DAY: u32 = 28;

/// How often a schedule sends, and on which day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cadence {
    Daily,
    Weekly(Weekday),
    /// On this day of each month (1–28).
    Monthly(u32),
}

impl Cadence {
    pub const NAMES: [&'static str; 3] = ["daily", "weekly", "monthly"];

    pub fn name(self) -> &'static str {
        match self {
            Cadence::Daily => "daily",
            Cadence::Weekly(_) => "weekly",
            Cadence::Monthly(_) => "monthly",
        }
    }

    /// A cadence as stored (`None` for a row no check would have let in).
    pub fn from_stored(
        name: &str,
        weekday: Option<i64>,
        month_day: Option<i64>,
    ) -> Option<Cadence> {
        match (name, weekday, month_day) {
            ("daily", _, _) => Some(Cadence::Daily),
            ("weekly", Some(n @ 1..=7), _) => Weekday::try_from(u8::try_from(n - 1).ok()?)
                .ok()
                .map(Cadence::Weekly),
            ("monthly", _, Some(d)) if (1..=i64::from(MAX_MONTH_DAY)).contains(&d) => {
                Some(Cadence::Monthly(u32::try_from(d).ok()?))
            }
            _ => None,
        }
    }

    /// The weekday as stored and shown: 1 Monday … 7 Sunday.
    pub fn weekday(self) -> Option<u32> {
        match self {
            Cadence::Weekly(w) => Some(w.number_from_monday()),
            _ => None,
        }
    }

    pub fn month_day(self) -> Option<u32> {
        match self {
            Cadence::Monthly(d) => Some(d),
            _ => None,
        }
    }

    fn falls_on(self, day: NaiveDate) -> bool {
        match self {
            Cadence::Daily => true,
            Cadence::Weekly(w) => day.weekday() == w,
            Cadence::Monthly(d) => day.day() == d,
        }
    }

    /// The period a run on the local date `day` covers: yesterday, last week (Monday to
    /// Sunday) or last month, whatever day of the week or month the run falls on.
    pub fn period_before(self, day: NaiveDate) -> (NaiveDate, NaiveDate) {
        match self {
            Cadence::Daily => {
                let d = day.pred_opt().unwrap_or(day);
                (d, d)
            }
            Cadence::Weekly(_) => {
                let back = u64::from(day.weekday().num_days_from_monday()) + 7;
                let monday = day.checked_sub_days(Days::new(back)).unwrap_or(day);
                (monday, monday + Days::new(6))
            }
            Cadence::Monthly(_) => {
                let first = day.with_day(1).unwrap_or(day);
                let last = first.pred_opt().unwrap_or(first);
                (last.with_day(1).unwrap_or(last), last)
            }
        }
    }
}

/// The first instant strictly after `after_ms` at which the wall clock in `tz` shows
/// `hour`:00 on a day the cadence falls on. An hour a spring-forward skips moves to the
/// first instant after the gap; an hour shown twice counts once, the first time.
pub fn next_run(after_ms: i64, tz: Tz, cadence: Cadence, hour: u32) -> i64 {
    let at = NaiveTime::from_hms_opt(hour.min(23), 0, 0).unwrap_or_default();
    let after = Utc
        .timestamp_millis_opt(after_ms)
        .single()
        .unwrap_or_default();
    let mut day = after.with_timezone(&tz).date_naive();
    // A monthly day comes within 31 days, whatever the month; a year is plenty.
    for _ in 0..400 {
        if cadence.falls_on(day) {
            let wall = day.and_time(at);
            let instant = match tz.from_local_datetime(&wall) {
                chrono::LocalResult::Single(t) => Some(t),
                chrono::LocalResult::Ambiguous(first, _) => Some(first),
                chrono::LocalResult::None => tz
                    .from_local_datetime(&(wall + chrono::Duration::hours(1)))
                    .earliest(),
            };
            if let Some(t) = instant
                && t.timestamp_millis() > after_ms
            {
                return t.timestamp_millis();
            }
        }
        day = match day.checked_add_days(Days::new(1)) {
            Some(d) => d,
            None => break,
        };
    }
    i64::MAX
}

/// The period a run due at `due_ms` covers, in the tenant's local dates.
pub fn period_of_run(due_ms: i64, tz: Tz, cadence: Cadence) -> (NaiveDate, NaiveDate) {
    let day = Utc
        .timestamp_millis_opt(due_ms)
        .single()
        .unwrap_or_default()
        .with_timezone(&tz)
        .date_naive();
    cadence.period_before(day)
}

/// The file a schedule attaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFormat {
    Xlsx,
    Csv,
}

impl FileFormat {
    pub fn name(self) -> &'static str {
        match self {
            FileFormat::Xlsx => "xlsx",
            FileFormat::Csv => "csv",
        }
    }
}

/// The language of the e-mail and of the file's headings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    Zh,
    En,
}

impl Language {
    pub fn name(self) -> &'static str {
        match self {
            Language::Zh => "zh-CN",
            Language::En => "en",
        }
    }
}

/// A schedule's settings as a client sent them (numbers as sent, so a wrong one is named
/// rather than refused by the JSON parser).
#[derive(Clone, Debug, Default)]
pub struct RawSettings<'a> {
    pub report: &'a str,
    pub cadence: &'a str,
    pub weekday: Option<i64>,
    pub month_day: Option<i64>,
    pub hour: Option<i64>,
    pub format: Option<&'a str>,
    pub language: Option<&'a str>,
    pub recipients: &'a [String],
    /// Whether the schedule also posts to a webhook endpoint: then it may have no
    /// recipients.
    pub webhook: bool,
}

/// A schedule's settings, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub report: ReportName,
    pub cadence: Cadence,
    pub hour: u32,
    pub format: FileFormat,
    pub language: Language,
    /// Trimmed, lower-cased domain, each once, in the order given.
    pub recipients: Vec<String>,
}

/// The hour a schedule sends at when none is given: before the working day.
pub const DEFAULT_HOUR: u32 = 7;

/// Checks every field and names each bad one (`report`, `cadence`, `weekday`,
/// `month_day`, `hour`, `format`, `language`, `recipients`, `recipients[2]`).
pub fn validate(raw: &RawSettings<'_>) -> Result<Settings, Invalid> {
    let mut bad = Invalid::default();
    let report = bad.check(
        "report",
        ReportName::parse(raw.report.trim())
            .ok_or_else(|| Problem::unknown_value(&ReportName::ALL.map(ReportName::as_str))),
    );
    let cadence = parse_cadence(&mut bad, raw);
    let hour = match raw.hour {
        None => Some(DEFAULT_HOUR),
        Some(h @ 0..=23) => u32::try_from(h).ok(),
        Some(_) => {
            bad.push("hour", Problem::range(0.0, 23.0, ""));
            None
        }
    };
    let format = bad.check(
        "format",
        match raw.format.map(str::trim) {
            None | Some("xlsx") => Ok(FileFormat::Xlsx),
            Some("csv") => Ok(FileFormat::Csv),
            Some(_) => Err(Problem::unknown_value(&["xlsx", "csv"])),
        },
    );
    let language = bad.check(
        "language",
        match raw.language.map(str::trim) {
            None | Some("zh-CN") | Some("zh") => Ok(Language::Zh),
            Some("en") => Ok(Language::En),
            Some(_) => Err(Problem::unknown_value(&["zh-CN", "en"])),
        },
    );
    let recipients = parse_recipients(&mut bad, raw.recipients, raw.webhook);
    match (report, cadence, hour, format, language) {
        (Some(report), Some(cadence), Some(hour), Some(format), Some(language))
            if bad.is_empty() =>
        {
            Ok(Settings {
                report,
                cadence,
                hour,
                format,
                language,
                recipients,
            })
        }
        _ => Err(bad),
    }
}

fn parse_cadence(bad: &mut Invalid, raw: &RawSettings<'_>) -> Option<Cadence> {
    let not_applicable = |bad: &mut Invalid, field: &str, v: Option<i64>| {
        if v.is_some() {
            bad.push(field, Problem::NotApplicable);
        }
    };
    match raw.cadence.trim() {
        "daily" => {
            not_applicable(bad, "weekday", raw.weekday);
            not_applicable(bad, "month_day", raw.month_day);
            Some(Cadence::Daily)
        }
        "weekly" => {
            not_applicable(bad, "month_day", raw.month_day);
            let day = match raw.weekday {
                None => Err(Problem::Required),
                Some(n @ 1..=7) => {
                    Ok(Weekday::try_from(u8::try_from(n - 1).unwrap_or(0)).unwrap_or(Weekday::Mon))
                }
                Some(_) => Err(Problem::range(1.0, 7.0, "")),
            };
            bad.check("weekday", day).map(Cadence::Weekly)
        }
        "monthly" => {
            not_applicable(bad, "weekday", raw.weekday);
            let day = match raw.month_day {
                None => Err(Problem::Required),
                Some(n) if (1..=i64::from(MAX_MONTH_DAY)).contains(&n) => {
                    Ok(u32::try_from(n).unwrap_or(1))
                }
                Some(_) => Err(Problem::range(1.0, f64::from(MAX_MONTH_DAY), "")),
            };
            bad.check("month_day", day).map(Cadence::Monthly)
        }
        _ => {
            bad.push("cadence", Problem::unknown_value(&Cadence::NAMES));
            None
        }
    }
}

fn parse_recipients(bad: &mut Invalid, given: &[String], webhook: bool) -> Vec<String> {
    if given.is_empty() {
        if !webhook {
            bad.push(
                "recipients",
                Problem::CountOutOfRange {
                    min: 1,
                    max: MAX_RECIPIENTS,
                },
            );
        }
        return Vec::new();
    }
    if given.len() > MAX_RECIPIENTS {
        bad.push(
            "recipients",
            Problem::TooMany {
                max: MAX_RECIPIENTS,
            },
        );
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::with_capacity(given.len());
    for (i, r) in given.iter().enumerate() {
        let field = format!("recipients[{i}]");
        match parse_address(r) {
            Ok(a) if out.contains(&a) => bad.push(field, Problem::Duplicate),
            Ok(a) => out.push(a),
            Err(p) => bad.push(field, p),
        }
    }
    out
}

/// An e-mail address a mail server accepts: a dot-atom local part (letters, digits and
/// ``!#$%&'*+/=?^_`{|}~-``, dots between), `@`, and a domain of two or more labels of
/// letters, digits and inner hyphens. The domain is lower-cased. Quoted local parts and
/// address literals are refused: no office address needs them.
pub fn parse_address(s: &str) -> Result<String, Problem> {
    let s = s.trim();
    if s.is_empty() {
        return Err(Problem::Required);
    }
    if s.len() > 254 {
        return Err(Problem::TooLong { max: 254 });
    }
    let wrong = || Problem::format(Format::Email);
    let (local, domain) = s.rsplit_once('@').ok_or_else(wrong)?;
    let atom_char = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c);
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local
            .split('.')
            .all(|a| !a.is_empty() && a.chars().all(atom_char));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if local_ok && domain_ok {
        Ok(format!("{local}@{}", domain.to_ascii_lowercase()))
    } else {
        Err(wrong())
    }
}

/// The subject of a delivery, in the schedule's language.
pub fn subject(report: ReportName, (from, to): (NaiveDate, NaiveDate), lang: Language) -> String {
    let period = if from == to {
        from.to_string()
    } else {
        match lang {
            Language::Zh => format!("{from} 至 {to}"),
            Language::En => format!("{from} to {to}"),
        }
    };
    match lang {
        Language::Zh => format!("【定时报表】{}（{period}）", report.title_zh()),
        Language::En => format!("[Scheduled report] {} ({period})", report.title_en()),
    }
}

/// The text of a delivery: what is attached and why it came.
pub fn body(
    report: ReportName,
    (from, to): (NaiveDate, NaiveDate),
    rows: usize,
    lang: Language,
) -> String {
    match lang {
        Language::Zh => format!(
            "您好：\n\n附件是{title}，统计期间 {from} 至 {to}，共 {rows} 行。\n\n\
             此邮件由 Outfield 按定时报表设置自动发送。如需更改收件人或发送频率，请联系系统管理员。\n",
            title = report.title_zh()
        ),
        Language::En => format!(
            "Hello,\n\nAttached is the {title} report for {from} to {to}, {rows} rows.\n\n\
             Outfield sent this e-mail on a report schedule. To change its recipients or \
             how often it comes, ask your administrator.\n",
            title = report.title_en()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(s: &str) -> i64 {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .timestamp_millis()
    }
    const SH: Tz = chrono_tz::Asia::Shanghai;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn runs_fall_on_the_tenants_wall_clock() {
        // 2026-12-07 is a Monday. 07:00 Shanghai is 23:00 UTC the day before.
        let now = ms("2026-12-07T10:00:00+08:00");
        assert_eq!(
            next_run(now, SH, Cadence::Daily, 7),
            ms("2026-12-08T07:00:00+08:00")
        );
        assert_eq!(
            next_run(now, SH, Cadence::Daily, 11),
            ms("2026-12-07T11:00:00+08:00")
        );
        assert_eq!(
            next_run(now, SH, Cadence::Weekly(Weekday::Mon), 7),
            ms("2026-12-14T07:00:00+08:00")
        );
        assert_eq!(
            next_run(now, SH, Cadence::Weekly(Weekday::Wed), 9),
            ms("2026-12-09T09:00:00+08:00")
        );
        assert_eq!(
            next_run(now, SH, Cadence::Monthly(1), 8),
            ms("2027-01-01T08:00:00+08:00")
        );
        // Exactly at a run: the next one.
        let at = ms("2026-12-08T07:00:00+08:00");
        assert_eq!(
            next_run(at, SH, Cadence::Daily, 7),
            ms("2026-12-09T07:00:00+08:00")
        );
        // A spring-forward gap: 02:00 does not exist in New York on 2027-03-14.
        let ny = chrono_tz::America::New_York;
        assert_eq!(
            next_run(ms("2027-03-13T12:00:00-05:00"), ny, Cadence::Daily, 2),
            ms("2027-03-14T03:00:00-04:00")
        );
    }

    #[test]
    fn each_run_covers_the_period_that_just_ended() {
        let due = ms("2026-12-07T07:00:00+08:00"); // Monday, 2026-12-06 23:00 UTC
        assert_eq!(
            period_of_run(due, SH, Cadence::Daily),
            (date("2026-12-06"), date("2026-12-06"))
        );
        assert_eq!(
            period_of_run(due, SH, Cadence::Weekly(Weekday::Mon)),
            (date("2026-11-30"), date("2026-12-06"))
        );
        // A weekly run on Thursday still covers last Monday to Sunday.
        assert_eq!(
            Cadence::Weekly(Weekday::Thu).period_before(date("2026-12-10")),
            (date("2026-11-30"), date("2026-12-06"))
        );
        assert_eq!(
            period_of_run(due, SH, Cadence::Monthly(7)),
            (date("2026-11-01"), date("2026-11-30"))
        );
        assert_eq!(
            Cadence::Monthly(1).period_before(date("2027-03-01")),
            (date("2027-02-01"), date("2027-02-28"))
        );
        assert_eq!(
            Cadence::Monthly(1).period_before(date("2027-01-01")),
            (date("2026-12-01"), date("2026-12-31"))
        );
    }

    fn raw<'a>(recipients: &'a [String]) -> RawSettings<'a> {
        RawSettings {
            report: "visit_detail",
            cadence: "weekly",
            weekday: Some(1),
            recipients,
            ..Default::default()
        }
    }

    #[test]
    fn settings_name_each_bad_field() {
        let to = vec!["Boss@Example.COM".to_owned()];
        let ok = validate(&raw(&to)).unwrap();
        assert_eq!(ok.cadence, Cadence::Weekly(Weekday::Mon));
        assert_eq!(ok.recipients, ["Boss@example.com"]);
        assert_eq!(
            (ok.hour, ok.format, ok.language),
            (7, FileFormat::Xlsx, Language::Zh)
        );

        let bad = vec![
            "a@b.cn".to_owned(),
            "not an address".to_owned(),
            "a@b.cn".to_owned(),
            "x@localhost".to_owned(),
        ];
        let e = validate(&RawSettings {
            report: "nope",
            cadence: "hourly",
            hour: Some(24),
            format: Some("pdf"),
            language: Some("fr"),
            ..raw(&bad)
        })
        .unwrap_err();
        assert_eq!(
            e.codes(),
            [
                ("report".to_owned(), "unknown_value"),
                ("cadence".to_owned(), "unknown_value"),
                ("hour".to_owned(), "out_of_range"),
                ("format".to_owned(), "unknown_value"),
                ("language".to_owned(), "unknown_value"),
                ("recipients[1]".to_owned(), "invalid_format"),
                ("recipients[2]".to_owned(), "duplicate"),
                ("recipients[3]".to_owned(), "invalid_format"),
            ]
        );
        let e = validate(&RawSettings {
            cadence: "monthly",
            month_day: Some(31),
            ..raw(&to)
        })
        .unwrap_err();
        assert_eq!(
            e.codes(),
            [
                ("weekday".to_owned(), "not_applicable"),
                ("month_day".to_owned(), "out_of_range")
            ]
        );
        let e = validate(&RawSettings {
            weekday: None,
            ..raw(&[])
        })
        .unwrap_err();
        assert_eq!(
            e.codes(),
            [
                ("weekday".to_owned(), "required"),
                ("recipients".to_owned(), "count_out_of_range")
            ]
        );
        let many: Vec<String> = (0..51).map(|i| format!("r{i}@example.com")).collect();
        let e = validate(&raw(&many)).unwrap_err();
        assert_eq!(e.codes(), [("recipients".to_owned(), "too_many")]);
        // A schedule that posts to a webhook needs no recipients, but one it names are
        // still checked.
        let to_hook = validate(&RawSettings {
            webhook: true,
            ..raw(&[])
        })
        .unwrap();
        assert!(to_hook.recipients.is_empty());
        let bad = vec!["nobody".to_owned()];
        let e = validate(&RawSettings {
            webhook: true,
            ..raw(&bad)
        })
        .unwrap_err();
        assert_eq!(e.codes(), [("recipients[0]".to_owned(), "invalid_format")]);
    }

    #[test]
    fn the_mail_speaks_the_schedules_language() {
        let p = (date("2026-11-30"), date("2026-12-06"));
        assert_eq!(
            subject(ReportName::VisitDetail, p, Language::Zh),
            "【定时报表】拜访明细（2026-11-30 至 2026-12-06）"
        );
        assert_eq!(
            subject(ReportName::VisitDetail, (p.0, p.0), Language::En),
            "[Scheduled report] Visit detail (2026-11-30)"
        );
        assert!(body(ReportName::VisitDetail, p, 3, Language::Zh).contains("共 3 行"));
    }
}
