//! The links mailed to readers: confirm, cancel, unsubscribe, manage. Stored hashed.
use super::*;
use crate::{Pool, StoreError};
use db::Conn;
use domain::notify::{Kind, LinkState, ManagedSubscription};

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
    let token = crate::tokens::random_token() + &crate::tokens::random_token();
    let ttl = match purpose {
        Purpose::Confirm => Some(CONFIRM_TTL_SECONDS),
        Purpose::Manage => Some(MANAGE_TTL_SECONDS),
        // an unsubscribe link works for as long as the mail is kept
        Purpose::Unsubscribe => None,
    };
    db::query(
        "INSERT INTO mail_tokens (hash, purpose, email, subscription_id, article_id, kind, created_at, expires_at, reader_id)
         SELECT $1, $2, $3, $4, s.article_id, s.kind, $5, $6, $7
         FROM (SELECT 1) one LEFT JOIN subscriptions s ON s.id = $4",
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

pub(super) struct TokenRow {
    hash: String,
    email: String,
    subscription_id: Option<i64>,
    article_id: Option<i64>,
    kind: Option<String>,
    expires_at: Option<i64>,
    used_at: Option<i64>,
    reader_id: Option<String>,
}
db::from_row!(TokenRow { hash, email, subscription_id, article_id, kind, expires_at, used_at, reader_id });

pub(super) async fn token(
    conn: &mut Conn,
    purpose: Purpose,
    token: &str,
) -> Result<Option<TokenRow>, db::Error> {
    if token.is_empty() || token.len() > 128 {
        return Ok(None);
    }
    db::query_as(
        "SELECT hash, email, subscription_id, article_id, kind, expires_at, used_at, reader_id
         FROM mail_tokens WHERE hash = $1 AND purpose = $2",
    )
    .bind(token_hash(token))
    .bind(purpose.as_str())
    .fetch_optional(conn)
    .await
}

pub(super) async fn article_title(
    conn: &mut Conn,
    article_id: Option<i64>,
) -> Result<Option<String>, db::Error> {
    let Some(id) = article_id else { return Ok(None) };
    db::query_scalar("SELECT title FROM articles WHERE id = $1").bind(id).fetch_optional(conn).await
}

/// The subscriptions a confirmation token is about: what its browser asked for (waiting, or
/// once the link was used, confirmed).
pub(super) async fn pending_of(
    conn: &mut Conn,
    t: &TokenRow,
    confirmed: bool,
) -> Result<Vec<ManagedSubscription>, db::Error> {
    let rows: Vec<Listed> = db::query_as(
        "SELECT s.id, s.kind, s.confirmed, s.comment_id, a.title, a.slug
         FROM subscriptions s JOIN articles a ON a.id = s.article_id
         WHERE s.email = $1 AND s.confirmed = $2 AND (s.reader_id = $3 OR ($3 IS NULL AND s.id = $4))
         ORDER BY s.id",
    )
    .bind(&t.email)
    .bind(confirmed as i64)
    .bind(&t.reader_id)
    .bind(t.subscription_id)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().filter_map(managed).collect())
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

pub(super) async fn of_email_conn(
    conn: &mut Conn,
    email: &str,
) -> Result<Vec<ManagedSubscription>, db::Error> {
    let rows: Vec<Listed> = db::query_as(
        "SELECT s.id, s.kind, s.confirmed, s.comment_id, a.title, a.slug
         FROM subscriptions s JOIN articles a ON a.id = s.article_id
         WHERE s.email = $1 ORDER BY s.created_at DESC, s.id DESC",
    )
    .bind(email)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().filter_map(managed).collect())
}

pub(super) async fn one(conn: &mut Conn, id: i64) -> Result<Option<ManagedSubscription>, db::Error> {
    let row: Option<Listed> = db::query_as(
        "SELECT s.id, s.kind, s.confirmed, s.comment_id, a.title, a.slug
         FROM subscriptions s JOIN articles a ON a.id = s.article_id WHERE s.id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(row.and_then(managed))
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
    let mut tx = crate::begin(pool).await?;
    let result = confirm_in(&mut tx, raw, now, Some(confirming_reader)).await;
    crate::end(tx, result).await
}

/// The confirmation mail's Cancel: those waiting subscriptions are removed. Single use.
pub async fn cancel(pool: &Pool, raw: &str, now: i64) -> Result<LinkUse, StoreError> {
    let mut tx = crate::begin(pool).await?;
    let result = confirm_in(&mut tx, raw, now, None).await;
    crate::end(tx, result).await
}

pub(super) async fn confirm_in(
    tx: &mut Conn,
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
    db::query("UPDATE mail_tokens SET used_at = $1 WHERE hash = $2")
        .bind(now)
        .bind(&t.hash)
        .execute(&mut *tx)
        .await?;
    // the requests of the browser that asked (tokens from before: the one subscription)
    let which = "email = $1 AND confirmed = 0 AND (reader_id = $2 OR ($2 IS NULL AND id = $3))";
    if let Some(confirming_reader) = accept {
        db::query("UPDATE subscribers SET confirmed_at = COALESCE(confirmed_at, $1) WHERE email = $2")
            .bind(now)
            .bind(&t.email)
            .execute(&mut *tx)
            .await?;
        db::query(
            "INSERT INTO subscriber_readers (email, reader_id, confirmed_at) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
        )
        .bind(&t.email)
        .bind(confirming_reader)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        db::query(db::AssertSqlSafe(format!("UPDATE subscriptions SET confirmed = 1 WHERE {which}")))
            .bind(&t.email)
            .bind(&t.reader_id)
            .bind(t.subscription_id)
            .execute(&mut *tx)
            .await?;
    } else {
        db::query(db::AssertSqlSafe(format!("DELETE FROM subscriptions WHERE {which}")))
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
    let mut tx = crate::begin(pool).await?;
    let result = async {
        let Some(t) = token(&mut tx, Purpose::Unsubscribe, raw).await? else { return Ok(LinkUse::Unknown) };
        if let Some(id) = t.subscription_id {
            // every browser's row of this address for this mail, not only the one it was sent for
            db::query(SAME_SUBSCRIPTION).bind(id).execute(&mut *tx).await?;
        }
        db::query("UPDATE mail_tokens SET used_at = COALESCE(used_at, $1) WHERE hash = $2")
            .bind(now)
            .bind(&t.hash)
            .execute(&mut *tx)
            .await?;
        Ok::<_, StoreError>(if t.used_at.is_some() { LinkUse::AlreadyUsed } else { LinkUse::Done })
    }
    .await;
    crate::end(tx, result).await
}

/// The address a valid "manage" link stands for.
pub async fn manage_email(pool: &Pool, raw: &str, now: i64) -> Result<Option<String>, StoreError> {
    let mut conn = pool.acquire().await?;
    Ok(token(&mut conn, Purpose::Manage, raw)
        .await?
        .filter(|t| t.expires_at.is_none_or(|e| e >= now))
        .map(|t| t.email))
}
