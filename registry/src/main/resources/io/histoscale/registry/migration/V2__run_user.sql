-- Who started a run (the operating-system user of the process that recorded it), for filtering a shared registry.
-- Runs recorded before this column existed have none.
ALTER TABLE runs ADD COLUMN user_name VARCHAR(64);
