-- Issue 24: search (see the SQLite migration of the same name). A story's folded words in a
-- tsvector (the headline weighted above the text) and a comment's, each kept by a trigger that
-- runs only when the words change (not on every vote or count), with GIN indexes.
ALTER TABLE articles ADD COLUMN search_title TEXT;
ALTER TABLE articles ADD COLUMN search_text TEXT;
ALTER TABLE articles ADD COLUMN search tsvector;
ALTER TABLE comments ADD COLUMN search tsvector;

CREATE FUNCTION articles_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search := setweight(to_tsvector('simple', COALESCE(NEW.search_title, '')), 'A')
        || to_tsvector('simple', COALESCE(NEW.search_text, ''));
    RETURN NEW;
END
$$;
CREATE TRIGGER articles_search BEFORE INSERT OR UPDATE OF search_title, search_text ON articles
    FOR EACH ROW EXECUTE FUNCTION articles_search();

-- (the comment's own words with the accents of Latin scripts dropped, either case, as the query's
-- words are; `simple` lower-cases; FTS5's tokenizer does the same on SQLite)
CREATE FUNCTION comments_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search := to_tsvector('simple', translate(COALESCE(NEW.body_text, ''),
        'àáâãäåāăąçćčďèéêëēėęěìíîïīįıñńňòóôõöøōőùúûüūůűųýÿžźżśšşţťğłŀÀÁÂÃÄÅĀĂĄÇĆČĎÈÉÊËĒĖĘĚÌÍÎÏĪĮÑŃŇÒÓÔÕÖØŌŐÙÚÛÜŪŮŰŲÝŸŽŹŻŚŠŞŢŤĞŁĿ',
        'aaaaaaaaacccdeeeeeeeeiiiiiiinnnoooooooouuuuuuuuyyzzzsssttgllaaaaaaaaacccdeeeeeeeeiiiiiinnnoooooooouuuuuuuuyyzzzsssttgll'));
    RETURN NEW;
END
$$;
CREATE TRIGGER comments_search BEFORE INSERT OR UPDATE OF body_text ON comments
    FOR EACH ROW EXECUTE FUNCTION comments_search();
UPDATE comments SET body_text = body_text;

CREATE INDEX articles_search ON articles USING gin (search);
CREATE INDEX comments_search ON comments USING gin (search);
