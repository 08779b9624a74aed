-- External listeners, data groups and typed values, deliveries and value history.

-- A data group (dataset) of a project; its fields are the dataset items.
CREATE TABLE data_groups (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    label      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (project_id, label)
);

CREATE TABLE fields (
    id            INTEGER PRIMARY KEY,
    data_group_id INTEGER NOT NULL REFERENCES data_groups (id) ON DELETE CASCADE,
    label         TEXT NOT NULL,
    field_type    TEXT NOT NULL CHECK (field_type IN ('boolean', 'datetime', 'integer', 'string')),
    position      INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    UNIQUE (data_group_id, label)
);

CREATE TABLE listeners (
    id             INTEGER PRIMARY KEY,
    project_id     INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    key            TEXT NOT NULL,
    name           TEXT NOT NULL,
    listener_type  TEXT NOT NULL CHECK (listener_type IN ('external_data')),
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

-- Which parameter of a listener's payload feeds which field.
CREATE TABLE listener_fields (
    listener_id INTEGER NOT NULL REFERENCES listeners (id) ON DELETE CASCADE,
    field_id    INTEGER NOT NULL REFERENCES fields (id) ON DELETE CASCADE,
    parameter   TEXT NOT NULL,
    position    INTEGER NOT NULL,
    PRIMARY KEY (listener_id, field_id),
    UNIQUE (listener_id, parameter)
);

-- Every request that reached a listener, accepted or not, with what was sent and answered.
CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY,
    listener_id     INTEGER NOT NULL REFERENCES listeners (id) ON DELETE CASCADE,
    user_ref        TEXT NOT NULL,
    user_id         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    api_key_id      INTEGER REFERENCES api_keys (id) ON DELETE SET NULL,
    received_at     TEXT NOT NULL,
    status          INTEGER NOT NULL,
    outcome         TEXT NOT NULL CHECK (outcome IN ('accepted', 'rejected')),
    error_code      TEXT,
    response        TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    payload         BLOB NOT NULL,
    idempotency_key TEXT,
    replay_of       INTEGER REFERENCES deliveries (id) ON DELETE SET NULL,
    UNIQUE (listener_id, idempotency_key)
);
CREATE INDEX deliveries_by_listener ON deliveries (listener_id, id);

-- Current values: one typed column is set, by the field's type; all NULL never stays stored.
CREATE TABLE user_values (
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    field_id    INTEGER NOT NULL REFERENCES fields (id) ON DELETE CASCADE,
    v_bool      INTEGER,
    v_int       INTEGER,
    v_text      TEXT,
    v_time      TEXT,
    updated_at  TEXT NOT NULL,
    delivery_id INTEGER REFERENCES deliveries (id) ON DELETE SET NULL,
    PRIMARY KEY (user_id, field_id)
);
CREATE INDEX user_values_by_field ON user_values (field_id);

CREATE TABLE value_history (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    field_id    INTEGER NOT NULL REFERENCES fields (id) ON DELETE CASCADE,
    old_value   TEXT,
    new_value   TEXT,
    changed_at  TEXT NOT NULL,
    delivery_id INTEGER REFERENCES deliveries (id) ON DELETE SET NULL
);
CREATE INDEX value_history_by_user ON value_history (user_id, field_id, id);
