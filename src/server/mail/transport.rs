//! Where messages go: an SMTP server (`INLET_SMTP_URL`) or, with none configured, `.eml` files
//! in the outbox folder (`INLET_OUTBOX_DIR`).

use chrono::Utc;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::compose::{compose, MailContent};
use super::MailError;
use crate::domain::Email;

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// `smtp://host:port`: no TLS (a relay on the same host or network).
    Plain,
    /// `smtp://host:port?tls=starttls`: upgrade with STARTTLS, refuse to send without it.
    StartTls,
    /// `smtps://host:465`: TLS from the first byte.
    Tls,
}

/// A parsed `INLET_SMTP_URL`. Its `Debug` never shows the password.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpUrl {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    credentials: Option<(String, String)>,
}

impl std::fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpUrl")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("user", &self.credentials.as_ref().map(|(user, _)| user))
            .finish()
    }
}

impl SmtpUrl {
    /// `smtp://[user:pass@]host[:port][?tls=starttls]` (port 25 by default) or
    /// `smtps://[user:pass@]host[:port]` (port 465). User and password are percent-decoded.
    pub fn parse(text: &str) -> Result<Self, String> {
        let url = url::Url::parse(text.trim()).map_err(|e| format!("INLET_SMTP_URL is not a URL: {e}"))?;
        let (mut security, default_port) = match url.scheme() {
            "smtp" => (SmtpSecurity::Plain, 25),
            "smtps" => (SmtpSecurity::Tls, 465),
            other => return Err(format!("INLET_SMTP_URL must start with smtp:// or smtps://, not {other}://")),
        };
        let host = url.host_str().filter(|h| !h.is_empty()).ok_or("INLET_SMTP_URL has no host")?;
        let host = host.trim_start_matches('[').trim_end_matches(']').to_string();
        for (key, value) in url.query_pairs() {
            match (key.as_ref(), value.as_ref(), security) {
                ("tls", "starttls" | "required", SmtpSecurity::Plain) => security = SmtpSecurity::StartTls,
                ("tls", "none" | "off", SmtpSecurity::Plain) => {}
                ("tls", _, SmtpSecurity::Tls) => return Err("smtps:// is always TLS: leave ?tls= out".into()),
                ("tls", other, _) => return Err(format!("INLET_SMTP_URL: tls={other} is not one of starttls, none")),
                (other, _, _) => return Err(format!("INLET_SMTP_URL: unknown parameter '{other}'")),
            }
        }
        let decode = |part: &str| {
            percent_decode(part).ok_or_else(|| "INLET_SMTP_URL: user or password is not valid percent-encoded UTF-8".to_string())
        };
        let credentials = match (url.username(), url.password()) {
            ("", None) => None,
            (user, password) => Some((decode(user)?, decode(password.unwrap_or(""))?)),
        };
        Ok(Self { host, port: url.port().unwrap_or(default_port), security, credentials })
    }
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// What became of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    /// Accepted by the SMTP server.
    Sent,
    /// Written to the outbox as this file.
    Written(PathBuf),
}

#[derive(Clone)]
enum Route {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Outbox(PathBuf),
}

/// Builds and sends distribution email. Cheap to clone.
#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    route: Route,
    outbox_dir: PathBuf,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let route = match &self.route {
            Route::Smtp(_) => "smtp",
            Route::Outbox(_) => "outbox",
        };
        f.debug_struct("Mailer").field("from", &self.from.to_string()).field("route", &route).finish()
    }
}

/// How long a conversation with the SMTP server may stall before the send counts as failed.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

impl Mailer {
    /// Over SMTP when `smtp` is given, otherwise into `outbox_dir`.
    pub fn new(from: Mailbox, smtp: Option<&SmtpUrl>, outbox_dir: impl Into<PathBuf>) -> Result<Self, MailError> {
        let outbox_dir = outbox_dir.into();
        let route = match smtp {
            None => Route::Outbox(outbox_dir.clone()),
            Some(url) => {
                let tls = || TlsParameters::new(url.host.clone()).map_err(|e| MailError::Compose(format!("TLS setup: {e}")));
                let tls = match url.security {
                    SmtpSecurity::Plain => Tls::None,
                    SmtpSecurity::StartTls => Tls::Required(tls()?),
                    SmtpSecurity::Tls => Tls::Wrapper(tls()?),
                };
                let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(url.host.as_str())
                    .port(url.port)
                    .tls(tls)
                    .timeout(Some(SMTP_TIMEOUT));
                if let Some((user, password)) = &url.credentials {
                    builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
                }
                Route::Smtp(builder.build())
            }
        };
        Ok(Self { from, route, outbox_dir })
    }

    /// The outbox folder (the Outbox page reads it even when SMTP is configured, for messages
    /// written before).
    pub fn outbox_dir(&self) -> &Path {
        &self.outbox_dir
    }

    pub fn writes_to_outbox(&self) -> bool {
        matches!(self.route, Route::Outbox(_))
    }

    /// The email `content` from the configured sender to `to`.
    pub fn compose(&self, to: &[Email], content: &MailContent) -> Result<Message, MailError> {
        compose(&self.from, to, content)
    }

    pub async fn send(&self, message: &Message) -> Result<Delivered, MailError> {
        match &self.route {
            Route::Smtp(transport) => match transport.send(message.clone()).await {
                Ok(_) => Ok(Delivered::Sent),
                Err(error) if error.is_permanent() => Err(MailError::Refused(smtp_reason(&error))),
                Err(error) => Err(MailError::Unavailable(smtp_reason(&error))),
            },
            Route::Outbox(dir) => Ok(Delivered::Written(write_eml(dir, &message.formatted()).await?)),
        }
    }
}

/// The error and its causes on one line (lettre's own text omits the server's reply).
fn smtp_reason(error: &lettre::transport::smtp::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Writes the message as `<UTC time>-<random>.eml` (names sort oldest first), through a
/// temporary file so the Outbox page never reads half a message.
async fn write_eml(dir: &Path, bytes: &[u8]) -> std::io::Result<PathBuf> {
    tokio::fs::create_dir_all(dir).await?;
    let name = format!("{}-{:08x}.eml", Utc::now().format("%Y%m%dT%H%M%S%.6fZ"), rand::random::<u32>());
    let path = dir.join(&name);
    let partial = dir.join(format!(".{name}.partial"));
    tokio::fs::write(&partial, bytes).await?;
    tokio::fs::rename(&partial, &path).await?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_are_read_as_documented() {
        let plain = SmtpUrl::parse("smtp://mail.example.com:2525").unwrap();
        assert_eq!(
            (plain.host.as_str(), plain.port, plain.security, plain.credentials),
            ("mail.example.com", 2525, SmtpSecurity::Plain, None)
        );
        let starttls = SmtpUrl::parse("smtp://relay.example.com?tls=starttls").unwrap();
        assert_eq!((starttls.port, starttls.security), (25, SmtpSecurity::StartTls));
        let tls = SmtpUrl::parse("smtps://inlet%40example.com:p%40ss%3Aword@smtp.example.com").unwrap();
        assert_eq!((tls.port, tls.security), (465, SmtpSecurity::Tls));
        assert_eq!(tls.credentials, Some(("inlet@example.com".to_string(), "p@ss:word".to_string())));
        assert!(!format!("{tls:?}").contains("word"), "the password never shows: {tls:?}");
    }

    #[test]
    fn bad_smtp_urls_say_why() {
        assert!(SmtpUrl::parse("http://example.com").unwrap_err().contains("smtp://"));
        assert!(SmtpUrl::parse("smtp://example.com?tls=maybe").unwrap_err().contains("tls=maybe"));
        assert!(SmtpUrl::parse("smtps://example.com?tls=starttls").is_err());
        assert!(SmtpUrl::parse("smtp://example.com?verbose=1").is_err());
        assert!(SmtpUrl::parse("not a url").is_err());
    }
}
