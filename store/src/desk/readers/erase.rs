//! An address erased: its comments' text and name, its subscriptions, its browsers' traces.
use super::*;

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
    who: &crate::desk::Actor,
    now: i64,
) -> Result<Erased, StoreError> {
    let mut tx = crate::begin(pool).await?;
    let result = erase_in(&mut tx, email, erased_key, who, now).await;
    let erased = crate::end(tx, result).await?;
    // FTS5 marks a comment's old words deleted, but keeps their bytes in its index until its
    // segments merge: merged now, so nothing of the reader's text stays in the file. (On
    // PostgreSQL a comment's words live in its row, rewritten with its text.)
    if pool.backend() == crate::Backend::Sqlite {
        db::query("INSERT INTO search_comments (search_comments) VALUES ('optimize')").execute(pool).await?;
    }
    Ok(erased)
}

pub(super) async fn erase_in(
    tx: &mut Conn,
    email: &str,
    erased_key: &str,
    who: &crate::desk::Actor,
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
        crate::comments::recount_votes(&mut *tx, *id).await?;
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
        if status == domain::CommentStatus::Approved.as_str() {
            crate::desk::moderate::count_visible(&mut *tx, id, article_id, root_id, -1).await?;
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
    crate::desk::audit::record(
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
