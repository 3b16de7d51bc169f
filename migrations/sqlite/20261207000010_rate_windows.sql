-- Issue 23: abuse limits and sign-in throttles are counted in the database, so every server on
-- it counts the same attempts and a restart forgives nothing. A row per (bucket, keyed hash of
-- the key): the window's start (or, for a spaced key, its next turn) in milliseconds, and hits.
CREATE TABLE rate_windows (
    key        TEXT    PRIMARY KEY,
    started_at INTEGER NOT NULL,
    hits       INTEGER NOT NULL
);
