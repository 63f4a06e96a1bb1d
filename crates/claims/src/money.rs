//! Money in integer minor units (fen for CNY), never floats, and the rounding rules that
//! turn an exact sub-fen amount into a payable one.

use crate::ClaimError;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// An ISO 4217 code. Only currencies whose minor unit is a hundredth of the major one are
/// accepted, so "minor unit", "jiao" (10) and "yuan" (100) mean the same for all of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency([u8; 3]);

/// Two-decimal currencies a tenant in the region plausibly pays in.
const SUPPORTED: &[&str] = &[
    "CNY", "HKD", "MOP", "TWD", "SGD", "MYR", "THB", "USD", "EUR", "GBP", "AUD", "CAD", "CHF",
];

impl Currency {
    pub const CNY: Currency = Currency(*b"CNY");

    pub fn as_str(&self) -> &str {
        // Only ever built from one of SUPPORTED, which is ASCII.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

impl Default for Currency {
    fn default() -> Self {
        Currency::CNY
    }
}

impl FromStr for Currency {
    type Err = ClaimError;
    fn from_str(s: &str) -> Result<Self, ClaimError> {
        match SUPPORTED.iter().find(|c| **c == s) {
            Some(c) => {
                let b = c.as_bytes();
                Ok(Currency([b[0], b[1], b[2]]))
            }
            None => Err(ClaimError::UnsupportedCurrency {
                code: s.chars().take(8).collect(),
            }),
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// An amount in minor units of one currency. Arithmetic is checked: mixing currencies or
/// overflowing is an error, never a silent wrong figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub const fn new(minor: i64, currency: Currency) -> Self {
        Money { minor, currency }
    }

    pub const fn zero(currency: Currency) -> Self {
        Money { minor: 0, currency }
    }

    pub const fn cny(fen: i64) -> Self {
        Money::new(fen, Currency::CNY)
    }

    pub fn is_zero(&self) -> bool {
        self.minor == 0
    }

    fn same(&self, other: &Money) -> Result<(), ClaimError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(ClaimError::CurrencyMismatch {
                expected: self.currency,
                found: other.currency,
            })
        }
    }

    pub fn checked_add(self, other: Money) -> Result<Money, ClaimError> {
        self.same(&other)?;
        let minor = self
            .minor
            .checked_add(other.minor)
            .ok_or(ClaimError::Overflow)?;
        Ok(Money::new(minor, self.currency))
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, ClaimError> {
        self.same(&other)?;
        let minor = self
            .minor
            .checked_sub(other.minor)
            .ok_or(ClaimError::Overflow)?;
        Ok(Money::new(minor, self.currency))
    }

    pub fn min(self, other: Money) -> Result<Money, ClaimError> {
        self.same(&other)?;
        Ok(if other.minor < self.minor {
            other
        } else {
            self
        })
    }

    /// The sum of `items`, all in `currency`; zero for none.
    pub fn sum<I: IntoIterator<Item = Money>>(
        currency: Currency,
        items: I,
    ) -> Result<Money, ClaimError> {
        items
            .into_iter()
            .try_fold(Money::zero(currency), Money::checked_add)
    }

    /// "1234.50" — exact decimal text for exports (no float ever touches it).
    pub fn to_decimal_string(&self) -> String {
        let sign = if self.minor < 0 { "-" } else { "" };
        let a = self.minor.unsigned_abs();
        format!("{sign}{}.{:02}", a / 100, a % 100)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.to_decimal_string(), self.currency)
    }
}

/// An exact amount in thousandths of a minor unit: a rate in minor units per km times a
/// distance in metres lands here without any division.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MilliMinor(pub i64);

/// The unit a line's amount is rounded to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundTo {
    /// 分: one minor unit.
    Fen,
    /// 角: ten minor units.
    Jiao,
    /// 元: one major unit.
    Yuan,
}

impl RoundTo {
    pub fn minor_units(self) -> i64 {
        match self {
            RoundTo::Fen => 1,
            RoundTo::Jiao => 10,
            RoundTo::Yuan => 100,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundMode {
    /// 四舍五入: exactly half goes up.
    HalfUp,
    /// 舍去: always down.
    Floor,
}

/// How one line's exact amount becomes a payable one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Rounding {
    pub to: RoundTo,
    pub mode: RoundMode,
}

impl Default for Rounding {
    fn default() -> Self {
        Rounding {
            to: RoundTo::Fen,
            mode: RoundMode::HalfUp,
        }
    }
}

impl Rounding {
    /// `exact` (never negative here: distances and rates are not) in minor units.
    pub fn apply(&self, exact: MilliMinor) -> i64 {
        let unit = self.to.minor_units() * 1000;
        let x = exact.0.max(0);
        let steps = match self.mode {
            RoundMode::Floor => x / unit,
            RoundMode::HalfUp => x / unit + i64::from(x % unit >= unit / 2),
        };
        steps * self.to.minor_units()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_table() {
        use RoundMode::*;
        use RoundTo::*;
        // (exact milli-fen, to, mode, expected fen)
        let cases = [
            (987_600, Fen, HalfUp, 988),
            (987_499, Fen, HalfUp, 987),
            (987_500, Fen, HalfUp, 988),
            (987_999, Fen, Floor, 987),
            (985_000, Jiao, HalfUp, 990),
            (984_999, Jiao, HalfUp, 980),
            (989_999, Jiao, Floor, 980),
            (950_000, Yuan, HalfUp, 1000),
            (949_999, Yuan, HalfUp, 900),
            (999_999, Yuan, Floor, 900),
            (0, Yuan, HalfUp, 0),
            (499, Fen, HalfUp, 0),
            (500, Fen, HalfUp, 1),
        ];
        for (exact, to, mode, want) in cases {
            let got = Rounding { to, mode }.apply(MilliMinor(exact));
            assert_eq!(got, want, "{exact} milli-fen to {to:?} {mode:?}");
        }
    }

    #[test]
    fn mixing_currencies_is_an_error() {
        let usd: Currency = "USD".parse().unwrap();
        let err = Money::cny(100)
            .checked_add(Money::new(100, usd))
            .unwrap_err();
        assert_eq!(
            err,
            ClaimError::CurrencyMismatch {
                expected: Currency::CNY,
                found: usd
            }
        );
        assert!(Money::cny(1).min(Money::new(0, usd)).is_err());
        assert!(Money::sum(Currency::CNY, [Money::cny(1), Money::new(2, usd)]).is_err());
    }

    #[test]
    fn overflow_is_an_error() {
        assert_eq!(
            Money::cny(i64::MAX).checked_add(Money::cny(1)),
            Err(ClaimError::Overflow)
        );
        assert_eq!(
            Money::cny(i64::MIN).checked_sub(Money::cny(1)),
            Err(ClaimError::Overflow)
        );
    }

    #[test]
    fn currency_codes() {
        assert_eq!("CNY".parse::<Currency>().unwrap(), Currency::default());
        for bad in ["cny", "JPY", "", "CNYY", "¥"] {
            assert!(
                matches!(
                    bad.parse::<Currency>(),
                    Err(ClaimError::UnsupportedCurrency { .. })
                ),
                "{bad}"
            );
        }
        let json = serde_json::to_string(&Money::cny(12345)).unwrap();
        assert_eq!(json, r#"{"minor":12345,"currency":"CNY"}"#);
        assert!(serde_json::from_str::<Money>(r#"{"minor":1,"currency":"JPY"}"#).is_err());
    }

    #[test]
    fn decimal_text() {
        assert_eq!(Money::cny(123450).to_decimal_string(), "1234.50");
        assert_eq!(Money::cny(5).to_decimal_string(), "0.05");
        assert_eq!(Money::cny(-5).to_decimal_string(), "-0.05");
        assert_eq!(Money::cny(0).to_string(), "0.00 CNY");
    }
}
