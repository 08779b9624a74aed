//! The scheduler step that sends what is due: scheduled runs and sends alike.
//!
//! [`Scheduler::run_due`] is the whole worker, callable synchronously by tests with any `now`;
//! the server calls it every [`TICK`], and at once when woken (a send was queued). One step:
//! 0. daily and weekly distributions whose report went unread warn their creator, then pause
//!    themselves (`auto_pause`);
//! 1. every active distribution whose next slot has come gets one run, for the latest slot that
//!    has passed (slots missed while every instance was down collapse into one), and moves on
//!    to its next slot after `now`. The run's (distribution, scheduled time) is unique, so two
//!    instances doing this at once record it once;
//! 2. due runs are claimed one at a time with a lease ([`LEASE`]) and sent one message per
//!    recipient; each recipient's outcome is recorded as it happens, and a recipient already
//!    sent for a run is never sent again, so a run retried after a failure or taken over after
//!    a crash sends only what is missing;
//! 3. a run with failures is retried after [`RETRY_BACKOFF`] (1 min, 5 min, 30 min, 2 h), and
//!    fails for good after the last.
//!
//! What the email says comes from a [`DistributionContent`]: `ReportContent` (the report's
//! summary and exports) in the server; tests plug in their own.

use anyhow::Context;
use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

use super::auto_pause;
use crate::domain::schedule::Schedule;
use crate::domain::Email;
use crate::server::mail::{MailContent, Mailer};
use crate::server::store::{ClaimedRun, DistributionRecord, RunOutcome, Store};

/// How often the server runs a scheduler step: well inside the 60 s a due run may wait.
pub const TICK: Duration = Duration::from_secs(15);

/// How long a claimant owns a run: longer than sending to a team can take (each SMTP
/// conversation times out after 30 s), short enough that a crashed instance's run is taken
/// over soon.
pub const LEASE: TimeDelta = TimeDelta::minutes(10);

/// Waits before the 2nd, 3rd, 4th and 5th attempt; a 5th failure is final.
pub const RETRY_BACKOFF: [TimeDelta; 4] =
    [TimeDelta::minutes(1), TimeDelta::minutes(5), TimeDelta::minutes(30), TimeDelta::hours(2)];

/// Runs one step sends at most (the next step carries on).
const RUNS_PER_STEP: usize = 100;

/// What a distribution's email says and carries, built once per run attempt.
#[async_trait]
pub trait DistributionContent: Send + Sync + 'static {
    async fn content(&self, distribution: &DistributionRecord, scheduled_for: DateTime<Utc>) -> anyhow::Result<MailContent>;
}

/// What one scheduler step did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct StepReport {
    /// Creators warned that their distribution will pause itself.
    pub warned: usize,
    /// Distributions that paused themselves (their report went unread).
    pub paused: usize,
    pub enqueued: usize,
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
}

#[derive(Clone)]
pub struct Scheduler {
    store: Store,
    mailer: Mailer,
    content: Arc<dyn DistributionContent>,
    wake: Arc<Notify>,
    /// `INLET_BASE_URL`, for links in the auto-pause warnings.
    base_url: String,
}

impl Scheduler {
    pub fn new(store: Store, mailer: Mailer, content: Arc<dyn DistributionContent>) -> Self {
        Self { store, mailer, content, wake: Arc::default(), base_url: String::new() }
    }

    /// Links in the emails it writes itself (auto-pause warnings) start with `base_url`.
    pub fn linking_to(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Runs the next step as soon as this is notified (instead of at the next tick): what
    /// queues a send notifies it.
    pub fn waking_on(mut self, wake: Arc<Notify>) -> Self {
        self.wake = wake;
        self
    }

    /// One step of the worker at `now` (see the module docs).
    pub async fn run_due(&self, now: DateTime<Utc>) -> anyhow::Result<StepReport> {
        let unread = auto_pause::pause_unread(&self.store, &self.mailer, &self.base_url, now).await?;
        let mut report = StepReport {
            warned: unread.warned,
            paused: unread.paused,
            enqueued: self.enqueue_due(now).await?,
            ..StepReport::default()
        };
        for _ in 0..RUNS_PER_STEP {
            let Some(run) = self.store.claim_run(now, now + LEASE).await.context("Failed to claim a run")? else { break };
            let outcome = self.attempt(&run, now).await;
            if let RunOutcome::Retry { error, .. } | RunOutcome::Failed { error } = &outcome {
                tracing::warn!(run = run.id, distribution = run.distribution_id, attempt = run.attempts, %error, "distribution run failed");
            }
            match outcome {
                RunOutcome::Sent { .. } => report.sent += 1,
                RunOutcome::Retry { .. } => report.retrying += 1,
                RunOutcome::Failed { .. } => report.failed += 1,
            }
            self.store.finish_run(run.id, &outcome).await.context("Failed to record a run's outcome")?;
        }
        Ok(report)
    }

    async fn enqueue_due(&self, now: DateTime<Utc>) -> anyhow::Result<usize> {
        let due = self.store.due_distributions(now).await.context("Failed to read due distributions")?;
        let mut enqueued = 0;
        for distribution in due {
            let Some(next_run_at) = distribution.next_run_at else { continue };
            let Ok(schedule) = Schedule::parse(&distribution.schedule) else {
                tracing::error!(distribution = distribution.id, "a stored schedule does not parse; skipped");
                continue;
            };
            // The latest slot in [next_run_at, now]: one run however many were missed.
            let slot = schedule.latest_due_slot(next_run_at - TimeDelta::seconds(1), now).unwrap_or(next_run_at);
            self.store
                .enqueue_run(distribution.id, slot, schedule.next_run_after(now), now)
                .await
                .context("Failed to enqueue a run")?;
            enqueued += 1;
        }
        Ok(enqueued)
    }

    /// Sends the run to every recipient not yet sent; the run's outcome for this attempt.
    async fn attempt(&self, run: &ClaimedRun, now: DateTime<Utc>) -> RunOutcome {
        let errors = match self.send_missing(run, now).await {
            Ok(errors) => errors,
            Err(error) => vec![format!("{error:#}")],
        };
        if errors.is_empty() {
            RunOutcome::Sent { at: now }
        } else {
            let error = errors.join("; ");
            match usize::try_from(run.attempts).ok().and_then(|n| RETRY_BACKOFF.get(n.saturating_sub(1))) {
                Some(wait) => RunOutcome::Retry { at: now + *wait, error },
                None => RunOutcome::Failed { error },
            }
        }
    }

    /// The failures, one per recipient that did not get the email.
    async fn send_missing(&self, run: &ClaimedRun, now: DateTime<Utc>) -> anyhow::Result<Vec<String>> {
        let distribution = self.store.distribution(run.distribution_id).await?.context("the distribution was deleted")?;
        let recipients = self.recipients(&distribution).await?;
        anyhow::ensure!(!recipients.is_empty(), "the distribution has no recipients");
        let already: BTreeSet<String> = self.store.sent_recipients(run.id).await?.into_iter().collect();
        let missing: Vec<&Email> = recipients.iter().filter(|r| !already.contains(r.as_str())).collect();
        if missing.is_empty() {
            return Ok(Vec::new());
        }
        let content = self.content.content(&distribution, run.scheduled_for).await.context("Failed to build the email")?;
        let mut errors = Vec::new();
        for recipient in missing {
            let sent = match self.mailer.compose(std::slice::from_ref(recipient), &content) {
                Ok(message) => self.mailer.send(&message).await.map(|_| ()).map_err(|e| e.to_string()),
                Err(error) => Err(error.to_string()),
            };
            self.store
                .record_recipient(run.id, recipient.as_str(), sent.as_ref().map(|_| ()).map_err(String::as_str), now)
                .await?;
            if let Err(reason) = sent {
                errors.push(format!("{recipient}: {reason}"));
            }
        }
        Ok(errors)
    }

    /// The listed addresses and the staff of the listed teams, each once.
    async fn recipients(&self, distribution: &DistributionRecord) -> anyhow::Result<Vec<Email>> {
        let team = self.store.team_emails(&distribution.teams).await?;
        let unique: BTreeSet<Email> = distribution.emails.iter().chain(&team).filter_map(|e| Email::parse(e).ok()).collect();
        Ok(unique.into_iter().collect())
    }
}

/// Runs a scheduler step every [`TICK`], and when woken, for as long as the server runs.
pub fn spawn(scheduler: Scheduler) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = scheduler.wake.notified() => {}
            }
            if let Err(error) = scheduler.run_due(Utc::now()).await {
                tracing::warn!(error = format!("{error:#}"), "the distribution scheduler step failed");
            }
        }
    });
}
