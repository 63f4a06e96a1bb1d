//! Two-factor sign-in rules: time-based one-time passwords (RFC 6238 with the parameters
//! every authenticator app reads — HMAC-SHA-1, 6 digits, 30 s steps — accepting the step
//! before and after the server's for clock drift) and recovery codes.
//!
//! The arithmetic is the `totp-rs` crate's; this module fixes the parameters, names the
//! step a code matched (the caller refuses a step already used: RFC 6238 §5.2), and shapes
//! secrets, `otpauth://` URIs and recovery codes. Randomness comes from the caller, so the
//! module stays pure.

use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Builder, Secret, Totp};

/// Bytes of a new shared secret: 160 bits, the length RFC 4226 recommends for HMAC-SHA-1.
pub const SECRET_BYTES: usize = 20;
/// Digits of a code.
pub const DIGITS: u8 = 6;
/// Seconds per step.
pub const STEP_S: u64 = 30;
/// Steps accepted on either side of the server's (±30 s of clock drift).
pub const SKEW_STEPS: u16 = 1;
/// Recovery codes handed out at enrolment, each usable once.
pub const RECOVERY_CODES: usize = 10;
/// Random bytes behind one recovery code: 80 bits, 16 base-32 characters.
pub const RECOVERY_CODE_BYTES: usize = 10;

/// Why a stored or offered secret cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TotpError {
    #[error("the secret is not base-32 text of at least 128 bits")]
    BadSecret,
}

fn totp(secret: &[u8], label: Option<(&str, &str)>) -> Result<Totp, TotpError> {
    let mut b = Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(DIGITS)
        .with_step_duration(STEP_S)
        .with_skew(SKEW_STEPS)
        .with_secret(secret.to_vec());
    if let Some((issuer, account)) = label {
        b = b
            .with_issuer(Some(label_part(issuer)))
            .with_account_name(label_part(account));
    }
    b.build().map_err(|_| TotpError::BadSecret)
}

/// The otpauth label may not contain `:` (it separates issuer and account).
fn label_part(s: &str) -> String {
    s.replace(':', " ").trim().to_owned()
}

fn decode(secret_b32: &str) -> Result<Vec<u8>, TotpError> {
    let bytes = Secret::try_from_base32(secret_b32.trim())
        .map_err(|_| TotpError::BadSecret)?
        .as_ref()
        .to_vec();
    if bytes.len() < 16 {
        return Err(TotpError::BadSecret);
    }
    Ok(bytes)
}

/// A secret's base-32 text (RFC 4648, no padding), as authenticator apps take it typed.
pub fn encode_secret(bytes: &[u8]) -> String {
    Secret::from(bytes.to_vec()).to_base32()
}

/// `otpauth://totp/<issuer>:<account>?secret=…&issuer=…`, the Key URI format that
/// authenticator apps read from a QR code.
pub fn otpauth_uri(secret_b32: &str, issuer: &str, account: &str) -> Result<String, TotpError> {
    totp(&decode(secret_b32)?, Some((issuer, account)))?
        .to_url()
        .map_err(|_| TotpError::BadSecret)
}

/// The code for the step holding `unix_s`.
pub fn code_at(secret_b32: &str, unix_s: u64) -> Result<String, TotpError> {
    Ok(totp(&decode(secret_b32)?, None)?
        .generate(unix_s)
        .to_string())
}

/// The step (`unix_s / 30`) whose code `code` is, among the server's step and one on
/// either side; `None` when it is none of them or not six digits. Spaces are ignored.
pub fn matching_step(secret_b32: &str, code: &str, unix_s: u64) -> Result<Option<u64>, TotpError> {
    let t = totp(&decode(secret_b32)?, None)?;
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    Ok(t.check(&code, unix_s))
}

/// Whether `code` has the shape of a TOTP code (so a login form can tell it from a
/// recovery code).
pub fn looks_like_code(code: &str) -> bool {
    let digits: Vec<u8> = code.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    digits.len() == DIGITS as usize && digits.iter().all(u8::is_ascii_digit)
}

/// A recovery code from random bytes: lower-case base 32 in groups of four, e.g.
/// `k3v7-q2ma-x9td-5hpe`.
pub fn recovery_code(random: &[u8; RECOVERY_CODE_BYTES]) -> String {
    let plain = encode_secret(random).to_ascii_lowercase();
    plain
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// What is stored of a recovery code: SHA-256 of its canonical form (lower case, no
/// separators or spaces), so the code is accepted however it is typed. The code's 80
/// random bits make a slow hash unnecessary.
pub fn recovery_code_hash(typed: &str) -> Vec<u8> {
    let canonical: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    Sha256::digest(canonical.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B's SHA-1 seed, the ASCII of "12345678901234567890".
    const RFC_SEED: &[u8] = b"12345678901234567890";

    #[test]
    fn rfc_6238_appendix_b_sha1_vectors() {
        // (time, 8-digit TOTP) from RFC 6238 Appendix B, SHA-1 rows.
        let table = [
            (59, "94287082"),
            (1111111109, "07081804"),
            (1111111111, "14050471"),
            (1234567890, "89005924"),
            (2000000000, "69279037"),
            (20000000000, "65353130"),
        ];
        let eight = Builder::new()
            .with_algorithm(Algorithm::SHA1)
            .with_digits(8)
            .with_step_duration(30)
            .with_secret(RFC_SEED.to_vec())
            .build()
            .unwrap();
        let b32 = encode_secret(RFC_SEED);
        for (t, want) in table {
            assert_eq!(eight.generate(t).to_string(), want, "t = {t}");
            // Six digits are the same dynamic truncation modulo 10^6: the last six.
            assert_eq!(code_at(&b32, t).unwrap(), &want[2..], "t = {t}");
            assert_eq!(
                matching_step(&b32, &want[2..], t).unwrap(),
                Some(t / 30),
                "t = {t}"
            );
        }
    }

    #[test]
    fn one_step_either_side_is_accepted_and_no_further() {
        let b32 = encode_secret(RFC_SEED);
        let t = 1_111_111_111;
        let code = code_at(&b32, t).unwrap();
        assert_eq!(matching_step(&b32, &code, t + 30).unwrap(), Some(t / 30));
        assert_eq!(matching_step(&b32, &code, t - 30).unwrap(), Some(t / 30));
        assert_eq!(matching_step(&b32, &code, t + 60).unwrap(), None);
        assert_eq!(matching_step(&b32, &code, t - 60).unwrap(), None);
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(matching_step(&b32, &spaced, t).unwrap(), Some(t / 30));
        assert_eq!(matching_step(&b32, "12345", t).unwrap(), None);
        assert_eq!(matching_step(&b32, "abcdef", t).unwrap(), None);
    }

    #[test]
    fn short_or_malformed_secrets_are_refused() {
        assert_eq!(code_at("not base32!", 0), Err(TotpError::BadSecret));
        assert_eq!(
            code_at(&encode_secret(&[7u8; 10]), 0),
            Err(TotpError::BadSecret)
        );
    }

    #[test]
    fn otpauth_uri_names_issuer_and_account() {
        let b32 = encode_secret(RFC_SEED);
        assert_eq!(b32, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        let uri = otpauth_uri(&b32, "Outfield: Demo", "wang.li").unwrap();
        assert!(
            uri.starts_with("otpauth://totp/Outfield%20%20Demo:wang.li?"),
            "{uri}"
        );
        assert!(
            uri.contains("secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
            "{uri}"
        );
        assert!(uri.contains("issuer=Outfield%20%20Demo"), "{uri}");
        // SHA-1, 6 digits and 30 s are the defaults and need no parameters.
        assert!(
            !uri.contains("digits=") && !uri.contains("period="),
            "{uri}"
        );
    }

    #[test]
    fn recovery_codes_are_grouped_and_hash_however_typed() {
        let code = recovery_code(&[0xA5; RECOVERY_CODE_BYTES]);
        assert_eq!(code.len(), 19);
        assert_eq!(code.matches('-').count(), 3);
        let h = recovery_code_hash(&code);
        assert_eq!(
            recovery_code_hash(&code.to_uppercase().replace('-', " ")),
            h
        );
        assert_ne!(
            recovery_code_hash(&recovery_code(&[0x5A; RECOVERY_CODE_BYTES])),
            h
        );
        assert!(looks_like_code("123 456") && !looks_like_code(&code));
    }
}
