-- Articles are imported from content/*.md; the slug is their stable identity.
CREATE TABLE articles (
    id            INTEGER PRIMARY KEY,
    slug          TEXT    NOT NULL UNIQUE,
    title         TEXT    NOT NULL,
    standfirst    TEXT    NOT NULL,
    section       TEXT    NOT NULL,
    tags          TEXT    NOT NULL DEFAULT '[]',   -- JSON array of strings
    body_markdown TEXT    NOT NULL,
    body_html     TEXT    NOT NULL,                -- rendered + sanitised at import time
    published_at  INTEGER NOT NULL,                -- unix seconds, UTC
    updated_at    INTEGER NOT NULL
);
CREATE INDEX articles_published ON articles (published_at DESC, id DESC);

CREATE TABLE comments (
    id             INTEGER PRIMARY KEY,
    article_id     INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    -- effective parent: a reply below the depth limit is attached at the limit
    parent_id      INTEGER REFERENCES comments (id) ON DELETE CASCADE,
    depth          INTEGER NOT NULL DEFAULT 1 CHECK (depth >= 1),
    status         TEXT    NOT NULL DEFAULT 'approved'
                   CHECK (status IN ('pending', 'approved', 'spam', 'deleted')),
    author_name    TEXT    NOT NULL,
    author_email   TEXT,                           -- never shown publicly
    body           TEXT    NOT NULL,               -- as the author typed it
    body_html      TEXT    NOT NULL,               -- rendered + sanitised at write time
    created_at     INTEGER NOT NULL,
    -- one comment per form submission: a double click or a re-sent POST finds this row
    submission_key TEXT    NOT NULL UNIQUE
);
CREATE INDEX comments_thread ON comments (article_id, status, created_at, id);
CREATE INDEX comments_parent ON comments (parent_id);

CREATE TABLE contact_messages (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    email      TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    message    TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    submission_key TEXT NOT NULL UNIQUE
);
CREATE INDEX contact_messages_created ON contact_messages (created_at DESC);
