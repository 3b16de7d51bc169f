-- Issue 24: search. A story's words as the index holds them (`domain::search::fold` of its
-- headline, and of its standfirst and text), written with the story by the store; filled for
-- older stories at start (`store::search::backfill`).
ALTER TABLE articles ADD COLUMN search_title TEXT;
ALTER TABLE articles ADD COLUMN search_text TEXT;

-- FTS5 over those columns, kept by triggers (external content: the words are not stored twice)
CREATE VIRTUAL TABLE search_articles USING fts5(
    search_title, search_text, content = 'articles', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER search_articles_insert AFTER INSERT ON articles BEGIN
    INSERT INTO search_articles (rowid, search_title, search_text)
        VALUES (new.id, COALESCE(new.search_title, ''), COALESCE(new.search_text, ''));
END;
CREATE TRIGGER search_articles_delete AFTER DELETE ON articles BEGIN
    INSERT INTO search_articles (search_articles, rowid, search_title, search_text)
        VALUES ('delete', old.id, COALESCE(old.search_title, ''), COALESCE(old.search_text, ''));
END;
CREATE TRIGGER search_articles_update AFTER UPDATE OF search_title, search_text ON articles BEGIN
    INSERT INTO search_articles (search_articles, rowid, search_title, search_text)
        VALUES ('delete', old.id, COALESCE(old.search_title, ''), COALESCE(old.search_text, ''));
    INSERT INTO search_articles (rowid, search_title, search_text)
        VALUES (new.id, COALESCE(new.search_title, ''), COALESCE(new.search_text, ''));
END;
INSERT INTO search_articles (search_articles) VALUES ('rebuild');

-- comments by their plain text (every write of a comment writes it), kept by triggers
CREATE VIRTUAL TABLE search_comments USING fts5(
    body_text, content = 'comments', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER search_comments_insert AFTER INSERT ON comments BEGIN
    INSERT INTO search_comments (rowid, body_text) VALUES (new.id, COALESCE(new.body_text, ''));
END;
CREATE TRIGGER search_comments_delete AFTER DELETE ON comments BEGIN
    INSERT INTO search_comments (search_comments, rowid, body_text) VALUES ('delete', old.id, COALESCE(old.body_text, ''));
END;
CREATE TRIGGER search_comments_update AFTER UPDATE OF body_text ON comments BEGIN
    INSERT INTO search_comments (search_comments, rowid, body_text) VALUES ('delete', old.id, COALESCE(old.body_text, ''));
    INSERT INTO search_comments (rowid, body_text) VALUES (new.id, COALESCE(new.body_text, ''));
END;
INSERT INTO search_comments (search_comments) VALUES ('rebuild');
