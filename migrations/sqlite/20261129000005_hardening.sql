-- Hardening: confirmation per browser, votes per client address, contact mail, audit of mail.

-- The browsers (reader cookies) that proved an address is theirs by following its
-- confirmation link: they may subscribe it again without a new confirmation. Anyone else
-- asking to mail the address triggers a confirmation, so the bar cannot be used to send mail
-- to someone who did not ask for it.
CREATE TABLE subscriber_readers (
    email        TEXT    NOT NULL,
    reader_id    TEXT    NOT NULL,
    confirmed_at INTEGER NOT NULL,
    PRIMARY KEY (email, reader_id)
);
-- the browsers that owned a confirmed subscription before this table existed
INSERT OR IGNORE INTO subscriber_readers (email, reader_id, confirmed_at)
SELECT email, reader_id, MIN(created_at) FROM subscriptions
WHERE confirmed = 1 AND reader_id IS NOT NULL GROUP BY email, reader_id;

-- each browser has its own subscription rows: a row is never handed to whoever names the same
-- address (that was a takeover), and what a reader is told never depends on another's row.
-- Mail still goes once per address per comment (the outbox groups by address).
DROP INDEX subscriptions_once;
CREATE UNIQUE INDEX subscriptions_once
    ON subscriptions (article_id, email, kind, IFNULL(comment_id, 0), IFNULL(reader_id, ''));

-- a confirmation link confirms what one browser asked for, no more
ALTER TABLE mail_tokens ADD COLUMN reader_id TEXT;

-- one vote per comment per client address too (wpDiscuz's "vote by IP")
ALTER TABLE comment_votes ADD COLUMN ip_hash TEXT;
CREATE INDEX comment_votes_ip ON comment_votes (comment_id, ip_hash) WHERE ip_hash IS NOT NULL;

-- duplicates are found by text, whoever sends them
CREATE INDEX comments_article_body ON comments (article_id, created_at) WHERE status <> 'deleted';

-- the outbox learns Contact Us mail to the editors, and who asked for a confirmation
CREATE TABLE outbox_new (
    id                 INTEGER PRIMARY KEY,
    kind               TEXT    NOT NULL CHECK (kind IN ('confirm', 'notify', 'manage', 'contact')),
    email              TEXT    NOT NULL,
    subscription_id    INTEGER REFERENCES subscriptions (id) ON DELETE SET NULL,
    comment_id         INTEGER REFERENCES comments (id) ON DELETE CASCADE,
    contact_message_id INTEGER REFERENCES contact_messages (id) ON DELETE CASCADE,
    -- the browser that asked for a confirmation mail
    reader_id          TEXT,
    status             TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dropped')),
    created_at         INTEGER NOT NULL,
    attempts           INTEGER NOT NULL DEFAULT 0,
    next_attempt_at    INTEGER NOT NULL,
    lease_owner        TEXT,
    lease_until        INTEGER,
    sent_at            INTEGER,
    last_error         TEXT
);
INSERT INTO outbox_new (id, kind, email, subscription_id, comment_id, status, created_at, attempts,
                        next_attempt_at, lease_owner, lease_until, sent_at, last_error)
SELECT id, kind, email, subscription_id, comment_id, status, created_at, attempts,
       next_attempt_at, lease_owner, lease_until, sent_at, last_error FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE UNIQUE INDEX outbox_once ON outbox (comment_id, email) WHERE kind = 'notify';
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
-- the daily cap per address counts what was sent to it
CREATE INDEX outbox_sent_to ON outbox (email, sent_at) WHERE status = 'sent';

-- Contact Us: the client address's hash, like comments
ALTER TABLE contact_messages ADD COLUMN ip_hash TEXT;
