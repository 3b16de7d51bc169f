-- Issue 14: sites come from WordPress + wpDiscuz or Disqus.

-- What an import made from what: an old post (its WordPress id), an old address (the path of its
-- permalink, answered with a 301), a Disqus thread. Running an import again finds its rows here
-- and changes nothing. Comments need no row: their submission key names their origin.
CREATE TABLE import_map (
    source  TEXT    NOT NULL,   -- 'wordpress:<base site url>' / 'disqus:<forum>'
    kind    TEXT    NOT NULL CHECK (kind IN ('post', 'link', 'thread')),
    old_id  TEXT    NOT NULL,
    new_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (source, kind, old_id)
);
CREATE INDEX import_map_old ON import_map (kind, old_id);

-- Votes counted on the old site, where the voters are not known: a reader's vote here adds to
-- them, never replaces them.
ALTER TABLE comments ADD COLUMN imported_up INTEGER NOT NULL DEFAULT 0;
ALTER TABLE comments ADD COLUMN imported_down INTEGER NOT NULL DEFAULT 0;
-- The author's website, as the old site had it (WordPress `comment_author_url`).
ALTER TABLE comments ADD COLUMN author_url TEXT;
-- the redirects and `?replytocom=` look articles up by what they became
CREATE INDEX import_map_new ON import_map (new_id, kind);

-- Imported comments erased at their author's request: a later run of the same import must
-- not bring them back.
CREATE TABLE import_forgotten (
    key TEXT PRIMARY KEY   -- the erased comment's submission key, `import:<source>:<old id>`
);
