-- Distributions belong to reports now that reports exist: report_id gets its foreign key
-- (a report deleted takes its distributions, runs and history with it). Also:
-- - kind: 'schedule' (a distribution) or 'send' (an "Email this report" send: a one-off
--   distribution with exactly one run, sent by the same worker, so it is sent once and
--   retried like any run);
-- - paused_reason: why a distribution paused itself (nobody opened its report for 60 days);
-- - warned_at: when its creator was warned that it would (45 days);
-- - resumed_at: when it was last resumed by hand (counts as attention, like opening the report).
-- SQLite cannot add a foreign key to a table, so the three tables are built again. The old
-- ones are dropped children first (so no cascade runs), then the new ones take their names;
-- renaming a table rewrites the foreign keys that point at it. Rows of reports that do not
-- exist (made before reports did) cannot be kept.

CREATE TABLE distributions_new (
    id            INTEGER PRIMARY KEY,
    project_id    INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    report_id     INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL DEFAULT 'schedule' CHECK (kind IN ('schedule', 'send')),
    teams         TEXT NOT NULL DEFAULT '[]',
    emails        TEXT NOT NULL DEFAULT '[]',
    schedule      TEXT NOT NULL,
    subject       TEXT NOT NULL,
    message       TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
    paused_reason TEXT,
    next_run_at   TEXT,
    warned_at     TEXT,
    resumed_at    TEXT,
    created_by    INTEGER REFERENCES staff (id) ON DELETE SET NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE distribution_runs_new (
    id              INTEGER PRIMARY KEY,
    distribution_id INTEGER NOT NULL REFERENCES distributions_new (id) ON DELETE CASCADE,
    scheduled_for   TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    lease_until     TEXT,
    error           TEXT,
    sent_at         TEXT,
    created_at      TEXT NOT NULL,
    UNIQUE (distribution_id, scheduled_for)
);

CREATE TABLE distribution_run_recipients_new (
    run_id     INTEGER NOT NULL REFERENCES distribution_runs_new (id) ON DELETE CASCADE,
    email      TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('sent', 'failed')),
    error      TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (run_id, email)
);

INSERT INTO distributions_new (id, project_id, report_id, teams, emails, schedule, subject, message, status, next_run_at,
                               created_by, created_at)
SELECT id, project_id, report_id, teams, emails, schedule, subject, message, status, next_run_at, created_by, created_at
FROM distributions WHERE report_id IN (SELECT id FROM reports);
INSERT INTO distribution_runs_new
SELECT r.id, r.distribution_id, r.scheduled_for, r.status, r.attempts, r.next_attempt_at, r.lease_until, r.error, r.sent_at, r.created_at
FROM distribution_runs r WHERE r.distribution_id IN (SELECT id FROM distributions_new);
INSERT INTO distribution_run_recipients_new
SELECT c.run_id, c.email, c.status, c.error, c.updated_at
FROM distribution_run_recipients c WHERE c.run_id IN (SELECT id FROM distribution_runs_new);

DROP TABLE distribution_run_recipients;
DROP TABLE distribution_runs;
DROP TABLE distributions;
ALTER TABLE distributions_new RENAME TO distributions;
ALTER TABLE distribution_runs_new RENAME TO distribution_runs;
ALTER TABLE distribution_run_recipients_new RENAME TO distribution_run_recipients;

CREATE INDEX distributions_by_project ON distributions (project_id, kind);
CREATE INDEX distributions_by_report ON distributions (report_id);
CREATE INDEX distributions_due ON distributions (next_run_at) WHERE status = 'active';
CREATE INDEX distribution_runs_due ON distribution_runs (next_attempt_at) WHERE status IN ('pending', 'sending');
