//! Turning spreadsheet rows into customer inputs, with every problem pinned to a row
//! and a column as the user named it in their file.

use crate::Problem;
use crate::customer::{Contact, CustomerInput, PointInput};
use std::collections::HashMap;

/// The columns we understand, each with the names people use for it (English as we
/// export it, and the Chinese headings common in CRM exports).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Column {
    Name,
    Code,
    ExternalId,
    Address,
    Lat,
    Lon,
    CoordSystem,
    Level,
    Tags,
    Owner,
    CheckinRadius,
    ContactName,
    ContactPhone,
}

const ALIASES: &[(Column, &[&str])] = &[
    (
        Column::Name,
        &["name", "名称", "客户名称", "门店名称", "客户"],
    ),
    (
        Column::Code,
        &["code", "编码", "客户编码", "门店编码", "编号"],
    ),
    (
        Column::ExternalId,
        &["external_id", "外部编号", "erp编号", "外部id"],
    ),
    (Column::Address, &["address", "地址", "详细地址"]),
    (Column::Lat, &["lat", "latitude", "纬度"]),
    (Column::Lon, &["lon", "lng", "longitude", "经度"]),
    (Column::CoordSystem, &["coord_system", "坐标系"]),
    (Column::Level, &["level", "级别", "等级", "客户级别"]),
    (Column::Tags, &["tags", "标签"]),
    (Column::Owner, &["owner", "负责人", "负责人工号", "业务员"]),
    (Column::CheckinRadius, &["checkin_radius_m", "签到半径"]),
    (Column::ContactName, &["contact_name", "联系人"]),
    (
        Column::ContactPhone,
        &["contact_phone", "联系电话", "电话", "手机"],
    ),
];

/// The headers we write on export, in order; importing an export needs no mapping.
pub const EXPORT_HEADERS: [&str; 13] = [
    "name",
    "code",
    "external_id",
    "address",
    "lat",
    "lon",
    "coord_system",
    "level",
    "tags",
    "owner",
    "checkin_radius_m",
    "contact_name",
    "contact_phone",
];

#[derive(Clone, Debug, PartialEq)]
pub struct RowProblem {
    /// The spreadsheet row number (header is row 1); 1 for problems with the header.
    pub row: usize,
    pub column: String,
    pub problem: Problem,
}

/// One usable row: the customer input and how the owner was referred to (a username or
/// employee number, resolved against the tenant's people by the caller).
#[derive(Clone, Debug)]
pub struct ImportRow {
    pub row: usize,
    pub input: CustomerInput,
    pub owner_ref: Option<String>,
}

#[derive(Debug)]
pub struct Mapped {
    pub rows: Vec<ImportRow>,
    pub problems: Vec<RowProblem>,
    pub ignored_columns: Vec<String>,
    /// The file's heading for each column it has; an update touches only these fields.
    pub headers: HashMap<Column, String>,
}

impl Mapped {
    /// The user's own heading for a column, or our name for it when the file lacks it.
    pub fn header(&self, c: Column) -> String {
        self.headers
            .get(&c)
            .cloned()
            .unwrap_or_else(|| EXPORT_HEADERS[c as usize].to_owned())
    }
}

/// Which file column holds each known field, and the headings we do not read.
pub type HeaderMap = (HashMap<Column, usize>, Vec<String>);

/// Finds which file column holds which field. Fails (with header problems) when a
/// required column is missing or a field appears twice.
pub fn map_header(headers: &[String]) -> Result<HeaderMap, Vec<RowProblem>> {
    let mut found: HashMap<Column, usize> = HashMap::new();
    let mut ignored = Vec::new();
    let mut problems = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let key = h.trim().to_lowercase();
        match ALIASES
            .iter()
            .find(|(_, names)| names.contains(&key.as_str()))
        {
            Some((col, _)) => {
                if found.insert(*col, i).is_some() {
                    problems.push(header_problem(h, Problem::Duplicate));
                }
            }
            None if key.is_empty() => {}
            None => ignored.push(h.clone()),
        }
    }
    if !found.contains_key(&Column::Name) {
        problems.push(header_problem("name", Problem::Required));
    }
    if !found.contains_key(&Column::Code) && !found.contains_key(&Column::ExternalId) {
        problems.push(header_problem(
            "code",
            Problem::NeedsOneOf {
                fields: vec!["code".into(), "external_id".into()],
            },
        ));
    }
    if found.contains_key(&Column::Lat) != found.contains_key(&Column::Lon) {
        let missing = if found.contains_key(&Column::Lat) {
            "lon"
        } else {
            "lat"
        };
        problems.push(header_problem(missing, Problem::Required));
    }
    if problems.is_empty() {
        Ok((found, ignored))
    } else {
        Err(problems)
    }
}

fn header_problem(column: &str, problem: Problem) -> RowProblem {
    RowProblem {
        row: 1,
        column: column.into(),
        problem,
    }
}

/// Maps and validates every row. A row with any problem yields problems only; rows that
/// repeat a code or external id seen earlier in the file are refused, because which one
/// should win would be a guess.
pub fn map_rows<'a>(
    headers: &[String],
    rows: impl IntoIterator<Item = (usize, &'a [String])>,
) -> Result<Mapped, Vec<RowProblem>> {
    let (cols, ignored_columns) = map_header(headers)?;
    let header_of = |c: Column| {
        cols.get(&c)
            .map(|&i| headers[i].clone())
            .unwrap_or_default()
    };
    let mut out = Mapped {
        rows: Vec::new(),
        problems: Vec::new(),
        ignored_columns,
        headers: cols
            .iter()
            .map(|(c, &i)| (*c, headers[i].clone()))
            .collect(),
    };
    let mut seen_code: HashMap<String, usize> = HashMap::new();
    let mut seen_ext: HashMap<String, usize> = HashMap::new();

    for (row, cells) in rows {
        let cell = |c: Column| -> Option<String> {
            let i = *cols.get(&c)?;
            let v = cells.get(i)?.trim();
            (!v.is_empty()).then(|| v.to_owned())
        };
        let mut problems: Vec<RowProblem> = Vec::new();
        if cells.len() > headers.len()
            && cells[headers.len()..].iter().any(|c| !c.trim().is_empty())
        {
            problems.push(RowProblem {
                row,
                column: format!("column {}", headers.len() + 1),
                problem: Problem::TooMany { max: headers.len() },
            });
        }
        let mut complain = |c: Column, p: Problem| {
            problems.push(RowProblem {
                row,
                column: header_of(c),
                problem: p,
            })
        };

        let number = |c: Column, complain: &mut dyn FnMut(Column, Problem)| -> Option<f64> {
            let v = cell(c)?;
            match v.parse::<f64>() {
                Ok(x) if x.is_finite() => Some(x),
                _ => {
                    complain(c, Problem::format(crate::Format::Number));
                    None
                }
            }
        };
        let lat = number(Column::Lat, &mut complain);
        let lon = number(Column::Lon, &mut complain);
        let radius = number(Column::CheckinRadius, &mut complain);
        let location = match (lat, lon, cell(Column::Lat), cell(Column::Lon)) {
            (Some(lat), Some(lon), _, _) => Some(PointInput {
                lat,
                lon,
                coord_system: cell(Column::CoordSystem),
            }),
            (None, None, None, None) => None,
            (_, _, Some(_), None) => {
                complain(Column::Lon, Problem::Required);
                None
            }
            (_, _, None, Some(_)) => {
                complain(Column::Lat, Problem::Required);
                None
            }
            _ => None,
        };
        let contacts = match cell(Column::ContactName) {
            Some(name) => vec![Contact {
                name,
                phone: cell(Column::ContactPhone),
                title: None,
            }],
            None if cell(Column::ContactPhone).is_some() => {
                complain(Column::ContactName, Problem::Required);
                vec![]
            }
            None => vec![],
        };
        let input = CustomerInput {
            id: None,
            name: cell(Column::Name).unwrap_or_default(),
            code: cell(Column::Code),
            external_id: cell(Column::ExternalId),
            address: cell(Column::Address),
            location,
            level: cell(Column::Level),
            tags: cell(Column::Tags)
                .map(|t| split_tags(&t))
                .unwrap_or_default(),
            contacts,
            owner_id: None,
            checkin_radius_m: radius,
        };
        if input.code.is_none() && input.external_id.is_none() {
            let c = if cols.contains_key(&Column::Code) {
                Column::Code
            } else {
                Column::ExternalId
            };
            complain(
                c,
                Problem::NeedsOneOf {
                    fields: vec!["code".into(), "external_id".into()],
                },
            );
        }
        if let Err(bad) = input.validate() {
            for p in bad.problems {
                // Field names from validation map back to the user's own column headings.
                complain(field_column(&p.field), p.problem);
            }
        }
        for (key, seen, col) in [
            (&input.code, &mut seen_code, Column::Code),
            (&input.external_id, &mut seen_ext, Column::ExternalId),
        ] {
            if let Some(k) = key {
                if let Some(first) = seen.get(k) {
                    complain(col, Problem::DuplicateOfRow { row: *first });
                } else {
                    seen.insert(k.clone(), row);
                }
            }
        }
        if problems.is_empty() {
            out.rows.push(ImportRow {
                row,
                input,
                owner_ref: cell(Column::Owner),
            });
        } else {
            out.problems.extend(problems);
        }
    }
    Ok(out)
}

fn field_column(field: &str) -> Column {
    match field {
        "code" => Column::Code,
        "external_id" => Column::ExternalId,
        "address" => Column::Address,
        "location.lat" => Column::Lat,
        "location.lon" => Column::Lon,
        "location.coord_system" => Column::CoordSystem,
        "level" => Column::Level,
        "tags" => Column::Tags,
        "checkin_radius_m" => Column::CheckinRadius,
        f if f.ends_with(".phone") => Column::ContactPhone,
        f if f.starts_with("contacts") => Column::ContactName,
        _ => Column::Name,
    }
}

/// Tags in one cell, separated the ways people separate them in Chinese and English.
pub fn split_tags(cell: &str) -> Vec<String> {
    cell.split([';', '；', ',', '，', '|', '、'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn chinese_headers_map() {
        let h = s(&["名称", "编码", "纬度", "经度", "级别", "标签", "备注"]);
        let rows = [s(&[
            "联华超市",
            "C1",
            "31.2",
            "121.4",
            "A",
            "超市；连锁",
            "x",
        ])];
        let m = map_rows(
            &h,
            rows.iter().enumerate().map(|(i, r)| (i + 2, r.as_slice())),
        )
        .unwrap();
        assert!(m.problems.is_empty(), "{:?}", m.problems);
        assert_eq!(m.ignored_columns, ["备注"]);
        assert_eq!(m.rows[0].input.tags, ["超市", "连锁"]);
    }

    #[test]
    fn missing_required_columns_fail_the_file() {
        let err = map_rows(&s(&["address"]), std::iter::empty()).unwrap_err();
        let cols: Vec<_> = err.iter().map(|p| p.column.as_str()).collect();
        assert_eq!(cols, ["name", "code"]);
    }

    #[test]
    fn bad_rows_are_pinned_to_row_and_column() {
        let h = s(&["name", "code", "lat", "lon", "level"]);
        let rows = [
            s(&["ok", "C1", "31.2", "121.4", "B"]),
            s(&["", "C2", "abc", "121.4", "B"]),
            s(&["far", "C3", "95", "121.4", "Z"]),
            s(&["dup", "C1", "", "", ""]),
            s(&["nolon", "C5", "31", "", ""]),
        ];
        let m = map_rows(
            &h,
            rows.iter().enumerate().map(|(i, r)| (i + 2, r.as_slice())),
        )
        .unwrap();
        assert_eq!(m.rows.len(), 1);
        let got: Vec<(usize, &str)> = m
            .problems
            .iter()
            .map(|p| (p.row, p.column.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (3, "lat"),
                (3, "name"),
                (4, "lat"),
                (4, "level"),
                (5, "code"),
                (6, "lon")
            ]
        );
        assert_eq!(m.problems[4].problem, Problem::DuplicateOfRow { row: 2 });
        assert_eq!(m.problems[4].problem.code(), "duplicate_of_row");
    }
}
