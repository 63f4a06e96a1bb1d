-- API key creation takes a client id like every other create (issue 11): a retried POST
-- finds the key its first copy made instead of minting a second one. The digest of the
-- body it came with tells a retry (same body) from a reuse of the id (409).
ALTER TABLE api_keys ADD COLUMN body_digest TEXT;
