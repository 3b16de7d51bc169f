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
async fn listed(
    conn: &mut Conn,
    query: db::Query<Row>,
    key: &str,
    to_json: impl Fn(&Row) -> Value,
) -> Result<Vec<Value>, db::Error> {
    Ok(query.bind(key).fetch_all(conn).await?.iter().map(to_json).collect())
}

pub(super) async fn export_in(conn: &mut Conn, email: &str, now: i64) -> Result<Value, StoreError> {
    let readers = readers_of(&mut *conn, email).await?;
    let ids = serde_json::to_string(&readers).unwrap_or_default();
    let iso = domain::time::iso8601;
    let comments = db::query(
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
    .iter()
    .map(|r| {
        json!({
            "id": r.get::<i64, _>("id"),
            "article": r.get::<String, _>("slug"),
            "in_reply_to": r.get::<Option<i64>, _>("parent_id"),
            "status": r.get::<String, _>("status"),
            "name": r.get::<String, _>("author_name"),
            "email": r.get::<Option<String>, _>("author_email"),
            "website": r.get::<Option<String>, _>("author_url"),
            "text": r.get::<String, _>("body"),
            "posted_at": iso(r.get("created_at")),
            "edited_at": r.get::<Option<i64>, _>("edited_at").map(iso),
            "network_address_hash": r.get::<Option<String>, _>("ip_hash"),
        })
    })
    .collect::<Vec<_>>();
    let subscriptions = listed(
        &mut *conn,
        db::query(
            "SELECT a.slug, s.kind, s.comment_id, s.confirmed, s.created_at FROM subscriptions s
         JOIN articles a ON a.id = s.article_id WHERE s.email = $1 ORDER BY s.id",
        ),
        email,
        |r| {
            json!({
                "article": r.get::<String, _>("slug"),
                "kind": r.get::<String, _>("kind"),
                "comment": r.get::<Option<i64>, _>("comment_id"),
                "confirmed": r.get::<bool, _>("confirmed"),
                "created_at": iso(r.get("created_at")),
            })
        },
    )
    .await?;
    let votes = listed(
        &mut *conn,
        db::query(
            "SELECT v.comment_id, v.value, v.created_at, v.ip_hash FROM comment_votes v
         WHERE v.reader_id IN (SELECT value FROM json_each($1)) ORDER BY v.created_at",
        )
        .or_postgres(
            "SELECT v.comment_id, v.value, v.created_at, v.ip_hash FROM comment_votes v
         WHERE v.reader_id IN (SELECT value FROM jsonb_array_elements_text($1::jsonb)) ORDER BY v.created_at",
        ),
        &ids,
        |r| {
            json!({
                "comment": r.get::<i64, _>("comment_id"),
                "vote": if r.get::<i64, _>("value") > 0 { "up" } else { "down" },
                "at": iso(r.get("created_at")),
                "network_address_hash": r.get::<Option<String>, _>("ip_hash"),
            })
        },
    )
    .await?;
    let reports = listed(
        &mut *conn,
        db::query(
            "SELECT comment_id, reason, note, created_at, resolved_at, ip_hash FROM reports
         WHERE reader_id IN (SELECT value FROM json_each($1)) ORDER BY created_at",
        )
        .or_postgres(
            "SELECT comment_id, reason, note, created_at, resolved_at, ip_hash FROM reports
         WHERE reader_id IN (SELECT value FROM jsonb_array_elements_text($1::jsonb)) ORDER BY created_at",
        ),
        &ids,
        |r| {
            json!({
                "comment": r.get::<i64, _>("comment_id"),
                "reason": r.get::<String, _>("reason"),
                "note": r.get::<String, _>("note"),
                "at": iso(r.get("created_at")),
                "dealt_with_at": r.get::<Option<i64>, _>("resolved_at").map(iso),
                "network_address_hash": r.get::<Option<String>, _>("ip_hash"),
            })
        },
    )
    .await?;
    let messages = listed(
        &mut *conn,
        db::query("SELECT name, subject, message, created_at, ip_hash FROM contact_messages WHERE email = $1 ORDER BY id"),
        email,
        |r| {
            json!({
                "name": r.get::<String, _>("name"),
                "subject": r.get::<String, _>("subject"),
                "message": r.get::<String, _>("message"),
                "sent_at": iso(r.get("created_at")),
                "network_address_hash": r.get::<Option<String>, _>("ip_hash"),
            })
        },
    )
    .await?;
    let bans = listed(
        &mut *conn,
        db::query("SELECT reason, created_at, expires_at, lifted_at FROM bans WHERE kind = 'email' AND value = $1 ORDER BY id"),
        email,
        |r| {
            json!({
                "reason": r.get::<String, _>("reason"),
                "from": iso(r.get("created_at")),
                "until": r.get::<Option<i64>, _>("expires_at").map(iso),
                "lifted_at": r.get::<Option<i64>, _>("lifted_at").map(iso),
            })
        },
    )
    .await?;
    let mail = listed(
        &mut *conn,
        db::query("SELECT kind, status, created_at, sent_at FROM outbox WHERE email = $1 ORDER BY id"),
        email,
        |r| {
            json!({
                "kind": r.get::<String, _>("kind"),
                "status": r.get::<String, _>("status"),
                "queued_at": iso(r.get("created_at")),
                "sent_at": r.get::<Option<i64>, _>("sent_at").map(iso),
            })
        },
    )
    .await?;
    let requests = listed(
        &mut *conn,
        db::query(
            "SELECT action, created_at, used_at FROM data_requests WHERE email = $1 ORDER BY created_at",
        ),
        email,
        |r| {
            json!({
                "action": r.get::<String, _>("action"),
                "asked_at": iso(r.get("created_at")),
                "used_at": r.get::<Option<i64>, _>("used_at").map(iso),
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
