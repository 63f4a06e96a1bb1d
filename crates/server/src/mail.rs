//! Sending e-mail over SMTP with `lettre` (tokio, rustls with the Mozilla roots): the
//! operator's `--smtp-url` chooses the transport — `smtp://host:port` plain (a local relay
//! or the tests' sink), `smtp://host:587?tls=required` STARTTLS, `smtps://user:pass@host`
//! implicit TLS — and `--smtp-from` the sender. Nothing here knows what is being sent.

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::fmt;
use std::time::Duration;

/// How long one delivery may take (connect, TLS, the whole transaction).
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// Where mail goes out and whom it comes from, checked at start-up.
#[derive(Clone)]
pub struct SmtpConfig {
    url: String,
    from: Mailbox,
}

impl SmtpConfig {
    /// Checks the URL (scheme, host, credentials) and the sender address.
    pub fn new(url: &str, from: &str) -> Result<SmtpConfig, String> {
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("--smtp-url is not an SMTP URL lettre accepts: {e}"))?;
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("--smtp-from is not an e-mail address: {e}"))?;
        Ok(SmtpConfig {
            url: url.to_owned(),
            from,
        })
    }
}

/// The URL without its password, for logs and `Debug`.
fn redacted(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let user = &url[s + 3..at];
            let user = user.split(':').next().unwrap_or_default();
            format!("{}{user}:***{}", &url[..s + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("url", &redacted(&self.url))
            .field("from", &self.from.to_string())
            .finish()
    }
}

/// A file sent along.
pub struct File {
    pub name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// One message to every address in `to`, a plain-text body and one attachment. The
/// error is the transport's (refused connection, TLS, a 5xx reply), for the run's record.
pub async fn send(
    cfg: &SmtpConfig,
    to: &[String],
    subject: &str,
    body: &str,
    file: File,
) -> Result<(), String> {
    let mut message = Message::builder().from(cfg.from.clone()).subject(subject);
    for r in to {
        let mailbox: Mailbox = r.parse().map_err(|e| format!("recipient {r}: {e}"))?;
        message = message.to(mailbox);
    }
    let content_type = ContentType::parse(file.content_type).map_err(|e| e.to_string())?;
    let message = message
        .multipart(
            MultiPart::mixed()
                .singlepart(SinglePart::plain(body.to_owned()))
                .singlepart(Attachment::new(file.name).body(file.bytes, content_type)),
        )
        .map_err(|e| e.to_string())?;
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&cfg.url)
        .map_err(|e| e.to_string())?
        .timeout(Some(SMTP_TIMEOUT))
        .build();
    transport.send(message).await.map_err(|e| e.to_string())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_stay_out_of_logs() {
        let c = SmtpConfig::new(
            "smtps://mailer:s3cret@smtp.example.com",
            "报表 <r@example.com>",
        )
        .unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(
            shown.contains("smtps://mailer:***@smtp.example.com"),
            "{shown}"
        );
        assert!(SmtpConfig::new("http://example.com", "r@example.com").is_err());
        assert!(SmtpConfig::new("smtp://127.0.0.1:2525", "not an address").is_err());
    }
}
