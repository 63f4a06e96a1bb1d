//! Defusing spreadsheet formulas in exported CSV cells ("CSV injection"), and undoing it on import.
//!
//! Excel, LibreOffice and Google Sheets treat a CSV cell starting with `=`, `+`, `-` or `@` as a
//! formula. Customer names and addresses come from users, so an exported file could otherwise run
//! `=HYPERLINK(...)` or DDE payloads on the machine of whoever opens it. A leading tab or carriage
//! return can hide such a prefix from a naive check, so they are guarded too. The standard defence
//! (OWASP) is a leading apostrophe, which makes the spreadsheet treat the cell as text.
//!
//! Plain numbers are left alone: coordinates and offsets are often negative ("-12.5") and must
//! stay numbers. Importing strips the apostrophe again when it guards one of those characters,
//! so export → edit in Excel → import gives back the original text.

/// Characters that make a spreadsheet read a cell as a formula (or hide one).
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The cell as it should be written to CSV.
pub(crate) fn defuse(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(TRIGGERS) && !is_plain_number(cell) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// The cell as the user meant it, without an apostrophe added by [`defuse`].
pub(crate) fn restore(cell: String) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(TRIGGERS) && !is_plain_number(rest) => rest.to_owned(),
        _ => cell,
    }
}

/// An optionally signed decimal such as `-12.5`, `+3` or `42`: no exponent, no spaces, so that
/// nothing a formula needs can hide in it.
fn is_plain_number(s: &str) -> bool {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (int, frac) = match digits.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (digits, None),
    };
    let all_digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    all_digits(int) && frac.is_none_or(all_digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_get_an_apostrophe() {
        assert_eq!(defuse("=1+1"), "'=1+1");
        assert_eq!(defuse("+86 138 0013 8000"), "'+86 138 0013 8000");
        assert_eq!(defuse("-"), "'-");
        assert_eq!(defuse("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defuse("\t=cmd"), "'\t=cmd");
        assert_eq!(defuse("\rx"), "'\rx");
    }

    #[test]
    fn numbers_and_ordinary_text_pass() {
        for s in ["-12.5", "+3", "-0", "42", "a=b", "联华超市", "", "'quoted"] {
            assert_eq!(defuse(s), s);
        }
        assert_eq!(defuse("-1e5"), "'-1e5");
        assert_eq!(defuse("-12."), "'-12.");
        assert_eq!(defuse("-.5"), "'-.5");
    }

    #[test]
    fn restore_undoes_defuse_only() {
        for s in [
            "=1+1", "-", "@x", "\tx", "-12.5", "plain", "'quoted", "''=x",
        ] {
            assert_eq!(restore(defuse(s).into_owned()), s);
        }
        // An apostrophe in front of a number or ordinary text is the user's, not ours.
        assert_eq!(restore("'-12.5".into()), "'-12.5");
        assert_eq!(restore("'abc".into()), "'abc");
    }
}
