//! Distributions as people and the API see them: who gets a report (project teams and listed
//! addresses), on which schedule, with which subject and message; and each run's history.
//! [`DistributionDraft::check`] names every bad field; whether a team's project exists is the
//! service's to check (it needs the store).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::schedule::{DayOfMonthSpec, Schedule, ScheduleSpec};
use super::{Email, ValidationError};

/// The longest subject line.
pub const MAX_SUBJECT_CHARS: usize = 200;
/// The longest message above the report summary.
pub const MAX_MESSAGE_CHARS: usize = 2000;
/// The most listed addresses (teams come on top).
pub const MAX_EMAILS: usize = 100;
/// The most teams one distribution names.
pub const MAX_TEAMS: usize = 20;

/// What a distribution sends to whom, as submitted (API body or form): checked by
/// [`DistributionDraft::check`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DistributionDraft {
    /// Slugs of projects whose team receives it.
    pub teams: Vec<String>,
    pub emails: Vec<String>,
    pub schedule: ScheduleSpec,
    pub subject: String,
    pub message: String,
}

/// A draft that passed every check but the teams' existence.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedDraft {
    pub teams: Vec<String>,
    pub emails: Vec<Email>,
    pub schedule: Schedule,
    pub subject: String,
    pub message: String,
}

impl DistributionDraft {
    /// Every field checked; each bad one named (`emails[1]`, `time_zone`, `subject`…).
    pub fn check(&self) -> Result<CheckedDraft, Vec<ValidationError>> {
        let mut errors = Vec::new();
        let schedule = Schedule::parse(&self.schedule).map_err(|e| errors.extend(e)).ok();
        let recipients = check_recipients(&self.teams, &self.emails).map_err(|e| errors.extend(e)).ok();
        let subject = check_subject(&self.subject).map_err(|e| errors.push(e)).ok();
        let message = check_message(&self.message).map_err(|e| errors.push(e)).ok();
        match (schedule, recipients, subject, message) {
            (Some(schedule), Some((teams, emails)), Some(subject), Some(message)) if errors.is_empty() => {
                Ok(CheckedDraft { teams, emails, schedule, subject, message })
            }
            _ => Err(errors),
        }
    }
}

/// Team slugs (lower-cased, each once) and addresses (each once): at least one of either.
pub fn check_recipients(teams: &[String], emails: &[String]) -> Result<(Vec<String>, Vec<Email>), Vec<ValidationError>> {
    let mut errors = Vec::new();
    if teams.len() > MAX_TEAMS {
        errors.push(ValidationError::new("teams", format!("name at most {MAX_TEAMS} teams")));
    }
    let mut slugs: Vec<String> = Vec::new();
    for (index, team) in teams.iter().enumerate() {
        let slug = team.trim().to_ascii_lowercase();
        if slug.is_empty() {
            errors.push(ValidationError::new(&format!("teams[{index}]"), "is empty: give a project's slug"));
        } else if !slugs.contains(&slug) {
            slugs.push(slug);
        }
    }
    let parsed = check_emails("emails", emails).map_err(|e| errors.extend(e)).ok();
    if teams.is_empty() && emails.is_empty() {
        errors.push(ValidationError::new("emails", "add at least one address or project team"));
    }
    match parsed {
        Some(emails) if errors.is_empty() => Ok((slugs, emails)),
        _ => Err(errors),
    }
}

/// Addresses, each named by its place in the list (`emails[2]`) when it is not one; each
/// address once.
pub fn check_emails(field: &str, emails: &[String]) -> Result<Vec<Email>, Vec<ValidationError>> {
    let mut errors = Vec::new();
    if emails.len() > MAX_EMAILS {
        errors.push(ValidationError::new(field, format!("list at most {MAX_EMAILS} addresses")));
    }
    let mut parsed: Vec<Email> = Vec::new();
    for (index, text) in emails.iter().enumerate() {
        match Email::parse(text) {
            Ok(email) if !parsed.contains(&email) => parsed.push(email),
            Ok(_) => {}
            Err(error) => errors.push(ValidationError::new(&format!("{field}[{index}]"), error.message)),
        }
    }
    if errors.is_empty() {
        Ok(parsed)
    } else {
        Err(errors)
    }
}

/// Addresses typed into one box: separated by commas, semicolons, spaces or line breaks.
pub fn split_addresses(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c == ';' || c.is_whitespace()).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// One line of printable text, 1–200 characters.
pub fn check_subject(text: &str) -> Result<String, ValidationError> {
    let subject = text.trim();
    if subject.is_empty() {
        return Err(ValidationError::new("subject", "is required"));
    }
    if subject.chars().count() > MAX_SUBJECT_CHARS {
        return Err(ValidationError::new("subject", format!("is longer than {MAX_SUBJECT_CHARS} characters")));
    }
    if subject.chars().any(char::is_control) {
        return Err(ValidationError::new("subject", "must be one line without control characters"));
    }
    Ok(subject.to_string())
}

/// Free text of up to 2,000 characters; line breaks and tabs are kept, other control
/// characters are refused.
pub fn check_message(text: &str) -> Result<String, ValidationError> {
    let message = text.trim();
    if message.chars().count() > MAX_MESSAGE_CHARS {
        return Err(ValidationError::new("message", format!("is longer than {MAX_MESSAGE_CHARS} characters")));
    }
    if message.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(ValidationError::new("message", "may not contain control characters other than line breaks and tabs"));
    }
    Ok(message.to_string())
}

/// A scheduled distribution as its page and the API show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Distribution {
    pub id: i64,
    pub report_id: i64,
    /// The report's name (empty when it could not be read).
    pub report_name: String,
    pub teams: Vec<String>,
    pub emails: Vec<String>,
    pub schedule: ScheduleSpec,
    pub subject: String,
    pub message: String,
    pub active: bool,
    /// Why it paused itself ("nobody opened the report for 60 days"); none when paused by hand.
    pub paused_reason: Option<String>,
    /// The next slot; none while paused or once the schedule has ended.
    pub next_run_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl Distribution {
    /// "Weekly on Mon, Thu at 08:00 (Europe/Berlin)".
    pub fn schedule_label(&self) -> String {
        describe(&self.schedule)
    }
}

/// A schedule in words, for lists and emails.
pub fn describe(spec: &ScheduleSpec) -> String {
    let time = spec.time.clone().unwrap_or_default();
    let zone = spec.time_zone.clone().unwrap_or_default();
    let when = match spec.frequency.as_deref() {
        Some("weekly") => {
            let days: Vec<String> = spec.weekdays.clone().unwrap_or_default().iter().map(|d| capitalized(d)).collect();
            format!("Weekly on {}", days.join(", "))
        }
        Some("monthly") => match &spec.day_of_month {
            Some(DayOfMonthSpec::Number(n)) => format!("Monthly on day {n}"),
            Some(DayOfMonthSpec::Text(text)) if text.eq_ignore_ascii_case("last") => "Monthly on the last day".to_string(),
            Some(DayOfMonthSpec::Text(text)) => format!("Monthly on day {text}"),
            None => "Monthly".to_string(),
        },
        _ => "Daily".to_string(),
    };
    let until = spec.end_date.as_deref().map(|end| format!(", until {end}")).unwrap_or_default();
    format!("{when} at {time} ({zone}){until}")
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Where a run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Waiting for its time or for a claimant.
    Queued,
    /// Claimed by an instance that is sending it now.
    Sending,
    /// Failed at least once; tried again at `next_attempt_at`.
    Retrying,
    Sent,
    /// Failed on every attempt; not tried again.
    Failed,
}

impl RunStatus {
    /// From the store's status and the attempts made so far.
    pub fn from_stored(status: &str, attempts: i32) -> Self {
        match status {
            "sent" => RunStatus::Sent,
            "failed" => RunStatus::Failed,
            "sending" => RunStatus::Sending,
            _ if attempts > 0 => RunStatus::Retrying,
            _ => RunStatus::Queued,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Queued => "queued",
            RunStatus::Sending => "sending",
            RunStatus::Retrying => "retrying",
            RunStatus::Sent => "sent",
            RunStatus::Failed => "failed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RunStatus::Queued => "Queued",
            RunStatus::Sending => "Sending…",
            RunStatus::Retrying => "Retrying",
            RunStatus::Sent => "Sent",
            RunStatus::Failed => "Failed",
        }
    }
}

/// One run in a distribution's history, or one send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    pub id: i64,
    pub scheduled_for: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// The addresses it was sent to so far.
    pub recipients: Vec<String>,
    pub outcome: RunStatus,
    /// The last attempt's failures, one per recipient that did not get it.
    pub error: Option<String>,
    pub attempts: i32,
    /// When it is tried next (queued or retrying).
    pub next_attempt_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> DistributionDraft {
        DistributionDraft {
            teams: vec!["Aurora".into()],
            emails: vec!["Ann@Example.com".into(), "ann@example.com".into()],
            schedule: serde_json::from_value(serde_json::json!({
                "frequency": "weekly", "weekdays": ["mon"], "time": "08:00", "time_zone": "Europe/Berlin",
                "start_date": "2026-12-07"
            }))
            .unwrap(),
            subject: " Weekly numbers ".into(),
            message: "Hello team,\nhere they are.".into(),
        }
    }

    fn fields(errors: Vec<ValidationError>) -> Vec<String> {
        errors.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_good_draft_is_trimmed_and_each_recipient_kept_once() {
        let checked = draft().check().unwrap();
        assert_eq!(checked.teams, ["aurora"]);
        assert_eq!(checked.emails.iter().map(|e| e.as_str()).collect::<Vec<_>>(), ["ann@example.com"]);
        assert_eq!(checked.subject, "Weekly numbers");
        assert_eq!(checked.message, "Hello team,\nhere they are.");
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut bad = draft();
        bad.emails = vec!["ann@example.com".into(), "not an address".into()];
        bad.schedule.time_zone = Some("Mars/Olympus".into());
        bad.schedule.weekdays = Some(vec!["funday".into()]);
        bad.subject = "   ".into();
        bad.message = "bell\u{7}".into();
        assert_eq!(fields(bad.check().unwrap_err()), ["weekdays", "time_zone", "emails[1]", "subject", "message"]);
    }

    #[test]
    fn a_distribution_needs_someone_to_send_to() {
        let mut nobody = draft();
        nobody.teams.clear();
        nobody.emails.clear();
        assert_eq!(fields(nobody.check().unwrap_err()), ["emails"]);
    }

    #[test]
    fn addresses_typed_in_one_box_are_split() {
        assert_eq!(split_addresses("a@x.io, b@y.io;c@z.io\n d@w.io"), ["a@x.io", "b@y.io", "c@z.io", "d@w.io"]);
        assert!(split_addresses("  ").is_empty());
    }

    #[test]
    fn schedules_read_in_words() {
        assert_eq!(describe(&draft().schedule), "Weekly on Mon at 08:00 (Europe/Berlin)");
        let monthly = ScheduleSpec {
            frequency: Some("monthly".into()),
            day_of_month: Some(DayOfMonthSpec::Text("last".into())),
            time: Some("18:30".into()),
            time_zone: Some("UTC".into()),
            end_date: Some("2027-06-30".into()),
            ..ScheduleSpec::default()
        };
        assert_eq!(describe(&monthly), "Monthly on the last day at 18:30 (UTC), until 2027-06-30");
    }

    #[test]
    fn run_statuses_read_from_the_store() {
        assert_eq!(RunStatus::from_stored("pending", 0), RunStatus::Queued);
        assert_eq!(RunStatus::from_stored("pending", 2), RunStatus::Retrying);
        assert_eq!(RunStatus::from_stored("sent", 1).as_str(), "sent");
    }
}
