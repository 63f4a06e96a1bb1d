-- An optional hire date: attendance days before it are `not_started`, never absent.
-- Without it, the person's creation date (or earliest punch) is their start.
ALTER TABLE employees ADD COLUMN start_date TEXT;
