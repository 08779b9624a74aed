-- A user's history is read newest first across all fields (the user summary), so it is
-- indexed by (user_id, id). The old (user_id, field_id, id) index put a delivery's changes to
-- different fields on different index pages, which made every group commit write several
-- random index pages per delivery.
DROP INDEX value_history_by_user;
CREATE INDEX value_history_by_user ON value_history (user_id, id);
