-- "Inline Feedbacks": passages of an article that readers comment on.
CREATE TABLE passages (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    -- editor: marked in the article's front matter, with a question; reader: selected by a reader
    origin     TEXT    NOT NULL CHECK (origin IN ('editor', 'reader')),
    -- the editor's own id for the passage (front matter `id:`), matched on re-import
    key        TEXT,
    question   TEXT,
    -- the W3C TextQuoteSelector, against the article's plain text (see domain::passage)
    quote      TEXT    NOT NULL,
    prefix     TEXT    NOT NULL,
    suffix     TEXT    NOT NULL,
    position   INTEGER NOT NULL,
    -- where the passage is in the current text (characters); NULL: it could not be found again
    start_at   INTEGER,
    end_at     INTEGER,
    -- an editor passage still marked in the front matter (reader passages: always 1)
    marked     INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
);
CREATE INDEX passages_article ON passages (article_id, start_at);

-- a feedback is a top-level comment on a passage
ALTER TABLE comments ADD COLUMN passage_id INTEGER REFERENCES passages (id);
CREATE INDEX comments_passage ON comments (passage_id, created_at) WHERE passage_id IS NOT NULL;
CREATE INDEX comments_feedback ON comments (article_id, created_at, id) WHERE passage_id IS NOT NULL;
