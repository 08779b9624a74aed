-- Report distributions: what to send to whom on which schedule, each scheduled send (run)
-- identified by (distribution, scheduled time), and each recipient's outcome within a run.
-- report_id is a plain integer until the reports table lands; its foreign key comes then.

CREATE TABLE distributions (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    report_id   INTEGER NOT NULL,
    -- JSON arrays: project slugs whose team receives it, and listed addresses.
    teams       TEXT NOT NULL DEFAULT '[]',
    emails      TEXT NOT NULL DEFAULT '[]',
    -- The schedule in its canonical API shape (JSON), parsed by domain::schedule.
    schedule    TEXT NOT NULL,
    subject     TEXT NOT NULL,
    message     TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
    -- The next slot to enqueue; NULL once the schedule has ended.
    next_run_at TEXT,
    created_by  INTEGER REFERENCES staff (id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX distributions_by_project ON distributions (project_id);
CREATE INDEX distributions_due ON distributions (next_run_at) WHERE status = 'active';

CREATE TABLE distribution_runs (
    id              INTEGER PRIMARY KEY,
    distribution_id INTEGER NOT NULL REFERENCES distributions (id) ON DELETE CASCADE,
    scheduled_for   TEXT NOT NULL,
    -- pending: waiting for next_attempt_at; sending: claimed until lease_until (a claimant
    -- that dies lets the lease expire and another takes the run over); sent; failed.
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    lease_until     TEXT,
    error           TEXT,
    sent_at         TEXT,
    created_at      TEXT NOT NULL,
    UNIQUE (distribution_id, scheduled_for)
);
CREATE INDEX distribution_runs_due ON distribution_runs (next_attempt_at) WHERE status IN ('pending', 'sending');

CREATE TABLE distribution_run_recipients (
    run_id     INTEGER NOT NULL REFERENCES distribution_runs (id) ON DELETE CASCADE,
    email      TEXT NOT NULL,
    -- sent: never sent again for this run; failed: retried with the run.
    status     TEXT NOT NULL CHECK (status IN ('sent', 'failed')),
    error      TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (run_id, email)
);
