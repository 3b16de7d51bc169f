-- The moderation desk: staff accounts and sessions, moderation settings, holds, reports, bans,
-- the audit log, staff alerts, and the Contact Us inbox's states.

CREATE TABLE staff (
    id             INTEGER PRIMARY KEY,
    email          TEXT    NOT NULL UNIQUE,          -- lower-cased
    name           TEXT    NOT NULL,
    role           TEXT    NOT NULL CHECK (role IN ('admin', 'editor', 'moderator')),
    password_hash  TEXT    NOT NULL,                 -- argon2id, PHC string
    -- mail about held comments and reports: at once, an hourly digest, or none
    alerts         TEXT    NOT NULL DEFAULT 'immediate' CHECK (alerts IN ('immediate', 'hourly', 'none')),
    digest_sent_at INTEGER,
    -- the last alert a digest (or the switch to digests) covered
    digest_alert_id INTEGER NOT NULL DEFAULT 0,
    disabled       INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL
);

-- a signed-in browser: only the SHA-256 of the cookie's token is stored
CREATE TABLE staff_sessions (
    hash       TEXT    PRIMARY KEY,
    staff_id   INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX staff_sessions_staff ON staff_sessions (staff_id);

-- moderation: a held comment stays 'pending' until approved; the desk's trash is 'deleted'
-- with its text kept (an author's own delete empties the text and sets no trashed_at)
ALTER TABLE comments ADD COLUMN trashed_at INTEGER;
-- why it was held: 'all', 'first', 'links', 'words', 'reports'
ALTER TABLE comments ADD COLUMN held_for TEXT;
ALTER TABLE comments ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;
ALTER TABLE comments ADD COLUMN featured INTEGER NOT NULL DEFAULT 0;
ALTER TABLE comments ADD COLUMN edited_by_staff INTEGER NOT NULL DEFAULT 0;
-- when it became visible (approved at once, or by an editor)
ALTER TABLE comments ADD COLUMN approved_at INTEGER;
UPDATE comments SET approved_at = created_at WHERE status = 'approved';
CREATE INDEX comments_status_created ON comments (status, created_at);
CREATE INDEX comments_email ON comments (author_email COLLATE NOCASE) WHERE author_email IS NOT NULL;
CREATE INDEX comments_pinned ON comments (article_id) WHERE pinned = 1;

-- per article: comments open, closed (shown, no new ones) or hidden (neither)
ALTER TABLE articles ADD COLUMN comments_mode TEXT NOT NULL DEFAULT 'open'
    CHECK (comments_mode IN ('open', 'closed', 'hidden'));

-- one report per reader per comment
CREATE TABLE reports (
    id          INTEGER PRIMARY KEY,
    comment_id  INTEGER NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    reader_id   TEXT    NOT NULL,
    -- the reporter's client-address hash: reports from one network count once toward a hold
    ip_hash     TEXT,
    reason      TEXT    NOT NULL CHECK (reason IN ('spam', 'abuse', 'off_topic', 'personal', 'other')),
    note        TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    -- an editor dealt with it (approved, trashed, marked spam)
    resolved_at INTEGER,
    UNIQUE (comment_id, reader_id)
);
CREATE INDEX reports_open ON reports (comment_id) WHERE resolved_at IS NULL;

-- bans by email, client-address hash or reader cookie; lifted or expired bans are kept
CREATE TABLE bans (
    id         INTEGER PRIMARY KEY,
    kind       TEXT    NOT NULL CHECK (kind IN ('email', 'address', 'reader')),
    value      TEXT    NOT NULL,
    reason     TEXT    NOT NULL,
    created_by INTEGER REFERENCES staff (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,                              -- NULL: until lifted
    lifted_at  INTEGER,
    lifted_by  INTEGER REFERENCES staff (id) ON DELETE SET NULL
);
CREATE INDEX bans_value ON bans (kind, value) WHERE lifted_at IS NULL;

-- every staff action: who, what, when, before and after
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    staff_id   INTEGER REFERENCES staff (id) ON DELETE SET NULL,
    staff_name TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    target     TEXT    NOT NULL,
    before     TEXT,
    after      TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX audit_log_created ON audit_log (created_at DESC, id DESC);

-- what moderators are told about: a comment held, a comment reported
CREATE TABLE staff_alerts (
    id         INTEGER PRIMARY KEY,
    kind       TEXT    NOT NULL CHECK (kind IN ('held', 'report')),
    comment_id INTEGER NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL
);
CREATE INDEX staff_alerts_created ON staff_alerts (created_at);

-- Contact Us in the desk
ALTER TABLE contact_messages ADD COLUMN state TEXT NOT NULL DEFAULT 'unread'
    CHECK (state IN ('unread', 'read', 'archived'));

-- a reader asks, by email, for a copy of what we keep about the address, or for its erasure;
-- the mailed link's token is stored hashed
CREATE TABLE data_requests (
    hash       TEXT    PRIMARY KEY,
    email      TEXT    NOT NULL,
    action     TEXT    NOT NULL CHECK (action IN ('export', 'erase')),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX data_requests_email ON data_requests (email);

-- the outbox learns staff alerts ('staff': one alert, 'digest': the alerts of an hour) and
-- readers' data requests ('data': the link to export or erase, `purpose` says which)
CREATE TABLE outbox_new (
    id                 INTEGER PRIMARY KEY,
    kind               TEXT    NOT NULL
                       CHECK (kind IN ('confirm', 'notify', 'manage', 'contact', 'staff', 'digest', 'data')),
    email              TEXT    NOT NULL,
    subscription_id    INTEGER REFERENCES subscriptions (id) ON DELETE SET NULL,
    comment_id         INTEGER REFERENCES comments (id) ON DELETE CASCADE,
    contact_message_id INTEGER REFERENCES contact_messages (id) ON DELETE CASCADE,
    reader_id          TEXT,
    -- a staff alert: which one; a digest: the alerts after id `since` up to id `alert_id`
    alert_id           INTEGER REFERENCES staff_alerts (id) ON DELETE CASCADE,
    since              INTEGER,
    purpose            TEXT,
    status             TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dropped')),
    created_at         INTEGER NOT NULL,
    attempts           INTEGER NOT NULL DEFAULT 0,
    next_attempt_at    INTEGER NOT NULL,
    lease_owner        TEXT,
    lease_until        INTEGER,
    sent_at            INTEGER,
    last_error         TEXT
);
INSERT INTO outbox_new (id, kind, email, subscription_id, comment_id, contact_message_id, reader_id,
                        status, created_at, attempts, next_attempt_at, lease_owner, lease_until,
                        sent_at, last_error)
SELECT id, kind, email, subscription_id, comment_id, contact_message_id, reader_id,
       status, created_at, attempts, next_attempt_at, lease_owner, lease_until, sent_at, last_error
FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE UNIQUE INDEX outbox_once ON outbox (comment_id, email) WHERE kind = 'notify';
CREATE UNIQUE INDEX outbox_alert_once ON outbox (alert_id, email) WHERE kind = 'staff';
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_sent_to ON outbox (email, sent_at) WHERE status = 'sent';
