-- Deleting a listener deletes its deliveries, and for every deleted delivery the database
-- looks for the rows that refer to it, to clear their reference. Nothing indexed those
-- references, so each look was a scan of the whole table: a listener with 20,000 deliveries
-- was still being deleted after five minutes, holding the write lock all the while.
--
-- The history keeps which delivery made each change: indexed (it only ever grows at the end,
-- so the index costs ingestion little). A replay refers to its original: indexed where set.
CREATE INDEX value_history_by_delivery ON value_history (delivery_id);
CREATE INDEX deliveries_by_replay ON deliveries (replay_of) WHERE replay_of IS NOT NULL;

-- A current value's delivery_id said which delivery set it last, which the value's newest
-- history row says too; nothing read it, and indexing it would have cost every write of a
-- value a second index update. SQLite cannot drop a column with a reference: the table is
-- rebuilt without it.
CREATE TABLE user_values_new (
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    field_id    INTEGER NOT NULL REFERENCES fields (id) ON DELETE CASCADE,
    v_bool      INTEGER,
    v_int       INTEGER,
    v_text      TEXT,
    v_time      TEXT,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, field_id)
);
INSERT INTO user_values_new (user_id, field_id, v_bool, v_int, v_text, v_time, updated_at)
    SELECT user_id, field_id, v_bool, v_int, v_text, v_time, updated_at FROM user_values;
DROP TABLE user_values;
ALTER TABLE user_values_new RENAME TO user_values;
CREATE INDEX user_values_by_field ON user_values (field_id);
