-- "Notify of": subscriptions with double opt-in, the tokens mailed to readers, and the outbox
-- that a background worker delivers.

-- one row per email address (lower-cased) that ever subscribed
CREATE TABLE subscribers (
    email           TEXT PRIMARY KEY,
    -- set when the address proved it is theirs (a confirmation link); later subscriptions
    -- of a confirmed address need no new confirmation
    confirmed_at    INTEGER,
    -- the last confirmation mail queued: at most one per 10 minutes
    confirm_sent_at INTEGER
);

CREATE TABLE subscriptions (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    email      TEXT    NOT NULL REFERENCES subscribers (email),
    -- follow_ups: every new comment; my_replies: replies below a comment of this email;
    -- comment_replies: direct replies to comment_id (the comment form's checkbox)
    kind       TEXT    NOT NULL CHECK (kind IN ('follow_ups', 'my_replies', 'comment_replies')),
    comment_id INTEGER REFERENCES comments (id) ON DELETE CASCADE,
    -- the browser (reader cookie) that subscribed: its article page shows the state
    reader_id  TEXT,
    confirmed  INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX subscriptions_once ON subscriptions (article_id, email, kind, IFNULL(comment_id, 0));
CREATE INDEX subscriptions_email ON subscriptions (email);
CREATE INDEX subscriptions_reader ON subscriptions (reader_id, article_id);
CREATE INDEX subscriptions_comment ON subscriptions (comment_id) WHERE comment_id IS NOT NULL;

-- Links in mails carry a random token; only its SHA-256 is stored.
CREATE TABLE mail_tokens (
    hash            TEXT PRIMARY KEY,
    purpose         TEXT    NOT NULL CHECK (purpose IN ('confirm', 'unsubscribe', 'manage')),
    email           TEXT    NOT NULL,
    subscription_id INTEGER REFERENCES subscriptions (id) ON DELETE SET NULL,
    -- what the link was about, kept for the page that answers it after the subscription is gone
    article_id      INTEGER REFERENCES articles (id) ON DELETE CASCADE,
    kind            TEXT,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER,
    used_at         INTEGER
);

-- Mail waiting to leave. Rows are written in the transaction that approved a comment (or made
-- a subscription), and only a worker holding the row's lease sends it.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL CHECK (kind IN ('confirm', 'notify', 'manage')),
    email           TEXT    NOT NULL,
    subscription_id INTEGER REFERENCES subscriptions (id) ON DELETE SET NULL,
    comment_id      INTEGER REFERENCES comments (id) ON DELETE CASCADE,
    status          TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dropped')),
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    -- milliseconds since the epoch
    next_attempt_at INTEGER NOT NULL,
    lease_owner     TEXT,
    lease_until     INTEGER,
    sent_at         INTEGER,
    last_error      TEXT
);
-- each address hears of a comment at most once, whatever subscriptions match it
CREATE UNIQUE INDEX outbox_once ON outbox (comment_id, email) WHERE kind = 'notify';
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
