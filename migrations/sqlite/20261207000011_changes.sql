-- Issue 23: what every server on the database must hear of — a comment shown, an article's
-- page changed, the whole site changed (settings, an erasure, an import run by another
-- process). The server that made a change applied it already; the others read the rows after
-- the last one they saw (`server::changes::follow`) and drop their kept pages or announce the
-- comment to their live streams. Rows older than an hour are swept out.
-- AUTOINCREMENT: an id is never handed out twice, so "after the last one I saw" stays true
-- after a sweep.
CREATE TABLE changes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    origin     TEXT    NOT NULL,     -- the server (or command) that made it
    kind       TEXT    NOT NULL CHECK (kind IN ('comment', 'article', 'site')),
    article_id INTEGER,
    comment_id INTEGER,
    created_at INTEGER NOT NULL      -- milliseconds
);
