-- Issue 13: each comment's plain text, made when it is written (JSON-LD reads it instead of
-- converting every comment's HTML on every render). NULL for comments written before: those
-- are converted when shown.
ALTER TABLE comments ADD COLUMN body_text TEXT;
