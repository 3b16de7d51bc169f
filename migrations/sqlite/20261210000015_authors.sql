-- Issue 24: stories have authors. A staff member's public face: the name their byline shows
-- (empty: their account's name), a short bio, and the address of their author page
-- (`/authors/{author_slug}`, given at creation and by `store::staff::backfill_author_slugs`).
ALTER TABLE staff ADD COLUMN public_name TEXT NOT NULL DEFAULT '';
ALTER TABLE staff ADD COLUMN bio TEXT NOT NULL DEFAULT '';
ALTER TABLE staff ADD COLUMN author_slug TEXT;
CREATE UNIQUE INDEX staff_author_slug ON staff (author_slug);

-- a story's authors, in byline order (none: "the newsroom")
CREATE TABLE article_authors (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    staff_id   INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    PRIMARY KEY (article_id, staff_id)
);
CREATE INDEX article_authors_staff ON article_authors (staff_id, article_id);
