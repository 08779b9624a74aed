-- Saved filters and views of a project (PRODUCT.md §5). A filter is its public JSON
-- ({"match", "criteria"}), a view its columns ([{"data_group", "field"}]), both stored as
-- checked, in the schema's spelling; renaming a field rewrites them as it rewrites gates.
-- Names are unique per project ignoring case, which the store checks in Rust (SQLite's
-- NOCASE folds ASCII only); the constraint catches exact duplicates of a race.
CREATE TABLE saved_filters (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    filter     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (project_id, name)
);

CREATE TABLE saved_views (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    columns    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (project_id, name)
);
