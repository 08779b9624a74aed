//! Distributions nobody reads pause themselves, as in the product this is modelled on: a daily
//! or weekly distribution whose report nobody opened for [`PAUSE_AFTER`] pauses, after a
//! warning email to its creator at [`WARN_AFTER`]. Attention is the report opened, or the
//! distribution created or resumed, whichever came last. Monthly ones never pause: a month
//! between readings is how they are meant to be read.

use anyhow::Context;
use chrono::{DateTime, TimeDelta, Utc};

use crate::domain::distribution::describe;
use crate::domain::Email;
use crate::server::mail::{MailContent, Mailer, ReportEmail};
use crate::server::store::{PauseCandidate, Store};

pub const WARN_AFTER: TimeDelta = TimeDelta::days(45);
pub const PAUSE_AFTER: TimeDelta = TimeDelta::days(60);

/// What the paused distribution says about why.
pub const PAUSED_REASON: &str = "Paused itself: nobody opened the report for 60 days.";

/// What one pass did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct AutoPauseReport {
    pub warned: usize,
    pub paused: usize,
}

fn pauses_when_unread(candidate: &PauseCandidate) -> bool {
    matches!(candidate.distribution.schedule.frequency.as_deref(), Some("daily" | "weekly"))
}

/// The last sign that someone wants the distribution.
fn attention_at(candidate: &PauseCandidate) -> DateTime<Utc> {
    let distribution = &candidate.distribution;
    [Some(candidate.report_opened_at), Some(distribution.created_at), distribution.resumed_at]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(candidate.report_opened_at)
}

/// Warns and pauses what has gone unread long enough by `now`. Each warning is claimed in the
/// database first, so several instances send it once.
pub async fn pause_unread(store: &Store, mailer: &Mailer, base_url: &str, now: DateTime<Utc>) -> anyhow::Result<AutoPauseReport> {
    let mut report = AutoPauseReport::default();
    let candidates = store.pause_candidates(now - WARN_AFTER).await.context("Failed to read unread distributions")?;
    for candidate in candidates.into_iter().filter(pauses_when_unread) {
        let attention = attention_at(&candidate);
        let id = candidate.distribution.id;
        if now - attention >= PAUSE_AFTER {
            if store.pause_itself(id, PAUSED_REASON).await? {
                tracing::info!(distribution = id, "distribution paused itself: its report went unread for 60 days");
                report.paused += 1;
            }
        } else if now - attention >= WARN_AFTER && store.claim_pause_warning(id, attention, now).await? {
            if let Err(error) = warn_creator(store, mailer, base_url, &candidate, attention + PAUSE_AFTER).await {
                tracing::warn!(distribution = id, error = format!("{error:#}"), "could not warn a distribution's creator");
            }
            report.warned += 1;
        }
    }
    Ok(report)
}

/// The warning to the distribution's creator (none when they are gone).
async fn warn_creator(
    store: &Store,
    mailer: &Mailer,
    base_url: &str,
    candidate: &PauseCandidate,
    pauses_at: DateTime<Utc>,
) -> anyhow::Result<()> {
    let distribution = &candidate.distribution;
    let Some(creator_id) = distribution.created_by else { return Ok(()) };
    let Some(creator) = store.staff_by_id(creator_id).await? else { return Ok(()) };
    let (slug, project_name) = store.distribution_project(distribution.id).await?.context("the project is gone")?;
    let content = warning(candidate, &project_name, pauses_at, &super::report_link(base_url, &slug, distribution.report_id));
    let message = mailer.compose(&[Email::parse(&creator.email)?], &content)?;
    mailer.send(&message).await?;
    Ok(())
}

/// The warning's words.
pub fn warning(candidate: &PauseCandidate, project_name: &str, pauses_at: DateTime<Utc>, link: &str) -> MailContent {
    let distribution = &candidate.distribution;
    let report = &candidate.report_name;
    let pause_date = pauses_at.format("%-d %B %Y").to_string();
    MailContent {
        subject: format!("\"{}\" will pause on {pause_date}: nobody has opened {report}", distribution.subject),
        body: ReportEmail {
            report_title: format!("Your distribution of {report} will pause"),
            project_name: project_name.to_string(),
            date: pauses_at.format("%A %-d %B %Y").to_string(),
            message: format!(
                "Nobody has opened the report \"{report}\" for 45 days, so its distribution \"{}\" ({}) will pause \
                 itself on {pause_date}.\n\nOpen the report to keep it going, or resume the distribution after it pauses.",
                distribution.subject,
                describe(&distribution.schedule)
            ),
            elements: Vec::new(),
            link: link.to_string(),
        },
        attachments: Vec::new(),
    }
}
