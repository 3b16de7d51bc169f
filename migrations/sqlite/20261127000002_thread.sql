-- The thread at wpDiscuz parity: votes, edit/delete by the author, keyset pages, counters.

-- the top-level comment a reply belongs to (itself for a top-level comment)
ALTER TABLE comments ADD COLUMN root_id INTEGER REFERENCES comments (id) ON DELETE CASCADE;
-- the reader (signed cookie) who wrote it: may edit and delete it for a while, may not vote on it
ALTER TABLE comments ADD COLUMN reader_id TEXT;
ALTER TABLE comments ADD COLUMN score INTEGER NOT NULL DEFAULT 0;
ALTER TABLE comments ADD COLUMN upvotes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE comments ADD COLUMN downvotes INTEGER NOT NULL DEFAULT 0;
-- on a top-level comment: approved replies at any depth ("Hottest thread")
ALTER TABLE comments ADD COLUMN reply_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE comments ADD COLUMN edited_at INTEGER;
-- the IP's hash is kept for rate limits and abuse review, never the IP itself
ALTER TABLE comments ADD COLUMN ip_hash TEXT;

WITH RECURSIVE chain (id, root) AS (
    SELECT id, id FROM comments WHERE parent_id IS NULL
    UNION ALL
    SELECT c.id, chain.root FROM comments c JOIN chain ON c.parent_id = chain.id
)
UPDATE comments SET root_id = (SELECT root FROM chain WHERE chain.id = comments.id);

UPDATE comments SET reply_count = (
    SELECT COUNT(*) FROM comments r
    WHERE r.root_id = comments.id AND r.id <> comments.id AND r.status = 'approved'
) WHERE parent_id IS NULL;

-- keyset pages of top-level comments, one index per sort
CREATE INDEX comments_top_new ON comments (article_id, parent_id, created_at, id);
CREATE INDEX comments_top_votes ON comments (article_id, parent_id, score, id);
CREATE INDEX comments_top_hot ON comments (article_id, parent_id, reply_count, id);
CREATE INDEX comments_by_root ON comments (root_id, created_at, id);
CREATE INDEX comments_by_score ON comments (article_id, status, score, id);
CREATE INDEX comments_reader ON comments (reader_id, created_at);

CREATE TABLE comment_votes (
    comment_id INTEGER NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    reader_id  TEXT    NOT NULL,
    value      INTEGER NOT NULL CHECK (value IN (-1, 1)),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (comment_id, reader_id)
);

-- "N Comments" without counting the thread on every page view
ALTER TABLE articles ADD COLUMN comment_count INTEGER NOT NULL DEFAULT 0;
UPDATE articles SET comment_count = (
    SELECT COUNT(*) FROM comments c WHERE c.article_id = articles.id AND c.status = 'approved'
);

-- server-wide settings, e.g. the key that signs reader cookies when none is configured
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- unlisted articles are served at their URL but left off the front page and the sitemap
ALTER TABLE articles ADD COLUMN listed INTEGER NOT NULL DEFAULT 1;
