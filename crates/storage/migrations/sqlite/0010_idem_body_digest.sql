-- Creates that take a client id keep the digest of the body they came with, so a retry
-- (same id, same body) answers the stored row and a different body under that id is 409.
-- Rows created before this migration have none and are answered as before.
ALTER TABLE customers ADD COLUMN body_digest TEXT;
ALTER TABLE departments ADD COLUMN body_digest TEXT;
ALTER TABLE employees ADD COLUMN body_digest TEXT;
ALTER TABLE geofences ADD COLUMN body_digest TEXT;
ALTER TABLE forms ADD COLUMN body_digest TEXT;
ALTER TABLE devices ADD COLUMN body_digest TEXT;
