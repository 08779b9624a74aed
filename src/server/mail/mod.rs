//! Distribution email: the report summary as an HTML body with a plain-text alternative
//! (`compose`), sent over SMTP or written to the local outbox when no SMTP server is configured
//! (`transport`), and the outbox read back for the Outbox page (`outbox`).
//!
//! The content is a plain struct ([`ReportEmail`]) so that whatever fills it (reports, tests)
//! needs to know nothing about MIME or templates.

mod compose;
pub mod outbox;
mod transport;

pub use compose::{Attachment, ElementSummary, MailContent, ReportEmail, SummaryTable};
pub use transport::{Delivered, Mailer, SmtpSecurity, SmtpUrl};

/// Why a message did not go out. `Refused` will fail again if retried as it is; `Unavailable`
/// may succeed later.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The server answered with a permanent refusal (5xx), such as an unknown recipient.
    #[error("the mail server refused the message: {0}")]
    Refused(String),
    /// The server could not be reached or answered with a temporary failure (4xx).
    #[error("the mail server is unavailable: {0}")]
    Unavailable(String),
    #[error("the message could not be built: {0}")]
    Compose(String),
    #[error("the message could not be written to the outbox: {0}")]
    Outbox(#[from] std::io::Error),
}

impl MailError {
    /// Whether trying again later can succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, MailError::Unavailable(_) | MailError::Outbox(_))
    }
}
