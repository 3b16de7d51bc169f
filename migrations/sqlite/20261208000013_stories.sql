-- no-transaction
-- Issue 24: stories written in the desk. A story is a draft, in review, scheduled, published or
-- unpublished; readers and crawlers see only published ones (`store::articles::public!`).
-- Staff gain the writer role, which needs the staff table rebuilt (SQLite cannot change a
-- CHECK): the documented twelve steps, with foreign keys off so that dropping the old table
-- neither cascades nor fails. (The rows are copied with their ids, so every reference still
-- points at its account; `foreign_key_check` is run for a reader of a failed migration's log,
-- but sqlx does not fail on its rows.)
PRAGMA foreign_keys = OFF;
BEGIN;

CREATE TABLE staff_new (
    id             INTEGER PRIMARY KEY,
    email          TEXT    NOT NULL UNIQUE,
    name           TEXT    NOT NULL,
    role           TEXT    NOT NULL CHECK (role IN ('admin', 'editor', 'writer', 'moderator')),
    password_hash  TEXT    NOT NULL,
    alerts         TEXT    NOT NULL DEFAULT 'immediate' CHECK (alerts IN ('immediate', 'hourly', 'none')),
    digest_sent_at INTEGER,
    digest_alert_id INTEGER NOT NULL DEFAULT 0,
    disabled       INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL
);
INSERT INTO staff_new (id, email, name, role, password_hash, alerts, digest_sent_at, digest_alert_id, disabled, created_at)
    SELECT id, email, name, role, password_hash, alerts, digest_sent_at, digest_alert_id, disabled, created_at FROM staff;
DROP TABLE staff;
ALTER TABLE staff_new RENAME TO staff;

-- 'published' for every story there is: they were all shown
ALTER TABLE articles ADD COLUMN status TEXT NOT NULL DEFAULT 'published'
    CHECK (status IN ('draft', 'review', 'scheduled', 'published', 'unpublished'));
-- when a scheduled story goes out (the worker publishes it, once)
ALTER TABLE articles ADD COLUMN publish_at INTEGER;
-- the last save in the desk: its content file no longer overwrites it
ALTER TABLE articles ADD COLUMN desk_edited_at INTEGER;
-- the revision the text is at; a save names the one it started from (optimistic lock)
ALTER TABLE articles ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
-- the staff member who started it (a writer edits only their own)
ALTER TABLE articles ADD COLUMN created_by INTEGER REFERENCES staff (id) ON DELETE SET NULL;
-- set at the first publication: the slug is free until then
ALTER TABLE articles ADD COLUMN first_published_at INTEGER;
UPDATE articles SET first_published_at = published_at WHERE withdrawn_at IS NULL;
-- a correction or update note shown on the published story, dated; it moves dateModified
ALTER TABLE articles ADD COLUMN note_kind TEXT NOT NULL DEFAULT 'correction' CHECK (note_kind IN ('correction', 'update'));
ALTER TABLE articles ADD COLUMN note TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN note_at INTEGER;
CREATE INDEX articles_scheduled ON articles (publish_at) WHERE status = 'scheduled';

-- every save of a story in the desk
CREATE TABLE article_revisions (
    article_id    INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    revision      INTEGER NOT NULL,
    slug          TEXT    NOT NULL,
    title         TEXT    NOT NULL,
    standfirst    TEXT    NOT NULL,
    section       TEXT    NOT NULL,
    tags          TEXT    NOT NULL,
    body_markdown TEXT    NOT NULL,
    saved_by      INTEGER REFERENCES staff (id) ON DELETE SET NULL,
    saved_by_name TEXT    NOT NULL,
    saved_at      INTEGER NOT NULL,
    PRIMARY KEY (article_id, revision)
);

-- the addresses a story had after its first publication: they answer 301 to its address now
CREATE TABLE article_old_slugs (
    slug       TEXT    PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE
);
CREATE INDEX article_old_slugs_article ON article_old_slugs (article_id);

PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
