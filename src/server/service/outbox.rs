//! The Outbox page's reads: the outbox folder's messages as plain data for the pages, and one
//! attachment for download. Callers check that the viewer is a community manager.

use anyhow::Context;

use crate::api::outbox::{OutboxFile, OutboxItem, OutboxListing, OutboxPreview};
use crate::server::error::{AppError, AppResult};
use crate::server::mail::{outbox, Mailer};

fn item(entry: outbox::OutboxEntry) -> OutboxItem {
    OutboxItem { id: entry.id, date: entry.date, to: entry.to, subject: entry.subject }
}

pub async fn listing(mailer: &Mailer) -> AppResult<OutboxListing> {
    let dir = mailer.outbox_dir();
    let entries = outbox::list(dir).await.with_context(|| format!("Failed to read the outbox {}", dir.display()))?;
    Ok(OutboxListing {
        folder: dir.display().to_string(),
        smtp_configured: !mailer.writes_to_outbox(),
        messages: entries.into_iter().map(item).collect(),
    })
}

fn not_found() -> AppError {
    AppError::NotFound("there is no such message in the outbox".into())
}

pub async fn preview(mailer: &Mailer, id: &str) -> AppResult<OutboxPreview> {
    let message =
        outbox::read(mailer.outbox_dir(), id).await.context("Failed to read an outbox message")?.ok_or_else(not_found)?;
    Ok(OutboxPreview {
        item: item(message.entry),
        from: message.from,
        html: message.html,
        text: message.text,
        attachments: message
            .attachments
            .into_iter()
            .enumerate()
            .map(|(index, a)| OutboxFile { index, file_name: a.file_name, content_type: a.content_type, size: a.size })
            .collect(),
    })
}

/// File name, content type and bytes of a message's `index`-th attachment.
pub async fn attachment(mailer: &Mailer, id: &str, index: usize) -> AppResult<(String, String, Vec<u8>)> {
    outbox::attachment(mailer.outbox_dir(), id, index).await.context("Failed to read an outbox message")?.ok_or_else(not_found)
}
