-- Issue 24: stories written in the desk (see the SQLite migration of the same name).
ALTER TABLE staff DROP CONSTRAINT staff_role_check;
ALTER TABLE staff ADD CONSTRAINT staff_role_check CHECK (role IN ('admin', 'editor', 'writer', 'moderator'));

ALTER TABLE articles ADD COLUMN status TEXT NOT NULL DEFAULT 'published'
    CHECK (status IN ('draft', 'review', 'scheduled', 'published', 'unpublished'));
ALTER TABLE articles ADD COLUMN publish_at BIGINT;
ALTER TABLE articles ADD COLUMN desk_edited_at BIGINT;
ALTER TABLE articles ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN created_by BIGINT REFERENCES staff (id) ON DELETE SET NULL DEFERRABLE INITIALLY IMMEDIATE;
ALTER TABLE articles ADD COLUMN first_published_at BIGINT;
UPDATE articles SET first_published_at = published_at WHERE withdrawn_at IS NULL;
-- a correction or update note shown on the published story, dated; it moves dateModified
ALTER TABLE articles ADD COLUMN note_kind TEXT NOT NULL DEFAULT 'correction' CHECK (note_kind IN ('correction', 'update'));
ALTER TABLE articles ADD COLUMN note TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN note_at BIGINT;
CREATE INDEX articles_scheduled ON articles (publish_at) WHERE status = 'scheduled';

CREATE TABLE article_revisions (
    article_id    BIGINT  NOT NULL REFERENCES articles (id) ON DELETE CASCADE DEFERRABLE INITIALLY IMMEDIATE,
    revision      BIGINT  NOT NULL,
    slug          TEXT    NOT NULL,
    title         TEXT    NOT NULL,
    standfirst    TEXT    NOT NULL,
    section       TEXT    NOT NULL,
    tags          TEXT    NOT NULL,
    body_markdown TEXT    NOT NULL,
    saved_by      BIGINT  REFERENCES staff (id) ON DELETE SET NULL DEFERRABLE INITIALLY IMMEDIATE,
    saved_by_name TEXT    NOT NULL,
    saved_at      BIGINT  NOT NULL,
    PRIMARY KEY (article_id, revision)
);

-- the addresses a story had after its first publication: they answer 301 to its address now
CREATE TABLE article_old_slugs (
    slug       TEXT    PRIMARY KEY,
    article_id BIGINT  NOT NULL REFERENCES articles (id) ON DELETE CASCADE DEFERRABLE INITIALLY IMMEDIATE
);
CREATE INDEX article_old_slugs_article ON article_old_slugs (article_id);
