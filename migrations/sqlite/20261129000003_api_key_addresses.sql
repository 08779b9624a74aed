-- API keys may be limited to the addresses their senders use (empty: any address).
ALTER TABLE api_keys ADD COLUMN allowed_addresses TEXT NOT NULL DEFAULT '';
