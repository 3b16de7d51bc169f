//! Readers' data (GDPR): a copy of everything stored about an email address, and its erasure.
//! Asked for by mail (a link, confirmed by a button) or done by the desk.
use crate::server::store::{Pool, StoreError};
use serde_json::{json, Value};
use sqlx::Row;

/// Whether anything is stored about this address.
pub async fn holds_data(pool: &Pool, email: &str) -> Result<bool, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM comments WHERE author_email = ?1 COLLATE NOCASE)
             OR EXISTS (SELECT 1 FROM subscriptions WHERE email = ?1)
             OR EXISTS (SELECT 1 FROM contact_messages WHERE email = ?1 COLLATE NOCASE)",
    )
    .bind(email)
    .fetch_one(pool)
    .await?)
}

/// Queues the mail with the link, at most once per 10 minutes per address and action.
/// Answers whether a mail was queued.
pub async fn request(pool: &Pool, email: &str, action: &str, now: i64) -> Result<bool, StoreError> {
    let mut tx = crate::server::store::begin(pool).await?;
    let result = async {
        let recent: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM outbox WHERE kind = 'data' AND email = ? AND purpose = ? AND created_at > ?)",
        )
        .bind(email)
        .bind(action)
        .bind(now - 600)
        .fetch_one(&mut *tx)
        .await?;
        if recent {
            return Ok(false);
        }
        sqlx::query("INSERT INTO outbox (kind, email, purpose, created_at, next_attempt_at) VALUES ('data', ?, ?, ?, ?)")
            .bind(email)
            .bind(action)
            .bind(now)
            .bind(now * 1000)
            .execute(&mut *tx)
            .await?;
        Ok::<_, StoreError>(true)
    }
    .await;
    crate::server::store::end(tx, result).await
}

/// A new link token for the mail (only its hash is stored); valid for a day.
pub async fn new_link(pool: &Pool, email: &str, action: &str, now: i64) -> Result<String, StoreError> {
    let token = crate::server::tokens::random_token();
    sqlx::query(
        "INSERT INTO data_requests (hash, email, action, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(crate::server::store::notify::token_hash(&token))
    .bind(email)
    .bind(action)
    .bind(now)
    .bind(now + 86_400)
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
        sqlx::query_as("SELECT email, action, expires_at, used_at FROM data_requests WHERE hash = ?")
            .bind(crate::server::store::notify::token_hash(token))
            .fetch_optional(pool)
            .await?;
    Ok(match row {
        None => Link::Unknown,
        Some((_, _, _, Some(_))) => Link::Used,
        Some((_, _, expires, None)) if expires <= now => Link::Expired,
        Some((email, action, _, None)) => Link::Valid { email, action },
    })
}

pub async fn mark_used(pool: &Pool, token: &str, now: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE data_requests SET used_at = ? WHERE hash = ?")
        .bind(now)
        .bind(crate::server::store::notify::token_hash(token))
        .execute(pool)
        .await?;
    Ok(())
}

/// The browsers (reader cookies) tied to an address: those that wrote its comments, made its
/// subscriptions or confirmed it.
async fn readers_of(conn: &mut sqlx::SqliteConnection, email: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT reader_id FROM comments WHERE author_email = ?1 COLLATE NOCASE AND reader_id IS NOT NULL
         UNION SELECT reader_id FROM subscriptions WHERE email = ?1 AND reader_id IS NOT NULL
         UNION SELECT reader_id FROM subscriber_readers WHERE email = ?1",
    )
    .bind(email)
    .fetch_all(conn)
    .await
}

/// Everything stored about `email`, as JSON.
pub async fn export(pool: &Pool, email: &str, now: i64) -> Result<Value, StoreError> {
    let mut conn = pool.acquire().await?;
    let readers = readers_of(&mut conn, email).await?;
    let ids = serde_json::to_string(&readers).unwrap_or_default();
    let comments = sqlx::query(
        "SELECT c.id, a.slug, c.parent_id, c.status, c.author_name, c.author_email, c.body, c.created_at,
                c.edited_at, c.ip_hash
         FROM comments c JOIN articles a ON a.id = c.article_id
         WHERE c.author_email = ? COLLATE NOCASE ORDER BY c.id",
    )
    .bind(email)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        json!({
            "id": r.get::<i64, _>("id"),
            "article": r.get::<String, _>("slug"),
            "in_reply_to": r.get::<Option<i64>, _>("parent_id"),
            "status": r.get::<String, _>("status"),
            "name": r.get::<String, _>("author_name"),
            "email": r.get::<Option<String>, _>("author_email"),
            "text": r.get::<String, _>("body"),
            "posted_at": crate::domain::time::iso8601(r.get("created_at")),
            "edited_at": r.get::<Option<i64>, _>("edited_at").map(crate::domain::time::iso8601),
            "network_address_hash": r.get::<Option<String>, _>("ip_hash"),
        })
    })
    .collect::<Vec<_>>();
    let subscriptions = sqlx::query(
        "SELECT a.slug, s.kind, s.comment_id, s.confirmed, s.created_at FROM subscriptions s
         JOIN articles a ON a.id = s.article_id WHERE s.email = ? ORDER BY s.id",
    )
    .bind(email)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        json!({
            "article": r.get::<String, _>("slug"),
            "kind": r.get::<String, _>("kind"),
            "comment": r.get::<Option<i64>, _>("comment_id"),
            "confirmed": r.get::<bool, _>("confirmed"),
            "created_at": crate::domain::time::iso8601(r.get("created_at")),
        })
    })
    .collect::<Vec<_>>();
    let votes = sqlx::query(
        "SELECT v.comment_id, v.value, v.created_at FROM comment_votes v
         WHERE v.reader_id IN (SELECT value FROM json_each(?)) ORDER BY v.created_at",
    )
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        json!({
            "comment": r.get::<i64, _>("comment_id"),
            "vote": if r.get::<i64, _>("value") > 0 { "up" } else { "down" },
            "at": crate::domain::time::iso8601(r.get("created_at")),
        })
    })
    .collect::<Vec<_>>();
    let messages = sqlx::query(
        "SELECT subject, message, created_at FROM contact_messages WHERE email = ? COLLATE NOCASE",
    )
    .bind(email)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        json!({
            "subject": r.get::<String, _>("subject"),
            "message": r.get::<String, _>("message"),
            "sent_at": crate::domain::time::iso8601(r.get("created_at")),
        })
    })
    .collect::<Vec<_>>();
    Ok(json!({
        "email": email,
        "exported_at": crate::domain::time::iso8601(now),
        "comments": comments,
        "subscriptions": subscriptions,
        "votes": votes,
        "contact_messages": messages,
        "browsers": readers.len(),
    }))
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Erased {
    pub comments_removed: u64,
    pub comments_kept_as_deleted: u64,
    pub subscriptions: u64,
    pub votes: u64,
    pub messages: u64,
}

/// Erases what is stored about `email`: comments without replies are removed; comments with
/// replies stay as "deleted" placeholders without text, name, email, address or browser;
/// subscriptions, tokens, votes by its browsers, contact messages and queued mail go. The
/// thread's counts and the votes' scores follow. Logged in the audit log as `who`.
pub async fn erase(pool: &Pool, email: &str, who: &super::Actor, now: i64) -> Result<Erased, StoreError> {
    let mut tx = crate::server::store::begin(pool).await?;
    let result = erase_in(&mut tx, email, who, now).await;
    crate::server::store::end(tx, result).await
}

async fn erase_in(
    tx: &mut sqlx::SqliteConnection,
    email: &str,
    who: &super::Actor,
    now: i64,
) -> Result<Erased, StoreError> {
    let mut out = Erased::default();
    let readers = readers_of(&mut *tx, email).await?;
    let ids = serde_json::to_string(&readers).unwrap_or_default();
    // votes by the address's browsers, then the scores they counted in
    let voted: Vec<i64> = sqlx::query_scalar(
        "DELETE FROM comment_votes WHERE reader_id IN (SELECT value FROM json_each(?)) RETURNING comment_id",
    )
    .bind(&ids)
    .fetch_all(&mut *tx)
    .await?;
    out.votes = voted.len() as u64;
    for id in &voted {
        sqlx::query(
            "UPDATE comments SET
                upvotes = imported_up + (SELECT COUNT(*) FROM comment_votes WHERE comment_id = ?1 AND value = 1),
                downvotes = imported_down + (SELECT COUNT(*) FROM comment_votes WHERE comment_id = ?1 AND value = -1),
                score = imported_up - imported_down
                        + (SELECT COALESCE(SUM(value), 0) FROM comment_votes WHERE comment_id = ?1)
             WHERE id = ?1",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    let comments: Vec<(i64, i64, Option<i64>, String)> = sqlx::query_as(
        "SELECT id, article_id, root_id, status FROM comments WHERE author_email = ? COLLATE NOCASE ORDER BY id DESC",
    )
    .bind(email)
    .fetch_all(&mut *tx)
    .await?;
    for (id, article_id, root_id, status) in comments {
        if status == "approved" {
            super::moderate::count_visible(&mut *tx, id, article_id, root_id, -1).await?;
        }
        let has_replies: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM comments WHERE parent_id = ?)")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        if has_replies {
            sqlx::query(
                "UPDATE comments SET status = 'deleted', trashed_at = NULL, author_name = '', author_email = NULL,
                        body = '', body_html = '', body_text = '', ip_hash = NULL, reader_id = NULL, pinned = 0, featured = 0
                 WHERE id = ?",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?;
            out.comments_kept_as_deleted += 1;
        } else {
            // an imported comment: remembered as erased, so running the import again does not
            // bring it back
            sqlx::query(
                "INSERT OR IGNORE INTO import_forgotten (key)
                 SELECT submission_key FROM comments WHERE id = ? AND submission_key LIKE 'import:%'",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM comments WHERE id = ?").bind(id).execute(&mut *tx).await?;
            out.comments_removed += 1;
        }
    }
    out.subscriptions = sqlx::query("DELETE FROM subscriptions WHERE email = ?")
        .bind(email)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    for sql in [
        "DELETE FROM mail_tokens WHERE email = ?",
        "DELETE FROM subscriber_readers WHERE email = ?",
        "DELETE FROM subscribers WHERE email = ?",
        "DELETE FROM outbox WHERE email = ? AND status = 'pending' AND kind <> 'data'",
    ] {
        sqlx::query(sql).bind(email).execute(&mut *tx).await?;
    }
    out.messages = sqlx::query("DELETE FROM contact_messages WHERE email = ? COLLATE NOCASE")
        .bind(email)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let after = format!(
        "{} comments removed, {} kept as deleted, {} subscriptions, {} votes, {} messages",
        out.comments_removed, out.comments_kept_as_deleted, out.subscriptions, out.votes, out.messages
    );
    // the address itself is personal data: the log names it by a short hash
    let target = format!("reader {}", &crate::server::store::notify::token_hash(email)[..12]);
    super::audit::record(&mut *tx, who, "reader data erased", &target, None, Some(&after), now).await?;
    Ok(out)
}
