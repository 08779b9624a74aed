-- The rejected deliveries of a listener, newest first, are what a manager looks for after
-- fixing it (the deliveries list's outcome=rejected). Among many accepted ones, walking the
-- (listener_id, id) index for them reads every accepted row on the way; this index holds the
-- rejected ones only, so accepted deliveries (nearly all of them) do not pay for it.
CREATE INDEX deliveries_rejected ON deliveries (listener_id, id) WHERE outcome = 'rejected';
