//! Readers' data (GDPR): a copy of everything stored about an email address, and its erasure.
//! Asked for by mail (a link, confirmed by a button, good once) or done by the desk.
//!
//! Addresses are kept lower-cased (Unicode: `ZOË@x.com` is `zoë@x.com`), so the lookups here
//! compare them as they are; `COLLATE NOCASE` would only fold ASCII.
use crate::server::store::{Pool, StoreError};
use db::Conn;
use db::Row;
use serde_json::{json, Value};

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
    let mut tx = crate::server::store::begin(pool).await?;
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
    crate::server::store::end(tx, result).await
}

/// How long a mailed link works (once).
pub const LINK_SECONDS: i64 = 86_400;

/// A new link token for the mail (only its hash is stored); good once, for a day.
pub async fn new_link(pool: &Pool, email: &str, action: &str, now: i64) -> Result<String, StoreError> {
    let token = crate::server::tokens::random_token();
    db::query(
        "INSERT INTO data_requests (hash, email, action, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(crate::server::store::notify::token_hash(&token))
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
    who: &super::Actor,
    reader_key: impl Fn(&str) -> String,
    now: i64,
) -> Result<LinkUse, StoreError> {
    let mut tx = crate::server::store::begin(pool).await?;
    let result = async {
        let hash = crate::server::store::notify::token_hash(token);
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
        super::audit::record(&mut tx, who, "reader data exported", &reader_target(&key), None, None, now)
            .await?;
        Ok::<_, StoreError>(LinkUse::Exported(data))
    }
    .await;
    crate::server::store::end(tx, result).await
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

/// Everything stored about `email`, as JSON, written to the audit log as `who`'s export (the
/// reader named by `reader_key`, `requester::erased_key`).
pub async fn export_logged(
    pool: &Pool,
    email: &str,
    reader_key: &str,
    who: &super::Actor,
    now: i64,
) -> Result<Value, StoreError> {
    let mut tx = crate::server::store::begin(pool).await?;
    let result = async {
        let data = export_in(&mut tx, email, now).await?;
        super::audit::record(
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
    crate::server::store::end(tx, result).await
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

async fn export_in(conn: &mut Conn, email: &str, now: i64) -> Result<Value, StoreError> {
    let readers = readers_of(&mut *conn, email).await?;
    let ids = serde_json::to_string(&readers).unwrap_or_default();
    let iso = crate::domain::time::iso8601;
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

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Erased {
    pub comments_removed: u64,
    pub comments_kept_as_deleted: u64,
    pub subscriptions: u64,
    pub votes: u64,
    pub reports: u64,
    pub messages: u64,
    pub mail: u64,
}

/// Erases what is stored about `email`: its comments (and those its own browsers wrote without
/// an address, see `readers_of`) without replies are removed; comments with
/// replies stay as "deleted" placeholders without text, name, email, address or browser;
/// subscriptions, tokens, votes and reports by its browsers (and the reports about its
/// comments), contact messages, mail queued or sent to it, and the address in its data
/// requests go. What the audit log recorded about its comments loses its text, and a ban of
/// the address stays in force under `erased_key` (a keyed hash: it still stops the address,
/// nobody can read it). The thread's counts and the votes' scores follow. The audit log keeps
/// that an erasure happened (by `who`), not what was erased.
pub async fn erase(
    pool: &Pool,
    email: &str,
    erased_key: &str,
    who: &super::Actor,
    now: i64,
) -> Result<Erased, StoreError> {
    let mut tx = crate::server::store::begin(pool).await?;
    let result = erase_in(&mut tx, email, erased_key, who, now).await;
    crate::server::store::end(tx, result).await
}

async fn erase_in(
    tx: &mut Conn,
    email: &str,
    erased_key: &str,
    who: &super::Actor,
    now: i64,
) -> Result<Erased, StoreError> {
    let mut out = Erased::default();
    let readers = readers_of(&mut *tx, email).await?;
    let ids = serde_json::to_string(&readers).unwrap_or_default();
    // votes by the address's browsers, then the scores they counted in
    let voted: Vec<i64> = db::query_scalar(
        "DELETE FROM comment_votes WHERE reader_id IN (SELECT value FROM json_each($1)) RETURNING comment_id",
    )
    .or_postgres("DELETE FROM comment_votes WHERE reader_id IN (SELECT value FROM jsonb_array_elements_text($1::jsonb)) RETURNING comment_id")
    .bind(&ids)
    .fetch_all(&mut *tx)
    .await?;
    out.votes = voted.len() as u64;
    for id in &voted {
        crate::server::store::comments::recount_votes(&mut *tx, *id).await?;
    }
    out.reports = db::query("DELETE FROM reports WHERE reader_id IN (SELECT value FROM json_each($1))")
        .or_postgres(
            "DELETE FROM reports WHERE reader_id IN (SELECT value FROM jsonb_array_elements_text($1::jsonb))",
        )
        .bind(&ids)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let comments: Vec<(i64, i64, Option<i64>, String)> = db::query_as(
        "SELECT id, article_id, root_id, status FROM comments
         WHERE author_email = $1 OR (author_email IS NULL AND reader_id IN (SELECT value FROM json_each($2)))
         ORDER BY id DESC",
    )
    .or_postgres("SELECT id, article_id, root_id, status FROM comments
         WHERE author_email = $1 OR (author_email IS NULL AND reader_id IN (SELECT value FROM jsonb_array_elements_text($2::jsonb)))
         ORDER BY id DESC")
    .bind(email)
    .bind(&ids)
    .fetch_all(&mut *tx)
    .await?;
    // what the editors' log kept of their texts, in one statement (`audit_log_target`)
    let targets: Vec<String> = comments.iter().map(|c| format!("comment #{}", c.0)).collect();
    db::query(
        "UPDATE audit_log SET before = NULL, after = NULL
         WHERE target IN (SELECT value FROM json_each($1)) AND action = 'comment edited'",
    )
    .or_postgres("UPDATE audit_log SET before = NULL, after = NULL
         WHERE target IN (SELECT value FROM jsonb_array_elements_text($1::jsonb)) AND action = 'comment edited'")
    .bind(serde_json::to_string(&targets).unwrap_or_default())
    .execute(&mut *tx)
    .await?;
    for (id, article_id, root_id, status) in comments {
        if status == "approved" {
            super::moderate::count_visible(&mut *tx, id, article_id, root_id, -1).await?;
        }
        // what readers said about it
        out.reports += db::query("DELETE FROM reports WHERE comment_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let has_replies: bool =
            db::query_scalar("SELECT EXISTS (SELECT 1 FROM comments WHERE parent_id = $1)")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        if has_replies {
            db::query(
                "UPDATE comments SET status = 'deleted', trashed_at = NULL, author_name = '', author_email = NULL,
                        author_url = NULL, body = '', body_html = '', body_text = '', ip_hash = NULL,
                        reader_id = NULL, pinned = 0, featured = 0
                 WHERE id = $1",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?;
            out.comments_kept_as_deleted += 1;
        } else {
            // an imported comment: remembered as erased, so running the import again does not
            // bring it back
            db::query(
                "INSERT INTO import_forgotten (key)
                 SELECT submission_key FROM comments WHERE id = $1 AND submission_key LIKE 'import:%'
                 ON CONFLICT DO NOTHING",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?;
            db::query("DELETE FROM comments WHERE id = $1").bind(id).execute(&mut *tx).await?;
            out.comments_removed += 1;
        }
    }
    out.subscriptions = db::query("DELETE FROM subscriptions WHERE email = $1")
        .bind(email)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    for sql in [
        "DELETE FROM mail_tokens WHERE email = $1",
        "DELETE FROM subscriber_readers WHERE email = $1",
        "DELETE FROM subscribers WHERE email = $1",
    ] {
        db::query(sql).bind(email).execute(&mut *tx).await?;
    }
    out.mail =
        db::query("DELETE FROM outbox WHERE email = $1").bind(email).execute(&mut *tx).await?.rows_affected();
    out.messages = db::query("DELETE FROM contact_messages WHERE email = $1")
        .bind(email)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    // its links: used up, and without the address
    db::query("UPDATE data_requests SET email = '', used_at = COALESCE(used_at, $1) WHERE email = $2")
        .bind(now)
        .bind(email)
        .execute(&mut *tx)
        .await?;
    // a ban keeps stopping the address without naming it, in the desk and in the log
    db::query("UPDATE bans SET value = $1 WHERE kind = 'email' AND value = $2")
        .bind(erased_key)
        .bind(email)
        .execute(&mut *tx)
        .await?;
    db::query(
        "UPDATE audit_log SET before = REPLACE(before, $1, '(an erased address)'),
                              after = REPLACE(after, $1, '(an erased address)')
         WHERE instr(COALESCE(before, ''), $1) > 0 OR instr(COALESCE(after, ''), $1) > 0",
    )
    .or_postgres(
        "UPDATE audit_log SET before = REPLACE(before, $1, '(an erased address)'),
                              after = REPLACE(after, $1, '(an erased address)')
         WHERE strpos(COALESCE(before, ''), $1) > 0 OR strpos(COALESCE(after, ''), $1) > 0",
    )
    .bind(email)
    .execute(&mut *tx)
    .await?;
    let after = format!(
        "{} comments removed, {} kept as deleted, {} subscriptions, {} votes, {} reports, {} messages, {} mails",
        out.comments_removed,
        out.comments_kept_as_deleted,
        out.subscriptions,
        out.votes,
        out.reports,
        out.messages,
        out.mail
    );
    super::audit::record(
        &mut *tx,
        who,
        "reader data erased",
        &reader_target(erased_key),
        None,
        Some(&after),
        now,
    )
    .await?;
    Ok(out)
}
