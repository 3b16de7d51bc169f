//! Readers' data (GDPR): a copy of everything stored about an email address, and its erasure.
//! Asked for by mail (a link, confirmed by a button, good once) or done by the desk.
//!
//! Addresses are kept lower-cased (Unicode: `ZOË@x.com` is `zoë@x.com`), so the lookups here
//! compare them as they are; `COLLATE NOCASE` would only fold ASCII.
//!
//! Here: whether an address holds data, the mailed links; `export` (the copy) and `erase`.
use crate::{Pool, StoreError};
use db::Conn;
use serde_json::{json, Value};

mod erase;
mod export;
use erase::erase_in;
pub use erase::{erase, Erased};
use export::export_in;
pub use export::{export, export_logged};

/// Whether anything is stored about this address.
pub async fn holds_data(pool: &Pool, email: &str) -> Result<bool, StoreError> {
    Ok(db::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM comments WHERE author_email = $1)
             OR EXISTS (SELECT 1 FROM subscriptions WHERE email = $1)
             OR EXISTS (SELECT 1 FROM subscribers WHERE email = $1)
             OR EXISTS (SELECT 1 FROM contact_messages WHERE email = $1)
             OR EXISTS (SELECT 1 FROM bans WHERE kind = 'email' AND value = $1)",
    )
    .bind(email)
    .fetch_one(pool)
    .await?)
}

/// Queues the mail with the link, at most once per 10 minutes per address and action.
/// Answers whether a mail was queued.
pub async fn request(pool: &Pool, email: &str, action: &str, now: i64) -> Result<bool, StoreError> {
    let mut tx = crate::begin(pool).await?;
    let result = async {
        let recent: bool = db::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM outbox WHERE kind = 'data' AND email = $1 AND purpose = $2 AND created_at > $3)",
        )
        .bind(email)
        .bind(action)
        .bind(now - 600)
        .fetch_one(&mut *tx)
        .await?;
        if recent {
            return Ok(false);
        }
        db::query("INSERT INTO outbox (kind, email, purpose, created_at, next_attempt_at) VALUES ('data', $1, $2, $3, $4)")
            .bind(email)
            .bind(action)
            .bind(now)
            .bind(now * 1000)
            .execute(&mut *tx)
            .await?;
        Ok::<_, StoreError>(true)
    }
    .await;
    crate::end(tx, result).await
}

/// How long a mailed link works (once).
pub const LINK_SECONDS: i64 = 86_400;

/// A new link token for the mail (only its hash is stored); good once, for a day.
pub async fn new_link(pool: &Pool, email: &str, action: &str, now: i64) -> Result<String, StoreError> {
    let token = crate::tokens::random_token();
    db::query(
        "INSERT INTO data_requests (hash, email, action, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(crate::notify::token_hash(&token))
    .bind(email)
    .bind(action)
    .bind(now)
    .bind(now + LINK_SECONDS)
    .execute(pool)
    .await?;
    Ok(token)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    Valid { email: String, action: String },
    Used,
    Expired,
    Unknown,
}

pub async fn link(pool: &Pool, token: &str, now: i64) -> Result<Link, StoreError> {
    let row: Option<(String, String, i64, Option<i64>)> =
        db::query_as("SELECT email, action, expires_at, used_at FROM data_requests WHERE hash = $1")
            .bind(crate::notify::token_hash(token))
            .fetch_optional(pool)
            .await?;
    Ok(match row {
        None => Link::Unknown,
        Some((_, _, _, Some(_))) => Link::Used,
        Some((_, _, expires, None)) if expires <= now => Link::Expired,
        Some((email, action, _, None)) => Link::Valid { email, action },
    })
}

/// What a mailed link did.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkUse {
    /// The export, made once: the link is used up.
    Exported(Value),
    Erased(Erased),
    /// Used, expired or unknown: nothing done.
    Gone(Link),
}

/// Uses a mailed link, once: the export or the erasure it names, marked used and written to
/// the audit log in the same transaction (a second click, or a second request racing the
/// first, finds it used).
pub async fn use_link(
    pool: &Pool,
    token: &str,
    who: &crate::desk::Actor,
    reader_key: impl Fn(&str) -> String,
    now: i64,
) -> Result<LinkUse, StoreError> {
    let mut tx = crate::begin(pool).await?;
    let result = async {
        let hash = crate::notify::token_hash(token);
        let row: Option<(String, String)> = db::query_as(
            "UPDATE data_requests SET used_at = $1 WHERE hash = $2 AND used_at IS NULL AND expires_at > $3
             RETURNING email, action",
        )
        .bind(now)
        .bind(&hash)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((email, action)) = row else {
            let state: Option<(Option<i64>, i64)> =
                db::query_as("SELECT used_at, expires_at FROM data_requests WHERE hash = $1")
                    .bind(&hash)
                    .fetch_optional(&mut *tx)
                    .await?;
            return Ok(LinkUse::Gone(match state {
                None => Link::Unknown,
                Some((Some(_), _)) => Link::Used,
                Some((None, _)) => Link::Expired,
            }));
        };
        let key = reader_key(&email);
        if action == "erase" {
            return Ok(LinkUse::Erased(erase_in(&mut tx, &email, &key, who, now).await?));
        }
        let data = export_in(&mut tx, &email, now).await?;
        crate::desk::audit::record(
            &mut tx,
            who,
            "reader data exported",
            &reader_target(&key),
            None,
            None,
            now,
        )
        .await?;
        Ok::<_, StoreError>(LinkUse::Exported(data))
    }
    .await;
    crate::end(tx, result).await
}

/// How the audit log names a reader: a part of their keyed hash (`reader_key`,
/// `requester::erased_key`), never the address, nor a hash anyone could check addresses against.
fn reader_target(reader_key: &str) -> String {
    let hex = reader_key.rsplit(':').next().unwrap_or(reader_key);
    format!("reader {}", &hex[..hex.len().min(12)])
}

/// The browsers (reader cookies) that are this address's alone: they wrote its comments or
/// made its subscriptions, and never used another address. A browser shared with someone else
/// (a family computer; one someone was talked into confirming a subscription in) is not
/// counted: its votes, reports and comments without an address are not this reader's to see
/// or to erase.
async fn readers_of(conn: &mut Conn, email: &str) -> Result<Vec<String>, db::Error> {
    db::query_scalar(
        "WITH tied (reader_id) AS (
             SELECT reader_id FROM comments WHERE author_email = $1 AND reader_id IS NOT NULL
             UNION SELECT reader_id FROM subscriptions WHERE email = $1 AND reader_id IS NOT NULL)
         SELECT reader_id FROM tied t
         WHERE NOT EXISTS (SELECT 1 FROM comments c WHERE c.reader_id = t.reader_id
                             AND c.author_email IS NOT NULL AND c.author_email <> $1)
           AND NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.reader_id = t.reader_id AND s.email <> $1)
           AND NOT EXISTS (SELECT 1 FROM subscriber_readers r WHERE r.reader_id = t.reader_id AND r.email <> $1)",
    )
    .bind(email)
    .fetch_all(conn)
    .await
}
