-- Saved filters and views over feedback (issue 15): a subject says which grid a filter or view
-- is for: 'users' (every existing one) or 'feedback', whose filters and views may also name
-- the tickets' own fields (data group Ticket). Names stay unique per project across both.
ALTER TABLE saved_filters ADD COLUMN subject TEXT NOT NULL DEFAULT 'users';
ALTER TABLE saved_views ADD COLUMN subject TEXT NOT NULL DEFAULT 'users';
