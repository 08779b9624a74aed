//! Builds a distribution email: askama templates for the HTML body (inline CSS, a table layout
//! mail clients render) and the plain-text alternative, and the attachments.

use askama::Template;
use lettre::message::header::ContentType;
use lettre::message::{Attachment as AttachmentPart, Mailbox, MultiPart, SinglePart};
use lettre::Message;

use super::MailError;
use crate::domain::Email;

/// What a distribution email says. Reports fill it from their elements.
#[derive(Debug, Clone, Default)]
pub struct ReportEmail {
    pub report_title: String,
    pub project_name: String,
    /// The date the summary is for, as readers should see it ("Monday 7 December 2026").
    pub date: String,
    /// The sender's short message; empty for none.
    pub message: String,
    pub elements: Vec<ElementSummary>,
    /// The report in Inlet (`INLET_BASE_URL/...`).
    pub link: String,
}

/// One report element in the email: its name and either a headline figure or a small table.
#[derive(Debug, Clone, Default)]
pub struct ElementSummary {
    pub name: String,
    pub headline: Option<String>,
    pub table: Option<SummaryTable>,
}

#[derive(Debug, Clone, Default)]
pub struct SummaryTable {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl SummaryTable {
    /// The table in the plain-text body: the header and each row, cells separated by " | ".
    pub fn text_lines(&self) -> Vec<String> {
        std::iter::once(&self.columns).chain(&self.rows).map(|cells| cells.join(" | ")).collect()
    }
}

/// A file sent with the email, such as the report's PDF or XLSX export.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub file_name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Everything one email carries except its addresses.
#[derive(Debug, Clone, Default)]
pub struct MailContent {
    pub subject: String,
    pub body: ReportEmail,
    pub attachments: Vec<Attachment>,
}

#[derive(Template)]
#[template(path = "mail/report.html")]
struct HtmlBody<'a> {
    email: &'a ReportEmail,
    attached: bool,
}

#[derive(Template)]
#[template(path = "mail/report.txt")]
struct TextBody<'a> {
    email: &'a ReportEmail,
}

/// The message from `from` to `to`: multipart/alternative (text, HTML), wrapped in
/// multipart/mixed with the attachments when there are any.
pub(super) fn compose(from: &Mailbox, to: &[Email], content: &MailContent) -> Result<Message, MailError> {
    let html = HtmlBody { email: &content.body, attached: !content.attachments.is_empty() }
        .render()
        .map_err(|e| MailError::Compose(e.to_string()))?;
    let text = TextBody { email: &content.body }.render().map_err(|e| MailError::Compose(e.to_string()))?;
    let mut builder = Message::builder().from(from.clone()).subject(content.subject.trim());
    for address in to {
        let mailbox = address.as_str().parse::<Mailbox>().map_err(|e| MailError::Compose(format!("{address}: {e}")))?;
        builder = builder.to(mailbox);
    }
    let alternative = MultiPart::alternative()
        .singlepart(SinglePart::plain(text))
        .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(html));
    let body = if content.attachments.is_empty() {
        alternative
    } else {
        let mut mixed = MultiPart::mixed().multipart(alternative);
        for attachment in &content.attachments {
            let content_type = ContentType::parse(&attachment.content_type)
                .map_err(|_| MailError::Compose(format!("'{}' is not a content type", attachment.content_type)))?;
            mixed =
                mixed.singlepart(AttachmentPart::new(attachment.file_name.clone()).body(attachment.bytes.clone(), content_type));
        }
        mixed
    };
    builder.multipart(body).map_err(|e| MailError::Compose(e.to_string()))
}
