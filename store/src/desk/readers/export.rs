//! A copy of everything stored about an address, as JSON: its comments, subscriptions,
//! votes and reports, and the browsers that are its alone.
use super::*;

/// Everything stored about `email`, as JSON, written to the audit log as `who`'s export (the
/// reader named by `reader_key`, `requester::erased_key`).
pub async fn export_logged(
    pool: &Pool,
    email: &str,
    reader_key: &str,
    who: &crate::desk::Actor,
    now: i64,
) -> Result<Value, StoreError> {
    let mut tx = crate::begin(pool).await?;
    let result = async {
        let data = export_in(&mut tx, email, now).await?;
        crate::desk::audit::record(
            &mut tx,
            who,
            "reader data exported",
            &reader_target(reader_key),
            None,
            None,
            now,
        )
        .await?;
        Ok::<_, StoreError>(data)
    }
    .await;
    crate::end(tx, result).await
}

/// Everything stored about `email`, as JSON: comments, subscriptions, votes and reports by its
/// browsers, contact messages, bans of the address, mail sent to it and its data requests.
pub async fn export(pool: &Pool, email: &str, now: i64) -> Result<Value, StoreError> {
    let mut conn = pool.acquire().await?;
    export_in(&mut conn, email, now).await
}

/// Every row `sql` finds for its one parameter `key`, as `to_json` writes it, in the query's order.
async fn listed<T: db::FromRow>(
    conn: &mut Conn,
    query: db::Query<T>,
    key: &str,
    to_json: impl Fn(T) -> Value,
) -> Result<Vec<Value>, db::Error> {
    Ok(query.bind(key).fetch_all(conn).await?.into_iter().map(to_json).collect())
}

/// A comment as the export lists it.
struct Comment {
    id: i64,
    slug: String,
    parent_id: Option<i64>,
    status: String,
    author_name: String,
    author_email: Option<String>,
    author_url: Option<String>,
    body: String,
    created_at: i64,
    edited_at: Option<i64>,
    ip_hash: Option<String>,
}
db::from_row!(Comment {
    id,
    slug,
    parent_id,
    status,
    author_name,
    author_email,
    author_url,
    body,
    created_at,
    edited_at,
    ip_hash,
});

pub(super) async fn export_in(conn: &mut Conn, email: &str, now: i64) -> Result<Value, StoreError> {
    let readers = readers_of(&mut *conn, email).await?;
    let ids = serde_json::to_string(&readers).unwrap_or_default();
    let iso = domain::time::iso8601;
    let comments = db::query_as::<Comment>(
        "SELECT c.id, a.slug, c.parent_id, c.status, c.author_name, c.author_email, c.author_url, c.body,
                c.created_at, c.edited_at, c.ip_hash
         FROM comments c JOIN articles a ON a.id = c.article_id
         WHERE c.author_email = $1 OR (c.author_email IS NULL AND c.reader_id IN (SELECT value FROM json_each($2)))
         ORDER BY c.id",
    )
    .or_postgres(
        "SELECT c.id, a.slug, c.parent_id, c.status, c.author_name, c.author_email, c.author_url, c.body,
                c.created_at, c.edited_at, c.ip_hash
         FROM comments c JOIN articles a ON a.id = c.article_id
         WHERE c.author_email = $1 OR (c.author_email IS NULL AND c.reader_id IN (SELECT value FROM jsonb_array_elements_text($2::jsonb)))
         ORDER BY c.id",
    )
    .bind(email)
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|c| {
        json!({
            "id": c.id,
            "article": c.slug,
            "in_reply_to": c.parent_id,
            "status": c.status,
            "name": c.author_name,
            "email": c.author_email,
            "website": c.author_url,
            "text": c.body,
            "posted_at": iso(c.created_at),
            "edited_at": c.edited_at.map(iso),
            "network_address_hash": c.ip_hash,
        })
    })
    .collect::<Vec<_>>();
    let subscriptions = listed(
        &mut *conn,
        db::query_as(
            "SELECT a.slug, s.kind, s.comment_id, s.confirmed, s.created_at FROM subscriptions s
         JOIN articles a ON a.id = s.article_id WHERE s.email = $1 ORDER BY s.id",
        ),
        email,
        |(slug, kind, comment, confirmed, at): (String, String, Option<i64>, bool, i64)| {
            json!({
                "article": slug,
                "kind": kind,
                "comment": comment,
                "confirmed": confirmed,
                "created_at": iso(at),
            })
        },
    )
    .await?;
    let votes = listed(
        &mut *conn,
        db::query_as(
            "SELECT v.comment_id, v.value, v.created_at, v.ip_hash FROM comment_votes v
         WHERE v.reader_id IN (SELECT value FROM json_each($1)) ORDER BY v.created_at",
        )
        .or_postgres(
            "SELECT v.comment_id, v.value, v.created_at, v.ip_hash FROM comment_votes v
         WHERE v.reader_id IN (SELECT value FROM jsonb_array_elements_text($1::jsonb)) ORDER BY v.created_at",
        ),
        &ids,
        |(comment, value, at, ip_hash): (i64, i64, i64, Option<String>)| {
            json!({
                "comment": comment,
                "vote": if value > 0 { "up" } else { "down" },
                "at": iso(at),
                "network_address_hash": ip_hash,
            })
        },
    )
    .await?;
    let reports = listed(
        &mut *conn,
        db::query_as(
            "SELECT comment_id, reason, note, created_at, resolved_at, ip_hash FROM reports
         WHERE reader_id IN (SELECT value FROM json_each($1)) ORDER BY created_at",
        )
        .or_postgres(
            "SELECT comment_id, reason, note, created_at, resolved_at, ip_hash FROM reports
         WHERE reader_id IN (SELECT value FROM jsonb_array_elements_text($1::jsonb)) ORDER BY created_at",
        ),
        &ids,
        |(comment, reason, note, at, resolved, ip_hash): (
            i64,
            String,
            String,
            i64,
            Option<i64>,
            Option<String>,
        )| {
            json!({
                "comment": comment,
                "reason": reason,
                "note": note,
                "at": iso(at),
                "dealt_with_at": resolved.map(iso),
                "network_address_hash": ip_hash,
            })
        },
    )
    .await?;
    let messages = listed(
        &mut *conn,
        db::query_as("SELECT name, subject, message, created_at, ip_hash FROM contact_messages WHERE email = $1 ORDER BY id"),
        email,
        |(name, subject, message, at, ip_hash): (String, String, String, i64, Option<String>)| {
            json!({
                "name": name,
                "subject": subject,
                "message": message,
                "sent_at": iso(at),
                "network_address_hash": ip_hash,
            })
        },
    )
    .await?;
    let bans = listed(
        &mut *conn,
        db::query_as("SELECT reason, created_at, expires_at, lifted_at FROM bans WHERE kind = 'email' AND value = $1 ORDER BY id"),
        email,
        |(reason, from, until, lifted): (String, i64, Option<i64>, Option<i64>)| {
            json!({
                "reason": reason,
                "from": iso(from),
                "until": until.map(iso),
                "lifted_at": lifted.map(iso),
            })
        },
    )
    .await?;
    let mail = listed(
        &mut *conn,
        db::query_as("SELECT kind, status, created_at, sent_at FROM outbox WHERE email = $1 ORDER BY id"),
        email,
        |(kind, status, queued, sent): (String, String, i64, Option<i64>)| {
            json!({
                "kind": kind,
                "status": status,
                "queued_at": iso(queued),
                "sent_at": sent.map(iso),
            })
        },
    )
    .await?;
    let requests = listed(
        &mut *conn,
        db::query_as(
            "SELECT action, created_at, used_at FROM data_requests WHERE email = $1 ORDER BY created_at",
        ),
        email,
        |(action, asked, used): (String, i64, Option<i64>)| {
            json!({
                "action": action,
                "asked_at": iso(asked),
                "used_at": used.map(iso),
            })
        },
    )
    .await?;
    Ok(json!({
        "email": email,
        "exported_at": iso(now),
        "comments": comments,
        "subscriptions": subscriptions,
        "votes": votes,
        "reports": reports,
        "contact_messages": messages,
        "bans": bans,
        "mail": mail,
        "data_requests": requests,
        "browsers": readers.len(),
    }))
}
