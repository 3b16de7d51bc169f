-- A page of top-level comments is read from its sort's index in order: partial indexes on
-- `parent_id IS NULL` (the same on PostgreSQL, which does not take `parent_id IS NULL` as an
-- equality that keeps an index's order: with `(article_id, parent_id, created_at, id)` it read
-- every top-level comment of the article and sorted them, for every page).
DROP INDEX comments_top_new;
DROP INDEX comments_top_votes;
CREATE INDEX comments_top_new ON comments (article_id, created_at, id) WHERE parent_id IS NULL;
CREATE INDEX comments_top_votes ON comments (article_id, score, id) WHERE parent_id IS NULL;
