-- Distributions belong to reports now that reports exist: report_id gets its foreign key
-- (a report deleted takes its distributions, runs and history with it). Also:
-- - kind: 'schedule' (a distribution) or 'send' (an "Email this report" send: a one-off
--   distribution with exactly one run, sent by the same worker, so it is sent once and
--   retried like any run);
-- - paused_reason: why a distribution paused itself (nobody opened its report for 60 days);
-- - warned_at: when its creator was warned that it would (45 days);
-- - resumed_at: when it was last resumed by hand (counts as attention, like opening the report).
-- Rows of reports that do not exist (made before reports did) cannot be kept.

DELETE FROM distributions WHERE report_id NOT IN (SELECT id FROM reports);
ALTER TABLE distributions
    ADD CONSTRAINT distributions_report_fk FOREIGN KEY (report_id) REFERENCES reports (id) ON DELETE CASCADE,
    ADD COLUMN kind TEXT NOT NULL DEFAULT 'schedule' CHECK (kind IN ('schedule', 'send')),
    ADD COLUMN paused_reason TEXT,
    ADD COLUMN warned_at TIMESTAMPTZ,
    ADD COLUMN resumed_at TIMESTAMPTZ;

DROP INDEX distributions_by_project;
CREATE INDEX distributions_by_project ON distributions (project_id, kind);
CREATE INDEX distributions_by_report ON distributions (report_id);
