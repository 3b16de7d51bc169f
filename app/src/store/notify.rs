//! Subscriptions, the tokens mailed to readers, and the outbox.
use super::{Pool, StoreError};
use crate::domain::notify::{Kind, LinkState, ManagedSubscription, SubscriptionView};
use sqlx::{Row, SqliteConnection};

/// Confirmation links work this long.
pub const CONFIRM_TTL_SECONDS: i64 = 7 * 24 * 3600;
/// "Manage my subscriptions" links work this long.
pub const MANAGE_TTL_SECONDS: i64 = 7 * 24 * 3600;
/// A confirmation mail is not sent to the same address more often than this.
pub const CONFIRM_RESEND_SECONDS: i64 = 10 * 60;
/// Nor more than this many a day.
pub const CONFIRM_PER_DAY: i64 = 3;

pub fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// The stored form of a mailed token.
pub fn token_hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    crate::reader::hex(&Sha256::digest(token.as_bytes()))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscribed {
    /// The reader's own subscription is confirmed (mail will go out).
    pub confirmed: bool,
    /// A confirmation mail was queued by this call.
    pub confirmation_queued: bool,
}

/// Subscribes `email` (lower-cased by the caller) to `kind` on an article for `reader_id`.
/// Idempotent: the same subscription again is the one row.
///
/// Only a browser that once followed a confirmation link for the address is subscribed at
/// once; any other request queues a confirmation mail (at most one per address per
/// `CONFIRM_RESEND_SECONDS`). Each reader has its own rows: another reader naming the same
/// address gets a row of its own, waiting, and can neither see nor remove the owner's.
pub async fn subscribe(
    pool: &Pool,
    article_id: i64,
    email: &str,
    kind: Kind,
    comment_id: Option<i64>,
    reader_id: &str,
    now: i64,
) -> Result<Subscribed, StoreError> {
    let mut tx = super::begin(pool).await?;
    let result = subscribe_in(&mut tx, article_id, email, kind, comment_id, reader_id, now).await;
    super::end(tx, result.map_err(StoreError::from)).await
}

async fn subscribe_in(
    tx: &mut SqliteConnection,
    article_id: i64,
    email: &str,
    kind: Kind,
    comment_id: Option<i64>,
    reader_id: &str,
    now: i64,
) -> Result<Subscribed, sqlx::Error> {
    sqlx::query("INSERT INTO subscribers (email) VALUES (?) ON CONFLICT (email) DO NOTHING")
        .bind(email)
        .execute(&mut *tx)
        .await?;
    let confirm_sent_at: Option<i64> =
        sqlx::query_scalar("SELECT confirm_sent_at FROM subscribers WHERE email = ?")
            .bind(email)
            .fetch_one(&mut *tx)
            .await?;
    let trusted: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM subscriber_readers WHERE email = ? AND reader_id = ?)",
    )
    .bind(email)
    .bind(reader_id)
    .fetch_one(&mut *tx)
    .await?;
    // the reader's own row; another reader's row for the same address is not touched
    let existing = sqlx::query(
        "SELECT id, confirmed FROM subscriptions
         WHERE article_id = ? AND email = ? AND kind = ? AND IFNULL(comment_id, 0) = IFNULL(?, 0)
           AND reader_id = ?",
    )
    .bind(article_id)
    .bind(email)
    .bind(kind.as_str())
    .bind(comment_id)
    .bind(reader_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (id, confirmed) = match existing {
        Some(row) => {
            let id: i64 = row.get("id");
            let confirmed = row.get::<i64, _>("confirmed") != 0 || trusted;
            if trusted {
                sqlx::query("UPDATE subscriptions SET confirmed = 1 WHERE id = ?")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            (id, confirmed)
        }
        None => {
            let id = sqlx::query_scalar::<_, i64>(
                "INSERT INTO subscriptions (article_id, email, kind, comment_id, reader_id, confirmed, created_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            )
            .bind(article_id)
            .bind(email)
            .bind(kind.as_str())
            .bind(comment_id)
            .bind(reader_id)
            .bind(trusted as i64)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            (id, trusted)
        }
    };
    let mut confirmation_queued = false;
    // at most one per 10 minutes, and at most CONFIRM_PER_DAY a day: an address that never asked
    // for anything cannot be made to receive a stream of confirmation mails
    let today: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM outbox WHERE kind = 'confirm' AND email = ? AND created_at >= ?",
    )
    .bind(email)
    .bind(now - 24 * 3600)
    .fetch_one(&mut *tx)
    .await?;
    let resend_ok =
        confirm_sent_at.is_none_or(|at| now - at >= CONFIRM_RESEND_SECONDS) && today < CONFIRM_PER_DAY;
    if !confirmed && resend_ok {
        enqueue(
            &mut *tx,
            Enqueue {
                kind: "confirm",
                email,
                subscription_id: Some(id),
                reader_id: Some(reader_id),
                ..Default::default()
            },
            now,
        )
        .await?;
        sqlx::query("UPDATE subscribers SET confirm_sent_at = ? WHERE email = ?")
            .bind(now)
            .bind(email)
            .execute(&mut *tx)
            .await?;
        confirmation_queued = true;
    }
    Ok(Subscribed { confirmed, confirmation_queued })
}

/// An outbox row to write.
#[derive(Debug, Default)]
pub struct Enqueue<'a> {
    pub kind: &'a str,
    pub email: &'a str,
    pub subscription_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub contact_message_id: Option<i64>,
    pub reader_id: Option<&'a str>,
}

pub async fn enqueue(conn: &mut SqliteConnection, row: Enqueue<'_>, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO outbox (kind, email, subscription_id, comment_id, contact_message_id, reader_id,
                             created_at, next_attempt_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
    )
    .bind(row.kind)
    .bind(row.email)
    .bind(row.subscription_id)
    .bind(row.comment_id)
    .bind(row.contact_message_id)
    .bind(row.reader_id)
    .bind(now)
    .bind(now * 1000)
    .execute(conn)
    .await?;
    Ok(())
}

/// Queues a "Manage my subscriptions" mail when the address has subscriptions.
pub async fn queue_manage_link(pool: &Pool, email: &str, now: i64) -> Result<bool, StoreError> {
    let mut conn = pool.acquire().await?;
    // only an address that confirmed something gets these: a waiting request an attacker made is
    // no reason to mail anyone
    let has: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM subscriptions WHERE email = ? AND confirmed = 1)")
            .bind(email)
            .fetch_one(&mut *conn)
            .await?;
    if has {
        enqueue(&mut conn, Enqueue { kind: "manage", email, ..Default::default() }, now).await?;
    }
    Ok(has)
}

/// Removes the reader's subscriptions of `kind` on the article — and, for an address this
/// browser confirmed, every other browser's row of that address too, so "Unsubscribe" means no
/// more of this mail. Answers how many were removed.
pub async fn unsubscribe_reader(
    pool: &Pool,
    article_id: i64,
    kind: Kind,
    reader_id: &str,
) -> Result<u64, StoreError> {
    let done = sqlx::query(
        "DELETE FROM subscriptions
         WHERE article_id = ?1 AND kind = ?2
           AND (reader_id = ?3
                OR email IN (SELECT s.email FROM subscriptions s
                             JOIN subscriber_readers r ON r.email = s.email AND r.reader_id = ?3
                             WHERE s.article_id = ?1 AND s.kind = ?2 AND s.reader_id = ?3))",
    )
    .bind(article_id)
    .bind(kind.as_str())
    .bind(reader_id)
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

/// Deletes every row of the same address, article, kind (and comment) as subscription `id`:
/// whoever's browser made them, the address gets no more of this mail.
const SAME_SUBSCRIPTION: &str = "DELETE FROM subscriptions
     WHERE (email, article_id, kind, IFNULL(comment_id, 0)) IN
           (SELECT email, article_id, kind, IFNULL(comment_id, 0) FROM subscriptions WHERE id = ?1)";

/// The reader's "Notify of" subscriptions on an article.
pub async fn for_reader(
    pool: &Pool,
    article_id: i64,
    reader_id: &str,
) -> Result<Vec<SubscriptionView>, StoreError> {
    let rows = sqlx::query(
        "SELECT kind, MAX(confirmed) AS confirmed FROM subscriptions
         WHERE reader_id = ? AND article_id = ? AND kind IN ('follow_ups', 'my_replies')
         GROUP BY kind ORDER BY kind",
    )
    .bind(reader_id)
    .bind(article_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            let kind = Kind::parse(r.get("kind"))?;
            Some(SubscriptionView { kind, confirmed: r.get::<i64, _>("confirmed") != 0 })
        })
        .collect())
}

/// Every subscription of an address, for the "Manage my subscriptions" page.
pub async fn of_email(pool: &Pool, email: &str) -> Result<Vec<ManagedSubscription>, StoreError> {
    let mut conn = pool.acquire().await?;
    Ok(of_email_conn(&mut conn, email).await?)
}

fn managed(r: &sqlx::sqlite::SqliteRow) -> Option<ManagedSubscription> {
    Some(ManagedSubscription {
        id: r.get("id"),
        kind: Kind::parse(r.get("kind"))?,
        confirmed: r.get::<i64, _>("confirmed") != 0,
        article_title: r.get("title"),
        article_path: crate::domain::article::article_path(r.get("slug")),
        comment_id: r.get("comment_id"),
    })
}

/// Removes one subscription of an address (the manage page's "Turn off").
pub async fn remove_of_email(pool: &Pool, email: &str, id: i64) -> Result<bool, StoreError> {
    let owned: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM subscriptions WHERE id = ? AND email = ?)")
            .bind(id)
            .bind(email)
            .fetch_one(pool)
            .await?;
    if !owned {
        return Ok(false);
    }
    let done = sqlx::query(SAME_SUBSCRIPTION).bind(id).execute(pool).await?;
    Ok(done.rows_affected() > 0)
}

// ---------------------------------------------------------------------------------------------
// Tokens

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Confirm,
    Unsubscribe,
    Manage,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Confirm => "confirm",
            Purpose::Unsubscribe => "unsubscribe",
            Purpose::Manage => "manage",
        }
    }
}

/// Makes a token for a mail: the random token goes into the mail, its hash into the table.
/// `reader_id`: for a confirmation, the browser whose requests it confirms.
pub async fn new_token(
    pool: &Pool,
    purpose: Purpose,
    email: &str,
    subscription_id: Option<i64>,
    reader_id: Option<&str>,
    now: i64,
) -> Result<String, StoreError> {
    let token = crate::state::random_token() + &crate::state::random_token();
    let ttl = match purpose {
        Purpose::Confirm => Some(CONFIRM_TTL_SECONDS),
        Purpose::Manage => Some(MANAGE_TTL_SECONDS),
        // an unsubscribe link works for as long as the mail is kept
        Purpose::Unsubscribe => None,
    };
    sqlx::query(
        "INSERT INTO mail_tokens (hash, purpose, email, subscription_id, article_id, kind, created_at, expires_at, reader_id)
         SELECT ?1, ?2, ?3, ?4, s.article_id, s.kind, ?5, ?6, ?7
         FROM (SELECT 1) LEFT JOIN subscriptions s ON s.id = ?4",
    )
    .bind(token_hash(&token))
    .bind(purpose.as_str())
    .bind(email)
    .bind(subscription_id)
    .bind(now)
    .bind(ttl.map(|t| now + t))
    .bind(reader_id)
    .execute(pool)
    .await?;
    Ok(token)
}

struct TokenRow {
    hash: String,
    email: String,
    subscription_id: Option<i64>,
    article_id: Option<i64>,
    kind: Option<String>,
    expires_at: Option<i64>,
    used_at: Option<i64>,
    reader_id: Option<String>,
}

async fn token(
    conn: &mut SqliteConnection,
    purpose: Purpose,
    token: &str,
) -> Result<Option<TokenRow>, sqlx::Error> {
    if token.is_empty() || token.len() > 128 {
        return Ok(None);
    }
    let row = sqlx::query(
        "SELECT hash, email, subscription_id, article_id, kind, expires_at, used_at, reader_id
         FROM mail_tokens WHERE hash = ? AND purpose = ?",
    )
    .bind(token_hash(token))
    .bind(purpose.as_str())
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| TokenRow {
        hash: r.get("hash"),
        email: r.get("email"),
        subscription_id: r.get("subscription_id"),
        article_id: r.get("article_id"),
        kind: r.get("kind"),
        expires_at: r.get("expires_at"),
        used_at: r.get("used_at"),
        reader_id: r.get("reader_id"),
    }))
}

async fn article_title(
    conn: &mut SqliteConnection,
    article_id: Option<i64>,
) -> Result<Option<String>, sqlx::Error> {
    let Some(id) = article_id else { return Ok(None) };
    sqlx::query_scalar("SELECT title FROM articles WHERE id = ?").bind(id).fetch_optional(conn).await
}

/// The subscriptions a confirmation token is about: what its browser asked for (waiting, or
/// once the link was used, confirmed).
async fn pending_of(
    conn: &mut SqliteConnection,
    t: &TokenRow,
    confirmed: bool,
) -> Result<Vec<ManagedSubscription>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT s.id, s.kind, s.confirmed, s.comment_id, a.title, a.slug
         FROM subscriptions s JOIN articles a ON a.id = s.article_id
         WHERE s.email = ?1 AND s.confirmed = ?2 AND (s.reader_id = ?3 OR (?3 IS NULL AND s.id = ?4))
         ORDER BY s.id",
    )
    .bind(&t.email)
    .bind(confirmed as i64)
    .bind(&t.reader_id)
    .bind(t.subscription_id)
    .fetch_all(conn)
    .await?;
    Ok(rows.iter().filter_map(managed).collect())
}

/// What a link is about, without using it.
pub async fn link_state(pool: &Pool, purpose: Purpose, raw: &str, now: i64) -> Result<LinkState, StoreError> {
    let mut conn = pool.acquire().await?;
    let Some(t) = token(&mut conn, purpose, raw).await? else { return Ok(LinkState::Unknown) };
    let article_title = article_title(&mut conn, t.article_id).await?;
    let about = match purpose {
        Purpose::Confirm => pending_of(&mut conn, &t, t.used_at.is_some()).await?,
        Purpose::Manage => of_email_conn(&mut conn, &t.email).await?,
        Purpose::Unsubscribe => match t.subscription_id {
            Some(id) => one(&mut conn, id).await?.into_iter().collect(),
            None => Vec::new(),
        },
    };
    let about = if purpose == Purpose::Unsubscribe && about.is_empty() {
        // the subscription is gone: describe it from the token
        t.kind
            .as_deref()
            .and_then(Kind::parse)
            .map(|kind| ManagedSubscription {
                id: 0,
                kind,
                confirmed: false,
                article_title: article_title.clone().unwrap_or_default(),
                article_path: String::new(),
                comment_id: None,
            })
            .into_iter()
            .collect()
    } else {
        about
    };
    if t.used_at.is_some() && purpose != Purpose::Manage {
        return Ok(LinkState::Done { email: t.email, about, article_title });
    }
    if t.expires_at.is_some_and(|e| e < now) {
        return Ok(LinkState::Expired);
    }
    Ok(LinkState::Open { email: t.email, about, article_title })
}

async fn of_email_conn(
    conn: &mut SqliteConnection,
    email: &str,
) -> Result<Vec<ManagedSubscription>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT s.id, s.kind, s.confirmed, s.comment_id, a.title, a.slug
         FROM subscriptions s JOIN articles a ON a.id = s.article_id
         WHERE s.email = ? ORDER BY s.created_at DESC, s.id DESC",
    )
    .bind(email)
    .fetch_all(conn)
    .await?;
    Ok(rows.iter().filter_map(managed).collect())
}

async fn one(conn: &mut SqliteConnection, id: i64) -> Result<Option<ManagedSubscription>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT s.id, s.kind, s.confirmed, s.comment_id, a.title, a.slug
         FROM subscriptions s JOIN articles a ON a.id = s.article_id WHERE s.id = ?",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(row.as_ref().and_then(managed))
}

/// What using a link did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkUse {
    Unknown,
    Expired,
    /// Used before: nothing changed.
    AlreadyUsed,
    Done,
}

/// Confirms what a confirmation token's browser asked for: its waiting subscriptions of the
/// address start, and `confirming_reader` (the browser that followed the link) may subscribe
/// the address again without a new confirmation. Single use.
pub async fn confirm(
    pool: &Pool,
    raw: &str,
    confirming_reader: &str,
    now: i64,
) -> Result<LinkUse, StoreError> {
    let mut tx = super::begin(pool).await?;
    let result = confirm_in(&mut tx, raw, now, Some(confirming_reader)).await;
    super::end(tx, result).await
}

/// The confirmation mail's Cancel: those waiting subscriptions are removed. Single use.
pub async fn cancel(pool: &Pool, raw: &str, now: i64) -> Result<LinkUse, StoreError> {
    let mut tx = super::begin(pool).await?;
    let result = confirm_in(&mut tx, raw, now, None).await;
    super::end(tx, result).await
}

async fn confirm_in(
    tx: &mut SqliteConnection,
    raw: &str,
    now: i64,
    accept: Option<&str>,
) -> Result<LinkUse, StoreError> {
    let Some(t) = token(&mut *tx, Purpose::Confirm, raw).await? else { return Ok(LinkUse::Unknown) };
    if t.used_at.is_some() {
        return Ok(LinkUse::AlreadyUsed);
    }
    if t.expires_at.is_some_and(|e| e < now) {
        return Ok(LinkUse::Expired);
    }
    sqlx::query("UPDATE mail_tokens SET used_at = ? WHERE hash = ?")
        .bind(now)
        .bind(&t.hash)
        .execute(&mut *tx)
        .await?;
    // the requests of the browser that asked (tokens from before: the one subscription)
    let which = "email = ?1 AND confirmed = 0 AND (reader_id = ?2 OR (?2 IS NULL AND id = ?3))";
    if let Some(confirming_reader) = accept {
        sqlx::query("UPDATE subscribers SET confirmed_at = COALESCE(confirmed_at, ?) WHERE email = ?")
            .bind(now)
            .bind(&t.email)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO subscriber_readers (email, reader_id, confirmed_at) VALUES (?, ?, ?)
             ON CONFLICT DO NOTHING",
        )
        .bind(&t.email)
        .bind(confirming_reader)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(sqlx::AssertSqlSafe(format!("UPDATE subscriptions SET confirmed = 1 WHERE {which}")))
            .bind(&t.email)
            .bind(&t.reader_id)
            .bind(t.subscription_id)
            .execute(&mut *tx)
            .await?;
    } else {
        sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM subscriptions WHERE {which}")))
            .bind(&t.email)
            .bind(&t.reader_id)
            .bind(t.subscription_id)
            .execute(&mut *tx)
            .await?;
    }
    Ok(LinkUse::Done)
}

/// An unsubscribe link (from a mail, or its one-click POST): removes that subscription.
/// Using it again is harmless.
pub async fn unsubscribe_token(pool: &Pool, raw: &str, now: i64) -> Result<LinkUse, StoreError> {
    let mut tx = super::begin(pool).await?;
    let result = async {
        let Some(t) = token(&mut tx, Purpose::Unsubscribe, raw).await? else { return Ok(LinkUse::Unknown) };
        if let Some(id) = t.subscription_id {
            // every browser's row of this address for this mail, not only the one it was sent for
            sqlx::query(SAME_SUBSCRIPTION).bind(id).execute(&mut *tx).await?;
        }
        sqlx::query("UPDATE mail_tokens SET used_at = COALESCE(used_at, ?) WHERE hash = ?")
            .bind(now)
            .bind(&t.hash)
            .execute(&mut *tx)
            .await?;
        Ok::<_, StoreError>(if t.used_at.is_some() { LinkUse::AlreadyUsed } else { LinkUse::Done })
    }
    .await;
    super::end(tx, result).await
}

/// The address a valid "manage" link stands for.
pub async fn manage_email(pool: &Pool, raw: &str, now: i64) -> Result<Option<String>, StoreError> {
    let mut conn = pool.acquire().await?;
    Ok(token(&mut conn, Purpose::Manage, raw)
        .await?
        .filter(|t| t.expires_at.is_none_or(|e| e >= now))
        .map(|t| t.email))
}

// ---------------------------------------------------------------------------------------------
// Who hears of a comment

/// Queues the notifications for a comment that has just become approved, inside the
/// transaction that approved it. The three rules: `follow_ups` (every comment on the
/// article), `my_replies` (an approved ancestor was written with the subscriber's email),
/// `comment_replies` (a direct reply to the subscribed comment). Never the comment's own
/// author; one mail per address per comment; confirmed subscriptions only.
pub async fn enqueue_for_comment(
    conn: &mut SqliteConnection,
    comment_id: i64,
    now: i64,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "WITH RECURSIVE
           new AS (
             SELECT id, article_id, parent_id, LOWER(IFNULL(author_email, '')) AS author_email,
                    IFNULL(reader_id, '') AS reader_id
             FROM comments WHERE id = ?1 AND status = 'approved'
           ),
           chain (id, parent_id) AS (
             SELECT c.id, c.parent_id FROM comments c JOIN new ON c.id = new.parent_id
             UNION ALL
             SELECT c.id, c.parent_id FROM comments c JOIN chain ON c.id = chain.parent_id
           ),
           ancestors AS (
             SELECT DISTINCT LOWER(c.author_email) AS email FROM chain JOIN comments c ON c.id = chain.id
             WHERE c.status = 'approved' AND c.author_email IS NOT NULL
           )
         INSERT INTO outbox (kind, email, subscription_id, comment_id, created_at, next_attempt_at)
         SELECT 'notify', s.email, MIN(s.id), ?1, ?2, ?3
         FROM subscriptions s JOIN new ON s.article_id = new.article_id
         WHERE s.confirmed = 1
           AND s.email <> new.author_email
           AND (new.reader_id = '' OR IFNULL(s.reader_id, '') <> new.reader_id)
           AND (s.kind = 'follow_ups'
                OR (s.kind = 'comment_replies' AND s.comment_id = new.parent_id)
                OR (s.kind = 'my_replies' AND s.email IN (SELECT email FROM ancestors)))
         GROUP BY s.email
         ON CONFLICT DO NOTHING",
    )
    .bind(comment_id)
    .bind(now)
    .bind(now * 1000)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Approves a held comment and queues its notifications in the same transaction.
/// Answers `false` when there was no held comment with that id.
pub async fn approve(pool: &Pool, comment_id: i64, now: i64) -> Result<bool, StoreError> {
    let mut tx = super::begin(pool).await?;
    let result = async {
        let row = sqlx::query(
            "UPDATE comments SET status = 'approved' WHERE id = ? AND status = 'pending'
             RETURNING article_id, root_id",
        )
        .bind(comment_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else { return Ok(false) };
        let article_id: i64 = row.get("article_id");
        let root: Option<i64> = row.get("root_id");
        sqlx::query("UPDATE articles SET comment_count = comment_count + 1 WHERE id = ?")
            .bind(article_id)
            .execute(&mut *tx)
            .await?;
        if let Some(root) = root.filter(|r| *r != comment_id) {
            sqlx::query("UPDATE comments SET reply_count = reply_count + 1 WHERE id = ?")
                .bind(root)
                .execute(&mut *tx)
                .await?;
        }
        enqueue_for_comment(&mut tx, comment_id, now).await?;
        Ok::<_, StoreError>(true)
    }
    .await;
    super::end(tx, result).await
}

// ---------------------------------------------------------------------------------------------
// The outbox

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    pub id: i64,
    pub kind: String,
    pub email: String,
    pub subscription_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub contact_message_id: Option<i64>,
    /// For a confirmation: the browser that asked.
    pub reader_id: Option<String>,
    pub attempts: i64,
}

/// Takes up to `limit` due rows for `owner` until `lease_until` (ms). A row whose lease ran
/// out (its worker died) is due again.
pub async fn claim(
    pool: &Pool,
    owner: &str,
    now_ms: i64,
    lease_ms: i64,
    limit: i64,
) -> Result<Vec<OutboxRow>, StoreError> {
    let mut tx = super::begin(pool).await?;
    let result = sqlx::query(
        "UPDATE outbox SET lease_owner = ?1, lease_until = ?2
         WHERE id IN (SELECT id FROM outbox
                      WHERE status = 'pending' AND next_attempt_at <= ?3
                        AND (lease_until IS NULL OR lease_until < ?3)
                      ORDER BY next_attempt_at, id LIMIT ?4)
         RETURNING id, kind, email, subscription_id, comment_id, contact_message_id, reader_id, attempts",
    )
    .bind(owner)
    .bind(now_ms + lease_ms)
    .bind(now_ms)
    .bind(limit)
    .fetch_all(&mut *tx)
    .await
    .map_err(StoreError::from);
    let rows = super::end(tx, result).await?;
    let mut rows: Vec<OutboxRow> = rows
        .iter()
        .map(|r| OutboxRow {
            id: r.get("id"),
            kind: r.get("kind"),
            email: r.get("email"),
            subscription_id: r.get("subscription_id"),
            comment_id: r.get("comment_id"),
            contact_message_id: r.get("contact_message_id"),
            reader_id: r.get("reader_id"),
            attempts: r.get("attempts"),
        })
        .collect();
    rows.sort_by_key(|r| r.id);
    Ok(rows)
}

/// The latest mails given up on that a reader or editor missed, newest first: refused by the
/// SMTP server (it was tried), or over the address's daily cap. Mail that had nothing left to
/// say (unsubscribed meanwhile, comment deleted) is not listed.
pub async fn undelivered(
    pool: &Pool,
    limit: i64,
) -> Result<Vec<crate::api::admin::UndeliveredMail>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, kind, email, IFNULL(last_error, '') AS error, attempts, created_at
         FROM outbox WHERE status = 'dropped' AND (attempts > 0 OR last_error LIKE 'daily cap%')
         ORDER BY id DESC LIMIT ?",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| crate::api::admin::UndeliveredMail {
            id: r.get("id"),
            kind: r.get("kind"),
            email: r.get("email"),
            error: r.get("error"),
            attempts: r.get("attempts"),
            created_at: r.get("created_at"),
        })
        .collect())
}

/// Keeps row `id` reserved for `owner` until `until_ms`; answers `false` if the row is no
/// longer `owner`'s (its lease ran out and another worker took it) or no longer pending.
pub async fn renew_lease(pool: &Pool, id: i64, owner: &str, until_ms: i64) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE outbox SET lease_until = ? WHERE id = ? AND lease_owner = ? AND status = 'pending'",
    )
    .bind(until_ms)
    .bind(id)
    .bind(owner)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Keeps every row `owner` holds reserved until `until_ms` (while it is sending).
pub async fn renew_leases(pool: &Pool, owner: &str, until_ms: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE outbox SET lease_until = ? WHERE lease_owner = ? AND status = 'pending'")
        .bind(until_ms)
        .bind(owner)
        .execute(pool)
        .await?;
    Ok(())
}

/// How many mails were sent to `email` since `since` (seconds): the daily cap counts these.
pub async fn sent_to_since(pool: &Pool, email: &str, since: i64) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE email = ? AND status = 'sent' AND sent_at >= ?")
        .bind(email)
        .bind(since)
        .fetch_one(pool)
        .await?)
}

/// The transport accepted the mail.
pub async fn mark_sent(pool: &Pool, id: i64, owner: &str, now: i64) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE outbox SET status = 'sent', sent_at = ?, lease_owner = NULL, lease_until = NULL
         WHERE id = ? AND lease_owner = ?",
    )
    .bind(now)
    .bind(id)
    .bind(owner)
    .execute(pool)
    .await?;
    Ok(())
}

/// Sending failed: try again at `next_attempt_ms`.
pub async fn mark_failed(
    pool: &Pool,
    id: i64,
    owner: &str,
    error: &str,
    next_attempt_ms: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?,
                lease_owner = NULL, lease_until = NULL
         WHERE id = ? AND lease_owner = ?",
    )
    .bind(error)
    .bind(next_attempt_ms)
    .bind(id)
    .bind(owner)
    .execute(pool)
    .await?;
    Ok(())
}

/// The SMTP server refused the mail for good (5xx): given up after this attempt.
pub async fn mark_refused(pool: &Pool, id: i64, owner: &str, reason: &str) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE outbox SET status = 'dropped', last_error = ?, attempts = attempts + 1,
                           lease_owner = NULL, lease_until = NULL
         WHERE id = ? AND lease_owner = ?",
    )
    .bind(reason)
    .bind(id)
    .bind(owner)
    .execute(pool)
    .await?;
    Ok(())
}

/// Nothing to send any more (the reader unsubscribed, the comment was deleted, the address
/// reached its daily cap).
pub async fn mark_dropped(pool: &Pool, id: i64, owner: &str, reason: &str) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE outbox SET status = 'dropped', last_error = ?, lease_owner = NULL, lease_until = NULL
         WHERE id = ? AND lease_owner = ?",
    )
    .bind(reason)
    .bind(id)
    .bind(owner)
    .execute(pool)
    .await?;
    Ok(())
}

/// What a notification mail tells.
#[derive(Debug, Clone)]
pub struct NotifyDetails {
    pub kind: Kind,
    pub article_title: String,
    pub article_slug: String,
    pub comment_id: i64,
    pub author_name: String,
    pub body: String,
    pub is_reply: bool,
}

/// The details for a `notify` row, or `None` when the mail should no longer go out
/// (subscription removed or unconfirmed, comment no longer approved).
pub async fn notify_details(
    pool: &Pool,
    subscription_id: i64,
    comment_id: i64,
) -> Result<Option<NotifyDetails>, StoreError> {
    let row = sqlx::query(
        "SELECT s.kind, a.title, a.slug, c.id, c.author_name, c.body, c.parent_id
         FROM subscriptions s JOIN comments c ON c.id = ?2 AND c.status = 'approved'
         JOIN articles a ON a.id = c.article_id
         WHERE s.id = ?1 AND s.confirmed = 1",
    )
    .bind(subscription_id)
    .bind(comment_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(|r| {
        Some(NotifyDetails {
            kind: Kind::parse(r.get("kind"))?,
            article_title: r.get("title"),
            article_slug: r.get("slug"),
            comment_id: r.get("id"),
            author_name: r.get("author_name"),
            body: r.get("body"),
            is_reply: r.get::<Option<i64>, _>("parent_id").is_some(),
        })
    }))
}

/// The article and kind of a waiting subscription, for its confirmation mail; `None` once it
/// is confirmed or gone.
pub async fn confirm_details(
    pool: &Pool,
    subscription_id: i64,
) -> Result<Option<(Kind, String, String)>, StoreError> {
    let row = sqlx::query(
        "SELECT s.kind, a.title, a.slug FROM subscriptions s JOIN articles a ON a.id = s.article_id
         WHERE s.id = ? AND s.confirmed = 0",
    )
    .bind(subscription_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(|r| Some((Kind::parse(r.get("kind"))?, r.get("title"), r.get("slug")))))
}
