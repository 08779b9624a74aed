//! Reads the outbox folder back: the `.eml` files the mailer wrote when no SMTP server was
//! configured, listed newest first and opened one at a time for the Outbox page.

use chrono::{DateTime, Utc};
use mail_parser::{MessageParser, MimeHeaders};
use std::path::{Path, PathBuf};

/// The most messages the Outbox page lists (the newest ones).
pub const LIST_LIMIT: usize = 500;

/// One message in the list.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEntry {
    /// The file name without `.eml`; what the page links to.
    pub id: String,
    pub date: Option<DateTime<Utc>>,
    pub to: String,
    pub subject: String,
}

/// One message opened for preview.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxMessage {
    pub entry: OutboxEntry,
    pub from: String,
    pub html: Option<String>,
    pub text: Option<String>,
    pub attachments: Vec<OutboxAttachment>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutboxAttachment {
    pub file_name: String,
    pub content_type: String,
    pub size: usize,
}

/// An id names a file in the outbox and nothing else: the characters `write_eml` uses.
fn path_of(dir: &Path, id: &str) -> Option<PathBuf> {
    let safe =
        !id.is_empty() && !id.starts_with('.') && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'));
    safe.then(|| dir.join(format!("{id}.eml")))
}

fn addresses(address: Option<&mail_parser::Address<'_>>) -> String {
    address
        .map(|list| {
            list.iter()
                .map(|a| match (a.name(), a.address()) {
                    (Some(name), Some(address)) => format!("{name} <{address}>"),
                    (_, Some(address)) => address.to_string(),
                    (Some(name), None) => name.to_string(),
                    (None, None) => String::new(),
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

fn entry(id: &str, message: &mail_parser::Message<'_>) -> OutboxEntry {
    OutboxEntry {
        id: id.to_string(),
        date: message.date().and_then(|d| DateTime::from_timestamp(d.to_timestamp(), 0)),
        to: addresses(message.to()),
        subject: message.subject().unwrap_or_default().to_string(),
    }
}

/// The newest [`LIST_LIMIT`] messages, newest first (file names start with the UTC time they
/// were written). A missing folder is an empty outbox.
pub async fn list(dir: &Path) -> std::io::Result<Vec<OutboxEntry>> {
    let mut ids = Vec::new();
    let mut reader = match tokio::fs::read_dir(dir).await {
        Ok(reader) => reader,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(error),
    };
    while let Some(item) = reader.next_entry().await? {
        let name = item.file_name().to_string_lossy().into_owned();
        if let Some(id) = name.strip_suffix(".eml").filter(|id| path_of(dir, id).is_some()) {
            ids.push(id.to_string());
        }
    }
    ids.sort_unstable_by(|a, b| b.cmp(a));
    ids.truncate(LIST_LIMIT);
    let mut entries = Vec::with_capacity(ids.len());
    for id in ids {
        let Ok(bytes) = tokio::fs::read(dir.join(format!("{id}.eml"))).await else { continue };
        if let Some(message) = MessageParser::default().parse(&bytes) {
            entries.push(entry(&id, &message));
        }
    }
    Ok(entries)
}

async fn read_bytes(dir: &Path, id: &str) -> std::io::Result<Option<Vec<u8>>> {
    let Some(path) = path_of(dir, id) else { return Ok(None) };
    match tokio::fs::read(path).await {
        Ok(bytes) => Ok(Some(bytes)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error),
    }
}

fn content_type_of(part: &mail_parser::MessagePart<'_>) -> String {
    part.content_type()
        .map(|t| match t.subtype() {
            Some(sub) => format!("{}/{}", t.ctype(), sub),
            None => t.ctype().to_string(),
        })
        .unwrap_or_else(|| "application/octet-stream".into())
}

/// The message `id`, or `None` when there is no such message.
pub async fn read(dir: &Path, id: &str) -> std::io::Result<Option<OutboxMessage>> {
    let Some(bytes) = read_bytes(dir, id).await? else { return Ok(None) };
    let Some(message) = MessageParser::default().parse(&bytes) else { return Ok(None) };
    let preview = OutboxMessage {
        entry: entry(id, &message),
        from: addresses(message.from()),
        html: message.html_bodies().next().and_then(|_| message.body_html(0)).map(|h| h.into_owned()),
        text: message.text_bodies().next().and_then(|_| message.body_text(0)).map(|t| t.into_owned()),
        attachments: message
            .attachments()
            .map(|part| OutboxAttachment {
                file_name: part.attachment_name().unwrap_or("attachment").to_string(),
                content_type: content_type_of(part),
                size: part.contents().len(),
            })
            .collect(),
    };
    Ok(Some(preview))
}

/// The `index`-th attachment of message `id`: file name, content type and bytes.
pub async fn attachment(dir: &Path, id: &str, index: usize) -> std::io::Result<Option<(String, String, Vec<u8>)>> {
    let Some(bytes) = read_bytes(dir, id).await? else { return Ok(None) };
    let Some(message) = MessageParser::default().parse(&bytes) else { return Ok(None) };
    let found = message.attachments().nth(index).map(|part| {
        (part.attachment_name().unwrap_or("attachment").to_string(), content_type_of(part), part.contents().to_vec())
    });
    Ok(found)
}
