-- Issue 24: tag pages. Each tag of a story, by its address (`domain::listing::tag_slug`), kept
-- with the story's tags (a JSON list in `articles.tags`, as the story spells them) by every
-- write of them; `store::articles::backfill_tags` fills it for stories written before.
CREATE TABLE article_tags (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    tag        TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    PRIMARY KEY (article_id, tag)
);
CREATE INDEX article_tags_tag ON article_tags (tag, article_id);

-- the list pages and the archive's months read published, listed stories newest first: an index
-- of just those (a scan of the table would read every story's text)
CREATE INDEX articles_listed ON articles (published_at DESC, id DESC)
    WHERE listed = 1 AND status = 'published' AND withdrawn_at IS NULL;
-- a section page asked for by name (any case) finds whether the section exists by this index
CREATE INDEX articles_section ON articles (lower(section));
