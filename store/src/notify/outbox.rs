//! Who hears of a comment, and the outbox the mail worker empties.
use crate::{Pool, StoreError};
use db::Conn;
use domain::notify::Kind;

/// Queues the notifications for a comment that has just become approved, inside the
/// transaction that approved it. The three rules: `follow_ups` (every comment on the
/// article), `my_replies` (an approved ancestor was written with the subscriber's email),
/// `comment_replies` (a direct reply to the subscribed comment). Never the comment's own
/// author; one mail per address per comment; confirmed subscriptions only.
pub async fn enqueue_for_comment(conn: &mut Conn, comment_id: i64, now: i64) -> Result<u64, db::Error> {
    let done = db::query(
        "WITH RECURSIVE
           new AS (
             SELECT id, article_id, parent_id, LOWER(COALESCE(author_email, '')) AS author_email,
                    COALESCE(reader_id, '') AS reader_id
             FROM comments WHERE id = $1 AND status = 'approved'
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
         SELECT 'notify', s.email, MIN(s.id), $1, $2, $3
         FROM subscriptions s JOIN new ON s.article_id = new.article_id
         WHERE s.confirmed = 1
           AND s.email <> new.author_email
           AND (new.reader_id = '' OR COALESCE(s.reader_id, '') <> new.reader_id)
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
    let mut tx = crate::begin(pool).await?;
    let result = async {
        let row: Option<(i64, Option<i64>)> = db::query_as(
            "UPDATE comments SET status = 'approved' WHERE id = $1 AND status = 'pending'
             RETURNING article_id, root_id",
        )
        .bind(comment_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((article_id, root)) = row else { return Ok(false) };
        db::query("UPDATE articles SET comment_count = comment_count + 1 WHERE id = $1")
            .bind(article_id)
            .execute(&mut *tx)
            .await?;
        if let Some(root) = root.filter(|r| *r != comment_id) {
            db::query("UPDATE comments SET reply_count = reply_count + 1 WHERE id = $1")
                .bind(root)
                .execute(&mut *tx)
                .await?;
        }
        enqueue_for_comment(&mut tx, comment_id, now).await?;
        Ok::<_, StoreError>(true)
    }
    .await;
    crate::end(tx, result).await
}

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
    /// A staff alert: which one.
    pub alert_id: Option<i64>,
    /// A digest: the alerts after this time, up to `created_at`.
    pub since: Option<i64>,
    pub created_at: i64,
    /// A reader-data mail: `export` or `erase`.
    pub purpose: Option<String>,
}
db::from_row!(OutboxRow {
    id,
    kind,
    email,
    subscription_id,
    comment_id,
    contact_message_id,
    reader_id,
    attempts,
    alert_id,
    since,
    created_at,
    purpose,
});

/// Takes up to `limit` due rows for `owner` until `lease_until` (ms). A row whose lease ran
/// out (its worker died) is due again, and so is a row `owner` still holds: its round ended
/// before sending it (the database refused a write for a moment), and no other worker may take
/// it until the lease runs out, so the rows would wait a whole lease for nothing.
pub async fn claim(
    pool: &Pool,
    owner: &str,
    now_ms: i64,
    lease_ms: i64,
    limit: i64,
) -> Result<Vec<OutboxRow>, StoreError> {
    // most wakes find nothing due (a comment nobody follows): a read says so without taking
    // the write lock; the claim below looks again under it
    let any_due: bool = db::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM outbox
             WHERE status = 'pending' AND next_attempt_at <= $1
               AND (lease_until IS NULL OR lease_until < $1 OR lease_owner = $2))",
    )
    .bind(now_ms)
    .bind(owner)
    .fetch_one(pool)
    .await?;
    if !any_due {
        return Ok(Vec::new());
    }
    let mut tx = crate::begin(pool).await?;
    let result = db::query_as(
        "UPDATE outbox SET lease_owner = $1, lease_until = $2
         WHERE id IN (SELECT id FROM outbox
                      WHERE status = 'pending' AND next_attempt_at <= $3
                        AND (lease_until IS NULL OR lease_until < $3 OR lease_owner = $1)
                      ORDER BY next_attempt_at, id LIMIT $4)
         RETURNING id, kind, email, subscription_id, comment_id, contact_message_id, reader_id, attempts,
                   alert_id, since, created_at, purpose",
    )
    // PostgreSQL: rows another worker is claiming are passed over, not waited for
    .or_postgres(
        "UPDATE outbox SET lease_owner = $1, lease_until = $2
         WHERE id IN (SELECT id FROM outbox
                      WHERE status = 'pending' AND next_attempt_at <= $3
                        AND (lease_until IS NULL OR lease_until < $3 OR lease_owner = $1)
                      ORDER BY next_attempt_at, id LIMIT $4
                      FOR UPDATE SKIP LOCKED)
         RETURNING id, kind, email, subscription_id, comment_id, contact_message_id, reader_id, attempts,
                   alert_id, since, created_at, purpose",
    )
    .bind(owner)
    .bind(now_ms + lease_ms)
    .bind(now_ms)
    .bind(limit)
    .fetch_all(&mut *tx)
    .await
    .map_err(StoreError::from);
    let mut rows: Vec<OutboxRow> = crate::end(tx, result).await?;
    rows.sort_by_key(|r| r.id);
    Ok(rows)
}

use domain::notify::UndeliveredMail;
db::from_row!(UndeliveredMail { id, kind, email, error, attempts, created_at });

/// The latest mails given up on that a reader or editor missed, newest first: refused by the
/// SMTP server (it was tried), or over the address's daily cap. Mail that had nothing left to
/// say (unsubscribed meanwhile, comment deleted) is not listed.
pub async fn undelivered(pool: &Pool, limit: i64) -> Result<Vec<UndeliveredMail>, StoreError> {
    Ok(db::query_as(
        "SELECT id, kind, email, COALESCE(last_error, '') AS error, attempts, created_at
         FROM outbox WHERE status = 'dropped' AND (attempts > 0 OR last_error LIKE 'daily cap%')
         ORDER BY id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// Keeps row `id` reserved for `owner` until `until_ms`; answers `false` if the row is no
/// longer `owner`'s (its lease ran out and another worker took it) or no longer pending.
pub async fn renew_lease(pool: &Pool, id: i64, owner: &str, until_ms: i64) -> Result<bool, StoreError> {
    let done = db::query(
        "UPDATE outbox SET lease_until = $1 WHERE id = $2 AND lease_owner = $3 AND status = 'pending'",
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
    db::query("UPDATE outbox SET lease_until = $1 WHERE lease_owner = $2 AND status = 'pending'")
        .bind(until_ms)
        .bind(owner)
        .execute(pool)
        .await?;
    Ok(())
}

/// How many mails were sent to `email` since `since` (seconds): the daily cap counts these.
pub async fn sent_to_since(pool: &Pool, email: &str, since: i64) -> Result<i64, StoreError> {
    Ok(db::query_scalar("SELECT COUNT(*) FROM outbox WHERE email = $1 AND status = 'sent' AND sent_at >= $2")
        .bind(email)
        .bind(since)
        .fetch_one(pool)
        .await?)
}

/// The transport accepted the mail.
pub async fn mark_sent(pool: &Pool, id: i64, owner: &str, now: i64) -> Result<(), StoreError> {
    db::query(
        "UPDATE outbox SET status = 'sent', sent_at = $1, lease_owner = NULL, lease_until = NULL
         WHERE id = $2 AND lease_owner = $3",
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
    db::query(
        "UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2,
                lease_owner = NULL, lease_until = NULL
         WHERE id = $3 AND lease_owner = $4",
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
    db::query(
        "UPDATE outbox SET status = 'dropped', last_error = $1, attempts = attempts + 1,
                           lease_owner = NULL, lease_until = NULL
         WHERE id = $2 AND lease_owner = $3",
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
    db::query(
        "UPDATE outbox SET status = 'dropped', last_error = $1, lease_owner = NULL, lease_until = NULL
         WHERE id = $2 AND lease_owner = $3",
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
/// (subscription removed or unconfirmed, comment no longer approved, story no longer published).
pub async fn notify_details(
    pool: &Pool,
    subscription_id: i64,
    comment_id: i64,
) -> Result<Option<NotifyDetails>, StoreError> {
    let row: Option<Details> = db::query_as(concat!(
        "SELECT s.kind, a.title AS article_title, a.slug AS article_slug, c.id AS comment_id, c.author_name,
                c.body, c.parent_id IS NOT NULL AS is_reply
         FROM subscriptions s JOIN comments c ON c.id = $2 AND c.status = 'approved'
         JOIN articles a ON a.id = c.article_id
         WHERE s.id = $1 AND s.confirmed = 1 AND ",
        crate::public!()
    ))
    .bind(subscription_id)
    .bind(comment_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(|d| {
        Some(NotifyDetails {
            kind: d.kind?,
            article_title: d.article_title,
            article_slug: d.article_slug,
            comment_id: d.comment_id,
            author_name: d.author_name,
            body: d.body,
            is_reply: d.is_reply,
        })
    }))
}

/// `NotifyDetails` as read: a subscription of a kind this version does not know sends nothing.
struct Details {
    kind: Option<Kind>,
    article_title: String,
    article_slug: String,
    comment_id: i64,
    author_name: String,
    body: String,
    is_reply: bool,
}
db::from_row!(Details {
    kind: String => |k: String| Kind::parse(&k),
    article_title,
    article_slug,
    comment_id,
    author_name,
    body,
    is_reply,
});

/// The article and kind of a waiting subscription, for its confirmation mail; `None` once it
/// is confirmed or gone (or its story no longer published).
pub async fn confirm_details(
    pool: &Pool,
    subscription_id: i64,
) -> Result<Option<(Kind, String, String)>, StoreError> {
    let row: Option<(String, String, String)> = db::query_as(concat!(
        "SELECT s.kind, a.title, a.slug FROM subscriptions s JOIN articles a ON a.id = s.article_id
         WHERE s.id = $1 AND s.confirmed = 0 AND ",
        crate::public!()
    ))
    .bind(subscription_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(|(kind, title, slug)| Some((Kind::parse(&kind)?, title, slug))))
}
