//! Staff alerts: a comment held or reported. Staff who chose "at once" get a mail per alert
//! (queued in the same transaction); "hourly" get one digest an hour of what happened.
use crate::{Pool, StoreError};
use db::Conn;

pub async fn raise(conn: &mut Conn, kind: &str, comment_id: i64, now: i64) -> Result<i64, db::Error> {
    let id: i64 = db::query_scalar(
        "INSERT INTO staff_alerts (kind, comment_id, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(kind)
    .bind(comment_id)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    db::query(
        "INSERT INTO outbox (kind, email, comment_id, alert_id, created_at, next_attempt_at)
         SELECT 'staff', email, $1, $2, $3, $4 FROM staff WHERE alerts = 'immediate' AND disabled = 0 AND role <> 'writer'
         ON CONFLICT DO NOTHING",
    )
    .bind(comment_id)
    .bind(id)
    .bind(now)
    .bind(now * 1000)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// Queues the hourly digests that are due: staff on "hourly" whose last digest (or switch to
/// digests) is an hour old, and for whom alerts arrived since. Answers how many were queued.
pub async fn queue_digests(pool: &Pool, now: i64) -> Result<u64, StoreError> {
    // the worker asks at every wake (each comment posted rings it): a read answers "none due"
    // without taking the write lock a post is waiting for
    let any_due: bool = db::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM staff
             WHERE alerts = 'hourly' AND disabled = 0 AND role <> 'writer' AND COALESCE(digest_sent_at, created_at) <= $1 - 3600
               AND digest_alert_id < (SELECT COALESCE(MAX(id), 0) FROM staff_alerts))",
    )
    .bind(now)
    .fetch_one(pool)
    .await?;
    if !any_due {
        return Ok(0);
    }
    let mut tx = crate::begin(pool).await?;
    let result = async {
        let last: i64 =
            db::query_scalar("SELECT COALESCE(MAX(id), 0) FROM staff_alerts").fetch_one(&mut *tx).await?;
        let due: Vec<(i64, String, i64)> = db::query_as(
            "SELECT id, email, digest_alert_id FROM staff
             WHERE alerts = 'hourly' AND disabled = 0 AND role <> 'writer' AND COALESCE(digest_sent_at, created_at) <= $1 - 3600
               AND digest_alert_id < $2",
        )
        .bind(now)
        .bind(last)
        .fetch_all(&mut *tx)
        .await?;
        for (id, email, since) in &due {
            db::query(
                "INSERT INTO outbox (kind, email, since, alert_id, created_at, next_attempt_at)
                 VALUES ('digest', $1, $2, $3, $4, $5)",
            )
            .bind(email)
            .bind(since)
            .bind(last)
            .bind(now)
            .bind(now * 1000)
            .execute(&mut *tx)
            .await?;
            db::query("UPDATE staff SET digest_sent_at = $1, digest_alert_id = $2 WHERE id = $3")
                .bind(now)
                .bind(last)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        Ok::<_, StoreError>(due.len() as u64)
    }
    .await;
    crate::end(tx, result).await
}

/// One alert as a mail tells it.
#[derive(Debug, Clone)]
pub struct AlertLine {
    pub kind: String,
    pub comment_id: i64,
    pub author_name: String,
    pub body: String,
    pub article_title: String,
}

/// One alert (`digest` false: alert `to`), or a digest's (the alerts after id `since` through `to`).
pub async fn lines(pool: &Pool, digest: bool, since: i64, to: i64) -> Result<Vec<AlertLine>, StoreError> {
    let rows: Vec<(String, i64, String, String, String)> = db::query_as(
        "SELECT x.kind, c.id, c.author_name, c.body, a.title FROM staff_alerts x
         JOIN comments c ON c.id = x.comment_id JOIN articles a ON a.id = c.article_id
         WHERE ($1 <> 0 AND x.id > $2 AND x.id <= $3) OR ($1 = 0 AND x.id = $3)
         ORDER BY x.id LIMIT 200",
    )
    .bind(digest)
    .bind(since)
    .bind(to)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(kind, comment_id, author_name, body, article_title)| AlertLine {
            kind,
            comment_id,
            author_name,
            body,
            article_title,
        })
        .collect())
}
