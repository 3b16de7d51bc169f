-- Issue 24: tag pages (see the SQLite migration of the same name).
CREATE TABLE article_tags (
    article_id BIGINT  NOT NULL REFERENCES articles (id) ON DELETE CASCADE DEFERRABLE INITIALLY IMMEDIATE,
    tag        TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    PRIMARY KEY (article_id, tag)
);
CREATE INDEX article_tags_tag ON article_tags (tag, article_id);
