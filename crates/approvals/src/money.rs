//! Amounts in integer fen (分, 1/100 yuan): thresholds and request amounts never touch floats.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount of CNY in fen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Fen(pub i64);

impl Fen {
    pub const fn yuan(yuan: i64) -> Fen {
        Fen(yuan * 100)
    }
}

/// `¥2,000` for whole yuan, `¥2,000.50` otherwise; the same in Chinese and English.
impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let (yuan, fen) = (abs / 100, abs % 100);
        let digits = yuan.to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        if fen == 0 {
            write!(f, "{sign}¥{grouped}")
        } else {
            write!(f, "{sign}¥{grouped}.{fen:02}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Fen;

    #[test]
    fn formats_yuan_with_thousands_and_fen_only_when_present() {
        assert_eq!(Fen::yuan(2000).to_string(), "¥2,000");
        assert_eq!(Fen(200_050).to_string(), "¥2,000.50");
        assert_eq!(Fen(5).to_string(), "¥0.05");
        assert_eq!(Fen::yuan(1_234_567).to_string(), "¥1,234,567");
        assert_eq!(Fen(-150).to_string(), "-¥1.50");
        assert_eq!(Fen(0).to_string(), "¥0");
        assert_eq!(Fen::yuan(999).to_string(), "¥999");
    }
}
