//! Who follows what: a reader's subscriptions to an article's comments or to replies.
use super::*;
use crate::{Pool, StoreError};
use db::Conn;
use domain::notify::{Kind, ManagedSubscription, SubscriptionView};

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
    let mut tx = crate::begin(pool).await?;
    let result = subscribe_in(&mut tx, article_id, email, kind, comment_id, reader_id, now).await;
    crate::end(tx, result.map_err(StoreError::from)).await
}

pub(super) async fn subscribe_in(
    tx: &mut Conn,
    article_id: i64,
    email: &str,
    kind: Kind,
    comment_id: Option<i64>,
    reader_id: &str,
    now: i64,
) -> Result<Subscribed, db::Error> {
    db::query("INSERT INTO subscribers (email) VALUES ($1) ON CONFLICT (email) DO NOTHING")
        .bind(email)
        .execute(&mut *tx)
        .await?;
    let confirm_sent_at: Option<i64> =
        db::query_scalar("SELECT confirm_sent_at FROM subscribers WHERE email = $1")
            .bind(email)
            .fetch_one(&mut *tx)
            .await?;
    let trusted: bool = db::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM subscriber_readers WHERE email = $1 AND reader_id = $2)",
    )
    .bind(email)
    .bind(reader_id)
    .fetch_one(&mut *tx)
    .await?;
    // the reader's own row; another reader's row for the same address is not touched
    let existing: Option<(i64, bool)> = db::query_as(
        "SELECT id, confirmed FROM subscriptions
         WHERE article_id = $1 AND email = $2 AND kind = $3 AND COALESCE(comment_id, 0) = COALESCE($4, 0)
           AND reader_id = $5",
    )
    .bind(article_id)
    .bind(email)
    .bind(kind.as_str())
    .bind(comment_id)
    .bind(reader_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (id, confirmed) = match existing {
        Some((id, confirmed)) => {
            let confirmed = confirmed || trusted;
            if trusted {
                db::query("UPDATE subscriptions SET confirmed = 1 WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            (id, confirmed)
        }
        None => {
            let id = db::query_scalar::<i64>(
                "INSERT INTO subscriptions (article_id, email, kind, comment_id, reader_id, confirmed, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
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
    let today: i64 = db::query_scalar(
        "SELECT COUNT(*) FROM outbox WHERE kind = 'confirm' AND email = $1 AND created_at >= $2",
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
        db::query("UPDATE subscribers SET confirm_sent_at = $1 WHERE email = $2")
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

pub async fn enqueue(conn: &mut Conn, row: Enqueue<'_>, now: i64) -> Result<(), db::Error> {
    db::query(
        "INSERT INTO outbox (kind, email, subscription_id, comment_id, contact_message_id, reader_id,
                             created_at, next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
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
    let mut tx = crate::begin(pool).await?;
    let result = async {
        // only an address that confirmed something gets these: a waiting request an attacker
        // made is no reason to mail anyone; and one link per 10 minutes is enough (asking again
        // and again must not fill someone's inbox)
        let due: bool = db::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM subscriptions WHERE email = $1 AND confirmed = 1)
                AND NOT EXISTS (SELECT 1 FROM outbox WHERE kind = 'manage' AND email = $1 AND created_at > $2)",
        )
        .bind(email)
        .bind(now - MANAGE_LINK_SECONDS)
        .fetch_one(&mut *tx)
        .await?;
        if due {
            enqueue(&mut tx, Enqueue { kind: "manage", email, ..Default::default() }, now).await?;
        }
        Ok::<_, StoreError>(due)
    }
    .await;
    crate::end(tx, result).await
}

/// At most one manage-link mail per address in this long.
pub const MANAGE_LINK_SECONDS: i64 = 600;

/// Removes the reader's subscriptions of `kind` on the article — and, for an address this
/// browser confirmed, every other browser's row of that address too, so "Unsubscribe" means no
/// more of this mail. Answers how many were removed.
pub async fn unsubscribe_reader(
    pool: &Pool,
    article_id: i64,
    kind: Kind,
    reader_id: &str,
) -> Result<u64, StoreError> {
    let done = db::query(
        "DELETE FROM subscriptions
         WHERE article_id = $1 AND kind = $2
           AND (reader_id = $3
                OR email IN (SELECT s.email FROM subscriptions s
                             JOIN subscriber_readers r ON r.email = s.email AND r.reader_id = $3
                             WHERE s.article_id = $1 AND s.kind = $2 AND s.reader_id = $3))",
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
pub(super) const SAME_SUBSCRIPTION: &str = "DELETE FROM subscriptions
     WHERE (email, article_id, kind, COALESCE(comment_id, 0)) IN
           (SELECT email, article_id, kind, COALESCE(comment_id, 0) FROM subscriptions WHERE id = $1)";

/// The reader's "Notify of" subscriptions on an article.
pub async fn for_reader(
    pool: &Pool,
    article_id: i64,
    reader_id: &str,
) -> Result<Vec<SubscriptionView>, StoreError> {
    let rows: Vec<(String, bool)> = db::query_as(
        "SELECT kind, MAX(confirmed) AS confirmed FROM subscriptions
         WHERE reader_id = $1 AND article_id = $2 AND kind IN ('follow_ups', 'my_replies')
         GROUP BY kind ORDER BY kind",
    )
    .bind(reader_id)
    .bind(article_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(kind, confirmed)| Some(SubscriptionView { kind: Kind::parse(&kind)?, confirmed }))
        .collect())
}

/// Every subscription of an address, for the "Manage my subscriptions" page.
pub async fn of_email(pool: &Pool, email: &str) -> Result<Vec<ManagedSubscription>, StoreError> {
    let mut conn = pool.acquire().await?;
    Ok(of_email_conn(&mut conn, email).await?)
}

/// A subscription as the manage page reads it (`s.id, s.kind, s.confirmed, s.comment_id,
/// a.title, a.slug`).
pub(super) struct Listed {
    id: i64,
    kind: String,
    confirmed: bool,
    comment_id: Option<i64>,
    title: String,
    slug: String,
}
db::from_row!(Listed { id, kind, confirmed, comment_id, title, slug });

/// A subscription of a kind this version does not know is not listed.
pub(super) fn managed(r: Listed) -> Option<ManagedSubscription> {
    Some(ManagedSubscription {
        id: r.id,
        kind: Kind::parse(&r.kind)?,
        confirmed: r.confirmed,
        article_title: r.title,
        article_path: domain::article::article_path(&r.slug),
        comment_id: r.comment_id,
    })
}

/// Removes one subscription of an address (the manage page's "Turn off").
pub async fn remove_of_email(pool: &Pool, email: &str, id: i64) -> Result<bool, StoreError> {
    let owned: bool =
        db::query_scalar("SELECT EXISTS (SELECT 1 FROM subscriptions WHERE id = $1 AND email = $2)")
            .bind(id)
            .bind(email)
            .fetch_one(pool)
            .await?;
    if !owned {
        return Ok(false);
    }
    let done = db::query(SAME_SUBSCRIPTION).bind(id).execute(pool).await?;
    Ok(done.rows_affected() > 0)
}
