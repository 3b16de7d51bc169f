-- Networks (a keyed hash of the client address) each staff account signed in from: when an
-- account is being guessed at from many networks, its own networks are not held back.
CREATE TABLE staff_networks (
    staff_id          INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    network           TEXT    NOT NULL,
    last_signed_in_at INTEGER NOT NULL,
    PRIMARY KEY (staff_id, network)
);

-- A readers'-data request, its export and its erasure look comments and mail up by address
-- (kept lower-cased now: the NOCASE index does not serve a plain comparison), and an erasure
-- finds what the audit log recorded about each comment.
CREATE INDEX comments_author_email ON comments (author_email) WHERE author_email IS NOT NULL;
CREATE INDEX contact_messages_email ON contact_messages (email);
CREATE INDEX outbox_email ON outbox (email);
CREATE INDEX audit_log_target ON audit_log (target);

-- The role of the staff member who made a ban, as it was: a ban is lifted by that role or above,
-- whatever becomes of the account.
ALTER TABLE bans ADD COLUMN created_by_role TEXT;
UPDATE bans SET created_by_role = (SELECT role FROM staff WHERE staff.id = bans.created_by);

-- An imported post its readers can no longer read (password-protected, private, back to draft
-- on the old site): not shown, its address answers 404, until an import finds it public again.
ALTER TABLE articles ADD COLUMN withdrawn_at INTEGER;
