-- Networks (a keyed hash of the client address) each staff account signed in from: when an
-- account is being guessed at from many networks, its own networks are not held back.
CREATE TABLE staff_networks (
    staff_id          INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    network           TEXT    NOT NULL,
    last_signed_in_at INTEGER NOT NULL,
    PRIMARY KEY (staff_id, network)
);
