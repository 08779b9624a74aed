-- Foundation: staff, projects and their teams, users and memberships, API keys, sessions, imports.
-- Timestamps are stored as RFC 3339 text (UTC) so they sort as they read.

CREATE TABLE staff (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('community_manager', 'project_manager')),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE projects (
    id         INTEGER PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    created_by INTEGER REFERENCES staff (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE project_team (
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    staff_id   INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    added_at   TEXT NOT NULL,
    PRIMARY KEY (project_id, staff_id)
);
CREATE INDEX project_team_by_staff ON project_team (staff_id);

CREATE TABLE users (
    id           INTEGER PRIMARY KEY,
    email        TEXT NOT NULL UNIQUE,
    username     TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

CREATE TABLE project_members (
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status     TEXT NOT NULL CHECK (status IN ('active', 'invited', 'inactive', 'removed')),
    joined_at  TEXT NOT NULL,
    PRIMARY KEY (project_id, user_id)
);
CREATE INDEX project_members_by_user ON project_members (user_id);

CREATE TABLE api_keys (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    prefix        TEXT NOT NULL UNIQUE,
    secret_hash   TEXT NOT NULL,
    created_by    INTEGER REFERENCES staff (id) ON DELETE SET NULL,
    created_at    TEXT NOT NULL,
    last_used_at  TEXT,
    request_count INTEGER NOT NULL DEFAULT 0,
    revoked_at    TEXT
);

CREATE TABLE user_imports (
    id             INTEGER PRIMARY KEY,
    project_id     INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    source         TEXT NOT NULL,
    total_rows     INTEGER NOT NULL,
    created_count  INTEGER NOT NULL,
    updated_count  INTEGER NOT NULL,
    rejected_count INTEGER NOT NULL,
    rejected       TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE INDEX user_imports_by_project ON user_imports (project_id, id);

CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    data        BLOB NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
