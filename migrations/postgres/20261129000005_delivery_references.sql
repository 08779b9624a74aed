-- Deleting a listener deletes its deliveries, and for every deleted delivery the database
-- looks for the rows that refer to it, to clear their reference. Nothing indexed those
-- references, so each look was a scan of the whole table (on SQLite, a listener with 20,000
-- deliveries was still being deleted after five minutes).
--
-- The history keeps which delivery made each change: indexed (it only ever grows at the end,
-- so the index costs ingestion little). A replay refers to its original: indexed where set.
CREATE INDEX value_history_by_delivery ON value_history (delivery_id);
CREATE INDEX deliveries_by_replay ON deliveries (replay_of) WHERE replay_of IS NOT NULL;

-- A current value's delivery_id said which delivery set it last, which the value's newest
-- history row says too; nothing read it, and indexing it would have cost every write of a
-- value a second index update.
ALTER TABLE user_values DROP COLUMN delivery_id;
