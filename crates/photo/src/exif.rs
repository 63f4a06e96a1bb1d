//! The EXIF facts we keep: when the photo was taken and where. A missing or malformed EXIF
//! block is not an error — many apps strip it — so every fact is optional.

use exif::{In, Tag, Value};
use std::fmt;
use std::io::Cursor;

/// What the camera recorded about the shot.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExifFacts {
    /// `DateTimeOriginal`, with `OffsetTimeOriginal` when the camera wrote one.
    pub taken_at: Option<TakenAt>,
    /// `GPSLatitude`/`GPSLongitude` with their N/S, E/W references, as the camera recorded
    /// them: WGS-84 by the EXIF standard (`GPSMapDatum` is not consulted).
    pub gps: Option<GpsPoint>,
}

/// A camera's wall-clock time. Without an offset it is local time of an unknown zone, so it
/// is kept as recorded rather than guessed into an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TakenAt {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    /// Minutes east of UTC, from `OffsetTimeOriginal` (`+08:00` is 480).
    pub offset_minutes: Option<i16>,
}

impl fmt::Display for TakenAt {
    /// RFC 3339 when the offset is known (`2024-05-01T09:30:00+08:00`), otherwise the
    /// ISO 8601 local form without an offset.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )?;
        match self.offset_minutes {
            Some(0) => f.write_str("Z"),
            Some(m) => {
                let sign = if m < 0 { '-' } else { '+' };
                write!(
                    f,
                    "{sign}{:02}:{:02}",
                    m.unsigned_abs() / 60,
                    m.unsigned_abs() % 60
                )
            }
            None => Ok(()),
        }
    }
}

/// Signed decimal degrees: south and west are negative.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GpsPoint {
    pub lat: f64,
    pub lon: f64,
}

/// Reads the facts from the EXIF block of a JPEG, PNG (`eXIf`) or WebP container.
pub(crate) fn read(bytes: &[u8]) -> ExifFacts {
    let mut reader = exif::Reader::new();
    // Keep whatever parsed before a damaged entry: phones' maker notes are often broken.
    reader.continue_on_error(true);
    let parsed = match reader.read_from_container(&mut Cursor::new(bytes)) {
        Ok(exif) => exif,
        Err(exif::Error::PartialResult(partial)) => partial.into_inner().0,
        Err(_) => return ExifFacts::default(),
    };
    ExifFacts {
        taken_at: taken_at(&parsed),
        gps: gps(&parsed),
    }
}

fn ascii(exif: &exif::Exif, tag: Tag) -> Option<&str> {
    match &exif.get_field(tag, In::PRIMARY)?.value {
        Value::Ascii(parts) => std::str::from_utf8(parts.first()?).ok().map(str::trim),
        _ => None,
    }
}

fn taken_at(exif: &exif::Exif) -> Option<TakenAt> {
    let text = ascii(exif, Tag::DateTimeOriginal)?;
    let mut taken = parse_datetime(text)?;
    taken.offset_minutes = ascii(exif, Tag::OffsetTimeOriginal).and_then(parse_offset);
    Some(taken)
}

/// `YYYY:MM:DD HH:MM:SS`; cameras with an unset clock write zeros or spaces, which we drop.
fn parse_datetime(text: &str) -> Option<TakenAt> {
    let b = text.as_bytes();
    if b.len() < 19
        || b[4] != b':'
        || b[7] != b':'
        || b[10] != b' '
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |from: usize, to: usize| text.get(from..to)?.parse::<u16>().ok();
    let t = TakenAt {
        year: num(0, 4)?,
        month: u8::try_from(num(5, 7)?).ok()?,
        day: u8::try_from(num(8, 10)?).ok()?,
        hour: u8::try_from(num(11, 13)?).ok()?,
        minute: u8::try_from(num(14, 16)?).ok()?,
        second: u8::try_from(num(17, 19)?).ok()?,
        offset_minutes: None,
    };
    let valid = (1900..=9999).contains(&t.year)
        && (1..=12).contains(&t.month)
        && (1..=31).contains(&t.day)
        && t.hour < 24
        && t.minute < 60
        && t.second <= 60;
    valid.then_some(t)
}

/// `+HH:MM` or `-HH:MM`.
fn parse_offset(text: &str) -> Option<i16> {
    let b = text.as_bytes();
    if b.len() != 6 || b[3] != b':' {
        return None;
    }
    let sign = match b[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let hours: i16 = text.get(1..3)?.parse().ok()?;
    let minutes: i16 = text.get(4..6)?.parse().ok()?;
    (hours <= 14 && minutes < 60).then_some(sign * (hours * 60 + minutes))
}

fn gps(exif: &exif::Exif) -> Option<GpsPoint> {
    let lat = degrees(exif, Tag::GPSLatitude)? * sign(exif, Tag::GPSLatitudeRef, b'S')?;
    let lon = degrees(exif, Tag::GPSLongitude)? * sign(exif, Tag::GPSLongitudeRef, b'W')?;
    // Phones without a fix sometimes write 0/0 or zeros; (0, 0) is in the Gulf of Guinea,
    // not where our field staff work, so it is treated as no position.
    let plausible = lat.abs() <= 90.0 && lon.abs() <= 180.0 && (lat, lon) != (0.0, 0.0);
    plausible.then_some(GpsPoint { lat, lon })
}

/// Degrees, minutes and seconds as three rationals.
fn degrees(exif: &exif::Exif, tag: Tag) -> Option<f64> {
    let Value::Rational(parts) = &exif.get_field(tag, In::PRIMARY)?.value else {
        return None;
    };
    let [d, m, s] = parts.get(..3)? else {
        return None;
    };
    let mut total = 0.0;
    for (part, unit) in [(d, 1.0), (m, 60.0), (s, 3600.0)] {
        // A zero denominator is only acceptable for a zero part (some writers do that).
        let value = match (part.num, part.denom) {
            (0, _) => 0.0,
            (_, 0) => return None,
            _ => part.to_f64(),
        };
        total += value / unit;
    }
    total.is_finite().then_some(total)
}

/// The hemisphere reference: `negative` is `S` or `W`.
fn sign(exif: &exif::Exif, tag: Tag, negative: u8) -> Option<f64> {
    match ascii(exif, tag)?.as_bytes().first()? {
        c if *c == negative => Some(-1.0),
        b'N' | b'E' => Some(1.0),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_offsets_parse_or_are_dropped() {
        let t = parse_datetime("2024:05:01 09:30:15").unwrap();
        assert_eq!(t.to_string(), "2024-05-01T09:30:15");
        assert_eq!(parse_datetime("0000:00:00 00:00:00"), None);
        assert_eq!(parse_datetime("    :  :     :  :  "), None);
        assert_eq!(parse_offset("+08:00"), Some(480));
        assert_eq!(parse_offset("-03:30"), Some(-210));
        assert_eq!(parse_offset("08:00"), None);
        let with = TakenAt {
            offset_minutes: Some(-210),
            ..t
        };
        assert_eq!(with.to_string(), "2024-05-01T09:30:15-03:30");
    }
}
