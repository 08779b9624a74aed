-- Custom reports (PRODUCT.md §6): a report of a project, or of the community (project_id
-- NULL: over every project's users), and its elements in order. An element is its checked
-- definition as JSON ({"name", "source", "data", "filter", "style", "bucket", "figure"});
-- renaming a field rewrites it as it rewrites saved filters. Names are unique per project
-- ignoring case, which the store checks in Rust.
CREATE TABLE reports (
    id             INTEGER PRIMARY KEY,
    project_id     INTEGER REFERENCES projects (id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    time_zone      TEXT NOT NULL DEFAULT 'UTC',
    -- Opening the report's page or its API document moves it on; a distribution of a report
    -- nobody opens pauses itself.
    last_opened_at TEXT NOT NULL,
    created_by     INTEGER REFERENCES staff (id) ON DELETE SET NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX reports_by_project ON reports (project_id);

CREATE TABLE report_elements (
    id         INTEGER PRIMARY KEY,
    report_id  INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    definition TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX report_elements_by_report ON report_elements (report_id, position);
