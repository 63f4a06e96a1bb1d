//! Webhooks as the Standard Webhooks specification defines them (standardwebhooks.com):
//! endpoint secrets, the signature a delivery carries, when a failed delivery is tried
//! again, and which addresses a delivery may never reach. No I/O: the server resolves
//! names and sends; this module decides.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{KeyInit, Mac};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// What every endpoint secret starts with.
pub const SECRET_PREFIX: &str = "whsec_";

/// How long the secret replaced by a rotation still signs deliveries (beside the new one),
/// so a receiver can switch without dropping any.
pub const ROTATION_GRACE_MS: i64 = 24 * 3_600_000;

/// An endpoint failing without a single success for this long is disabled.
pub const DISABLE_AFTER_MS: i64 = 5 * 86_400_000;

/// A delivery's attempts: the first, then retries backing off from a minute to twelve
/// hours, about three days in all (see [`retry_delay_ms`]).
pub const MAX_ATTEMPTS: i32 = 16;

/// The longest wait a receiver's `Retry-After` is followed for.
pub const MAX_RETRY_AFTER_MS: i64 = 12 * 3_600_000;

/// A secret from 24 to 32 random bytes (the caller draws them): `whsec_` and their base64.
pub fn encode_secret(random: &[u8]) -> String {
    format!("{SECRET_PREFIX}{}", B64.encode(random))
}

/// The key bytes of a secret made by [`encode_secret`]; `None` for anything else.
pub fn decode_secret(secret: &str) -> Option<Vec<u8>> {
    B64.decode(secret.strip_prefix(SECRET_PREFIX)?).ok()
}

/// One signature, `v1,<base64 of HMAC-SHA256("{id}.{timestamp}.{body}")>`, keyed by the
/// secret's decoded bytes.
pub fn sign(key: &[u8], msg_id: &str, timestamp: i64, body: &[u8]) -> String {
    // HMAC takes a key of any length; this cannot fail.
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).expect("any key length");
    mac.update(msg_id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("v1,{}", B64.encode(mac.finalize().into_bytes()))
}

/// The `webhook-signature` header: one signature per secret, space-separated (two while
/// a rotated secret is still valid). Secrets that do not decode are skipped.
pub fn signature_header(secrets: &[&str], msg_id: &str, timestamp: i64, body: &[u8]) -> String {
    secrets
        .iter()
        .filter_map(|s| decode_secret(s))
        .map(|key| sign(&key, msg_id, timestamp, body))
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a receiver's answer means for the delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// 2xx: delivered.
    Delivered,
    /// 410 Gone: the receiver asks never to be called again; the endpoint is disabled.
    Gone,
    /// Anything else (3xx included: redirects are not followed): try again later.
    Retry,
}

pub fn verdict(status: u16) -> Verdict {
    match status {
        200..=299 => Verdict::Delivered,
        410 => Verdict::Gone,
        _ => Verdict::Retry,
    }
}

/// The wait before attempt `attempt + 1` after attempt `attempt` (from 1) failed, or
/// `None` when that was the last. Exponential from a minute, doubling to a cap of twelve
/// hours (1, 2, 4 … 512 minutes, then 12 h five times: about 3.2 days over
/// [`MAX_ATTEMPTS`]), each step drawn within ±20 % from `unit` in `[0, 1)` so that
/// deliveries which failed together (a receiver's outage) do not return together.
/// A receiver's `Retry-After` (`retry_after_ms`, at most [`MAX_RETRY_AFTER_MS`]) replaces
/// the step.
pub fn retry_delay_ms(attempt: i32, unit: f64, retry_after_ms: Option<i64>) -> Option<i64> {
    const BASE_MS: i64 = 60_000;
    const CAP_MS: i64 = 12 * 3_600_000;
    if attempt >= MAX_ATTEMPTS {
        return None;
    }
    if let Some(ms) = retry_after_ms {
        return Some(ms.clamp(1_000, MAX_RETRY_AFTER_MS));
    }
    let exp = u32::try_from(attempt.clamp(1, 31) - 1).unwrap_or(0);
    let step = BASE_MS.saturating_mul(1_i64 << exp.min(40)).min(CAP_MS);
    let factor = 0.8 + 0.4 * unit.clamp(0.0, 1.0);
    Some((step as f64 * factor) as i64)
}

/// A `Retry-After` value in milliseconds from `now_ms`: delay-seconds or an HTTP date.
/// `None` when it is neither (the back-off applies).
pub fn parse_retry_after(value: &str, now_ms: i64) -> Option<i64> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<i64>() {
        return (secs >= 0).then(|| secs.saturating_mul(1000));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    Some((at.timestamp_millis() - now_ms).max(0))
}

/// Whether a delivery must never go to `ip`: loopback, private (RFC 1918, fc00::/7),
/// link-local (cloud metadata at 169.254.169.254 included), shared address space
/// (100.64/10, where Alibaba Cloud's metadata lives), unspecified, broadcast, multicast,
/// and IPv4 wrapped in IPv6 (mapped, NAT64) to any of those.
pub fn forbidden_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => forbidden_v6(v6),
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && ip.octets()[2] == 0)
        || (a == 198 && (b == 18 || b == 19))
        || a >= 240
}

fn forbidden_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return forbidden_v4(v4);
    }
    let s = ip.segments();
    // NAT64 (64:ff9b::/96) reaches the IPv4 address in its last 32 bits.
    if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
        let [.., hi, lo] = s;
        let v4 = Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
        return forbidden_v4(v4);
    }
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00
        || (s[0] & 0xffc0) == 0xfe80
        // Deprecated IPv4-compatible addresses (::a.b.c.d).
        || (s[..6] == [0, 0, 0, 0, 0, 0])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Standard Webhooks specification's own example: this secret, id, timestamp and
    /// body sign to this value (the reference libraries' tests use the same one).
    #[test]
    fn signs_the_specifications_example() {
        let key = decode_secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let body = br#"{"test": 2432232314}"#;
        assert_eq!(
            sign(&key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn secrets_round_trip_and_two_secrets_give_two_signatures() {
        let a = encode_secret(&[7u8; 24]);
        let b = encode_secret(&[9u8; 32]);
        assert!(a.starts_with("whsec_"));
        assert_eq!(decode_secret(&a).unwrap(), vec![7u8; 24]);
        assert_eq!(decode_secret("sk_nope"), None);
        let header = signature_header(&[&a, &b], "id", 1, b"{}");
        let parts: Vec<&str> = header.split(' ').collect();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0], sign(&[7u8; 24], "id", 1, b"{}"));
        assert_ne!(parts[0], parts[1]);
        // Any change to id, time or body changes the signature.
        assert_ne!(sign(&[7u8; 24], "id", 2, b"{}"), parts[0]);
        assert_ne!(sign(&[7u8; 24], "id", 1, b"{ }"), parts[0]);
    }

    #[test]
    fn retries_back_off_for_about_three_days_then_stop() {
        let mut total = 0;
        for attempt in 1..MAX_ATTEMPTS {
            total += retry_delay_ms(attempt, 0.5, None).unwrap();
        }
        let days = total as f64 / 86_400_000.0;
        assert!((2.5..4.0).contains(&days), "{days} days");
        assert_eq!(retry_delay_ms(MAX_ATTEMPTS, 0.5, None), None);
        assert_eq!(retry_delay_ms(1, 0.5, None), Some(60_000));
        // Jitter stays within ±20 %.
        assert_eq!(retry_delay_ms(1, 0.0, None), Some(48_000));
        assert_eq!(retry_delay_ms(1, 1.0, None), Some(72_000));
        // Retry-After replaces the step, within bounds.
        assert_eq!(retry_delay_ms(3, 0.5, Some(7_200_000)), Some(7_200_000));
        assert_eq!(retry_delay_ms(3, 0.5, Some(0)), Some(1_000));
        assert_eq!(
            retry_delay_ms(3, 0.5, Some(i64::MAX)),
            Some(MAX_RETRY_AFTER_MS)
        );
    }

    #[test]
    fn retry_after_takes_seconds_or_a_date() {
        assert_eq!(parse_retry_after(" 120 ", 0), Some(120_000));
        assert_eq!(parse_retry_after("-1", 0), None);
        let now = chrono::DateTime::parse_from_rfc3339("2015-10-21T07:28:00Z")
            .unwrap()
            .timestamp_millis();
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:30:00 GMT", now),
            Some(120_000)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn statuses() {
        assert_eq!(verdict(204), Verdict::Delivered);
        assert_eq!(verdict(410), Verdict::Gone);
        assert_eq!(verdict(301), Verdict::Retry);
        assert_eq!(verdict(500), Verdict::Retry);
    }

    #[test]
    fn private_and_special_addresses_are_refused() {
        for bad in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.100.100.200",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fd00:ec2::254",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "::127.0.0.1",
        ] {
            assert!(forbidden_ip(bad.parse().unwrap()), "{bad} must be refused");
        }
        for good in ["93.184.216.34", "114.114.114.114", "2606:4700::1111"] {
            assert!(!forbidden_ip(good.parse().unwrap()), "{good} is public");
        }
    }
}
