-- Issue 24: stories have authors (see the SQLite migration of the same name).
ALTER TABLE staff ADD COLUMN public_name TEXT NOT NULL DEFAULT '';
ALTER TABLE staff ADD COLUMN bio TEXT NOT NULL DEFAULT '';
ALTER TABLE staff ADD COLUMN author_slug TEXT;
CREATE UNIQUE INDEX staff_author_slug ON staff (author_slug);

CREATE TABLE article_authors (
    article_id BIGINT  NOT NULL REFERENCES articles (id) ON DELETE CASCADE DEFERRABLE INITIALLY IMMEDIATE,
    staff_id   BIGINT  NOT NULL REFERENCES staff (id) ON DELETE CASCADE DEFERRABLE INITIALLY IMMEDIATE,
    position   BIGINT  NOT NULL,
    PRIMARY KEY (article_id, staff_id)
);
CREATE INDEX article_authors_staff ON article_authors (staff_id, article_id);
