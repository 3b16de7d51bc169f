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
