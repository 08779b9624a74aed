-- An idempotency key is claimed by an accepted delivery only: a refused request (a 429, a
-- disabled listener, a user not there yet) may be sent again with the same key once the cause
-- is gone. Refusals recorded before this rule keep no key, so a later retry is not answered
-- with the old refusal, nor blocked by it.
UPDATE deliveries SET idempotency_key = NULL WHERE outcome = 'rejected' AND idempotency_key IS NOT NULL;
