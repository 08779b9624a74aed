-- Feedback (PRODUCT.md §8): feedback types per project, tickets from a project's users, each
-- ticket's activity (staff comments and status changes), and the settings of listeners of
-- the new type "Create feedback".
--
-- The listeners table's CHECK names its types, and SQLite cannot change a CHECK in place: the
-- table is rebuilt as SQLite documents it ("making other kinds of table schema changes"),
-- with foreign keys off, which `Store::migrate` sees to (a PRAGMA cannot turn them off
-- inside the transaction a migration runs in). So dropping the old table neither cascades
-- to listener_fields and deliveries nor leaves them pointing at a renamed table: they name
-- `listeners`, which is the new table once it is renamed. Every row is copied as it is.
CREATE TABLE listeners_new (
    id             INTEGER PRIMARY KEY,
    project_id     INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    key            TEXT NOT NULL,
    name           TEXT NOT NULL,
    listener_type  TEXT NOT NULL CHECK (listener_type IN ('external_data', 'create_feedback')),
    data_group_id  INTEGER NOT NULL REFERENCES data_groups (id),
    identify_by    TEXT NOT NULL CHECK (identify_by IN ('email', 'username')),
    unknown_user   TEXT NOT NULL CHECK (unknown_user IN ('reject', 'create')),
    filter         TEXT,
    signing_secret TEXT,
    enabled        INTEGER NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (project_id, key)
);
INSERT INTO listeners_new (id, project_id, key, name, listener_type, data_group_id, identify_by, unknown_user, filter,
        signing_secret, enabled, created_at, updated_at)
    SELECT id, project_id, key, name, listener_type, data_group_id, identify_by, unknown_user, filter,
        signing_secret, enabled, created_at, updated_at FROM listeners;
DROP TABLE listeners;
ALTER TABLE listeners_new RENAME TO listeners;

CREATE TABLE feedback_types (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    retired    INTEGER NOT NULL DEFAULT 0,
    position   INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (project_id, name)
);

CREATE TABLE feedback_tickets (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    type_id     INTEGER NOT NULL REFERENCES feedback_types (id),
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'in_progress', 'closed')),
    -- Kept with each comment, so the grid sorts and filters by it like any column.
    comments    INTEGER NOT NULL DEFAULT 0,
    -- The listener delivery that created the ticket, if one did.
    delivery_id INTEGER REFERENCES deliveries (id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX feedback_tickets_by_project ON feedback_tickets (project_id, id);
CREATE INDEX feedback_tickets_by_user ON feedback_tickets (user_id, id);
CREATE INDEX feedback_tickets_by_type ON feedback_tickets (type_id);
-- Deleting a listener's deliveries clears the tickets' references (see 20261129000005).
CREATE INDEX feedback_tickets_by_delivery ON feedback_tickets (delivery_id) WHERE delivery_id IS NOT NULL;

CREATE TABLE feedback_activity (
    id         INTEGER PRIMARY KEY,
    ticket_id  INTEGER NOT NULL REFERENCES feedback_tickets (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('comment', 'status')),
    -- NULL when the API (an API key) did it.
    staff_id   INTEGER REFERENCES staff (id) ON DELETE SET NULL,
    text       TEXT,
    old_status TEXT,
    new_status TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX feedback_activity_by_ticket ON feedback_activity (ticket_id, id);

-- What a "Create feedback" listener reads from each request, beside its data fields.
CREATE TABLE feedback_listeners (
    listener_id           INTEGER PRIMARY KEY REFERENCES listeners (id) ON DELETE CASCADE,
    title_parameter       TEXT NOT NULL,
    description_parameter TEXT,
    type_parameter        TEXT,
    default_type_id       INTEGER NOT NULL REFERENCES feedback_types (id)
);
CREATE INDEX feedback_listeners_by_type ON feedback_listeners (default_type_id);
